import { randomInt } from 'node:crypto';
import type { AppDeps } from '../../app/deps';

export const CODE_TTL_MS = 5 * 60 * 1000;
export const RESEND_MS = 60 * 1000;
export const MAX_ATTEMPTS = 5;

export type SendResult = { ok: true } | { ok: false; waitSeconds: number };

export async function sendSmsCode(deps: AppDeps, phone: string, purpose: string): Promise<SendResult> {
  const now = deps.clock.now();
  const last = await deps.db('sms_codes').where({ phone, purpose }).orderBy('created_at', 'desc').first();
  if (last && now.getTime() - new Date(last.created_at).getTime() < RESEND_MS) {
    return { ok: false, waitSeconds: Math.ceil((RESEND_MS - (now.getTime() - new Date(last.created_at).getTime())) / 1000) };
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.db('sms_codes').insert({ phone, purpose, code, created_at: now, expires_at: new Date(now.getTime() + CODE_TTL_MS) });
  await deps.sms.send(phone, `【福建省继续教育公共服务平台】您的验证码为${code},5分钟内有效,请勿泄露。`);
  return { ok: true };
}

/**
 * Checks the newest code for the phone. Every check uses up one of its attempts before the
 * comparison, in one statement, so parallel guesses cannot compare more than MAX_ATTEMPTS.
 */
export async function checkSmsCode(deps: AppDeps, phone: string, purpose: string, code: string): Promise<string | null> {
  const now = deps.clock.now();
  const row = await deps.db('sms_codes').where({ phone, purpose }).whereNull('used_at').orderBy('created_at', 'desc').first();
  if (!row) return '请先获取短信验证码';
  if (new Date(row.expires_at) <= now) return '短信验证码已过期,请重新获取';
  const [attempt] = await deps.db('sms_codes')
    .where({ id: row.id })
    .where('attempts', '<', MAX_ATTEMPTS)
    .increment('attempts', 1)
    .returning(['code']);
  if (!attempt) return '短信验证码错误次数过多,请重新获取';
  if (attempt.code !== code) return '短信验证码不正确';
  // A parallel check with the same code may have used it first.
  const used = await deps.db('sms_codes').where({ id: row.id }).whereNull('used_at').update({ used_at: now });
  return used ? null : '请先获取短信验证码';
}
