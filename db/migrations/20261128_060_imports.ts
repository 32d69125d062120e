import type { Knex } from 'knex';

/**
 * Import and export jobs. Rows an import writes carry its job id, so a resumed run can
 * tell its own earlier commits (valid rows) from rows that were there before it
 * (duplicates) — the check that makes a retried batch land exactly once and report the
 * same result file both times.
 */
const TAGGED = ['class_members', 'outcomes', 'courses', 'teachers', 'training_records'];

export async function up(knex: Knex): Promise<void> {
  for (const t of TAGGED) {
    // Nullable, no default, no foreign key: a metadata-only change on big tables.
    await knex.schema.alterTable(t, (b) => b.uuid('import_job_id'));
  }
  await knex.schema.alterTable('import_jobs', (t) => {
    /** Row number the last crashed attempt had committed up to, when a run resumed. */
    t.integer('resumed_from_row');
    t.integer('attempts').notNullable().defaultTo(0);
    /** Rows the file holds (counted before parsing), for the progress bar. */
    t.integer('rows_total');
    t.timestamp('started_at', { useTz: true });
  });
  await knex.schema.alterTable('export_jobs', (t) => {
    t.text('file_name');
    t.integer('rows_total');
    t.timestamp('started_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('export_jobs', (t) => {
    t.dropColumn('file_name');
    t.dropColumn('rows_total');
    t.dropColumn('started_at');
  });
  await knex.schema.alterTable('import_jobs', (t) => {
    t.dropColumn('resumed_from_row');
    t.dropColumn('attempts');
    t.dropColumn('rows_total');
    t.dropColumn('started_at');
  });
  for (const t of TAGGED) await knex.schema.alterTable(t, (b) => b.dropColumn('import_job_id'));
}
