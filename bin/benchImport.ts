import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync, type ChildProcess } from 'node:child_process';
import ExcelJS from 'exceljs';
import { benchEnv, closeBench, lastBreakdown, peakBreakdown, startWorkerChild, workerMain, type Bench } from './benchCommon';
import { makePhone } from './fixtures/people';
import { nthId } from './fixtures/ids';

/**
 * npm run bench:import — a 100,000-row 班级人员 file through the real path (HTTP upload →
 * import:<jobId> workflow on a worker process → rows in PostgreSQL → result files), and in
 * the same run the floor it is measured against: a bare exceljs streaming read of the file
 * plus a bare COPY of the same rows. Prints rows/s, each stage's share, the worker's peak RSS.
 */
const N = Number(process.env.BENCH_ROWS ?? 100_000);

async function generate(file: string) {
  // Shared strings and Excel's entry order (sheets before sharedStrings), as a person's Excel writes.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('导入数据');
  ws.columns = [{ width: 12 }, { width: 22, style: { numFmt: '@' } }, { width: 15, style: { numFmt: '@' } }, { width: 20 }];
  ws.addRow(['*姓名', '*身份证号码', '*手机号', '工作单位']).commit();
  const rows: string[][] = [];
  for (let i = 0; i < N; i++) {
    const r = [`学员${i}`, nthId(i), makePhone(), `单位${i % 500}`];
    rows.push(r);
    ws.addRow(r).commit();
  }
  await wb.commit();
  return rows;
}

async function bareRead(file: string) {
  const t = performance.now();
  let n = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const ws of reader) for await (const _row of ws) n++;
  return { ms: performance.now() - t, rows: n };
}

/** COPY of the same rows into class_members (same table, same indexes) through psql. */
async function bareCopy(b: Bench, rows: string[][]) {
  const [cls] = await b.db('training_classes').insert(b.classRow('COPY对照班')).returning('id');
  const csv = rows.map((r) => [cls.id, b.inst.id, r[0], r[1], r[2], r[3]].join(',')).join('\n') + '\n';
  const t = performance.now();
  const res = spawnSync('psql', [b.databaseUrl, '-q', '-c', '\\copy class_members (class_id, institution_id, name, id_number, phone, employer) FROM STDIN WITH (FORMAT csv)'], { input: csv });
  const ms = performance.now() - t;
  if (res.status !== 0) throw new Error(`psql COPY failed: ${res.stderr}`);
  return { ms };
}

async function main() {
  if (process.argv.includes('--worker')) return workerMain();
  const b = await benchEnv('import');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  let worker: ChildProcess | null = null;
  try {
    const file = path.join(tmp, 'members.xlsx');
    let t = performance.now();
    const rows = await generate(file);
    const data = fs.readFileSync(file);
    console.log(`generated ${N} rows: ${(data.length / 1024 / 1024).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    worker = await startWorkerChild(__filename, b);
    // Warm-up: one small job so the worker's first-job costs (workflow bundle load, JIT) are not in the figure.
    const [warm] = await b.db('training_classes').insert(b.classRow('预热班')).returning('id');
    await runJob(b, warm.id, await small());

    const [cls] = await b.db('training_classes').insert(b.classRow('基准班')).returning('id');
    await new Promise((r) => setTimeout(r, 500));
    const idleRss = b.workerRss();
    const idleDetail = lastBreakdown();
    b.resetPeak();
    const e2e = await runJob(b, cls.id, data);
    const peakRss = b.peakRss();
    await b.stopWorker(worker);
    worker = null;

    const read = await bareRead(file);
    const copy = await bareCopy(b, rows);
    const floor = read.ms + copy.ms;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const share = (ms: number) => `${((ms / e2e.total) * 100).toFixed(0)}%`;
    const act = e2e.timings;
    const parse = act.total - act.resultFiles;
    console.log(`\nimport of ${N} class members, end to end (upload → workflow → result files)`);
    console.log(`  total                 ${s(e2e.total)}   ${Math.round(N / (e2e.total / 1000))} rows/s   (${e2e.job.rows_valid} valid, ${e2e.job.rows_failed} failed)`);
    console.log(`  upload + store + start ${s(e2e.upload)}   ${share(e2e.upload)}`);
    console.log(`  queue → activity start ${s(e2e.queue)}   ${share(e2e.queue)}`);
    console.log(`  parse + check (+wait) ${s(parse)}   ${share(parse)}`);
    console.log(`  commit batches        ${s(act.commit)}   ${share(act.commit)}  (runs beside parsing)`);
    console.log(`  result files          ${s(act.resultFiles)}   ${share(act.resultFiles)}`);
    console.log(`  store files + finish  ${s(e2e.finish)}   ${share(e2e.finish)}`);
    console.log(`  worker peak RSS       ${(peakRss / 1024 / 1024).toFixed(0)} MB during the job   (target < 300 MB; idle worker after a warm-up job: ${(idleRss / 1024 / 1024).toFixed(0)} MB)`);
    console.log(`    idle:        ${idleDetail}`);
    console.log(`    at the peak: ${peakBreakdown()}`);
    console.log(`floor: bare exceljs streaming read ${s(read.ms)} (${read.rows} rows) + bare COPY ${s(copy.ms)} = ${s(floor)}`);
    console.log(`ratio end-to-end / floor: ${(e2e.total / floor).toFixed(2)}×   (target ≤ 1.5×)`);
  } finally {
    if (worker) worker.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
    await closeBench(b);
  }
}

async function small() {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入数据');
  ws.addRow(['*姓名', '*身份证号码', '*手机号', '工作单位']);
  for (let i = 0; i < 200; i++) ws.addRow([`预热${i}`, nthId(900000 + i), makePhone(), '']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function runJob(b: Bench, classId: number, data: Buffer) {
  const page = await b.agent.get(`/imports/class/${classId}/new?type=class_members`);
  const key = /name="uploadKey" value="([^"]+)"/.exec(page.text)?.[1] ?? randomUUID();
  const fd = new FormData();
  fd.append('type', 'class_members');
  fd.append('uploadKey', key);
  fd.append('file', new Blob([new Uint8Array(data)]), 'members.xlsx');
  const wall0 = Date.now();
  const t0 = performance.now();
  const res = await b.agent.upload(`/imports/class/${classId}/new`, fd);
  const upload = performance.now() - t0;
  const jobId = res.location?.split('/').pop();
  if (res.status !== 303 || !jobId) throw new Error(`upload failed: ${res.status} ${res.text.slice(0, 300)}`);
  let job;
  for (;;) {
    job = await b.db('import_jobs').where({ id: jobId }).first();
    if (job.status === 'succeeded' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const total = performance.now() - t0;
  if (job.status !== 'succeeded') throw new Error(`job failed: ${job.error}`);
  const audit = await b.db('audit_log').where({ event: 'import_finished' }).whereRaw("detail->>'jobId' = ?", [jobId]).first('detail');
  const timings = (typeof audit.detail === 'string' ? JSON.parse(audit.detail) : audit.detail).timings as { commit: number; resultFiles: number; total: number };
  const queue = Math.max(0, new Date(job.started_at).getTime() - (wall0 + upload));
  return { job, total, upload, queue, timings, finish: Math.max(0, total - upload - queue - timings.total) };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

