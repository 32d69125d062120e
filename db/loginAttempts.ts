import type { Db } from './knex';

export type AttemptOutcome = 'failure' | 'passed';

/**
 * Reserves a sign-in attempt for an address, or refuses when the address already has
 * `limit` failed or still-undecided attempts in the window. Check and reservation run
 * under one lock per address, so parallel guesses are counted one after another; an
 * attempt cut off before it was settled keeps counting against the address.
 */
export async function reserveAttempt(db: Db, ip: string, now: Date, o: { limit: number; windowMs: number }): Promise<number | null> {
  return db.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(hashtext('login-ip:' || ?))", [ip]);
    // Attempts out of the window no longer count; housekeeping deletes them later.
    const [{ count }] = await trx('login_attempts')
      .where({ ip })
      .where('at', '>', new Date(now.getTime() - o.windowMs))
      .whereIn('outcome', ['pending', 'failure'])
      .count<{ count: string }[]>('* as count');
    if (Number(count) >= o.limit) return null;
    const [row] = await trx('login_attempts').insert({ ip, at: now }).returning('id');
    return Number(row.id);
  });
}

export async function settleAttempt(db: Db, id: number, outcome: AttemptOutcome): Promise<void> {
  await db('login_attempts').where({ id }).update({ outcome });
}
