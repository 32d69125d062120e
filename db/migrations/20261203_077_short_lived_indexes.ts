import type { Knex } from 'knex';

/** The housekeeping sweep finds expired captchas, SMS codes, old sign-in attempts and revoked sessions by time. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('captchas', (t) => t.index(['expires_at']));
  await knex.schema.alterTable('sms_codes', (t) => t.index(['expires_at']));
  await knex.schema.alterTable('login_attempts', (t) => t.index(['at']));
  await knex.schema.alterTable('sessions', (t) => t.index(['revoked_at']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('captchas', (t) => t.dropIndex(['expires_at']));
  await knex.schema.alterTable('sms_codes', (t) => t.dropIndex(['expires_at']));
  await knex.schema.alterTable('login_attempts', (t) => t.dropIndex(['at']));
  await knex.schema.alterTable('sessions', (t) => t.dropIndex(['revoked_at']));
}
