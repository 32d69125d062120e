import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createDb, migrateLatest } from '../../db/knex';
import { findTemporalBin, freePort, installTemporal, waitForTemporal } from '../../bin/temporal';
import { WORKFLOWS_PATH } from '../../bin/worker-runtime';

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function globalSetup() {
  const tmp = path.resolve(__dirname, '../.tmp');
  fs.mkdirSync(tmp, { recursive: true });

  // One fresh database per run on the machine's PostgreSQL.
  const dbName = `ce_test_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  process.env.TEST_DATABASE_URL = url.toString();
  process.env.TEST_DATABASE_NAME = dbName;
  const db = createDb(url.toString());
  await migrateLatest(db);
  await db.destroy();

  // A real Temporal dev server from the installed CLI (in memory, no UI), unless given one.
  if (!process.env.TEST_TEMPORAL_ADDRESS) {
    const bin = findTemporalBin() ?? installTemporal();
    const port = await freePort();
    const child = spawn(bin, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: false,
    });
    (globalThis as Record<string, unknown>).__TEMPORAL__ = child;
    process.env.TEST_TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    await waitForTemporal(process.env.TEST_TEMPORAL_ADDRESS, 60000);
  }

  // Bundle the workflows once; every test worker loads the same bundle.
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
  const bundlePath = path.join(tmp, `workflow-bundle-${process.pid}.js`);
  fs.writeFileSync(bundlePath, code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
