import type { Knex } from 'knex';

/**
 * The shared tables of the training areas, created together so that courses, classes,
 * imports and the dashboard agree on one shape from the start. Areas add their own
 * columns and tables in later migrations.
 */
export async function up(knex: Knex): Promise<void> {
  const ts = (t: Knex.CreateTableBuilder) => t.timestamps(true, true);

  await knex.schema.createTable('teachers', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.text('gender').notNullable().checkIn(['male', 'female']);
    t.text('id_number');
    t.text('title').notNullable().defaultTo('');
    t.text('employer').notNullable().defaultTo('');
    t.text('field').notNullable().defaultTo('');
    t.text('phone').notNullable().defaultTo('');
    t.text('intro').notNullable().defaultTo('');
    ts(t);
    t.index(['institution_id', 'id']);
  });
  await knex.raw(
    'CREATE UNIQUE INDEX teachers_institution_id_number ON teachers (institution_id, id_number) WHERE id_number IS NOT NULL',
  );

  await knex.schema.createTable('courses', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.text('subject_type').notNullable().checkIn(['public', 'professional']);
    t.text('specialty').notNullable().defaultTo('');
    t.decimal('hours', 6, 1).notNullable();
    t.text('delivery').notNullable().checkIn(['onsite', 'online']);
    t.text('intro').notNullable().defaultTo('');
    ts(t);
    t.unique(['institution_id', 'name']);
  });
  await knex.schema.createTable('course_teachers', (t) => {
    t.bigInteger('course_id').notNullable().references('courses.id').onDelete('CASCADE');
    t.bigInteger('teacher_id').notNullable().references('teachers.id');
    t.primary(['course_id', 'teacher_id']);
  });

  await knex.schema.createTable('training_sites', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.text('region_code').notNullable();
    t.text('address').notNullable();
    t.integer('capacity').notNullable();
    t.text('contact_name').notNullable();
    t.text('contact_phone').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    ts(t);
    t.unique(['institution_id', 'name']);
  });

  await knex.schema.createTable('online_platforms', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.text('url').notNullable();
    t.text('operator').notNullable();
    t.text('contact_name').notNullable();
    t.text('contact_phone').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    // Only a hash is kept: the key is shown once when generated.
    t.text('access_key_hash');
    t.text('access_key_hint');
    t.timestamp('key_rotated_at', { useTz: true });
    ts(t);
    t.unique(['institution_id', 'name']);
  });

  await knex.schema.createTable('training_classes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.integer('training_year').notNullable();
    t.text('subject_type').notNullable().checkIn(['public', 'professional']);
    t.text('specialty').notNullable().defaultTo('');
    t.date('start_date').notNullable();
    t.date('end_date').notNullable();
    t.bigInteger('site_id').references('training_sites.id');
    t.integer('planned_count').notNullable();
    t.text('contact_name').notNullable();
    t.text('contact_phone').notNullable();
    t.bigInteger('reviewer_org_id').references('reviewer_orgs.id');
    t.text('outcome_mode').notNullable().checkIn(['with_declaration', 'after_approval']);
    t.text('status')
      .notNullable()
      .defaultTo('draft')
      .checkIn(['draft', 'pending', 'approved', 'rejected', 'withdrawn', 'closed']);
    t.decimal('total_hours', 7, 1).notNullable().defaultTo(0);
    t.boolean('outcomes_reported').notNullable().defaultTo(false);
    t.bigInteger('created_by').references('users.id');
    t.timestamp('submitted_at', { useTz: true });
    t.timestamp('approved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    ts(t);
    t.index(['institution_id', 'status', 'id']);
    t.index(['institution_id', 'training_year']);
  });
  await knex.schema.createTable('class_courses', (t) => {
    t.bigInteger('class_id').notNullable().references('training_classes.id').onDelete('CASCADE');
    t.bigInteger('course_id').notNullable().references('courses.id');
    t.primary(['class_id', 'course_id']);
  });
  await knex.schema.createTable('class_attachments', (t) => {
    t.bigInteger('class_id').notNullable().references('training_classes.id').onDelete('CASCADE');
    t.uuid('file_id').notNullable().references('files.id');
    t.primary(['class_id', 'file_id']);
  });

  await knex.schema.createTable('class_members', (t) => {
    t.bigIncrements('id');
    t.bigInteger('class_id').notNullable().references('training_classes.id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.text('id_number').notNullable();
    t.text('phone').notNullable().defaultTo('');
    t.text('employer').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['class_id', 'id_number']);
  });

  // Outcomes of a class (hours and result per member). With mode with_declaration they
  // wait here for the review; once approved they are copied to training_records.
  await knex.schema.createTable('outcomes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('class_id').notNullable().references('training_classes.id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('id_number').notNullable();
    t.text('name').notNullable();
    t.decimal('hours', 6, 1).notNullable();
    t.text('result').notNullable().checkIn(['pass', 'fail']);
    t.text('source').notNullable().defaultTo('manual');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['class_id', 'id_number']);
  });

  // 培训档案: the permanent record. source_key says what the row means (class+person,
  // platform+person+course+year) so that retried writes land exactly once.
  await knex.schema.createTable('training_records', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('id_number').notNullable();
    t.text('name').notNullable();
    t.text('delivery').notNullable().checkIn(['onsite', 'online']);
    t.bigInteger('class_id').references('training_classes.id');
    t.bigInteger('platform_id').references('online_platforms.id');
    t.text('course_name').notNullable().defaultTo('');
    t.integer('training_year').notNullable();
    t.text('subject_type').notNullable().checkIn(['public', 'professional']);
    t.decimal('hours', 6, 1).notNullable();
    t.text('result').notNullable().checkIn(['pass', 'fail']);
    t.text('source_key').notNullable().unique();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['institution_id', 'id_number']);
    t.index(['institution_id', 'training_year']);
  });

  // One row per thing awaiting a reviewer: the projection the workbench lists.
  await knex.schema.createTable('review_items', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable().checkIn(['institution', 'class_declaration', 'base', 'annual_review']);
    t.text('workflow_id').notNullable();
    t.integer('round').notNullable();
    t.bigInteger('subject_id').notNullable();
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.bigInteger('org_id').notNullable().references('reviewer_orgs.id');
    t.text('title').notNullable();
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'approved', 'rejected', 'withdrawn']);
    t.boolean('overdue').notNullable().defaultTo(false);
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true });
    t.bigInteger('decided_by').references('users.id');
    t.text('reason');
    t.unique(['workflow_id', 'round']);
    t.index(['org_id', 'status', 'submitted_at']);
    t.index(['institution_id', 'kind']);
  });

  // Every workflow the platform started, for the auditor's list; histories copied here
  // when a workflow closes outlive Temporal's retention.
  await knex.schema.createTable('workflow_runs', (t) => {
    t.text('workflow_id').primary();
    t.text('type').notNullable();
    t.text('business_key').notNullable();
    t.bigInteger('institution_id').references('institutions.id');
    t.text('status').notNullable().defaultTo('running');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.index(['type', 'status']);
  });
  await knex.schema.createTable('workflow_histories', (t) => {
    t.bigIncrements('id');
    t.text('workflow_id').notNullable();
    t.text('run_id').notNullable();
    t.jsonb('history').notNullable();
    t.timestamp('copied_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('keep_until', { useTz: true }).notNullable();
    t.unique(['workflow_id', 'run_id']);
  });

  await knex.schema.createTable('import_jobs', (t) => {
    t.uuid('id').primary();
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('type')
      .notNullable()
      .checkIn(['class_members', 'onsite_outcomes', 'online_outcomes', 'courses', 'teachers', 'declaration_outcomes']);
    t.uuid('file_id').notNullable().references('files.id');
    t.text('file_name').notNullable();
    t.bigInteger('class_id').references('training_classes.id');
    t.bigInteger('platform_id').references('online_platforms.id');
    t.text('status').notNullable().defaultTo('queued').checkIn(['queued', 'running', 'succeeded', 'failed']);
    t.integer('rows_read').notNullable().defaultTo(0);
    t.integer('rows_valid').notNullable().defaultTo(0);
    t.integer('rows_failed').notNullable().defaultTo(0);
    t.uuid('success_file_id').references('files.id');
    t.uuid('failure_file_id').references('files.id');
    t.text('error');
    t.text('upload_key').unique();
    t.bigInteger('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.index(['institution_id', 'type', 'created_at']);
  });

  await knex.schema.createTable('export_jobs', (t) => {
    t.uuid('id').primary();
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('type').notNullable().checkIn(['class_members']);
    t.bigInteger('class_id').references('training_classes.id');
    t.text('status').notNullable().defaultTo('queued').checkIn(['queued', 'running', 'succeeded', 'failed', 'expired']);
    t.integer('rows_written').notNullable().defaultTo(0);
    t.uuid('file_id').references('files.id');
    t.text('error');
    t.bigInteger('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.index(['institution_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'export_jobs', 'import_jobs', 'workflow_histories', 'workflow_runs', 'review_items', 'training_records',
    'outcomes', 'class_members', 'class_attachments', 'class_courses', 'training_classes', 'online_platforms',
    'training_sites', 'course_teachers', 'courses', 'teachers',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
}
