import type { Knex } from 'knex';

/**
 * Accounts, organisations, sessions, files and the append-only audit log: what every
 * area stands on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reviewer_orgs', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    t.text('kind').notNullable().checkIn(['hr_bureau', 'industry_authority']);
    // hr_bureau: the region code it reviews ('350000' is the province bureau);
    // industry_authority: null (chosen by the institution on a declaration).
    t.text('region_code');
    t.text('industry');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('institutions', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('credit_code').notNullable().unique();
    t.text('type').notNullable();
    t.text('region_code').notNullable();
    t.text('address').notNullable();
    t.text('head_name').notNullable();
    t.text('contact_name').notNullable();
    t.text('contact_phone').notNullable();
    t.text('email').notNullable();
    t.jsonb('training_scope').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'active', 'rejected', 'withdrawn']);
    t.boolean('needs_completion').notNullable().defaultTo(false);
    t.boolean('is_base').notNullable().defaultTo(false);
    t.bigInteger('applicant_user_id');
    t.timestamp('approved_at', { useTz: true });
    t.timestamps(true, true);
  });

  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.text('login_name').notNullable().unique();
    t.text('id_number').unique();
    t.text('name').notNullable();
    t.text('phone').unique();
    t.text('password_hash').notNullable();
    t.text('role')
      .notNullable()
      .checkIn(['applicant', 'institution_admin', 'sub_admin', 'reviewer', 'auditor', 'platform_admin']);
    t.bigInteger('institution_id').references('institutions.id');
    t.bigInteger('org_id').references('reviewer_orgs.id');
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'disabled']);
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamps(true, true);
    t.index(['institution_id']);
  });
  await knex.schema.alterTable('institutions', (t) => {
    t.foreign('applicant_user_id').references('users.id');
  });

  await knex.schema.createTable('roles', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('institutions.id');
    t.text('name').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.specificType('permissions', 'text[]').notNullable().defaultTo('{}');
    t.timestamps(true, true);
    t.unique(['institution_id', 'name']);
  });
  await knex.schema.createTable('user_roles', (t) => {
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('role_id').notNullable().references('roles.id').onDelete('CASCADE');
    t.primary(['user_id', 'role_id']);
  });

  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['user_id']);
  });

  await knex.schema.createTable('captchas', (t) => {
    t.uuid('id').primary();
    t.text('answer').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });

  await knex.schema.createTable('sms_codes', (t) => {
    t.bigIncrements('id');
    t.text('phone').notNullable();
    t.text('purpose').notNullable();
    t.text('code').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['phone', 'purpose']);
  });

  await knex.schema.createTable('sms_outbox', (t) => {
    t.bigIncrements('id');
    t.text('phone').notNullable();
    t.text('text').notNullable();
    t.text('dedupe_key').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('files', (t) => {
    t.uuid('id').primary();
    t.bigInteger('institution_id').references('institutions.id');
    t.bigInteger('owner_user_id').references('users.id');
    t.text('name').notNullable();
    t.text('mime').notNullable();
    t.bigInteger('size').notNullable();
    t.binary('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('user_id');
    t.text('login');
    t.text('ip');
    t.text('event').notNullable();
    t.text('result').notNullable();
    t.bigInteger('institution_id');
    t.bigInteger('org_id');
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.index(['event', 'ip', 'at']);
    t.index(['user_id', 'at']);
  });
  // The audit log is evidence: the database itself refuses to change or remove a row.
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['audit_log', 'files', 'sms_outbox', 'sms_codes', 'captchas', 'sessions', 'user_roles', 'roles']) {
    await knex.schema.dropTableIfExists(t);
  }
  await knex.schema.alterTable('institutions', (t) => t.dropForeign(['applicant_user_id']));
  await knex.schema.dropTableIfExists('users');
  await knex.schema.dropTableIfExists('institutions');
  await knex.schema.dropTableIfExists('reviewer_orgs');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
}
