import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';

/** Reachability of what the platform needs, for load balancers and the start script. */
export function registerHealth(r: SecureRouter, deps: AppDeps) {
  r.get('/healthz', 'public', async (_req, res) => {
    const check = async (f: () => Promise<unknown>) => {
      try {
        await Promise.race([f(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000))]);
        return 'ok';
      } catch (e) {
        return `unreachable: ${(e as Error).message}`;
      }
    };
    const postgres = await check(() => deps.db.raw('select 1'));
    const temporal = deps.temporal
      ? await check(() => deps.temporal!.workflowService.getSystemInfo({}))
      : 'unreachable: not connected';
    const ok = postgres === 'ok' && temporal === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, temporal });
  });
}
