import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AppDeps } from '../../app/deps';
import { audit } from '../../db/audit';
import { createFileStore } from '../../db/files';
import { classWorkflowId, outcomesImportedSignal } from '../../workflows/messages/classDeclaration';
import { runImportFile } from './run';
import type { Job } from './handlers';
import { ImportFileError } from '../xlsx';

/** Result files get ids derived from the job, so a retried finish stores each file once. */
export const resultFileId = (jobId: string, kind: 'success' | 'failure') => {
  const h = createHash('sha1').update(`${jobId}:${kind}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const stem = (fileName: string) => fileName.replace(/\.xlsx$/i, '');

export interface ImportSummary {
  status: 'succeeded' | 'failed';
  valid: number;
  failed: number;
}

/**
 * The import job's activities. runImport is the long one: it heartbeats the row it has
 * committed up to, and a retry after a crash reads that back and resumes from it.
 */
export function createImportActivities(deps: AppDeps) {
  const { db } = deps;
  const files = createFileStore(db);

  return {
    async runImport(i: { jobId: string }): Promise<ImportSummary> {
      const ctx = Context.current();
      const job = await db('import_jobs').where({ id: i.jobId }).first();
      if (!job) throw ApplicationFailure.create({ type: 'ImportJobMissing', message: `import job ${i.jobId} not found`, nonRetryable: true });
      if (job.status === 'succeeded' || job.status === 'failed') return { status: job.status, valid: job.rows_valid, failed: job.rows_failed };

      const resumeRow = Number((ctx.info.heartbeatDetails as { row?: number } | undefined)?.row ?? 0);
      await db('import_jobs')
        .where({ id: job.id })
        .update({
          status: 'running',
          attempts: db.raw('attempts + 1'),
          started_at: db.raw('coalesce(started_at, ?)', [deps.clock.now()]),
          ...(resumeRow > 0 ? { resumed_from_row: resumeRow } : {}),
        });
      const file = await files.read(job.file_id, job.institution_id);
      if (!file) throw failure('上传的文件已不存在,请重新上传');

      const limits = {
        maxEntries: 1000,
        maxUnpackedBytes: deps.config.IMPORT_MAX_UNPACKED_BYTES,
        maxRows: deps.config.IMPORT_MAX_ROWS,
      };
      let result;
      try {
        result = await runImportFile(db, job as Job, file.data, limits, {
          resumeRow,
          onTotal: async (rows) => {
            await db('import_jobs').where({ id: job.id }).update({ rows_total: rows });
          },
          onBatch: async (p) => {
            await db('import_jobs').where({ id: job.id }).update({ rows_read: p.read, rows_valid: p.valid, rows_failed: p.failed });
            ctx.heartbeat({ row: p.lastRow });
          },
        });
      } catch (e) {
        if (e instanceof ImportFileError) throw failure(e.message);
        throw e;
      }

      const base = stem(job.file_name);
      const successId = resultFileId(job.id, 'success');
      const failureId = resultFileId(job.id, 'failure');
      await files.put({ id: successId, name: `${base}-成功数据.xlsx`, mime: XLSX_MIME, data: result.success, institutionId: job.institution_id });
      await files.put({ id: failureId, name: `${base}-失败数据.xlsx`, mime: XLSX_MIME, data: result.failure, institutionId: job.institution_id });
      await db.transaction(async (trx) => {
        const now = deps.clock.now();
        const done = await trx('import_jobs')
          .where({ id: job.id })
          .whereNotIn('status', ['succeeded', 'failed'])
          .update({
            status: 'succeeded',
            rows_read: result.read,
            rows_valid: result.valid,
            rows_failed: result.failed,
            success_file_id: successId,
            failure_file_id: failureId,
            finished_at: now,
            error: null,
          });
        if (!done) return;
        if (job.type === 'onsite_outcomes') {
          await trx('outcome_reports').where({ id: job.id }).update({ rows: result.valid, written: result.valid, written_at: now });
          if (result.valid > 0) await trx('training_classes').where({ id: job.class_id }).update({ outcomes_reported: true, updated_at: now });
        }
        await audit(trx, {
          event: 'import_finished',
          result: 'success',
          userId: job.created_by,
          institutionId: job.institution_id,
          detail: { jobId: job.id, type: job.type, read: result.read, valid: result.valid, failed: result.failed, resumedFromRow: resumeRow || null, timings: result.timings },
        });
      });
      return { status: 'succeeded', valid: result.valid, failed: result.failed };
    },

    async failImport(i: { jobId: string; reason: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const [job] = await trx('import_jobs')
          .where({ id: i.jobId })
          .whereNotIn('status', ['succeeded', 'failed'])
          .update({ status: 'failed', error: i.reason, finished_at: deps.clock.now() })
          .returning(['id', 'type', 'institution_id', 'created_by']);
        if (!job) return;
        await audit(trx, {
          event: 'import_finished',
          result: 'failure',
          userId: job.created_by,
          institutionId: job.institution_id,
          detail: { jobId: job.id, type: job.type, reason: i.reason },
        });
      });
    },

    /** The retention time has passed: the upload and its result files go, the job keeps its counts. */
    async expireImportFiles(i: { jobId: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const [job] = await trx('import_jobs')
          .where({ id: i.jobId })
          .whereNull('files_expired_at')
          .forUpdate()
          .select('file_id', 'success_file_id', 'failure_file_id', 'institution_id');
        if (!job) return;
        await trx('import_jobs').where({ id: i.jobId }).update({ file_id: null, success_file_id: null, failure_file_id: null, files_expired_at: deps.clock.now() });
        const ids = [job.file_id, job.success_file_id, job.failure_file_id].filter(Boolean);
        if (ids.length) await trx('files').whereIn('id', ids).delete();
        await audit(trx, { event: 'import_files_expired', result: 'success', institutionId: job.institution_id, detail: { jobId: i.jobId, files: ids.length } });
      });
    },

    /** 面授班培训成果导入 wrote 培训档案 rows (and marked the class reported): its workflow hears of it. */
    async notifyClassOfImport(i: { jobId: string; classId: number; rows: number }): Promise<void> {
      if (!deps.temporal) throw new Error('Temporal client missing in worker deps');
      try {
        await deps.temporal.workflow.getHandle(classWorkflowId(i.classId)).signal(outcomesImportedSignal, { jobId: i.jobId, rows: i.rows });
      } catch (e) {
        // A class made before its workflow existed (or one already closed) has nobody to tell.
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      }
    },
  };
}

/** A file the job refuses: not retried, its message becomes the job's reason. */
const failure = (message: string) => ApplicationFailure.create({ type: 'ImportFileError', message, nonRetryable: true });

export type ImportActivities = ReturnType<typeof createImportActivities>;
