import { PassThrough } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import ExcelJS from 'exceljs';
import { benchEnv, closeBench, startWorkerChild, workerMain, type Bench } from './benchCommon';

/**
 * npm run bench:export — 班级人员导出 of a 100,000-member class through the real path
 * (POST → export:<jobId> workflow on a worker process → cursor → streaming xlsx → file
 * store) against a bare exceljs streaming write of the same rows from memory.
 */
const N = Number(process.env.BENCH_ROWS ?? 100_000);

async function seedClass(b: Bench, members: number) {
  const [cls] = await b.db('training_classes').insert(b.classRow('导出基准班')).returning('id');
  await b.db.raw(
    `INSERT INTO class_members (class_id, institution_id, name, id_number, phone, employer)
     SELECT ?, ?, '学员' || g, '350102' || lpad(g::text, 12, '0'), '138' || lpad(g::text, 8, '0'), '单位' || (g % 500)
       FROM generate_series(1, ?) g`,
    [cls.id, b.inst.id, members],
  );
  await b.db.raw(
    `INSERT INTO outcomes (class_id, institution_id, id_number, name, hours, result)
     SELECT class_id, institution_id, id_number, name, 8, 'pass' FROM class_members WHERE class_id = ? AND id % 2 = 0`,
    [cls.id],
  );
  await b.db.raw('ANALYZE class_members; ANALYZE outcomes');
  return cls.id as number;
}

async function runExport(b: Bench, classId: number) {
  const wall0 = Date.now();
  const t0 = performance.now();
  const res = await b.agent.post(`/exports/class/${classId}`);
  const jobId = res.location?.split('/').pop();
  if (res.status !== 303 || !jobId) throw new Error(`export failed to start: ${res.status}`);
  let job;
  for (;;) {
    job = await b.db('export_jobs').where({ id: jobId }).first();
    if (job.status !== 'queued' && job.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  if (job.status !== 'succeeded') throw new Error(`export ${job.status}: ${job.error}`);
  const audit = await b.db('audit_log').where({ event: 'export_finished' }).whereRaw("detail->>'jobId' = ?", [jobId]).first('detail');
  const timings = (typeof audit.detail === 'string' ? JSON.parse(audit.detail) : audit.detail).timings as { fetchWait: number; write: number; store: number; total: number };
  const queue = Math.max(0, new Date(job.started_at).getTime() - wall0);
  return { ms, rows: job.rows_written as number, timings, queue };
}

/** The same rows, already in memory, through exceljs' streaming writer with its defaults. */
async function bareWrite(rows: unknown[][]) {
  const t = performance.now();
  const sink = new PassThrough();
  let bytes = 0;
  sink.on('data', (c: Buffer) => (bytes += c.length));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink });
  const ws = wb.addWorksheet('班级人员');
  ws.addRow(['姓名', '身份证号码', '手机号', '工作单位', '学时', '培训结果']).commit();
  for (const r of rows) ws.addRow(r).commit();
  await wb.commit();
  return { ms: performance.now() - t, bytes };
}

async function main() {
  if (process.argv.includes('--worker')) return workerMain();
  const b = await benchEnv('export');
  let worker: ChildProcess | null = null;
  try {
    const warm = await seedClass(b, 200);
    const classId = await seedClass(b, N);
    worker = await startWorkerChild(__filename, b);
    await runExport(b, warm);
    await new Promise((r) => setTimeout(r, 500));
    const idleRss = b.workerRss();
    b.resetPeak();
    const e2e = await runExport(b, classId);
    const peakRss = b.peakRss();
    // A second export of the same class: a worker that has run for a while, JIT warm.
    const again = await runExport(b, classId);
    await b.stopWorker(worker);
    worker = null;

    const rows = (
      await b.db.raw(
        `SELECT m.name, m.id_number, m.phone, m.employer, o.hours, CASE o.result WHEN 'pass' THEN '合格' WHEN 'fail' THEN '不合格' END AS result
           FROM class_members m LEFT JOIN outcomes o ON o.class_id = m.class_id AND o.id_number = m.id_number WHERE m.class_id = ? ORDER BY m.id`,
        [classId],
      )
    ).rows.map((r: Record<string, unknown>) => [r.name, r.id_number, r.phone, r.employer, r.hours, r.result]);
    const bare = await bareWrite(rows);
    const bare2 = await bareWrite(rows);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`\nexport of ${e2e.rows} class members, end to end (POST → workflow → cursor → xlsx → file store → done)`);
    console.log(`  total            ${s(e2e.ms)}   ${Math.round(e2e.rows / (e2e.ms / 1000))} rows/s`);
    const share = (ms: number) => `${((ms / e2e.ms) * 100).toFixed(0)}%`;
    const act = e2e.timings;
    const rest = e2e.ms - e2e.queue - act.total;
    console.log(`  POST → activity start   ${s(e2e.queue)}   ${share(e2e.queue)}`);
    console.log(`  waiting for FETCH       ${s(act.fetchWait)}   ${share(act.fetchWait)}`);
    console.log(`  xlsx write              ${s(act.write)}   ${share(act.write)}`);
    console.log(`  store file              ${s(act.store)}   ${share(act.store)}`);
    console.log(`  count, cursor, finish, poll ${s(rest + act.total - act.fetchWait - act.write - act.store)}   ${share(rest + act.total - act.fetchWait - act.write - act.store)}`);
    console.log(`  worker peak RSS  ${(peakRss / 1024 / 1024).toFixed(0)} MB during the job (idle: ${(idleRss / 1024 / 1024).toFixed(0)} MB)`);
    console.log(`bare exceljs streaming write of the same rows from memory: ${s(bare.ms)} (${(bare.bytes / 1024 / 1024).toFixed(1)} MB)`);
    console.log(`ratio end-to-end / bare write: ${(e2e.ms / bare.ms).toFixed(2)}×   (target ≤ 1.3×)`);
    console.log(`second run of each (warm): export ${s(again.ms)} (xlsx write ${s(again.timings.write)}, waiting for FETCH ${s(again.timings.fetchWait)}), bare write ${s(bare2.ms)}, ratio ${(again.ms / bare2.ms).toFixed(2)}×`);
  } finally {
    if (worker) worker.kill('SIGKILL');
    await closeBench(b);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
