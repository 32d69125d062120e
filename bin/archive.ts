import { historyToJson } from '../app/historyJson';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { AppDeps } from '../app/deps';
import { startPeriodic } from './periodic';
import { archiveRun, isArchived, lastArchivedClose } from '../db/workflowHistories';

/**
 * Histories outlive Temporal's retention: the worker process polls Temporal's visibility
 * for closed executions and copies each one's history into PostgreSQL (once per run),
 * closing its workflow_runs row. Polling instead of a last workflow step also catches
 * workflows that failed, were terminated, or timed out, which run no step of their own.
 * Visibility is eventually consistent, so each pass looks back a window before the
 * latest close it copied; the inserts ignore what is already there.
 */
export const LOOK_BACK_MS = 60 * 60 * 1000;

const STATUS: Record<string, string | null> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: null,
};

export async function archiveClosedWorkflows(deps: AppDeps, o: { extraQuery?: string } = {}): Promise<number> {
  const temporal = deps.temporal;
  if (!temporal) return 0;
  const since = await lastArchivedClose(deps.db);
  const clauses = ['ExecutionStatus != "Running"'];
  if (since) clauses.push(`CloseTime >= "${new Date(since.getTime() - LOOK_BACK_MS).toISOString()}"`);
  if (o.extraQuery) clauses.push(`(${o.extraQuery})`);
  const closed: WorkflowExecutionInfo[] = [];
  for await (const info of temporal.workflow.list({ query: clauses.join(' AND ') })) {
    if (info.status.name in STATUS && info.closeTime) closed.push(info);
  }
  // Oldest first, stopping at the first failure (it throws): the watermark never passes a gap.
  closed.sort((a, b) => a.closeTime!.getTime() - b.closeTime!.getTime());
  let copied = 0;
  for (const info of closed) {
    if (await isArchived(deps.db, info.workflowId, info.runId)) continue;
    const history = await temporal.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    await archiveRun(deps.db, {
      workflowId: info.workflowId,
      runId: info.runId,
      type: info.type,
      historyJson: historyToJson(history),
      closedAt: info.closeTime!,
      status: STATUS[info.status.name],
      now: deps.clock.now(),
    });
    copied++;
  }
  return copied;
}

/** The archiver loop of the worker process; stop() ends it after the current pass. */
export const startArchiver = (deps: AppDeps, intervalMs = 30_000) =>
  startPeriodic(deps, 'archiver', async () => {
    const n = await archiveClosedWorkflows(deps);
    if (n > 0) deps.logger.info('workflow histories archived', { count: n });
  }, intervalMs);
