import type { AppDeps } from '../app/deps';
import type { ReviewKind } from '../workflows/messages/review';
import { audit } from '../db/audit';
import * as reviewItems from '../db/reviewItems';

const KIND_LABELS: Record<ReviewKind, string> = {
  institution: '继续教育机构申请',
  class_declaration: '培训班申报',
  base: '继续教育基地申请',
  annual_review: '年审报告',
};

export interface ReviewItemInput {
  workflowId: string;
  round: number;
  kind: ReviewKind;
  subjectId: number;
  institutionId: number;
  orgId: number;
  title: string;
}

/**
 * The review step's side effects. Each is keyed by (workflowId, round) so a retry after
 * a worker crash writes nothing twice.
 */
export function createReviewActivities(deps: AppDeps) {
  const { db } = deps;
  return {
    async openReviewRound(i: ReviewItemInput): Promise<void> {
      await reviewItems.openRound(db, { ...i, submittedAt: deps.clock.now() });
    },

    async markReviewOverdue(i: { workflowId: string; round: number }): Promise<void> {
      await reviewItems.markOverdue(db, i.workflowId, i.round);
    },

    /** Decision row and audit entry in one transaction: both or neither, once. */
    async recordReviewOutcome(
      i: ReviewItemInput & { status: 'approved' | 'rejected' | 'withdrawn'; userId: number; reason: string | null },
    ): Promise<void> {
      await db.transaction(async (trx) => {
        const closed = await reviewItems.closeRound(trx, {
          workflowId: i.workflowId,
          round: i.round,
          status: i.status,
          decidedAt: deps.clock.now(),
          decidedBy: i.userId,
          reason: i.reason,
        });
        if (!closed) return;
        const user = await trx('users').where({ id: i.userId }).first('org_id', 'institution_id');
        await audit(trx, {
          event: i.status === 'withdrawn' ? 'review_withdraw' : 'review_decision',
          result: i.status,
          userId: i.userId,
          orgId: user?.org_id ?? null,
          institutionId: i.institutionId,
          detail: { workflowId: i.workflowId, round: i.round, kind: i.kind, subjectId: i.subjectId, reason: i.reason },
        });
      });
    },

    /** SMS to the institution's contact; the dedupe key makes a retried send go out once. */
    async notifyReviewOutcome(i: {
      workflowId: string;
      round: number;
      kind: ReviewKind;
      institutionId: number;
      title: string;
      status: string;
      reason: string | null;
    }): Promise<void> {
      const inst = await db('institutions as i')
        .leftJoin('users as u', 'u.id', 'i.applicant_user_id')
        .where('i.id', i.institutionId)
        .first('i.contact_phone', 'u.phone as applicant_phone');
      const phone = inst?.applicant_phone || inst?.contact_phone;
      if (!phone) return;
      const result = i.status === 'approved' ? '已审核通过' : `未通过审核,退回原因:${i.reason ?? ''}`;
      await deps.sms.send(
        phone,
        `【福建省继续教育公共服务平台】您提交的${KIND_LABELS[i.kind]}“${i.title}”${result}。`,
        `${i.workflowId}:${i.round}:outcome`,
      );
    },
  };
}

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
