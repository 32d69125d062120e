import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AnnualReviewActivities } from '../activities/annualReviews';
import { Review } from './review';
import { refuse } from './messages/review';
import { BaseRefusal } from './messages/baseApplication';
import { GRADES } from './messages/annualReview';
import { annualReviewStateQuery, submitReportUpdate, type AnnualReviewState } from './messages/annualReview';
import { QUICK_ACTIVITY } from './activityOptions';
import type { AnnualReviewInput, AnnualReviewResult } from './messages/annualReview';



const acts = proxyActivities<AnnualReviewActivities>(QUICK_ACTIVITY);

export async function annualReview(input: AnnualReviewInput): Promise<AnnualReviewResult> {
  const { annualReviewId, institutionId, year } = input;
  const state: AnnualReviewState = { year, phase: 'open', reminded: false, overdue: false, grade: null };
  let submitted = false;
  let pendingRecorded = false;
  setHandler(annualReviewStateQuery, () => state);

  const review: Review = new Review({
    kind: 'annual_review',
    subjectId: annualReviewId,
    institutionId,
    orgId: input.orgId,
    title: input.title,
    overdueAfterMs: input.overdueAfterMs,
    resubmitWithinMs: input.amendWithinMs,
    grading: { grades: GRADES, reasonRequired: ['fail'] },
    onTransition: async (status, round) => {
      const s = review.state;
      await acts.setAnnualReviewStatus({ annualReviewId, status, round, grade: s.grade ?? null, reason: s.reason, decidedBy: s.decidedBy });
      if (status === 'pending') pendingRecorded = true;
    },
  });

  setHandler(
    submitReportUpdate,
    async () => {
      submitted = true;
      // Answer once the report is in the reviewer's queue.
      await condition(() => pendingRecorded);
      return state;
    },
    {
      validator: ({ actor }) => {
        if (actor.institutionId !== institutionId) refuse(BaseRefusal.notOwner, '只有本基地可以提交年审报告');
        if (submitted || state.phase !== 'open') refuse(BaseRefusal.notOpen, state.phase === 'missed' ? '该年度年审报告已过提交期限' : '该年度年审报告已提交');
      },
    },
  );

  const until = async (at: number) => {
    const left = at - Date.now();
    return left > 0 ? condition(() => submitted, left) : submitted;
  };

  if (!(await until(input.remindAt))) {
    await acts.remindAnnualReview({ annualReviewId, deadlineAt: input.deadlineAt });
    state.reminded = true;
  }
  if (!(await until(input.deadlineAt))) {
    await acts.markAnnualReviewOverdue({ annualReviewId });
    state.overdue = true;
  }
  if (!(await until(input.closesAt))) {
    state.phase = 'missed';
    state.grade = 'fail';
    await acts.markAnnualReviewMissed({ annualReviewId, reason: '未在规定期限内提交年审报告' });
    await condition(allHandlersFinished);
    return { year, grade: 'fail', missed: true };
  }

  state.phase = 'review';
  const outcome = await review.run();
  if (outcome === 'abandoned') {
    state.phase = 'missed';
    state.grade = 'fail';
    await acts.markAnnualReviewMissed({ annualReviewId, reason: '退回修改后未在规定期限内重新提交' });
    await condition(allHandlersFinished);
    return { year, grade: 'fail', missed: true };
  }
  state.phase = 'graded';
  state.grade = review.state.grade ?? null;
  await condition(allHandlersFinished);
  return { year, grade: state.grade!, missed: false };
}
