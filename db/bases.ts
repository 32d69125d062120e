import type { Db } from './knex';

export interface BaseApplicationRow {
  id: number;
  institution_id: number;
  /** The application's own base-application workflow. */
  workflow_id: string;
  org_id: number;
  name: string;
  base_type: string;
  field: string;
  facilities: string;
  full_time_teachers: number;
  part_time_teachers: number;
  annual_capacity: number;
  recent_training: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'revoked';
  applied_by: number;
  submitted_at: Date;
  approved_at: Date | null;
  flagged: boolean;
  flag_reason: string | null;
  flagged_at: Date | null;
  revoked_at: Date | null;
  revoked_by: number | null;
  revoke_reason: string | null;
}

export const BASE_STATUS_LABELS: Record<string, string> = {
  pending: '审核中',
  approved: '继续教育基地',
  rejected: '已退回',
  withdrawn: '已撤回',
  revoked: '基地资格已撤销',
};

/** 基地类型: the categories HR departments designate bases under. */
export const BASE_TYPES = ['综合类', '专业技术类', '行业类', '高校类', '企业类'] as const;

/** The institution's current application: its latest (earlier ones were revoked). */
export const applicationOf = (db: Db, institutionId: number) =>
  db<BaseApplicationRow>('base_applications').where({ institution_id: institutionId }).orderBy('id', 'desc').first();

export async function findForOrg(db: Db, orgId: number, id: unknown) {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1) return undefined;
  return db('base_applications as b')
    .join('institutions as i', 'i.id', 'b.institution_id')
    .leftJoin('users as r', 'r.id', 'b.revoked_by')
    .where({ 'b.id': n, 'b.org_id': orgId })
    .first<BaseApplicationRow & { institution_name: string; credit_code: string; revoked_by_name: string | null }>(
      'b.*',
      'i.name as institution_name',
      'i.credit_code',
      'r.name as revoked_by_name',
    );
}

export function filesOf(db: Db, applicationId: number) {
  return db('base_application_files as a').join('files as f', 'f.id', 'a.file_id').where('a.application_id', applicationId).orderBy('f.created_at').select('f.id', 'f.name', 'f.size');
}

/** The decisions on an institution's base applications, newest first: from the review step's rows. */
export function decisionsOf(db: Db, institutionId: number) {
  return db('review_items as r')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .where({ 'r.institution_id': institutionId, 'r.kind': 'base' })
    .orderBy([{ column: 'r.submitted_at', order: 'desc' }, { column: 'r.round', order: 'desc' }])
    .limit(20)
    .select('r.round', 'r.status', 'r.submitted_at', 'r.decided_at', 'r.reason', 'u.name as decided_by_name');
}
