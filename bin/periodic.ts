import type { AppDeps } from '../app/deps';
import { sweepShortLived } from '../db/housekeeping';

/**
 * A pass run every `intervalMs` in the worker process until stop(), which ends the loop
 * after the current pass. A failed pass is logged and the next one runs on time.
 */
export function startPeriodic(deps: AppDeps, name: string, pass: () => Promise<void>, intervalMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      try {
        await pass();
      } catch (e) {
        deps.logger.error(`${name} pass failed`, { error: String((e as Error)?.stack ?? e) });
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

/** Expired captchas, SMS codes, old sign-in attempts and revoked sessions go every ten minutes. */
export const startHousekeeping = (deps: AppDeps, intervalMs = 10 * 60_000) =>
  startPeriodic(deps, 'housekeeping', async () => {
    const swept = await sweepShortLived(deps.db, deps.clock.now());
    if (Object.values(swept).some((n) => n > 0)) deps.logger.info('short-lived rows swept', swept);
  }, intervalMs);
