import type { Server } from 'node:http';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, ConfigError, type Config } from '../app/config';
import { createDeps, closeDeps } from './runtime';
import { createWorker } from './worker-runtime';
import { startEmbeddedPostgres } from './embeddedPostgres';
import { startDevTemporal } from './devTemporal';
import { createApp } from '../web/app';
import { startArchiver } from './archive';
import { startHousekeeping } from './periodic';

/**
 * `npm start`: the whole platform on one machine. PostgreSQL and Temporal come from
 * DATABASE_URL / TEMPORAL_ADDRESS when set; otherwise this process runs an embedded
 * PostgreSQL and a Temporal dev server under DATA_DIR. Web and worker run here too.
 * Everything started is stopped, newest first, on Ctrl-C or SIGTERM.
 */

const log = (s: string) => console.log(`[start] ${s}`);
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

type Stop = { name: string; stop: () => Promise<void> };
const started: Stop[] = [];
const killNow: Array<() => void> = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  // Newest first; something that finishes starting meanwhile is pushed and stopped too.
  for (let s = started.pop(); s; s = started.pop()) {
    try {
      await s.stop();
      log(`stopped ${s.name}`);
    } catch (e) {
      log(`stopping ${s.name} failed: ${(e as Error).message}`);
    }
  }
  process.exit(code);
}

let firstSignalAt = 0;

function onSignal(signal: NodeJS.Signals) {
  // A terminal's Ctrl-C reaches us twice: from the terminal and forwarded by npm.
  if (stopping && Date.now() - firstSignalAt < 1000) return;
  if (stopping) {
    // A second Ctrl-C: do not wait any longer.
    log('stopping at once');
    for (const k of killNow) k();
    process.exit(1);
  }
  firstSignalAt = Date.now();
  log(`${signal}: stopping (press Ctrl-C again to force)`);
  void stopAll(0);
}

function listen(config: Config, app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.PORT);
    server.once('listening', () => resolve(server));
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`PORT ${config.PORT} is already in use; set PORT to a free port`) : e),
    );
  });
}

async function main() {
  const t0 = Date.now();
  const config = loadConfig();
  // The SDK's INFO lines are the workflow bundler's webpack report: noise at every start.
  // No shutdownSignals: this script stops the worker itself, in order with the rest.
  Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN'), shutdownSignals: [] });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const database = config.DATABASE_URL
    ? Promise.resolve({ url: config.DATABASE_URL, embedded: false })
    : startEmbeddedPostgres(config, log).then((pg) => {
        started.push({ name: 'PostgreSQL', stop: pg.stop });
        log(`PostgreSQL ready on 127.0.0.1:${config.PG_PORT} (${seconds(t0)} s)`);
        return { url: pg.url, embedded: true };
      });
  const temporal = config.TEMPORAL_ADDRESS
    ? Promise.resolve({ address: config.TEMPORAL_ADDRESS, uiUrl: null as string | null })
    : startDevTemporal(config, log, (stop, kill) => {
        started.push({ name: 'Temporal dev server', stop });
        killNow.push(kill);
      }).then((t) => {
        log(`Temporal dev server ready on ${t.address} (${seconds(t0)} s)`);
        return t;
      });
  // Both start together; if one fails, the other is still awaited so it gets stopped.
  const [db, tp] = await Promise.allSettled([database, temporal]);
  if (db.status === 'rejected') throw db.reason;
  if (tp.status === 'rejected') throw tp.reason;
  if (stopping) return;

  const deps = await createDeps(config, { databaseUrl: db.value.url, temporalAddress: tp.value.address, migrate: true });
  started.push({ name: 'database pool', stop: () => closeDeps(deps) });
  log(`migrations done (${seconds(t0)} s)`);
  if (stopping) return;

  const { worker, connection } = await createWorker(deps, tp.value.address);
  const running = worker.run();
  started.push({
    name: 'worker',
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  });
  running.catch((e) => {
    if (stopping) return;
    log(`worker failed: ${(e as Error).message}`);
    void stopAll(1);
  });
  if (stopping) return;
  // Closed workflows' histories are copied to PostgreSQL for the auditor.
  const archiver = startArchiver(deps);
  started.push({ name: 'history archiver', stop: archiver.stop });
  const housekeeping = startHousekeeping(deps);
  started.push({ name: 'housekeeping', stop: housekeeping.stop });

  const server = await listen(config, createApp(deps));
  started.push({
    name: 'web server',
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive and htmx polling connections would hold close() open.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  });

  console.log('');
  console.log(`  福建省继续教育公共服务平台 is running (ready in ${seconds(t0)} s)`);
  console.log(`  Web:          http://localhost:${config.PORT}`);
  if (tp.value.uiUrl) console.log(`  Temporal UI:  ${tp.value.uiUrl}`);
  else console.log(`  Temporal:     ${tp.value.address} (namespace ${config.TEMPORAL_NAMESPACE})`);
  console.log(`  PostgreSQL:   ${db.value.embedded ? `embedded, 127.0.0.1:${config.PG_PORT}, data in ${config.dataDir}/pg` : 'DATABASE_URL'}`);
  console.log(`  Data dir:     ${config.dataDir}`);
  console.log('  Stop with Ctrl-C.');
  console.log('');
}

main().catch(async (e) => {
  console.error(e instanceof ConfigError ? e.message : `[start] failed: ${e instanceof Error ? e.message : String(e)}`);
  await stopAll(1);
});
