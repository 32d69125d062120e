import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './review';

/**
 * Contract of `annual-review:<institutionId>:<year>`, a child of the base workflow: the
 * base's report for one year. Its decision messages are the shared review step's.
 */
export const annualReviewWorkflowId = (institutionId: number, year: number) => `annual-review:${institutionId}:${year}`;

/** The base's first submission of a year's report (later ones after a return are the review step's resubmit). */
export const submitReportUpdate = defineUpdate<AnnualReviewState, [{ actor: Actor }]>('submitReport');

export interface AnnualReviewState {
  year: number;
  phase: 'open' | 'review' | 'graded' | 'missed';
  reminded: boolean;
  overdue: boolean;
  grade: string | null;
}
export const annualReviewStateQuery = defineQuery<AnnualReviewState>('annualReviewState');

export { GRADES, type Grade } from '../../domain/grades';

/**
 * `annual-review:<institutionId>:<year>`: one base's report for one year. Open from the
 * start; a reminder goes out before the deadline; a missed deadline shows the year as
 * overdue to the reviewer, and a report still missing when the next year opens counts as
 * 不合格. A submitted report goes through the shared review step, where an approval
 * carries the grade (优秀/合格/不合格, 不合格 with a reason) and a rejection is 退回修改.
 */
export interface AnnualReviewInput {
  annualReviewId: number;
  institutionId: number;
  orgId: number;
  year: number;
  title: string;
  remindAt: number;
  deadlineAt: number;
  /** No report by then: the year is missed. */
  closesAt: number;
  /** A report returned for amendment must come back within this time. */
  amendWithinMs: number;
  overdueAfterMs: number;
}

export type AnnualReviewResult = { year: number; grade: string; missed: boolean };
