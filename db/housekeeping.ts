import type { Db } from './knex';

const HOUR = 3600_000;
const BATCH = 5000;

/**
 * Rows that matter for minutes and would otherwise pile up with every page view: captchas
 * (one per login page), SMS codes (kept two days for the resend rules) and sign-in attempts
 * (the per-address limit looks back ten minutes), and sessions ended by 退出 or a password
 * change. Deleted in batches so a large backlog never holds one long lock.
 */
export async function sweepShortLived(db: Db, now: Date): Promise<{ captchas: number; smsCodes: number; loginAttempts: number; sessions: number }> {
  const sweep = async (table: string, column: string, before: Date) => {
    let total = 0;
    for (;;) {
      const n: number = await db(table).whereIn('id', db(table).where(column, '<', before).select('id').limit(BATCH)).delete();
      total += n;
      if (n < BATCH) return total;
    }
  };
  return {
    captchas: await sweep('captchas', 'expires_at', new Date(now.getTime() - HOUR)),
    smsCodes: await sweep('sms_codes', 'expires_at', new Date(now.getTime() - 48 * HOUR)),
    loginAttempts: await sweep('login_attempts', 'at', new Date(now.getTime() - 24 * HOUR)),
    // A revoked session's token is refused either way; a missing row is refused the same.
    sessions: await sweep('sessions', 'revoked_at', new Date(now.getTime() - HOUR)),
  };
}
