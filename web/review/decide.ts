import { z } from 'zod';
import type { AppDeps, CurrentUser } from '../../app/deps';
import { sendUpdate } from '../workflows';
import { audit } from '../../db/audit';
import { decideUpdate, Refusal, type ReviewState } from '../../workflows/messages/review';
import { reviewSubject, toReviewItem } from './subjects';
import * as reviewItems from '../../db/reviewItems';

export const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject'], { error: '请选择审核结果' }),
    reason: z.string().trim().max(500, '审核意见不能超过500个字').optional().transform((v) => v ?? ''),
  })
  // Only a 退回 needs a reason; a missing or unknown decision is reported on its own field.
  .refine((v) => v.decision !== 'reject' || v.reason.length > 0, { path: ['reason'], message: '退回时请填写退回原因' });

export type DecisionOutcome = { ok: true; state: ReviewState } | { ok: false; message: string };

/** Who already decided, by name: what a second reviewer is told. */
export async function alreadyDecided(deps: AppDeps, status: string, decidedBy: number | null): Promise<string> {
  if (status === 'withdrawn') return '该事项已被申请机构撤回';
  const who = decidedBy
    ? await deps.db('users as u').leftJoin('reviewer_orgs as o', 'o.id', 'u.org_id').where('u.id', decidedBy).first('u.name', 'o.name as org')
    : null;
  const name = who ? `${who.org ?? ''}审核员 ${who.name}` : '其他审核员';
  return `该事项已由${name}${status === 'approved' ? '审核通过' : '退回'},无需重复审核`;
}

/** A refusal as the page shows it: who decided (by name), or why it cannot be decided. */
async function refusalMessage(deps: AppDeps, type: string, message: string, details: unknown): Promise<string> {
  const d = (details ?? {}) as { decidedBy?: number | null; status?: string };
  if (type === Refusal.notPending && d.status && d.status !== 'pending') return alreadyDecided(deps, d.status, d.decidedBy ?? null);
  return message;
}

/**
 * A reviewer's decision on one review item, sent to its workflow as the decide update.
 * The workflow's validator is the judge; a refusal is logged and explained.
 */
export async function decide(
  deps: AppDeps,
  user: CurrentUser,
  item: Record<string, any> & { id: number; workflow_id: string; round: number; institution_id: number },
  input: { decision: 'approve' | 'reject'; reason: string; grade?: string },
  ip: string | undefined,
): Promise<DecisionOutcome> {
  // Read before the decision goes out: once it is in, the applicant may amend the subject.
  const full = item.kind ? item : await reviewItems.findById(deps.db, item.id);
  const subject = reviewSubject(full.kind);
  const seen = subject ? await subject.loadDetail(deps, toReviewItem(full)) : null;
  const sent = await sendUpdate(deps, item.workflow_id, decideUpdate, {
    decision: input.decision,
    reason: input.reason || undefined,
    ...(input.grade ? { grade: input.grade } : {}),
    actor: { userId: user.id, orgId: user.orgId, institutionId: null },
    round: item.round,
  });
  if (sent.ok) {
    if (seen) {
      const kept = subject!.snapshot ? subject!.snapshot(seen) : seen;
      await reviewItems.keepSnapshot(deps.db, item.id, kept);
    }
    return { ok: true, state: sent.result };
  }
  await audit(deps.db, {
    event: 'review_decision',
    result: 'refused',
    userId: user.id,
    orgId: user.orgId,
    ip,
    institutionId: item.institution_id,
    detail: { workflowId: item.workflow_id, round: item.round, decision: input.decision, ...(input.grade ? { grade: input.grade } : {}), refusal: sent.type },
  });
  return { ok: false, message: await refusalMessage(deps, sent.type, sent.message, sent.details) };
}
