import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { Connection } from '@temporalio/client';

/** Where the Temporal CLI may already be: TEMPORAL_BIN, PATH, Go's bin dir, ./data/bin. */
export function findTemporalBin(dataDir = path.resolve('data')): string | null {
  const candidates: string[] = [];
  if (process.env.TEMPORAL_BIN) candidates.push(process.env.TEMPORAL_BIN);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'temporal'));
  const gopath = process.env.GOPATH || path.join(os.homedir(), 'go');
  candidates.push(path.join(process.env.GOBIN || path.join(gopath, 'bin'), 'temporal'));
  candidates.push(path.join(dataDir, 'bin', 'temporal'));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      /* not here */
    }
  }
  return null;
}

const TAGS = ['v1.5.1', 'v1.5.0', 'v1.4.1'];

/** Go >= 1.25 builds the CLI; an older Go (or none) takes the release archive instead. */
function goCanBuild(): boolean {
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const m = go.status === 0 ? /^go(\d+)\.(\d+)/.exec(go.stdout.trim()) : null;
  return !!m && (Number(m[1]) > 1 || Number(m[2]) >= 25);
}

/**
 * Installs the Temporal CLI into DATA_DIR/bin: built with `go install` where Go >= 1.25
 * exists (later tags carry a replace directive and cannot be installed that way; the
 * first build takes minutes, the Go cache makes later ones quick), else the official
 * release archive from GitHub.
 */
export function installTemporal(dataDir = path.resolve('data'), log: (s: string) => void = console.log): string {
  const binDir = path.join(dataDir, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  if (goCanBuild()) {
    for (const tag of TAGS) {
      log(`Building the Temporal CLI ${tag} with go install (the first build takes several minutes)...`);
      try {
        execFileSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@${tag}`], {
          stdio: ['ignore', 'inherit', 'inherit'],
          env: { ...process.env, GOBIN: binDir },
        });
        return path.join(binDir, 'temporal');
      } catch (e) {
        log(`go install of ${tag} failed: ${(e as Error).message}`);
      }
    }
  } else {
    log('Go >= 1.25 not found; using the Temporal CLI release archive instead.');
  }
  return downloadRelease(binDir, log);
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** The official release archive (temporal_cli_<v>_<os>_<arch>.tar.gz), unpacked with tar. */
function downloadRelease(binDir: string, log: (s: string) => void): string {
  const arch = ARCH[process.arch];
  const os_ = process.platform === 'darwin' ? 'darwin' : process.platform === 'linux' ? 'linux' : null;
  if (!arch || !os_) throw new Error(`No Temporal CLI release for ${process.platform}/${process.arch}: set TEMPORAL_BIN`);
  for (const tag of TAGS) {
    const v = tag.slice(1);
    const url = `https://github.com/temporalio/cli/releases/download/${tag}/temporal_cli_${v}_${os_}_${arch}.tar.gz`;
    const archive = path.join(binDir, `temporal_cli_${v}.tar.gz`);
    log(`Downloading ${url}`);
    const got = spawnSync('curl', ['-fsSL', '--retry', '2', '-o', archive, url], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (got.status !== 0) {
      log(`download of ${tag} failed`);
      continue;
    }
    execFileSync('tar', ['-xzf', archive, '-C', binDir, 'temporal']);
    fs.rmSync(archive, { force: true });
    return path.join(binDir, 'temporal');
  }
  throw new Error('Could not install the Temporal CLI (tried go install and the release archives of ' + TAGS.join(', ') + '): set TEMPORAL_BIN');
}

/** A TCP port free on 127.0.0.1 just now, for a dev server started on it next. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Waits until a Temporal server answers at `address`; gives up after `ms`. */
export async function waitForTemporal(address: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      await c.close();
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`Temporal dev server did not start at ${address}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
