import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import type { Config } from '../app/config';
import { findTemporalBin, installTemporal } from './temporal';
import { commandLine, isOrphan, isRunning, portFree, waitFor } from './processes';

/**
 * The Temporal dev server `npm start` runs when TEMPORAL_ADDRESS is unset: workflow
 * state in $DATA_DIR/temporal.sqlite (kept across starts), the Web UI on its own port.
 */

export interface LocalTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

const pidFile = (config: Config) => path.join(config.dataDir, 'temporal.pid');

/** A dev server left running by a killed run holds the ports and the SQLite file: stop it. */
async function clearLeftover(config: Config, log: (s: string) => void) {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile(config), 'utf8').trim());
  } catch {
    return;
  }
  const ours = isRunning(pid) && commandLine(pid).includes('start-dev') && commandLine(pid).includes(config.dataDir);
  if (ours && !isOrphan(pid)) throw new Error(`A Temporal dev server for ${config.dataDir} is already run by another process (pid ${pid})`);
  if (ours) {
    log(`Stopping the Temporal dev server (pid ${pid}) left running by an earlier run that was killed`);
    killGroup(pid, 'SIGTERM');
    if (!(await waitFor(() => !isRunning(pid), 15000))) killGroup(pid, 'SIGKILL');
  }
  fs.rmSync(pidFile(config), { force: true });
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

async function waitReachable(address: string, namespace: string, child: ChildProcess, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode}`);
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await c.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await c.close();
      }
    } catch (e) {
      if (Date.now() > until) throw new Error(`the Temporal dev server did not answer at ${address}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** onSpawn receives the stop function as soon as the process exists, so a Ctrl-C during start-up stops it too. */
export async function startDevTemporal(
  config: Config,
  log: (s: string) => void = console.log,
  onSpawn: (stop: () => Promise<void>, kill: () => void) => void = () => {},
): Promise<LocalTemporal> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  await clearLeftover(config, log);
  for (const [name, port] of [['TEMPORAL_PORT', config.TEMPORAL_PORT], ['TEMPORAL_UI_PORT', config.TEMPORAL_UI_PORT]] as const) {
    if (!(await portFree(port))) throw new Error(`${name} ${port} is already in use; set ${name} to a free port (or TEMPORAL_ADDRESS to use an existing Temporal)`);
  }
  let bin = config.TEMPORAL_BIN ?? findTemporalBin(config.dataDir);
  if (!bin) {
    log('The Temporal CLI was not found (TEMPORAL_BIN, PATH, ~/go/bin, data/bin); building it now.');
    log('The first build downloads and compiles the CLI and takes several minutes; later starts reuse it.');
    bin = installTemporal(config.dataDir, log);
  }
  const logFile = path.join(config.dataDir, 'temporal.log');
  const out = fs.openSync(logFile, 'a');
  // Own process group, so stopping it also stops anything it started, and a terminal's
  // Ctrl-C reaches it only through us (in order, after the worker has stopped).
  const child = spawn(
    bin,
    [
      'server', 'start-dev',
      '--db-filename', path.join(config.dataDir, 'temporal.sqlite'),
      '--ip', '127.0.0.1',
      '--port', String(config.TEMPORAL_PORT),
      '--ui-port', String(config.TEMPORAL_UI_PORT),
      // 'default' always exists; another configured namespace is created at launch.
      ...(config.TEMPORAL_NAMESPACE === 'default' ? [] : ['--namespace', config.TEMPORAL_NAMESPACE]),
      '--log-level', 'warn',
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  fs.writeFileSync(pidFile(config), String(child.pid));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child.pid!, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15000).unref())]);
      if (!done) killGroup(child.pid!, 'SIGKILL');
    }
    fs.rmSync(pidFile(config), { force: true });
  };
  onSpawn(stop, () => killGroup(child.pid!, 'SIGKILL'));
  const address = `127.0.0.1:${config.TEMPORAL_PORT}`;
  try {
    await waitReachable(address, config.TEMPORAL_NAMESPACE, child, 90000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message} (its log: ${logFile})`);
  }
  return { address, uiUrl: `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, stop };
}
