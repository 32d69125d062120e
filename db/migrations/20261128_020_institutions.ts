import type { Knex } from 'knex';

/**
 * Institution application and profile: licence scans and other attachments of an
 * institution (申请 and 机构信息管理), and the indexes the reviewer queue and the
 * auditor's workflow list read by.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('institution_attachments', (t) => {
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.uuid('file_id').notNullable().references('files.id');
    t.bigInteger('added_by').references('users.id');
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['institution_id', 'file_id']);
  });
  // Two applications for one institution race on the credit code (unique already); one
  // applicant may hold only one institution, whatever its status.
  await knex.raw('CREATE UNIQUE INDEX institutions_one_per_applicant ON institutions (applicant_user_id) WHERE applicant_user_id IS NOT NULL');
  await knex.schema.alterTable('review_items', (t) => {
    t.index(['org_id', 'kind', 'status', 'submitted_at']);
  });
  await knex.schema.alterTable('workflow_runs', (t) => {
    t.index(['started_at']);
    t.index(['institution_id', 'started_at']);
    t.index(['status', 'closed_at']);
  });
  // The run's close time: the archiver resumes from the latest one it copied.
  await knex.schema.alterTable('workflow_histories', (t) => {
    t.timestamp('closed_at', { useTz: true });
    t.index(['closed_at']);
    t.index(['keep_until']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflow_histories', (t) => {
    t.dropIndex(['keep_until']);
    t.dropIndex(['closed_at']);
    t.dropColumn('closed_at');
  });
  await knex.schema.alterTable('workflow_runs', (t) => {
    t.dropIndex(['started_at']);
    t.dropIndex(['institution_id', 'started_at']);
    t.dropIndex(['status', 'closed_at']);
  });
  await knex.schema.alterTable('review_items', (t) => t.dropIndex(['org_id', 'kind', 'status', 'submitted_at']));
  await knex.raw('DROP INDEX IF EXISTS institutions_one_per_applicant');
  await knex.schema.dropTableIfExists('institution_attachments');
}
