import { ApplicationFailure, defineQuery, defineUpdate } from '@temporalio/workflow';

/**
 * Contract of the shared review step (messages, state, refusals). The step itself lives in
 * workflows/review.ts; the web layer and activities import only this module.
 *
 * The one review step every approval uses (institution, class declaration, base, annual
 * review): open a round, wait for a reviewer's decision or the applicant's withdrawal,
 * mark it overdue when it waits too long, record the outcome through an idempotent
 * activity, notify, and — after a rejection or withdrawal — wait for the amended
 * resubmission, which opens the next round of the same workflow.
 *
 * Messages carry the acting user's id and organisation, never personal data.
 */

export type ReviewKind = 'institution' | 'class_declaration' | 'base' | 'annual_review';
export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface Actor {
  userId: number;
  /** Reviewer organisation of a reviewer; null for institution users. */
  orgId: number | null;
  /** Institution of an institution user; null for reviewers. */
  institutionId: number | null;
}

export interface DecideInput {
  decision: 'approve' | 'reject';
  reason?: string;
  /** Only where the step grades (ReviewOptions.grading): the grade an approval gives. */
  grade?: string;
  actor: Actor;
  /** The round the reviewer saw; a decision from a page of an earlier round is refused. */
  round?: number;
}
export interface ApplicantInput {
  actor: Actor;
  /** A resubmission may go to another reviewer organisation (e.g. a declaration's 审核单位). */
  orgId?: number;
  /** An amended subject may carry a new name for the reviewer's queue. */
  title?: string;
}

export interface ReviewState {
  kind: ReviewKind;
  round: number;
  status: ReviewStatus;
  orgId: number;
  overdue: boolean;
  decidedBy: number | null;
  reason: string | null;
  /** The grade of an approval where the step grades; otherwise absent. */
  grade?: string | null;
}

export const decideUpdate = defineUpdate<ReviewState, [DecideInput]>('decide');
export const withdrawUpdate = defineUpdate<ReviewState, [ApplicantInput]>('withdraw');
export const resubmitUpdate = defineUpdate<ReviewState, [ApplicantInput]>('resubmit');
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');
/**
 * Answers once the current round is in the reviewer's queue (its review item written and
 * the subject marked pending): the web waits on it after starting a review workflow, so
 * the page after 确认提交 and the reviewer's next queue page agree.
 */
export const roundOpenUpdate = defineUpdate<ReviewState, []>('roundOpen');

/** ApplicationFailure types of refused messages; the web layer maps them to messages. */
export const Refusal = {
  notPending: 'ReviewNotPending',
  outOfJurisdiction: 'OutOfJurisdiction',
  reasonRequired: 'ReasonRequired',
  notApplicant: 'NotApplicant',
  notResubmittable: 'NotResubmittable',
  badGrade: 'BadGrade',
} as const;

/** Refuses an update in its validator: the caller gets `type` and `message`, nothing is recorded. */
export const refuse = (type: string, message: string, details?: unknown): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
};
