import { defineSignal, defineUpdate, defineQuery } from '@temporalio/workflow';

/**
 * Contract of the class-declaration workflow (`class-declaration:<classId>`), defined apart
 * so the web layer and the import jobs can send them without loading the workflow.
 * Ids only: rows and personal data stay in PostgreSQL.
 */

export const classWorkflowId = (classId: number) => `class-declaration:${classId}`;

/** An onsite_outcomes import committed its rows to 培训档案 (manual 2.2: no review). */
export const outcomesImportedSignal = defineSignal<[{ jobId: string; rows: number }]>('outcomesImported');

/** A manual outcome report: the rows wait in PostgreSQL under reportId; the workflow writes them to 培训档案. */
export const reportOutcomesUpdate = defineUpdate<{ written: number }, [{ reportId: string; actorUserId: number; institutionId: number }]>('reportOutcomes');

/** 结班: the institution closes the class; the workflow ends. */
export const closeClassUpdate = defineUpdate<void, [{ actorUserId: number; institutionId: number }]>('closeClass');

export interface ClassDeclarationState {
  phase: 'review' | 'collecting_outcomes' | 'closed';
  reportsInThisRun: number;
}
export const classStateQuery = defineQuery<ClassDeclarationState>('classState');

/**
 * `class-declaration:<classId>` (manual 2.1/2.2): the shared review step routed to the
 * chosen 审核单位; once approved, outcomes attached to the declaration (同步上报) become
 * 培训档案 records, and the class then takes outcome reports (manual entry or import,
 * no review) until 结班 or a set time after its training year ends. Runs continue as new
 * after a number of reports, so a busy class never grows a large history.
 */
export interface ClassDeclarationInput {
  classId: number;
  institutionId: number;
  orgId: number;
  /** The class's name, shown in the reviewer's queue. */
  title: string;
  outcomeMode: 'with_declaration' | 'after_approval';
  trainingYear: number;
  overdueAfterMs: number;
  /** Reports are still taken this long after 31 December of the training year (Beijing time). */
  closeAfterYearEndMs: number;
  /** Outcome reports one run takes before it continues as new. */
  maxReportsPerRun: number;
  /** Set on runs that continue an approved class: the review is behind it. */
  approved?: { round: number; orgId: number; decidedBy: number | null; reportsBefore: number };
}

export type ClassDeclarationResult = 'closed' | 'expired' | 'abandoned';

export const ClassRefusal = {
  notCollecting: 'ClassNotCollecting',
  notOwner: 'NotClassOwner',
  badReport: 'BadOutcomeReport',
} as const;
