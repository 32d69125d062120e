import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { findTemporalBin, installTemporal } from './temporal';

/**
 * `npm run setup`: installs what `npm start` needs beyond npm packages: the Temporal CLI
 * (from TEMPORAL_BIN, PATH or ~/go/bin when present; otherwise built with `go install`).
 */
function main() {
  const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
  const found = findTemporalBin(dataDir);
  const started = Date.now();
  const bin = found ?? installTemporal(dataDir);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (found) console.log(`Temporal CLI: ${bin} (${version})`);
  else console.log(`Temporal CLI built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${bin} (${version})`);
}

try {
  main();
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
