import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { login, makePhone } from '../helpers/fixtures';
import { institutionWithClasses, nthId, readXlsx, download, upload, waitFor, waitJob, xlsx } from '../helpers/imports';

/**
 * A worker killed (SIGKILL) in the middle of a large import: a new worker retries the
 * activity after the heartbeat timeout, resumes from the heartbeat's row, and the job
 * ends with every row exactly once.
 */
let p: TestPlatform;
const children: ChildProcess[] = [];

function startWorker(queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../helpers/importsWorker.ts')], {
    env: { ...process.env, WORKER_QUEUE: queue },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    child.stdout!.resume();
  });
}

beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await p?.close();
});

it('resumes from the heartbeat after the worker is killed and writes every row exactly once', async () => {
  const t = await institutionWithClasses(p.db);
  const agent = p.agent();
  await login(agent, t.admin);
  const N = 60000;
  const rows: Array<Array<string | null>> = [['*姓名', '*身份证号码', '*手机号', '工作单位']];
  for (let i = 0; i < N; i++) rows.push([`学员${i}`, nthId(i), makePhone(), null]);
  const file = await xlsx(rows, { textCols: [2, 3] });

  const first = await startWorker(p.deps.taskQueue);
  const { jobId } = await upload(agent, `/imports/class/${t.approved.id}/new`, file, { type: 'class_members' });
  await waitFor(async () => {
    const j = await p.db('import_jobs').where({ id: jobId }).first('rows_read', 'status');
    return j.rows_read >= 4000;
  }, 60000, 'first batches committed');
  first.kill('SIGKILL');
  const before = await p.db('import_jobs').where({ id: jobId }).first('rows_read', 'status');
  expect(before.status).toBe('running');
  expect(before.rows_read).toBeLessThan(N);

  await startWorker(p.deps.taskQueue);
  const job = await waitJob(p.db, jobId!, 120000);
  expect(job).toMatchObject({ status: 'succeeded', rows_read: N, rows_valid: N, rows_failed: 0 });
  expect(job.rows_total).toBe(N);
  expect(job.attempts).toBeGreaterThanOrEqual(2);
  expect(job.resumed_from_row).toBeGreaterThan(1);
  const [{ n, d }] = await p.db('class_members').where({ class_id: t.approved.id }).select(p.db.raw('count(*)::int as n, count(distinct id_number)::int as d'));
  expect({ n, d }).toEqual({ n: N, d: N });
  const success = await readXlsx(await download(agent, `/imports/${jobId}/files/success`));
  expect(success).toHaveLength(N + 1);
}, 240000);
