import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { ImportActivities, ImportSummary } from '../activities/imports';
import { longActivity, QUICK_ACTIVITY } from './activityOptions';
import type { ImportJobInput } from './messages/importJob';


const { runImport } = proxyActivities<ImportActivities>(longActivity('2 hours', ['ImportFileError']));

const { failImport, notifyClassOfImport, expireImportFiles } = proxyActivities<ImportActivities>({ ...QUICK_ACTIVITY, startToCloseTimeout: '1 minute' });

const GENERIC_REASON = '导入过程中出现系统错误,请稍后重新上传;如多次失败请联系平台管理员';

export async function importJob(input: ImportJobInput): Promise<ImportSummary> {
  const summary = await runJob(input);
  if (input.retentionMs) {
    await sleep(input.retentionMs);
    await expireImportFiles({ jobId: input.jobId });
  }
  return summary;
}

async function runJob(input: ImportJobInput): Promise<ImportSummary> {
  let summary: ImportSummary;
  try {
    summary = await runImport({ jobId: input.jobId });
  } catch (e) {
    const cause = e instanceof ActivityFailure ? e.cause : e;
    const reason = cause instanceof ApplicationFailure && cause.type === 'ImportFileError' ? cause.message : GENERIC_REASON;
    await failImport({ jobId: input.jobId, reason });
    return { status: 'failed', valid: 0, failed: 0 };
  }
  if (input.type === 'onsite_outcomes' && input.classId !== null && summary.valid > 0) {
    await notifyClassOfImport({ jobId: input.jobId, classId: input.classId, rows: summary.valid });
  }
  return summary;
}
