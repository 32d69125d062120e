import type { Knex } from 'knex';

/**
 * An import's files (the upload and its 成功数据 / 失败数据) hold names, ID numbers and
 * phones: they are deleted after the retention time, and the job keeps its counts and
 * says when its files went.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('import_jobs', (t) => {
    t.uuid('file_id').nullable().alter();
    t.timestamp('files_expired_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  // The upload of an expired job is gone for good: file_id cannot be required again while
  // such jobs exist, and inventing a file would be worse than refusing the rollback.
  const expired = await knex('import_jobs').whereNull('file_id').first('id');
  if (expired) throw new Error('import_jobs holds jobs whose files expired: file_id cannot be made NOT NULL again');
  await knex.schema.alterTable('import_jobs', (t) => {
    t.dropColumn('files_expired_at');
    t.uuid('file_id').notNullable().alter();
  });
}
