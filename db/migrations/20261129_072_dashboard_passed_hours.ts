import type { Knex } from 'knex';

/**
 * 培训学时 on the dashboard counts passed records only (a 不合格 result earns no hours, as
 * on a trainee's own page), so the covering index carries the result too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS training_records_dashboard');
  await knex.raw(
    'CREATE INDEX training_records_dashboard ON training_records (institution_id, training_year, subject_type) INCLUDE (hours, id_number, result)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS training_records_dashboard');
  await knex.raw(
    'CREATE INDEX training_records_dashboard ON training_records (institution_id, training_year, subject_type) INCLUDE (hours, id_number)',
  );
}
