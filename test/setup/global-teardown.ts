import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';

export default async function globalTeardown() {
  const child = (globalThis as Record<string, unknown>).__TEMPORAL__ as ChildProcess | undefined;
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
  }
  if (process.env.TEST_WORKFLOW_BUNDLE) fs.rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
  if (process.env.TEST_DATABASE_NAME && !process.env.KEEP_TEST_DB) {
    const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${process.env.TEST_DATABASE_NAME} WITH (FORCE)`);
    await admin.end();
  }
}
