import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { AppDeps } from '../app/deps';
import { createActivities } from '../activities';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows/index.ts');

/**
 * A worker over the platform's workflows and activities. Tests pass a prebuilt bundle
 * (bundling takes seconds) and their own task queue.
 */
export async function createWorker(
  deps: AppDeps,
  address: string,
  extra: Partial<WorkerOptions> = {},
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.taskQueue,
    activities: createActivities(deps),
    ...(extra.workflowBundle ? {} : { workflowsPath: WORKFLOWS_PATH }),
    ...extra,
  });
  return { worker, connection };
}
