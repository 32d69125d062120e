import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../app/config';
import { connectTemporal } from '../../bin/runtime';
import { createWorker } from '../../bin/worker-runtime';
import { createDb, type Db } from '../../db/knex';
import { OutboxSmsSender } from '../../app/sms';
import { silentLogger } from '../../app/logger';
import { createApp } from '../../web/app';
import type { AppDeps, Clock } from '../../app/deps';
import { Agent } from './agent';

/** A clock tests can move: starts at real time, advances on request. */
export class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export interface TestPlatform {
  deps: AppDeps;
  db: Db;
  clock: TestClock;
  config: Config;
  baseUrl: string;
  agent(): Agent;
  worker: Worker | null;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The whole platform for one test file: the run's database, the run's Temporal dev
 * server, a web server on a free port and (unless worker: false) a worker on a task
 * queue of its own, so parallel test files never pick up each other's tasks.
 */
export async function startPlatform(opts: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ce-test-'));
  const config = loadConfig({ NODE_ENV: 'test', AUTH_CAPTCHA: 'off', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, ...opts.env });
  const address = process.env.TEST_TEMPORAL_ADDRESS!;
  const db = createDb(process.env.TEST_DATABASE_URL!, { max: 6 });
  const clock = new TestClock();
  const temporal = await connectTemporal(address, config.TEMPORAL_NAMESPACE);
  const deps: AppDeps = {
    db,
    config,
    temporal,
    taskQueue: `test-${randomUUID()}`,
    clock,
    sms: new OutboxSmsSender(db, silentLogger),
    logger: silentLogger,
    jwtSecret: TEST_JWT_SECRET,
  };
  const server: Server = await new Promise((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  let nativeConnection: { close(): Promise<void> } | null = null;
  if (opts.worker !== false) {
    const created = await createWorker(deps, address, { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } });
    worker = created.worker;
    nativeConnection = created.connection;
    running = worker.run();
  }

  return {
    deps,
    db,
    clock,
    config,
    baseUrl,
    worker,
    agent: () => new Agent(baseUrl),
    async close() {
      if (worker) {
        worker.shutdown();
        await running;
        await nativeConnection?.close();
      }
      await new Promise((r) => server.close(r));
      server.closeAllConnections?.();
      await temporal.connection.close();
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
