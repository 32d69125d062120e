import type { Knex } from 'knex';

/**
 * What the reviewer saw when deciding a round (its fields, attachment list and kind's
 * extras), so an earlier round or an approved item still shows what was decided after the
 * applicant amends or edits the subject.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('review_items', (t) => t.jsonb('snapshot'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('review_items', (t) => t.dropColumn('snapshot'));
}
