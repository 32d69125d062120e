import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ClassActivities } from '../activities/classes';
import { Review, settledReview } from './review';
import { refuse } from './messages/review';
import { yearClosesAt } from './messages/calendar';
import {
  ClassRefusal,
  classStateQuery,
  closeClassUpdate,
  outcomesImportedSignal,
  reportOutcomesUpdate,
  type ClassDeclarationInput,
  type ClassDeclarationResult,
  type ClassDeclarationState,
} from './messages/classDeclaration';
import { QUICK_ACTIVITY } from './activityOptions';

const acts = proxyActivities<ClassActivities>({ ...QUICK_ACTIVITY, startToCloseTimeout: '1 minute' });

export async function classDeclaration(input: ClassDeclarationInput): Promise<ClassDeclarationResult> {
  const { classId, institutionId } = input;
  const deadline = yearClosesAt(input.trainingYear, input.closeAfterYearEndMs);
  const remaining = () => deadline - Date.now();

  const state: ClassDeclarationState = { phase: input.approved ? 'collecting_outcomes' : 'review', reportsInThisRun: 0 };
  let closing = false;
  let closeRequestedBy: number | null = null;
  let reportsInFlight = 0;
  let importsUnmarked = 0;
  setHandler(classStateQuery, () => state);
  let reviewStep: Review | null = null;

  setHandler(
    reportOutcomesUpdate,
    async ({ reportId, actorUserId }) => {
      // Approved but the approval's own bookkeeping is still running: wait for it.
      await condition(() => state.phase !== 'review');
      state.reportsInThisRun++;
      reportsInFlight++;
      try {
        return await acts.writeOutcomeReport({ classId, reportId, actorUserId });
      } finally {
        reportsInFlight--;
      }
    },
    {
      validator: (i) => {
        if (i.institutionId !== institutionId) refuse(ClassRefusal.notOwner, '只有开班机构可以上报培训成果');
        if (typeof i.reportId !== 'string' || !i.reportId) refuse(ClassRefusal.badReport, '成果上报编号缺失');
        if (state.phase === 'review' && reviewStep?.state.status !== 'approved') {
          refuse(ClassRefusal.notCollecting, '培训班审核通过后才能上报培训成果');
        }
        if (closing || state.phase === 'closed') refuse(ClassRefusal.notCollecting, '培训班已结班,不能再上报培训成果');
      },
    },
  );

  // An onsite_outcomes import wrote its rows itself; it counts toward this run's size.
  setHandler(outcomesImportedSignal, () => {
    state.reportsInThisRun++;
    importsUnmarked++;
  });

  setHandler(
    closeClassUpdate,
    async ({ actorUserId }) => {
      closing = true;
      closeRequestedBy = actorUserId;
      await condition(() => state.phase === 'closed');
    },
    {
      validator: (i) => {
        if (i.institutionId !== institutionId) refuse(ClassRefusal.notOwner, '只有开班机构可以结班');
        if (state.phase === 'review' && reviewStep?.state.status !== 'approved') {
          refuse(ClassRefusal.notCollecting, '培训班审核通过后才能结班');
        }
        if (closing || state.phase === 'closed') refuse(ClassRefusal.notCollecting, '培训班已结班');
      },
    },
  );

  let review: { round: number; orgId: number; decidedBy: number | null };
  if (!input.approved) {
    const r = new Review({
      kind: 'class_declaration',
      subjectId: classId,
      institutionId,
      orgId: input.orgId,
      title: input.title,
      overdueAfterMs: input.overdueAfterMs,
      // A declaration rejected or withdrawn may be amended until its year's reports close.
      resubmitWithinMs: Math.max(remaining(), 1000),
      onTransition: (status, round) => acts.setClassStatus({ classId, status, round }),
    });
    reviewStep = r;
    if ((await r.run()) === 'abandoned') {
      await condition(allHandlersFinished);
      return 'abandoned';
    }
    review = { round: r.state.round, orgId: r.state.orgId, decidedBy: r.state.decidedBy };
    if (input.outcomeMode === 'with_declaration') await acts.copyDeclarationOutcomes({ classId });
    state.phase = 'collecting_outcomes';
  } else {
    review = input.approved;
    // A continued run has no review round left: late decisions are refused.
    settledReview({
      kind: 'class_declaration',
      round: review.round,
      status: 'approved',
      orgId: review.orgId,
      overdue: false,
      decidedBy: review.decidedBy,
      reason: null,
    });
  }

  const tooLong = () => state.reportsInThisRun >= input.maxReportsPerRun || workflowInfo().continueAsNewSuggested;
  for (;;) {
    const left = remaining();
    const woke = left > 0 && (await condition(() => closing || importsUnmarked > 0 || tooLong(), left));
    if (importsUnmarked > 0) {
      importsUnmarked = 0;
      await acts.markOutcomesReported({ classId });
      continue;
    }
    if (!woke || closing) {
      closing = true;
      await condition(() => reportsInFlight === 0);
      await acts.closeClass({ classId, userId: closeRequestedBy, automatic: closeRequestedBy === null });
      state.phase = 'closed';
      await condition(allHandlersFinished);
      return closeRequestedBy === null ? 'expired' : 'closed';
    }
    // Reports still in flight finish in this run; none is lost across the boundary.
    await condition(allHandlersFinished);
    if (closing || importsUnmarked > 0) continue;
    await continueAsNew<typeof classDeclaration>({
      ...input,
      approved: { ...review, reportsBefore: (input.approved?.reportsBefore ?? 0) + state.reportsInThisRun },
    });
  }
}
