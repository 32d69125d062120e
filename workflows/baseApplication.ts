import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type { BaseActivities } from '../activities/bases';
import { Refusal, refuse } from './messages/review';
import { Review, settledReview } from './review';
import { BaseRefusal, baseStateQuery, revokeBaseUpdate, keepBaseUpdate, type BaseState } from './messages/baseApplication';
import { annualReviewWorkflowId } from './messages/annualReview';
import { beijingYear, reportOpensAt, type AnnualSchedule } from './messages/calendar';
import { annualReview } from './annualReview';
import { QUICK_ACTIVITY } from './activityOptions';
import type { BaseApplicationInput, BaseApplicationResult } from './messages/baseApplication';



const acts = proxyActivities<BaseActivities>(QUICK_ACTIVITY);

export async function baseApplication(input: BaseApplicationInput): Promise<BaseApplicationResult> {
  const { applicationId, institutionId, orgId } = input;
  const state: BaseState = { phase: input.base ? 'base' : 'review', nextYear: input.base?.year ?? null, revokedBy: null, revokeReason: null };
  let revoke: { reason: string; userId: number } | null = null;
  setHandler(baseStateQuery, () => state);

  setHandler(
    revokeBaseUpdate,
    async ({ reason, actor }) => {
      revoke = { reason: reason.trim(), userId: actor.userId };
      state.phase = 'revoking';
      await condition(() => state.phase === 'revoked');
      return state;
    },
    {
      validator: ({ reason, actor }) => {
        if (actor.orgId !== orgId) refuse(Refusal.outOfJurisdiction, '该基地不在您所在单位的管理范围内');
        if (state.phase === 'review') refuse(BaseRefusal.notBase, '该机构尚未成为继续教育基地');
        if (state.phase !== 'base') refuse(BaseRefusal.notBase, '该基地资格已撤销');
        if (!reason?.trim()) refuse(Refusal.reasonRequired, '撤销基地资格时必须填写撤销原因');
      },
    },
  );

  setHandler(
    keepBaseUpdate,
    async ({ reason, actor }) => acts.keepBase({ applicationId, institutionId, userId: actor.userId, orgId, reason: reason.trim() }),
    {
      validator: ({ reason, actor }) => {
        if (actor.orgId !== orgId) refuse(Refusal.outOfJurisdiction, '该基地不在您所在单位的管理范围内');
        if (state.phase !== 'base') refuse(BaseRefusal.notBase, state.phase === 'review' ? '该机构尚未成为继续教育基地' : '该基地资格已撤销');
        if (!reason?.trim()) refuse(Refusal.reasonRequired, '保留基地资格时必须填写理由');
      },
    },
  );

  if (!input.base) {
    const review = new Review({
      kind: 'base',
      subjectId: applicationId,
      institutionId,
      orgId,
      title: input.title,
      overdueAfterMs: input.overdueAfterMs,
      onTransition: (status, round) => acts.setBaseApplicationStatus({ applicationId, institutionId, status, round }),
    });
    await review.run();
    const approvedAt = Date.now();
    const firstYear = Math.max(beijingYear(approvedAt), input.firstYearFrom ?? 0);
    await condition(allHandlersFinished);
    return continueAsNew<typeof baseApplication>({
      ...input,
      base: { approvedAt, firstYear, year: firstYear, round: review.state.round, decidedBy: review.state.decidedBy },
    });
  }

  const base = input.base;
  settledReview({ kind: 'base', round: base.round, status: 'approved', orgId, overdue: false, decidedBy: base.decidedBy, reason: null });

  const opensAt = reportOpensAt(input.schedule, base.year, base.firstYear, base.approvedAt);
  const wait = opensAt - Date.now();
  if (wait > 0) await condition(() => revoke !== null, wait);

  if (revoke === null) {
    await openYear(input, base.year, opensAt);
    // A revocation that came in meanwhile waits for this run to carry it out, so it
    // cannot be waited out here.
    await condition(() => revoke !== null || allHandlersFinished());
    if (revoke === null) {
      return continueAsNew<typeof baseApplication>({ ...input, base: { ...base, year: base.year + 1 } });
    }
  }

  // Revoked: the base's record first, then the reviews still running end with it.
  const { reason, userId } = revoke as { reason: string; userId: number };
  const { openWorkflowIds } = await acts.revokeBase({ applicationId, institutionId, userId, orgId, reason });
  for (const id of openWorkflowIds) {
    try {
      await getExternalWorkflowHandle(id).cancel();
    } catch {
      // Already finished between the query and the cancel: nothing left to end.
    }
  }
  state.phase = 'revoked';
  state.revokedBy = userId;
  state.revokeReason = reason;
  await condition(allHandlersFinished);
  return { status: 'revoked', revokedBy: userId, reason };
}

/** Opens one year's report: its row, then its workflow, which outlives this run. */
async function openYear(input: BaseApplicationInput, year: number, opensAt: number) {
  const s = input.schedule;
  const deadlineAt = opensAt + s.windowMs;
  // A late report is still taken until the next year's opens (never before the deadline).
  const closesAt = Math.max(reportOpensAt(s, year + 1, input.base!.firstYear, input.base!.approvedAt), deadlineAt);
  const workflowId = annualReviewWorkflowId(input.institutionId, year);
  const { annualReviewId } = await acts.openAnnualReview({
    applicationId: input.applicationId,
    institutionId: input.institutionId,
    orgId: input.orgId,
    year,
    openedAt: opensAt,
    deadlineAt,
    workflowId,
  });
  await startChild(annualReview, {
    workflowId,
    args: [
      {
        annualReviewId,
        institutionId: input.institutionId,
        orgId: input.orgId,
        year,
        title: `${input.title} ${year}年度年审报告`,
        remindAt: deadlineAt - s.remindBeforeMs,
        deadlineAt,
        closesAt,
        amendWithinMs: s.windowMs,
        overdueAfterMs: s.gradeOverdueAfterMs,
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}
