import { WorkflowNotFoundError } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { historyFromJson, historyToJson } from '../../app/historyJson';
import type { AppDeps } from '../../app/deps';
import { archivedRuns } from '../../db/workflowHistories';

/**
 * A workflow's histories, one per run: the archived copies in PostgreSQL, plus the run
 * Temporal still has and PostgreSQL does not yet (the one still open). Once Temporal's
 * retention drops a workflow, the archive alone answers.
 */
export interface RunHistory {
  runId: string;
  source: 'archive' | 'temporal';
  history: History;
  keepUntil: Date | null;
}

export interface WorkflowHistories {
  runs: RunHistory[];
  /** Temporal's live description, when it still has the workflow. */
  live: { status: string; runId: string; closeTime: Date | null } | null;
}

export async function loadHistories(deps: AppDeps, workflowId: string): Promise<WorkflowHistories> {
  const archived = await archivedRuns(deps.db, workflowId);
  const runs: RunHistory[] = archived.map((a) => ({ runId: a.runId, source: 'archive', history: historyFromJson(a.history), keepUntil: a.keepUntil }));
  let live: WorkflowHistories['live'] = null;
  if (deps.temporal) {
    try {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const d = await handle.describe();
      live = { status: d.status.name, runId: d.runId, closeTime: d.closeTime ?? null };
      if (!runs.some((r) => r.runId === d.runId)) {
        const history = await deps.temporal.workflow.getHandle(workflowId, d.runId).fetchHistory();
        runs.push({ runId: d.runId, source: 'temporal', history, keepUntil: null });
      }
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    }
  }
  return { runs, live };
}

export const rawJson = (h: History) => historyToJson(h);
