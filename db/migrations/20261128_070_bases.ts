import type { Knex } from 'knex';

/**
 * 继续教育基地: one application per institution (amended in place after a return),
 * its attachments, and the revocation facts (who, when, why). The institution's
 * is_base flag stays the one switch the menus read; this table is its paper trail.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('base_applications', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().unique().references('institutions.id');
    // The HR bureau of the institution's region at submission: the reviewer of the
    // application, of every annual report, and the one who may revoke.
    t.bigInteger('org_id').notNullable().references('reviewer_orgs.id');
    t.text('name').notNullable();
    t.text('base_type').notNullable();
    t.text('field').notNullable();
    t.text('facilities').notNullable();
    t.integer('full_time_teachers').notNullable();
    t.integer('part_time_teachers').notNullable();
    t.integer('annual_capacity').notNullable();
    t.text('recent_training').notNullable();
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'approved', 'rejected', 'withdrawn', 'revoked']);
    t.bigInteger('applied_by').notNullable().references('users.id');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('approved_at', { useTz: true });
    // Two consecutive 不合格 years: shown on the reviewer's queue as a revocation proposal.
    t.boolean('flagged').notNullable().defaultTo(false);
    t.text('flag_reason');
    t.timestamp('flagged_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.bigInteger('revoked_by').references('users.id');
    t.text('revoke_reason');
    t.timestamps(true, true);
    t.index(['org_id', 'status', 'id']);
    t.index(['org_id', 'flagged']);
  });

  await knex.schema.createTable('base_application_files', (t) => {
    t.bigInteger('application_id').notNullable().references('base_applications.id').onDelete('CASCADE');
    t.uuid('file_id').notNullable().references('files.id');
    t.primary(['application_id', 'file_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('base_application_files');
  await knex.schema.dropTableIfExists('base_applications');
}
