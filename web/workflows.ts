import {
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Workflow } from '@temporalio/common';
import type { AppDeps } from '../app/deps';
import { HttpError } from './errors';
import { roundOpenUpdate } from '../workflows/messages/review';

/**
 * Starts a platform workflow and records it for the auditor's list. The business id is
 * the workflow id; starting one that already runs is refused (the caller's double click).
 * A review workflow (`review: true`) is answered once its first round is queued.
 */
export async function startPlatformWorkflow<W extends Workflow>(
  deps: AppDeps,
  o: { type: string; workflow: W | string; workflowId: string; args: Parameters<W>; institutionId: number | null; businessKey: string; review?: boolean },
): Promise<{ started: boolean }> {
  const temporal = requireTemporal(deps);
  await deps.db('workflow_runs')
    .insert({ workflow_id: o.workflowId, type: o.type, business_key: o.businessKey, institution_id: o.institutionId, status: 'running', started_at: deps.clock.now() })
    .onConflict('workflow_id')
    .merge({ status: 'running', closed_at: null });
  try {
    await temporal.workflow.start(o.workflow as never, {
      taskQueue: deps.taskQueue,
      workflowId: o.workflowId,
      args: o.args as never,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
    throw e;
  }
  if (o.review) await awaitReviewQueued(deps, o.workflowId);
  return { started: true };
}

/**
 * After starting a review workflow: waits until its first round is in the reviewer's
 * queue, so the page after 提交 and the reviewer's next page agree. Bounded, because a
 * stopped worker must not hang the applicant's request: the submission stands and the
 * queue row follows when the worker is back.
 */
async function awaitReviewQueued(deps: AppDeps, workflowId: string, withinMs = 15_000): Promise<boolean> {
  const temporal = requireTemporal(deps);
  try {
    await temporal.withDeadline(Date.now() + withinMs, () => temporal.workflow.getHandle(workflowId).executeUpdate(roundOpenUpdate));
    return true;
  } catch (e) {
    deps.logger.warn('review round not queued in time', { workflowId, error: String(e) });
    return false;
  }
}

export function requireTemporal(deps: AppDeps) {
  if (!deps.temporal) throw new HttpError(503, 'Temporal is not connected');
  return deps.temporal;
}

export function workflowHandle(deps: AppDeps, workflowId: string): WorkflowHandle {
  return requireTemporal(deps).workflow.getHandle(workflowId);
}

/**
 * Waits (bounded) until a workflow exists. A row can be written a moment before the
 * workflow that serves it starts (an annual review opens its row, then its workflow);
 * a person acting in between should not meet a 404.
 */
export async function whenStarted(deps: AppDeps, workflowId: string, withinMs = 5_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      await workflowHandle(deps, workflowId).describe();
      return true;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export type UpdateOutcome<R> = { ok: true; result: R } | { ok: false; type: string; message: string; details: unknown };

/**
 * Sends an update and turns a validator's refusal into a message for the page; a
 * workflow that does not exist is a 404.
 */
export async function sendUpdate<R, A extends [any, ...any[]]>(
  deps: AppDeps,
  workflowId: string,
  def: UpdateDefinition<R, A>,
  ...args: A
): Promise<UpdateOutcome<R>> {
  try {
    const result = await workflowHandle(deps, workflowId).executeUpdate(def, { args });
    return { ok: true, result };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new HttpError(404);
    if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
      return { ok: false, type: e.cause.type ?? 'Refused', message: e.cause.message, details: e.cause.details?.[0] };
    }
    throw e;
  }
}
