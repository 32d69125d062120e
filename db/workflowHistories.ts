import type { Db } from './knex';

/**
 * Copies of closed workflows' event histories (one row per run), kept past Temporal's
 * retention as audit records, and the closing of their workflow_runs rows.
 */
export const KEEP_DAYS = 184;

export interface ArchivedHistory {
  workflowId: string;
  runId: string;
  /** Temporal's JSON history format, as `temporal workflow show -o json` writes it. */
  history: unknown;
  copiedAt: Date;
  keepUntil: Date;
}

export async function archivedRuns(db: Db, workflowId: string): Promise<ArchivedHistory[]> {
  const rows = await db('workflow_histories').where({ workflow_id: workflowId }).orderBy('id');
  return rows.map((r) => ({ workflowId: r.workflow_id, runId: r.run_id, history: r.history, copiedAt: r.copied_at, keepUntil: r.keep_until }));
}

export async function isArchived(db: Db, workflowId: string, runId: string): Promise<boolean> {
  return !!(await db('workflow_histories').where({ workflow_id: workflowId, run_id: runId }).first('id'));
}

/** One run's history, once; and, for the run that ended the workflow, its closing. */
export async function archiveRun(
  db: Db,
  r: { workflowId: string; runId: string; type: string; historyJson: string; closedAt: Date; status: string | null; now: Date },
): Promise<void> {
  const keepFrom = r.closedAt > r.now ? r.closedAt : r.now;
  await db.transaction(async (trx) => {
    await trx('workflow_histories')
      .insert({
        workflow_id: r.workflowId,
        run_id: r.runId,
        history: r.historyJson,
        closed_at: r.closedAt,
        keep_until: new Date(keepFrom.getTime() + KEEP_DAYS * 86_400_000),
      })
      .onConflict(['workflow_id', 'run_id'])
      .ignore();
    if (r.status === null) return; // continued as new: the workflow goes on in its next run
    // A workflow started outside startPlatformWorkflow (a child) still gets its row.
    await trx('workflow_runs')
      .insert({
        workflow_id: r.workflowId,
        type: r.type,
        business_key: r.workflowId.split(':').slice(1).join(':') || r.workflowId,
        status: r.status,
        closed_at: r.closedAt,
      })
      .onConflict('workflow_id')
      .merge({ status: r.status, closed_at: r.closedAt });
  });
}

/**
 * The latest close the archiver copied. Passes copy in order of close time and stop at
 * a failure, so every run closed before it is archived, except those visibility had not
 * shown yet: a pass looks back a window before it.
 */
export async function lastArchivedClose(db: Db): Promise<Date | null> {
  const r = await db('workflow_histories').max('closed_at as at').first();
  return (r?.at as Date | null) ?? null;
}
