import type { Knex } from 'knex';

/**
 * Class declarations and their outcomes: the fields a 专业科目 declaration adds, outcome
 * reports (manual 2.2) whose rows wait here until the class workflow writes them to
 * 培训档案, and the indexes the 培训人员 search and the class pages read by.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('training_classes', (t) => {
    // 专业科目: the 职称系列 the specialty belongs to (专业 itself is `specialty`).
    t.text('series').notNullable().defaultTo('');
    t.text('intro').notNullable().defaultTo('');
  });

  await knex.schema.createTable('outcome_reports', (t) => {
    t.uuid('id').primary();
    t.bigInteger('class_id').notNullable().references('training_classes.id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'written']);
    t.integer('rows').notNullable();
    t.integer('written').notNullable().defaultTo(0);
    t.bigInteger('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('written_at', { useTz: true });
    t.index(['class_id', 'created_at']);
  });
  await knex.schema.alterTable('outcomes', (t) => {
    // null: attached to the declaration (同步上报); else the report that brought it.
    t.uuid('report_id').references('outcome_reports.id');
    t.index(['report_id']);
  });

  // 培训人员 search: prefix search on name and ID number within one institution, and the
  // person list walks (institution, id_number) in order so a page stops early.
  await knex.raw('CREATE INDEX training_records_inst_name ON training_records (institution_id, name text_pattern_ops)');
  await knex.raw('CREATE INDEX training_records_inst_id_prefix ON training_records (institution_id, id_number text_pattern_ops)');
  await knex.raw('CREATE INDEX training_records_inst_year_id ON training_records (institution_id, training_year, id_number)');
  await knex.raw('CREATE INDEX training_records_class ON training_records (class_id) WHERE class_id IS NOT NULL');
  await knex.raw('CREATE INDEX class_members_inst_id ON class_members (institution_id, id_number)');
  await knex.raw('CREATE INDEX class_members_inst_id_prefix ON class_members (institution_id, id_number text_pattern_ops)');
  await knex.raw('CREATE INDEX class_members_inst_name ON class_members (institution_id, name text_pattern_ops)');
  await knex.raw('CREATE INDEX training_classes_inst_year_id ON training_classes (institution_id, training_year, id)');
}

export async function down(knex: Knex): Promise<void> {
  for (const ix of [
    'training_classes_inst_year_id', 'class_members_inst_name', 'class_members_inst_id_prefix', 'class_members_inst_id',
    'training_records_class', 'training_records_inst_year_id', 'training_records_inst_id_prefix', 'training_records_inst_name',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${ix}`);
  }
  await knex.schema.alterTable('outcomes', (t) => t.dropColumn('report_id'));
  await knex.schema.dropTableIfExists('outcome_reports');
  await knex.schema.alterTable('training_classes', (t) => {
    t.dropColumn('series');
    t.dropColumn('intro');
  });
}
