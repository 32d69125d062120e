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
  await knex.schema.alterTable('import_jobs', (t) => t.dropColumn('files_expired_at'));
}
