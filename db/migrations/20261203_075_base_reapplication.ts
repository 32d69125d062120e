import type { Knex } from 'knex';

/**
 * A revoked base may apply again: an institution keeps every application it made (the
 * old ones are the paper trail of the revocation) but has at most one that is not
 * revoked. Each application names its own workflow; the first one of an institution
 * keeps the id it always had.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('base_applications', (t) => {
    t.dropUnique(['institution_id']);
    t.text('workflow_id');
  });
  await knex.raw("update base_applications set workflow_id = 'base-application:' || institution_id");
  await knex.schema.alterTable('base_applications', (t) => {
    t.text('workflow_id').notNullable().alter();
    t.unique(['workflow_id']);
    t.index(['institution_id', 'id']);
  });
  await knex.raw("create unique index base_applications_one_live on base_applications (institution_id) where status <> 'revoked'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index base_applications_one_live');
  await knex.schema.alterTable('base_applications', (t) => {
    t.dropIndex(['institution_id', 'id']);
    t.dropUnique(['workflow_id']);
    t.dropColumn('workflow_id');
    t.unique(['institution_id']);
  });
}
