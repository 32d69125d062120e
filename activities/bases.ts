import type { AppDeps } from '../app/deps';
import type { ReviewStatus } from '../workflows/messages/review';
import { audit } from '../db/audit';
import { annualReviewWorkflowId } from '../workflows/messages/annualReview';
import * as reviewItems from '../db/reviewItems';

/**
 * Side effects of `base-application:<institutionId>`. Each writes a target state guarded
 * by the current one, so a retry after a worker crash changes nothing twice.
 */
export function createBaseActivities(deps: AppDeps) {
  const { db } = deps;
  return {
    async setBaseApplicationStatus(i: { applicationId: number; institutionId: number; status: ReviewStatus; round: number }): Promise<void> {
      const now = deps.clock.now();
      if (i.status !== 'approved') {
        const patch: Record<string, unknown> = { status: i.status, updated_at: now };
        if (i.status === 'pending') patch.submitted_at = now;
        await db('base_applications').where({ id: i.applicationId }).whereIn('status', ['pending', 'rejected', 'withdrawn']).update(patch);
        return;
      }
      // Approval: the application and the institution's base flag together, once.
      await db.transaction(async (trx) => {
        const changed = await trx('base_applications')
          .where({ id: i.applicationId, status: 'pending' })
          .update({ status: 'approved', approved_at: now, updated_at: now })
          .returning('applied_by');
        if (changed.length === 0) return;
        await trx('institutions').where({ id: i.institutionId }).update({ is_base: true, updated_at: now });
        await audit(trx, {
          event: 'base_granted',
          result: 'success',
          userId: changed[0].applied_by,
          institutionId: i.institutionId,
          detail: { applicationId: i.applicationId, round: i.round },
        });
      });
    },

    /** The year's report row and its workflow's entry in the auditor's list; the id of the row. */
    async openAnnualReview(i: {
      applicationId: number;
      institutionId: number;
      orgId: number;
      year: number;
      openedAt: number;
      deadlineAt: number;
      workflowId: string;
    }): Promise<{ annualReviewId: number }> {
      return db.transaction(async (trx) => {
        await trx('annual_reviews')
          .insert({
            institution_id: i.institutionId,
            application_id: i.applicationId,
            org_id: i.orgId,
            year: i.year,
            status: 'open',
            opened_at: new Date(i.openedAt),
            deadline_at: new Date(i.deadlineAt),
          })
          .onConflict(['institution_id', 'year'])
          .ignore();
        const row = await trx('annual_reviews').where({ institution_id: i.institutionId, year: i.year }).first('id');
        await trx('workflow_runs')
          .insert({
            workflow_id: i.workflowId,
            type: 'annual_review',
            business_key: `${i.institutionId}:${i.year}`,
            institution_id: i.institutionId,
            status: 'running',
            started_at: deps.clock.now(),
          })
          .onConflict('workflow_id')
          .ignore();
        return { annualReviewId: row.id as number };
      });
    },

    /**
     * 保留基地资格: the revocation flag off, with who and why in the audit log. Guarded by
     * the flag itself, so a retry clears nothing twice; a base not flagged is left as it is.
     */
    async keepBase(i: { applicationId: number; institutionId: number; userId: number; orgId: number; reason: string }): Promise<{ cleared: boolean }> {
      return db.transaction(async (trx) => {
        const now = deps.clock.now();
        const [was] = await trx('base_applications').where({ id: i.applicationId, status: 'approved', flagged: true }).forUpdate().select('flag_reason');
        if (!was) return { cleared: false };
        await trx('base_applications').where({ id: i.applicationId }).update({ flagged: false, updated_at: now });
        await audit(trx, {
          event: 'base_kept',
          result: 'success',
          userId: i.userId,
          orgId: i.orgId,
          institutionId: i.institutionId,
          detail: { applicationId: i.applicationId, reason: i.reason, flagReason: was.flag_reason },
        });
        return { cleared: true };
      });
    },

    /**
     * 撤销基地资格: the base flag off, the application marked with who and why, the years
     * still open cancelled (their queue entries closed) — all or nothing. Returns the
     * workflows of those years, which the base workflow then cancels.
     */
    async revokeBase(i: { applicationId: number; institutionId: number; userId: number; orgId: number; reason: string }): Promise<{ openWorkflowIds: string[] }> {
      return db.transaction(async (trx) => {
        const now = deps.clock.now();
        const rows = await trx('annual_reviews')
          .where({ institution_id: i.institutionId, application_id: i.applicationId })
          .whereIn('status', ['open', 'pending', 'returned', 'cancelled'])
          .select('id', 'year', 'status');
        const open = rows.filter((r) => r.status !== 'cancelled');
        const changed = await trx('base_applications')
          .where({ id: i.applicationId, status: 'approved' })
          .update({ status: 'revoked', revoked_at: now, revoked_by: i.userId, revoke_reason: i.reason, updated_at: now })
          .returning('id');
        if (changed.length > 0) {
          await trx('institutions').where({ id: i.institutionId }).update({ is_base: false, updated_at: now });
          if (open.length) {
            await trx('annual_reviews').whereIn('id', open.map((o) => o.id)).update({ status: 'cancelled', updated_at: now });
            await reviewItems.withdrawPendingAnnualReviews(trx, i.institutionId, { at: now, by: i.userId, reason: '基地资格已撤销' });
          }
          await audit(trx, {
            event: 'base_revoked',
            result: 'success',
            userId: i.userId,
            orgId: i.orgId,
            institutionId: i.institutionId,
            detail: { applicationId: i.applicationId, reason: i.reason, cancelledYears: open.map((o) => o.year) },
          });
        }
        // Cancelled ones too: a retry after the commit must still name every year to end.
        return { openWorkflowIds: rows.map((o) => annualReviewWorkflowId(i.institutionId, o.year)) };
      });
    },
  };
}

export type BaseActivities = ReturnType<typeof createBaseActivities>;
