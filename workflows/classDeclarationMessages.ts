import { defineSignal, defineUpdate, defineQuery } from '@temporalio/workflow';

/**
 * Messages of the class-declaration workflow (`class-declaration:<classId>`), defined apart
 * so the web layer and the import jobs can send them without loading the workflow.
 * Ids only: rows and personal data stay in PostgreSQL.
 */

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
