import { randomUUID } from 'node:crypto';
import svgCaptcha from 'svg-captcha';
import type { AppDeps } from '../../app/deps';

const CAPTCHA_TTL_MS = 3 * 60 * 1000;

export async function newCaptcha(deps: AppDeps): Promise<{ id: string; svg: string }> {
  const c = svgCaptcha.create({ size: 4, noise: 2, ignoreChars: '0oO1ilI', color: true, width: 120, height: 40 });
  const id = randomUUID();
  await deps.db('captchas').insert({ id, answer: c.text.toLowerCase(), expires_at: new Date(deps.clock.now().getTime() + CAPTCHA_TTL_MS) });
  return { id, svg: c.data };
}

/** Single use: the row is consumed whether the answer was right or not. */
export async function consumeCaptcha(deps: AppDeps, id: string, answer: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return false;
  const now = deps.clock.now();
  const rows = await deps.db('captchas')
    .where({ id })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .update({ used_at: now })
    .returning('answer');
  return rows.length === 1 && rows[0].answer === answer.trim().toLowerCase();
}
