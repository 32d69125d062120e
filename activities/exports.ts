import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { PoolClient } from 'pg';
import type { AppDeps } from '../app/deps';
import { audit } from '../db/audit';
import { createFileStore } from '../db/files';
import { resultFileId } from './imports';
import { XlsxOut } from './xlsx';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FETCH_ROWS = 5000;

/** 班级人员导出: the columns, in the order of the 报名人员 page. */
export const MEMBER_EXPORT_COLUMNS = [
  { header: '姓名', width: 12 },
  { header: '身份证号码', width: 22, text: true },
  { header: '手机号', width: 15, text: true },
  { header: '工作单位', width: 24 },
  { header: '学时', width: 8 },
  { header: '培训结果', width: 10 },
];

const RESULT: Record<string, string> = { pass: '合格', fail: '不合格' };

/**
 * Streams a class's members from a server-side cursor into exceljs' streaming writer.
 * The next FETCH is already on its way while a batch is written, so PostgreSQL and the
 * writer work at the same time.
 */
async function writeMembers(client: PoolClient, classId: number, onBatch: (n: number) => void, timings: ExportTimings): Promise<{ data: Buffer; rows: number }> {
  const out = new XlsxOut('班级人员', MEMBER_EXPORT_COLUMNS);
  let t = performance.now();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // Every row is read: plan for the whole result (one hash join and sort, ~0.2 s for 100,000
  // members) rather than for a cursor's first rows (a nested loop costing ~3× as much, on the
  // same two cores as the writer).
  await client.query('SET LOCAL cursor_tuple_fraction = 1');
  try {
    await client.query(
      `DECLARE members NO SCROLL CURSOR FOR
         SELECT m.name, m.id_number, m.phone, m.employer, o.hours, o.result
           FROM class_members m LEFT JOIN outcomes o ON o.class_id = m.class_id AND o.id_number = m.id_number
          WHERE m.class_id = $1 ORDER BY m.id`,
      [classId],
    );
    const fetch = () => client.query<unknown[]>({ text: `FETCH ${FETCH_ROWS} FROM members`, rowMode: 'array' });
    let next = fetch();
    for (;;) {
      t = performance.now();
      const { rows } = await next;
      timings.fetchWait += performance.now() - t;
      if (rows.length === 0) break;
      next = fetch();
      t = performance.now();
      for (const r of rows) {
        out.add([r[0] as string, r[1] as string, r[2] as string, r[3] as string, r[4] === null ? null : Number(r[4]), r[5] ? RESULT[r[5] as string] : null]);
      }
      timings.write += performance.now() - t;
      onBatch(out.rows);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  t = performance.now();
  const data = await out.finish();
  timings.write += performance.now() - t;
  return { data, rows: out.rows };
}

/** Where an export's time went (ms), for the benchmark and slow-job diagnosis. */
interface ExportTimings {
  /** Waiting for the next FETCH (the rest of each batch's fetch overlaps writing). */
  fetchWait: number;
  write: number;
  store: number;
  total: number;
}

export function createExportActivities(deps: AppDeps) {
  const { db } = deps;
  const files = createFileStore(db);
  return {
    async runExport(i: { jobId: string; retentionMs: number }): Promise<{ rows: number }> {
      const ctx = Context.current();
      const job = await db('export_jobs').where({ id: i.jobId }).first();
      if (!job) throw ApplicationFailure.create({ type: 'ExportJobMissing', message: `export job ${i.jobId} not found`, nonRetryable: true });
      if (job.status !== 'queued' && job.status !== 'running') return { rows: job.rows_written };
      const [{ n }] = await db('class_members').where({ class_id: job.class_id }).count<{ n: string }[]>('* as n');
      await db('export_jobs').where({ id: job.id }).update({ status: 'running', rows_total: Number(n), started_at: deps.clock.now() });

      const started = performance.now();
      const timings: ExportTimings = { fetchWait: 0, write: 0, store: 0, total: 0 };
      let lastReported = 0;
      const client = (await db.client.acquireConnection()) as PoolClient;
      let result: { data: Buffer; rows: number };
      try {
        result = await writeMembers(client, job.class_id, (rows) => {
          ctx.heartbeat({ rows });
          // Progress for the page, without a write per batch on big exports.
          if (rows - lastReported >= 20000) {
            lastReported = rows;
            void db('export_jobs').where({ id: job.id }).update({ rows_written: rows }).catch(() => undefined);
          }
        }, timings);
      } finally {
        await db.client.releaseConnection(client);
      }

      const cls = await db('training_classes').where({ id: job.class_id }).first('name');
      const fileName = `班级人员导出-${cls?.name ?? job.class_id}.xlsx`;
      const fileId = resultFileId(job.id, 'success');
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + i.retentionMs);
      const t = performance.now();
      await files.put({ id: fileId, name: fileName, mime: XLSX_MIME, data: result.data, institutionId: job.institution_id, expiresAt });
      timings.store = performance.now() - t;
      timings.total = performance.now() - started;
      await db.transaction(async (trx) => {
        const done = await trx('export_jobs')
          .where({ id: job.id })
          .whereIn('status', ['queued', 'running'])
          .update({ status: 'succeeded', rows_written: result.rows, file_id: fileId, file_name: fileName, finished_at: now, expires_at: expiresAt });
        if (done) {
          await audit(trx, {
            event: 'export_finished',
            result: 'success',
            userId: job.created_by,
            institutionId: job.institution_id,
            detail: { jobId: job.id, type: job.type, classId: job.class_id, rows: result.rows, timings: roundAll(timings) },
          });
        }
      });
      return { rows: result.rows };
    },

    async failExport(i: { jobId: string; reason: string }): Promise<void> {
      await db('export_jobs').where({ id: i.jobId }).whereIn('status', ['queued', 'running']).update({ status: 'failed', error: i.reason, finished_at: deps.clock.now() });
    },

    /** The retention timer fired: the file goes, the list says 已过期. */
    async expireExport(i: { jobId: string }): Promise<void> {
      const job = await db('export_jobs').where({ id: i.jobId }).first('file_id', 'institution_id', 'created_by');
      if (!job) return;
      await db.transaction(async (trx) => {
        await trx('export_jobs').where({ id: i.jobId }).update({ status: 'expired', file_id: null });
        if (job.file_id) await trx('files').where({ id: job.file_id }).delete();
        await audit(trx, { event: 'export_expired', result: 'success', institutionId: job.institution_id, detail: { jobId: i.jobId } });
      });
    },
  };
}

const roundAll = (t: ExportTimings) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));

export type ExportActivities = ReturnType<typeof createExportActivities>;
