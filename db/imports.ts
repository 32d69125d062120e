import type { Knex } from 'knex';
import type { Db } from './knex';

/**
 * Import jobs, always read within one institution: another institution's job is simply
 * not found. The list pages read these rows only (never the workflow).
 */
export interface ImportJobRow {
  id: string;
  institution_id: number;
  type: string;
  /** The upload; null once the job's files have expired. */
  file_id: string | null;
  file_name: string;
  class_id: number | null;
  platform_id: number | null;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  rows_total: number | null;
  rows_read: number;
  rows_valid: number;
  rows_failed: number;
  success_file_id: string | null;
  failure_file_id: string | null;
  error: string | null;
  resumed_from_row: number | null;
  created_by: number;
  created_at: Date;
  finished_at: Date | null;
  files_expired_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);


/** The job with what its page shows beside it: who uploaded it, its class or platform. */
export async function findImportJob(db: Db, institutionId: number, id: unknown) {
  if (!isUuid(id)) return null;
  const row = await db('import_jobs as j')
    .leftJoin('users as u', 'u.id', 'j.created_by')
    .leftJoin('training_classes as c', 'c.id', 'j.class_id')
    .leftJoin('online_platforms as p', 'p.id', 'j.platform_id')
    .where({ 'j.id': id, 'j.institution_id': institutionId })
    .first('j.*', 'u.name as user_name', 'c.name as class_name', 'p.name as platform_name');
  return (row ?? null) as (ImportJobRow & { user_name: string; class_name: string | null; platform_name: string | null }) | null;
}

export function importJobsQuery(db: Db, institutionId: number, type: string) {
  return db('import_jobs as j')
    .leftJoin('users as u', 'u.id', 'j.created_by')
    .leftJoin('training_classes as c', 'c.id', 'j.class_id')
    .leftJoin('online_platforms as p', 'p.id', 'j.platform_id')
    .where({ 'j.institution_id': institutionId, 'j.type': type })
    .orderBy('j.created_at', 'desc')
    .orderBy('j.id', 'desc')
    .select(
      'j.id', 'j.type', 'j.file_name', 'j.status', 'j.rows_total', 'j.rows_read', 'j.rows_valid', 'j.rows_failed', 'j.success_file_id',
      'j.failure_file_id', 'j.files_expired_at', 'j.error', 'j.created_at', 'j.finished_at', 'u.name as user_name', 'c.name as class_name', 'p.name as platform_name',
    );
}

/** The job a double click already made, by the form's upload key. */
export async function jobByUploadKey(db: Db | Knex.Transaction, institutionId: number, key: string) {
  return (await db('import_jobs').where({ upload_key: key, institution_id: institutionId }).first('id')) as { id: string } | undefined;
}
