import { proxyActivities, sleep } from '@temporalio/workflow';
import type { ExportActivities } from '../activities/exports';
import { longActivity, QUICK_ACTIVITY } from './activityOptions';
import type { ExportJobInput } from './messages/exportJob';


const { runExport } = proxyActivities<ExportActivities>(longActivity('1 hour'));
const { failExport, expireExport } = proxyActivities<ExportActivities>({ ...QUICK_ACTIVITY, startToCloseTimeout: '1 minute' });

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
