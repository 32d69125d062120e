import type { AppDeps } from '../app/deps';
import type { ReviewStatus } from '../workflows/messages/review';
import { audit } from '../db/audit';
import { flagAfterFailedYear } from '../db/annualReviews';
import { GRADE_LABELS, type Grade } from '../domain/grades';

/**
 * Side effects of `annual-review:<institutionId>:<year>`: the report row's status, the
 * reminder, the overdue mark, the grade. Guarded by the current status and keyed so a
 * retried reminder is sent once.
 */
export function createAnnualReviewActivities(deps: AppDeps) {
  const { db } = deps;

  /** The phone the review step's own notices go to: the applicant's, else the contact's. */
  async function phoneOf(institutionId: number): Promise<string | null> {
    const inst = await db('institutions as i')
      .leftJoin('users as u', 'u.id', 'i.applicant_user_id')
      .where('i.id', institutionId)
      .first('i.contact_phone', 'u.phone as applicant_phone');
    return inst?.applicant_phone || inst?.contact_phone || null;
  }

  return {
    /** SMS, and reminded_at, which the base's pages show as a notice. */
    async remindAnnualReview(i: { annualReviewId: number; deadlineAt: number }): Promise<void> {
      const row = await db('annual_reviews').where({ id: i.annualReviewId }).first('institution_id', 'year', 'status');
      if (!row || row.status !== 'open') return;
      await db('annual_reviews').where({ id: i.annualReviewId }).whereNull('reminded_at').update({ reminded_at: deps.clock.now() });
      const phone = await phoneOf(row.institution_id);
      if (!phone) return;
      const deadline = new Date(i.deadlineAt).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16);
      await deps.sms.send(
        phone,
        `【福建省继续教育公共服务平台】您的继续教育基地${row.year}年度年审报告尚未提交,请于${deadline}前登录平台提交。`,
        `annual-review:${row.institution_id}:${row.year}:reminder`,
      );
    },

    async markAnnualReviewOverdue(i: { annualReviewId: number }): Promise<void> {
      await db('annual_reviews').where({ id: i.annualReviewId, status: 'open' }).update({ overdue: true, updated_at: deps.clock.now() });
    },

    /** No report (or no amendment) in time: the year counts as 不合格. */
    async markAnnualReviewMissed(i: { annualReviewId: number; reason: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const now = deps.clock.now();
        const rows = await trx('annual_reviews')
          .where({ id: i.annualReviewId })
          .whereIn('status', ['open', 'returned'])
          .update({ status: 'missed', grade: 'fail', grade_reason: i.reason, graded_at: now, overdue: true, updated_at: now })
          .returning(['institution_id', 'org_id', 'year']);
        if (rows.length === 0) return;
        const r = rows[0];
        await audit(trx, { event: 'annual_review_missed', result: 'fail', institutionId: r.institution_id, orgId: r.org_id, detail: { annualReviewId: i.annualReviewId, year: r.year, reason: i.reason } });
        await flagAfterFailedYear(trx, r.institution_id, r.year, now);
      });
    },

    /** The review step's transitions: pending, returned (rejected), withdrawn, graded (approved). */
    async setAnnualReviewStatus(i: {
      annualReviewId: number;
      status: ReviewStatus;
      round: number;
      grade: string | null;
      reason: string | null;
      decidedBy: number | null;
    }): Promise<void> {
      const now = deps.clock.now();
      if (i.status === 'pending') {
        await db('annual_reviews').where({ id: i.annualReviewId }).whereIn('status', ['open', 'returned']).update({ status: 'pending', updated_at: now });
        return;
      }
      if (i.status === 'rejected' || i.status === 'withdrawn') {
        await db('annual_reviews').where({ id: i.annualReviewId, status: 'pending' }).update({ status: 'returned', grade_reason: i.reason, updated_at: now });
        return;
      }
      await db.transaction(async (trx) => {
        const rows = await trx('annual_reviews')
          .where({ id: i.annualReviewId, status: 'pending' })
          .update({ status: 'graded', grade: i.grade, grade_reason: i.reason, graded_by: i.decidedBy, graded_at: now, updated_at: now })
          .returning(['institution_id', 'org_id', 'year']);
        if (rows.length === 0) return;
        const r = rows[0];
        await audit(trx, {
          event: 'annual_review_graded',
          result: i.grade ?? 'graded',
          userId: i.decidedBy,
          orgId: r.org_id,
          institutionId: r.institution_id,
          detail: { annualReviewId: i.annualReviewId, year: r.year, round: i.round, grade: i.grade, gradeLabel: GRADE_LABELS[i.grade as Grade], reason: i.reason },
        });
        if (i.grade === 'fail') await flagAfterFailedYear(trx, r.institution_id, r.year, now);
      });
    },
  };
}

export type AnnualReviewActivities = ReturnType<typeof createAnnualReviewActivities>;
