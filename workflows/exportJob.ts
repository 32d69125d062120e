import { proxyActivities, sleep } from '@temporalio/workflow';
import type { ExportActivities } from '../activities/exports';

/**
 * `export:<jobId>`: stream the rows into an xlsx, keep it for the retention time, then
 * remove it. The timer is the workflow's, so the file goes even if nobody looks again.
 */
export interface ExportJobInput {
  jobId: string;
  retentionMs: number;
}

const { runExport } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});
const { failExport, expireExport } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function exportJob(input: ExportJobInput): Promise<'expired' | 'failed'> {
  try {
    await runExport({ jobId: input.jobId, retentionMs: input.retentionMs });
  } catch {
    await failExport({ jobId: input.jobId, reason: '导出过程中出现系统错误,请重新导出' });
    return 'failed';
  }
  await sleep(input.retentionMs);
  await expireExport({ jobId: input.jobId });
  return 'expired';
}
