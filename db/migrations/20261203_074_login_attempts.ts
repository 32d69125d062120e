import type { Knex } from 'knex';

/**
 * Sign-in attempts per address, counted before the password is checked so a burst of
 * parallel guesses from one address cannot all slip under the per-address limit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_attempts', (t) => {
    t.bigIncrements('id');
    t.text('ip').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    // pending while the password is checked; failure for a wrong login or password; passed otherwise.
    t.text('outcome').notNullable().defaultTo('pending');
    t.index(['ip', 'at']);
  });
  await knex.raw("alter table login_attempts add constraint login_attempts_outcome check (outcome in ('pending', 'failure', 'passed'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_attempts');
}
