import { condition, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReviewActivities } from '../activities/review';
import {
  decideUpdate,
  Refusal,
  refuse,
  resubmitUpdate,
  reviewStateQuery,
  roundOpenUpdate,
  withdrawUpdate,
  type ApplicantInput,
  type DecideInput,
  type ReviewKind,
  type ReviewState,
  type ReviewStatus,
} from './messages/review';
import { QUICK_ACTIVITY } from './activityOptions';


export interface ReviewOptions {
  kind: ReviewKind;
  subjectId: number;
  institutionId: number;
  orgId: number;
  /** Shown in the reviewer's queue, e.g. the institution's or class's name. Not personal data. */
  title: string;
  /** How long a round may wait before it shows as overdue. */
  overdueAfterMs: number;
  /** How long to wait for a resubmission after a rejection or withdrawal; undefined: forever. */
  resubmitWithinMs?: number;
  /**
   * Approvals that grade (an annual report: 优秀/合格/不合格): an approval must carry one
   * of `grades`; those in `reasonRequired` need a reason as a rejection does.
   */
  grading?: { grades: readonly string[]; reasonRequired: readonly string[] };
  /** The owning workflow's own bookkeeping for each transition (its subject's status). */
  onTransition?: (status: ReviewStatus, round: number) => Promise<void>;
}

const acts = proxyActivities<ReviewActivities>(QUICK_ACTIVITY);

export class Review {
  state: ReviewState;
  private recordedRound = 0;
  /** The last round whose review item and pending status are written. */
  private openedRound = 0;
  private resubmitted = false;
  private title: string;

  /**
   * Registers the handlers at once, so no message can arrive before them, with the first
   * round already pending: Temporal delivers a message that raced the start as soon as
   * its handler exists, before run() begins, and it must meet an open round.
   */
  constructor(private opts: ReviewOptions, startRound = 0) {
    this.title = opts.title;
    this.recordedRound = startRound;
    this.openedRound = startRound;
    this.state = {
      kind: opts.kind,
      round: startRound + 1,
      status: 'pending',
      orgId: opts.orgId,
      overdue: false,
      decidedBy: null,
      reason: null,
    };
    setHandler(reviewStateQuery, () => this.state);
    setHandler(roundOpenUpdate, async () => {
      const round = this.state.round;
      await condition(() => this.openedRound >= round);
      return this.state;
    });

    setHandler(
      decideUpdate,
      async (input) => {
        const round = this.state.round;
        this.state = {
          ...this.state,
          status: input.decision === 'approve' ? 'approved' : 'rejected',
          decidedBy: input.actor.userId,
          reason: input.decision === 'reject' ? input.reason!.trim() : (input.reason?.trim() || null),
          ...(this.opts.grading ? { grade: input.decision === 'approve' ? input.grade! : null } : {}),
        };
        // Answer once the decision is in PostgreSQL, so the reviewer's next page shows it.
        await condition(() => this.recordedRound >= round);
        return this.state;
      },
      {
        validator: (input) => {
          const stale = input.round !== undefined && input.round !== this.state.round;
          if (stale || this.state.status !== 'pending' || this.recordedRound >= this.state.round) {
            refuse(Refusal.notPending, this.describeDone(), { decidedBy: this.state.decidedBy, status: this.state.status });
          }
          if (input.actor.orgId !== this.state.orgId) {
            refuse(Refusal.outOfJurisdiction, '该事项不在您所在单位的审核范围内');
          }
          if (input.decision === 'reject' && !input.reason?.trim()) {
            refuse(Refusal.reasonRequired, '退回时必须填写退回原因');
          }
          if (input.decision !== 'approve' && input.decision !== 'reject') refuse(Refusal.notPending, '未知的审核结果');
          const grading = this.opts.grading;
          if (input.decision === 'approve' && grading) {
            if (!grading.grades.includes(input.grade ?? '')) refuse(Refusal.badGrade, '请选择评定等级');
            if (grading.reasonRequired.includes(input.grade!) && !input.reason?.trim()) refuse(Refusal.reasonRequired, '评定为该等级时必须填写原因');
          } else if (input.grade !== undefined && !grading) {
            refuse(Refusal.badGrade, '该事项不评定等级');
          }
        },
      },
    );

    setHandler(
      withdrawUpdate,
      async (input) => {
        const round = this.state.round;
        this.state = { ...this.state, status: 'withdrawn', decidedBy: input.actor.userId, reason: null };
        await condition(() => this.recordedRound >= round);
        return this.state;
      },
      {
        validator: (input) => {
          if (input.actor.institutionId !== this.opts.institutionId) refuse(Refusal.notApplicant, '只有申请机构可以撤回');
          if (this.state.status !== 'pending') refuse(Refusal.notPending, this.describeDone(), { status: this.state.status });
        },
      },
    );

    setHandler(
      resubmitUpdate,
      async (input) => {
        if (input.orgId) this.state = { ...this.state, orgId: input.orgId };
        if (input.title?.trim()) this.title = input.title.trim();
        this.resubmitted = true;
        const next = this.state.round + 1;
        // Histories from before the patch answered as soon as the round began, before its
        // review item was written; the reviewer's queue could lag the applicant's page.
        if (patched('resubmit-answers-once-queued')) await condition(() => this.openedRound >= next);
        else await condition(() => this.state.round >= next);
        return this.state;
      },
      {
        validator: (input) => {
          if (input.actor.institutionId !== this.opts.institutionId) refuse(Refusal.notApplicant, '只有申请机构可以重新提交');
          if (this.state.status !== 'rejected' && this.state.status !== 'withdrawn') {
            refuse(Refusal.notResubmittable, '只有已退回或已撤回的申请可以重新提交', { status: this.state.status });
          }
          if (this.resubmitted) refuse(Refusal.notResubmittable, '已重新提交,请勿重复操作');
        },
      },
    );
  }

  private describeDone(): string {
    switch (this.state.status) {
      case 'approved':
        return `该事项已由审核员(用户编号 ${this.state.decidedBy})审核通过`;
      case 'rejected':
        return `该事项已由审核员(用户编号 ${this.state.decidedBy})退回`;
      case 'withdrawn':
        return '该事项已被申请机构撤回';
      default:
        return '该事项正在处理中,请刷新后查看';
    }
  }

  /** Rounds until approved; 'abandoned' when no resubmission came within resubmitWithinMs. */
  async run(): Promise<'approved' | 'abandoned'> {
    const { workflowId } = workflowInfo();
    for (let first = true; ; first = false) {
      // The first round was opened by the constructor (a decision may already be in it).
      const round = first ? this.state.round : this.state.round + 1;
      this.resubmitted = false;
      if (!first) this.state = { ...this.state, round, status: 'pending', overdue: false, decidedBy: null, reason: null };
      const item = {
        workflowId,
        round,
        kind: this.opts.kind,
        subjectId: this.opts.subjectId,
        institutionId: this.opts.institutionId,
        orgId: this.state.orgId,
        title: this.title,
      };
      await acts.openReviewRound(item);
      await this.opts.onTransition?.('pending', round);
      this.openedRound = round;

      if (!(await condition(() => this.state.status !== 'pending', this.opts.overdueAfterMs))) {
        this.state = { ...this.state, overdue: true };
        await acts.markReviewOverdue({ workflowId, round });
        await condition(() => this.state.status !== 'pending');
      }

      const { status, decidedBy, reason } = this.state;
      await acts.recordReviewOutcome({ ...item, status: status as Exclude<ReviewStatus, 'pending'>, userId: decidedBy!, reason });
      await this.opts.onTransition?.(status, round);
      this.recordedRound = round;
      if (status !== 'withdrawn') {
        await acts.notifyReviewOutcome({ workflowId, round, kind: this.opts.kind, institutionId: this.opts.institutionId, title: this.title, status, reason });
      }
      if (status === 'approved') return 'approved';

      if (this.opts.resubmitWithinMs === undefined) await condition(() => this.resubmitted);
      else if (!(await condition(() => this.resubmitted, this.opts.resubmitWithinMs))) return 'abandoned';
    }
  }
}

/**
 * For a later run (continued as new) of a workflow whose review is behind it: queries
 * answer the settled state, and late decisions or withdrawals are refused with the
 * review's own refusal types.
 */
export function settledReview(s: ReviewState): void {
  const done = `该事项已由审核员(用户编号 ${s.decidedBy})审核通过`;
  setHandler(reviewStateQuery, () => s);
  setHandler(decideUpdate, async (_i) => s, { validator: (_i) => refuse(Refusal.notPending, done) });
  setHandler(withdrawUpdate, async (_i) => s, { validator: (_i) => refuse(Refusal.notPending, done) });
  setHandler(resubmitUpdate, async (_i) => s, { validator: (_i) => refuse(Refusal.notResubmittable, '只有已退回或已撤回的申请可以重新提交') });
}
