import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { ImportActivities, ImportSummary } from '../activities/imports';

/**
 * `import:<jobId>`: parse, check and commit one uploaded file, then write its success and
 * failure files; after the retention time the files go. Only ids travel through the
 * history; the rows stay in PostgreSQL.
 */
export interface ImportJobInput {
  jobId: string;
  type: string;
  /** The class an onsite_outcomes import reports to (its workflow is told when rows land). */
  classId: number | null;
  /** How long the job's files are kept once it has ended; absent on jobs started before files expired. */
  retentionMs?: number;
}

const { runImport } = proxyActivities<ImportActivities>({
  startToCloseTimeout: '2 hours',
  // A dead worker is noticed within this; the retry resumes from the last heartbeat.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['ImportFileError'] },
});

const { failImport, notifyClassOfImport, expireImportFiles } = proxyActivities<ImportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

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
