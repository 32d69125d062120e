/**
 * Polls `fn` until it gives something truthy and returns that; fails naming `what` after
 * `ms`. Workflows and jobs finish in the background, so tests wait for their effects.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
