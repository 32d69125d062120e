import fs from 'node:fs';
import net from 'node:net';

/** Helpers for the processes `npm start` owns, read from /proc (Linux, where it runs). */

export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive but someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function parentPid(pid: number): number | null {
  try {
    // The command name in field 2 may hold spaces and parentheses; fields after the last ')' are fixed.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * A server left behind by a run that was killed outright: its parent is no longer a Node
 * process of ours (it was re-parented to init or a sub-reaper). A server whose parent is
 * a living Node process belongs to a run still going, and is left alone.
 */
export function isOrphan(pid: number): boolean {
  const ppid = parentPid(pid);
  if (ppid === null || ppid <= 1) return true;
  return !/\bnode\b/.test(commandLine(ppid));
}

export async function waitFor(check: () => boolean, ms: number, stepMs = 100): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

/** True when nothing listens on host:port yet (so a start there will not collide). */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}
