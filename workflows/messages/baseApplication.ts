import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from './review';
import type { AnnualSchedule } from './calendar';

/**
 * Contract of the base workflow (`base-application:<institutionId>`), apart from the
 * workflow so the web layer can send its messages without loading workflow code. Ids
 * only, no personal data. Its yearly children are ./annualReview.
 */

/** An institution's first base application; one made after a revocation adds its application id. */
export const baseWorkflowId = (institutionId: number, applicationId?: number) =>
  applicationId === undefined ? `base-application:${institutionId}` : `base-application:${institutionId}:${applicationId}`;

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

export const BaseRefusal = {
  notBase: 'NotBase',
  notOpen: 'ReportNotOpen',
  notOwner: 'NotReportOwner',
} as const;

/**
 * `base-application:<institutionId>` (manual 4.1): the region's HR bureau reviews the
 * application through the shared review step; once approved the institution is a base
 * and, each year, this workflow opens that year's annual review as a child workflow,
 * then continues as new for the next year, so its history stays one year long. It ends
 * only when the bureau revokes the base.
 */
export interface BaseApplicationInput {
  applicationId: number;
  institutionId: number;
  orgId: number;
  /** The base's name, for the reviewer's queue. */
  title: string;
  overdueAfterMs: number;
  schedule: AnnualSchedule;
  /** After a revocation: the first year this application's base is reviewed for (the years before had their reviews). */
  firstYearFrom?: number;
  /** Set on the runs after the approval. */
  base?: { approvedAt: number; firstYear: number; year: number; round: number; decidedBy: number | null };
}

export type BaseApplicationResult = { status: 'revoked'; revokedBy: number; reason: string };
