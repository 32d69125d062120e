import type { Db } from './knex';
import { isUuid } from './imports';

/** Export jobs of one institution (导出任务查看). */

export async function findExportJob(db: Db, institutionId: number, id: unknown) {
  if (!isUuid(id)) return null;
  return (
    (await db('export_jobs as j')
      .leftJoin('users as u', 'u.id', 'j.created_by')
      .leftJoin('training_classes as c', 'c.id', 'j.class_id')
      .where({ 'j.id': id, 'j.institution_id': institutionId })
      .first('j.*', 'u.name as user_name', 'c.name as class_name')) ?? null
  );
}

export function exportJobsQuery(db: Db, institutionId: number) {
  return db('export_jobs as j')
    .leftJoin('users as u', 'u.id', 'j.created_by')
    .leftJoin('training_classes as c', 'c.id', 'j.class_id')
    .where({ 'j.institution_id': institutionId })
    .orderBy('j.created_at', 'desc')
    .orderBy('j.id', 'desc')
    .select(
      'j.id', 'j.type', 'j.status', 'j.rows_written', 'j.rows_total', 'j.file_id', 'j.file_name', 'j.error', 'j.created_at', 'j.finished_at',
      'j.expires_at', 'u.name as user_name', 'c.name as class_name',
    );
}
