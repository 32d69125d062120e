import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { clearLeftovers, lockState } from '../../bin/embeddedPostgres';

/** What `npm start` makes of the lock file a killed run leaves in the PostgreSQL data dir. */
describe('a postmaster.pid left by a killed run', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writePid = (pid: number) => fs.writeFileSync(path.join(dir, 'postmaster.pid'), `${pid}\n${dir}\n1700000000\n5433\n`);

  it('is removed when its pid no longer runs', async () => {
    const gone = spawnSync('true').pid!;
    writePid(gone);
    expect(lockState(dir)).toEqual({ state: 'stale', pid: gone });
    const said: string[] = [];
    await clearLeftovers(dir, (s) => said.push(s));
    expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
    expect(said.join()).toContain('stale postmaster.pid');
  });

  it('is removed when its pid was reused by a process that is not our postgres', async () => {
    writePid(process.pid);
    expect(lockState(dir).state).toBe('stale');
    await clearLeftovers(dir, () => {});
    expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
  });

  it('is nothing to do when there is none', async () => {
    expect(lockState(dir)).toEqual({ state: 'none', pid: null });
    await expect(clearLeftovers(dir, () => {})).resolves.toBeUndefined();
  });
});
