import type { Knex } from 'knex';

/**
 * 年审报告: one row per base per year, opened by the annual-review workflow. The figures
 * are what the platform counted for that year when the report was saved; the comment
 * and the other texts are the base's own words.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('annual_reviews', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.bigInteger('application_id').notNullable().references('base_applications.id');
    t.bigInteger('org_id').notNullable().references('reviewer_orgs.id');
    t.integer('year').notNullable();
    // open: waiting for the report; pending: submitted, waiting for the grade;
    // returned: sent back for amendment; graded: done; missed: never submitted;
    // cancelled: the base was revoked first.
    t.text('status').notNullable().defaultTo('open').checkIn(['open', 'pending', 'returned', 'graded', 'missed', 'cancelled']);
    t.text('grade').checkIn(['excellent', 'pass', 'fail']);
    t.text('grade_reason');
    t.bigInteger('graded_by').references('users.id');
    t.timestamp('graded_at', { useTz: true });
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.timestamp('deadline_at', { useTz: true }).notNullable();
    t.timestamp('reminded_at', { useTz: true });
    t.boolean('overdue').notNullable().defaultTo(false);
    t.integer('classes_count');
    t.integer('trainees_count');
    t.integer('person_times');
    t.decimal('hours_total', 12, 1);
    t.text('training_comment');
    t.text('conditions_change');
    t.text('problems');
    t.timestamp('submitted_at', { useTz: true });
    t.bigInteger('submitted_by').references('users.id');
    t.timestamps(true, true);
    t.unique(['institution_id', 'year']);
    t.index(['org_id', 'status', 'year']);
    t.index(['org_id', 'overdue']);
  });

  await knex.schema.createTable('annual_review_files', (t) => {
    t.bigInteger('annual_review_id').notNullable().references('annual_reviews.id').onDelete('CASCADE');
    t.uuid('file_id').notNullable().references('files.id');
    t.primary(['annual_review_id', 'file_id']);
  });

  // 各年度培训数据 on the dashboard: per institution and year, split by subject type,
  // answered from the index alone (hours and person are in it).
  await knex.raw(
    'CREATE INDEX training_records_dashboard ON training_records (institution_id, training_year, subject_type) INCLUDE (hours, id_number)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS training_records_dashboard');
  await knex.schema.dropTableIfExists('annual_review_files');
  await knex.schema.dropTableIfExists('annual_reviews');
}
