import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './review';

/**
 * Messages and schedule of the base workflows (`base-application:<institutionId>` and its
 * children `annual-review:<institutionId>:<year>`), apart from the workflows so the web
 * layer can send them without loading workflow code. Ids only, no personal data.
 */

/** An institution's first base application; one made after a revocation adds its application id. */
export const baseWorkflowId = (institutionId: number, applicationId?: number) =>
  applicationId === undefined ? `base-application:${institutionId}` : `base-application:${institutionId}:${applicationId}`;
export const annualReviewWorkflowId = (institutionId: number, year: number) => `annual-review:${institutionId}:${year}`;

/** 撤销基地资格 by the reviewing HR bureau; the reason is required and kept in the history. */
export const revokeBaseUpdate = defineUpdate<BaseState, [{ reason: string; actor: Actor }]>('revokeBase');

/**
 * 保留基地资格: the bureau looked into a base flagged for revocation and keeps it; the
 * flag goes, the reason stays in the history. A later failed year can flag it again.
 */
export const keepBaseUpdate = defineUpdate<{ cleared: boolean }, [{ reason: string; actor: Actor }]>('keepBase');

export interface BaseState {
  phase: 'review' | 'base' | 'revoking' | 'revoked';
  /** In phase base: the year whose annual review opens next. */
  nextYear: number | null;
  revokedBy: number | null;
  revokeReason: string | null;
}
export const baseStateQuery = defineQuery<BaseState>('baseState');

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

export const GRADES = ['excellent', 'pass', 'fail'] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_LABELS: Record<Grade, string> = { excellent: '优秀', pass: '合格', fail: '不合格' };

export const BaseRefusal = {
  notBase: 'NotBase',
  notOpen: 'ReportNotOpen',
  notOwner: 'NotReportOwner',
} as const;

/**
 * When annual reviews open. In calendar mode year Y's report opens on `opensOn` of year
 * Y+1 (Beijing time); demos and tests compress a year to `yearMs`, the first opening
 * one such year after the approval.
 */
export interface AnnualSchedule {
  opensOn: string;
  yearMs?: number;
  windowMs: number;
  remindBeforeMs: number;
  /** A graded report waiting this long for its grade shows as overdue to the reviewer. */
  gradeOverdueAfterMs: number;
}

const BEIJING_MS = 8 * 3600_000;

export const beijingYear = (epochMs: number) => new Date(epochMs + BEIJING_MS).getUTCFullYear();

export function reportOpensAt(s: AnnualSchedule, year: number, firstYear: number, approvedAt: number): number {
  if (s.yearMs) return approvedAt + (year - firstYear + 1) * s.yearMs;
  const [month, day] = s.opensOn.split('-').map(Number);
  return Date.UTC(year + 1, month - 1, day) - BEIJING_MS;
}
