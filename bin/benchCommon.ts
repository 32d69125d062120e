import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { Client as PgClient } from 'pg';
import { loadConfig, type Config } from '../app/config';
import { closeDeps, createDeps } from './runtime';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createWorker, WORKFLOWS_PATH } from './worker-runtime';
import { findTemporalBin, freePort, waitForTemporal } from './temporal';
import { createApp } from '../web/app';
import { silentLogger } from '../app/logger';
import type { AppDeps } from '../app/deps';
import type { Db } from '../db/knex';
import { Agent } from './fixtures/agent';
import { createInstitution, login, makePhone } from './fixtures/people';

/**
 * What bench:import and bench:export share: a fresh bench database on the machine's
 * PostgreSQL, a Temporal dev server (TEMPORAL_ADDRESS, or one started on a free port), the
 * web app in this process and the worker in a child process whose peak RSS is reported.
 */
export interface Bench {
  db: Db;
  deps: AppDeps;
  config: Config;
  databaseUrl: string;
  temporalAddress: string;
  agent: Agent;
  inst: { id: number };
  classRow(name: string): Record<string, unknown>;
  stopWorker(child: ChildProcess): Promise<number>;
  /** The worker's current RSS (bytes), as it last reported (every 200 ms), and the highest since resetPeak(). */
  workerRss(): number;
  resetPeak(): void;
  peakRss(): number;
  server: Server;
  temporalChild: ChildProcess | null;
}

export async function benchEnv(name: string): Promise<Bench> {
  const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `ce_bench_${name}`;
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();

  let temporalAddress = process.env.TEMPORAL_ADDRESS ?? '';
  let temporalChild: ChildProcess | null = null;
  if (!temporalAddress) {
    const bin = findTemporalBin();
    if (!bin) throw new Error('Temporal CLI not found: set TEMPORAL_ADDRESS or TEMPORAL_BIN');
    const port = await freePort();
    temporalChild = spawn(bin, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'], { stdio: 'ignore' });
    temporalAddress = `127.0.0.1:${port}`;
  }
  await waitForTemporal(temporalAddress, 60000);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const config = loadConfig({
    NODE_ENV: 'development', AUTH_CAPTCHA: 'off', DATA_DIR: dataDir, JWT_SECRET: randomBytes(32).toString('hex'),
    UPLOAD_MAX_BYTES: String(64 * 1024 * 1024), LOG_LEVEL: 'error',
  });
  const deps = await createDeps(config, { databaseUrl, temporalAddress, migrate: true, taskQueue: `bench-${randomUUID()}`, logger: silentLogger });
  const server: Server = await new Promise((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const agent = new Agent(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  const inst = await createInstitution(deps.db);
  lastRss = 0;
  await login(agent, inst.admin);
  const y = new Date().getFullYear();
  return {
    db: deps.db,
    deps,
    config,
    databaseUrl,
    temporalAddress,
    agent,
    inst,
    server,
    temporalChild,
    classRow: (n: string) => ({
      institution_id: inst.id, name: `${n}${randomUUID().slice(0, 6)}`, training_year: y, subject_type: 'public', start_date: `${y}-03-01`,
      end_date: `${y}-03-05`, planned_count: 100, contact_name: '联系人', contact_phone: makePhone(), total_hours: 24, status: 'approved', outcome_mode: 'after_approval',
    }),
    workerRss: () => lastRss,
    resetPeak: () => (peakRss = 0),
    peakRss: () => peakRss,
    async stopWorker(child) {
      const rss = new Promise<number>((resolve) => {
        child.stdout!.on('data', (d: Buffer) => {
          const m = /maxrss (\d+)/.exec(d.toString());
          if (m) resolve(Number(m[1]));
        });
      });
      child.kill('SIGTERM');
      return rss;
    },
  };
}

export async function closeBench(b: Bench) {
  await new Promise((r) => b.server.close(r));
  b.server.closeAllConnections?.();
  await closeDeps(b.deps);
  b.temporalChild?.kill('SIGTERM');
}

/** The bench worker process: the platform's worker on the bench queue; prints its peak RSS (KB) when stopped. */
export async function workerMain() {
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: os.tmpdir(), JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'error' });
  const deps = await createDeps(config, {
    databaseUrl: process.env.BENCH_DATABASE_URL!,
    temporalAddress: process.env.BENCH_TEMPORAL_ADDRESS!,
    taskQueue: process.env.BENCH_QUEUE!,
    logger: silentLogger,
  });
  // Bundled by the parent, as a deployment bundles at build time: webpack stays out of the worker's memory.
  const { worker, connection } = await createWorker(deps, process.env.BENCH_TEMPORAL_ADDRESS!, { workflowBundle: { codePath: process.env.BENCH_BUNDLE! } });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  // The whole breakdown, so a peak can be told apart: V8 heap of the main thread, buffers
  // outside it, and the rest (worker threads' isolates, native allocations, code).
  const rss = setInterval(() => {
    const m = process.memoryUsage();
    process.stdout.write(`rss ${m.rss} ${m.heapUsed} ${m.heapTotal} ${m.external} ${m.arrayBuffers}\n`);
  }, 100);
  process.stdout.write('worker ready\n');
  await running;
  clearInterval(rss);
  await connection.close();
  await closeDeps(deps);
  process.stdout.write(`maxrss ${process.resourceUsage().maxRSS}\n`);
}

let lastRss = 0;
let peakRss = 0;
type Detail = { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
let peakDetail: Detail = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
let lastDetail: Detail = peakDetail;

const breakdown = (rss: number, d: Detail) => {
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  return `heap used ${mb(d.heapUsed)} / total ${mb(d.heapTotal)} MB, external ${mb(d.external)} MB (array buffers ${mb(d.arrayBuffers)} MB), rest ${mb(rss - d.heapTotal - d.external)} MB`;
};
/** The main thread's V8 heap and buffers at the sample of peak RSS, and at the last sample; the rest is threads, native memory and code. */
export const peakBreakdown = () => breakdown(peakRss, peakDetail);
export const lastBreakdown = () => breakdown(lastRss, lastDetail);

export async function startWorkerChild(script: string, b: Bench): Promise<ChildProcess> {
  const bundle = path.join(os.tmpdir(), `bench-bundle-${process.pid}.js`);
  if (!fs.existsSync(bundle)) {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
    fs.writeFileSync(bundle, code);
  }
  // BENCH_WORKER_NODE_ARGS: extra node flags for the worker (e.g. a heap limit) to compare.
  const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, '--worker'], {
    env: { ...process.env, BENCH_BUNDLE: bundle, BENCH_DATABASE_URL: b.databaseUrl, BENCH_TEMPORAL_ADDRESS: b.temporalAddress, BENCH_QUEUE: b.deps.taskQueue },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      for (const m of text.matchAll(/rss (\d+) (\d+) (\d+) (\d+) (\d+)/g)) {
        lastRss = Number(m[1]);
        lastDetail = { heapUsed: Number(m[2]), heapTotal: Number(m[3]), external: Number(m[4]), arrayBuffers: Number(m[5]) };
        if (lastRss > peakRss) {
          peakRss = lastRss;
          peakDetail = { heapUsed: Number(m[2]), heapTotal: Number(m[3]), external: Number(m[4]), arrayBuffers: Number(m[5]) };
        }
      }
      if (text.includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited (${code})`)));
  });
}
