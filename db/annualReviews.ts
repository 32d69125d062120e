import type { Knex } from 'knex';
import type { Db } from './knex';
import { audit } from './audit';

export interface AnnualReviewRow {
  id: number;
  institution_id: number;
  application_id: number;
  org_id: number;
  year: number;
  status: 'open' | 'pending' | 'returned' | 'graded' | 'missed' | 'cancelled';
  grade: 'excellent' | 'pass' | 'fail' | null;
  grade_reason: string | null;
  graded_by: number | null;
  graded_at: Date | null;
  opened_at: Date;
  deadline_at: Date;
  reminded_at: Date | null;
  overdue: boolean;
  classes_count: number | null;
  trainees_count: number | null;
  person_times: number | null;
  hours_total: number | null;
  training_comment: string | null;
  conditions_change: string | null;
  problems: string | null;
  submitted_at: Date | null;
  submitted_by: number | null;
}

export const ANNUAL_STATUS_LABELS: Record<string, string> = {
  open: '待提交',
  pending: '待评定',
  returned: '已退回修改',
  graded: '已评定',
  missed: '逾期未提交',
  cancelled: '已取消',
};

/** Statuses in which the base may still write its report. */
export const EDITABLE = ['open', 'returned'] as const;
export const isEditable = (s: string) => (EDITABLE as readonly string[]).includes(s);

export const forInstitution = (db: Db, institutionId: number) =>
  db<AnnualReviewRow>('annual_reviews').where({ institution_id: institutionId });

export async function findByYear(db: Db, institutionId: number, year: unknown): Promise<AnnualReviewRow | undefined> {
  const y = Number(year);
  if (!Number.isInteger(y) || y < 2000 || y > 2999) return undefined;
  return forInstitution(db, institutionId).where({ year: y }).first();
}

/** A reviewer sees the reports of their own organisation only; another's id is not found. */
export async function findForOrg(db: Db, orgId: number, id: unknown) {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1) return undefined;
  return db('annual_reviews as a')
    .join('institutions as i', 'i.id', 'a.institution_id')
    .join('base_applications as b', 'b.id', 'a.application_id')
    .where({ 'a.id': n, 'a.org_id': orgId })
    .first<AnnualReviewRow & { institution_name: string; base_name: string }>('a.*', 'i.name as institution_name', 'b.name as base_name');
}

export function filesOf(db: Db, annualReviewId: number) {
  return db('annual_review_files as r').join('files as f', 'f.id', 'r.file_id').where('r.annual_review_id', annualReviewId).orderBy('f.created_at').select('f.id', 'f.name', 'f.size');
}

/**
 * Two consecutive 不合格 years (graded or missed) flag the base for revocation on the
 * reviewer's queue. Called inside the transaction that records a failed year.
 */
export async function flagAfterFailedYear(trx: Knex.Transaction, institutionId: number, year: number, now: Date): Promise<void> {
  // Years of the same application only: a base approved again after a revocation starts afresh.
  const neighbour = await trx('annual_reviews')
    .where({ institution_id: institutionId, grade: 'fail' })
    .whereIn('application_id', trx('annual_reviews').where({ institution_id: institutionId, year }).select('application_id'))
    .whereIn('year', [year - 1, year + 1])
    .orderBy('year')
    .first('year');
  if (!neighbour) return;
  const [a, b] = [Math.min(year, neighbour.year), Math.max(year, neighbour.year)];
  const reason = `${a}、${b}年度年审连续不合格`;
  const flagged = await trx('base_applications')
    .where({ institution_id: institutionId, status: 'approved', flagged: false })
    .update({ flagged: true, flag_reason: reason, flagged_at: now, updated_at: now })
    .returning(['id', 'org_id']);
  if (flagged.length === 0) return;
  await audit(trx, {
    event: 'base_flagged',
    result: 'flagged',
    institutionId,
    orgId: flagged[0].org_id,
    detail: { applicationId: flagged[0].id, years: [a, b], reason },
  });
}
