import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { audit } from '../../db/audit';
import { findByLogin } from '../../db/users';
import { reserveAttempt, settleAttempt, type AttemptOutcome } from '../../db/loginAttempts';
import { verifyPassword } from '../../domain/password';
import { consumeCaptcha, newCaptcha } from './captcha';
import { startSession, revokeSessions, clearSession } from './session';
import { parseForm, type FieldErrors } from '../forms';

export const MAX_FAILURES = 6;
export const WARN_AFTER = 2;
export const LOCK_MS = 2 * 60 * 60 * 1000;
/** Per-IP: failed logins allowed in the window before the IP is slowed down. */
export const IP_FAILURE_LIMIT = 20;
const IP_WINDOW_MS = 10 * 60 * 1000;

const loginSchema = z.object({
  // A request that leaves a field out (a script, not the page) is answered in Chinese too.
  login: z.string({ error: '请输入登录账号或身份证号码' }).trim().min(1, '请输入登录账号或身份证号码').max(64, '登录账号过长'),
  password: z.string({ error: '请输入密码' }).min(1, '请输入密码').max(64, '密码过长'),
  captchaId: z.string().optional().default(''),
  captcha: z.string().optional().default(''),
  next: z.string().optional().default(''),
});

/**
 * When a frozen account opens again, in Beijing time. A two-hour lock that starts late in
 * the evening ends the next day, and a bare "01:30" would read as already past.
 */
export function unlockTime(until: Date, now: Date): string {
  const day = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const time = until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
  if (day(until) === day(now)) return time;
  if (day(until) === day(new Date(now.getTime() + 86_400_000))) return `次日 ${time}`;
  const [, m, d] = day(until).split('-').map(Number);
  return `${m}月${d}日 ${time}`;
}

/** Only same-site paths may be a post-login destination. */
const safeNext = (n: string) => (/^\/(?!\/)[^\s\\]*$/.test(n) ? n : '');

export function registerLogin(r: SecureRouter, deps: AppDeps) {
  const captchaOn = deps.config.AUTH_CAPTCHA === 'on';

  const renderLogin = async (res: import('express').Response, values: Record<string, string>, errors: FieldErrors, status = 200) => {
    const captcha = captchaOn ? await newCaptcha(deps) : null;
    res.status(status).render('auth/login.njk', { values, errors, captcha, flash: values.flash });
  };

  r.get('/', 'public', (req, res) => res.redirect(303, req.user ? '/dashboard' : '/login'));

  r.get('/login', 'public', async (req, res) => {
    if (req.user) return res.redirect(303, '/dashboard');
    const flash = req.query.registered ? '注册成功,请登录' : req.query.timeout ? '登录已超时,请重新登录' : '';
    await renderLogin(res, { next: String(req.query.next ?? ''), flash }, {});
  });

  r.get('/captcha', 'public', async (_req, res) => {
    const captcha = await newCaptcha(deps);
    res.render('auth/_captcha.njk', { captcha });
  });

  r.post('/login', 'public', async (req, res) => {
    const values = { login: String(req.body.login ?? ''), next: String(req.body.next ?? '') };
    const form = parseForm(loginSchema, req.body);
    if (!form.ok) return renderLogin(res, values, form.errors, 422);
    const { login, password, captchaId, captcha, next } = form.data;
    const ip = req.ip ?? '';
    const now = deps.clock.now();

    if (captchaOn && !(await consumeCaptcha(deps, captchaId, captcha))) {
      return renderLogin(res, values, { captcha: '验证码错误或已过期,请重新输入' }, 422);
    }

    // One address guessing many accounts is slowed down before it can lock them all.
    const attempt = await reserveAttempt(deps.db, ip, now, { limit: IP_FAILURE_LIMIT, windowMs: IP_WINDOW_MS });
    if (attempt === null) {
      await audit(deps.db, { event: 'login', result: 'refused', login, ip, detail: { reason: 'ip_rate_limit' }, at: now });
      return renderLogin(res, values, { _form: '登录失败次数过多,请10分钟后再试' }, 429);
    }
    // An attempt cut off by an error stays pending and keeps counting against the address.
    const settle = (outcome: AttemptOutcome) => settleAttempt(deps.db, attempt, outcome);
    const user = await findByLogin(deps.db, login);
    if (!user) {
      await settle('failure');
      await audit(deps.db, { event: 'login', result: 'failure', login, ip, detail: { reason: 'unknown_login' }, at: now });
      return renderLogin(res, values, { _form: '账号或密码错误' }, 401);
    }
    if (user.locked_until && user.locked_until > now) {
      await settle('passed');
      await audit(deps.db, { event: 'login', result: 'refused', userId: user.id, login, ip, detail: { reason: 'locked' }, at: now });
      return renderLogin(res, values, { _form: `账号已被冻结,请于 ${unlockTime(user.locked_until, now)} 后再登录` }, 423);
    }
    if (user.status !== 'active') {
      await settle('passed');
      await audit(deps.db, { event: 'login', result: 'refused', userId: user.id, login, ip, detail: { reason: 'disabled' }, at: now });
      return renderLogin(res, values, { _form: '账号已停用,请联系机构管理员' }, 403);
    }

    if (!(await verifyPassword(password, user.password_hash))) {
      // One statement, so parallel wrong guesses each count: the row lock makes each see the
      // count the previous one left. A lock that has run out starts a fresh count; one set
      // meanwhile by a parallel guess is kept.
      const until = new Date(now.getTime() + LOCK_MS);
      const counted = 'case when locked_until is null or locked_until > ? then failed_logins + 1 else 1 end';
      const [row] = await deps.db('users')
        .where({ id: user.id })
        .update({
          failed_logins: deps.db.raw(counted, [now]),
          locked_until: deps.db.raw(`case when locked_until > ? then locked_until when ${counted} >= ? then cast(? as timestamptz) end`, [now, now, MAX_FAILURES, until]),
        })
        .returning(['failed_logins', 'locked_until']);
      await settle('failure');
      const failures: number = row.failed_logins;
      const lockedUntil: Date | null = row.locked_until;
      await audit(deps.db, { event: 'login', result: 'failure', userId: user.id, login, ip, detail: { failures }, at: now });
      if (lockedUntil && lockedUntil > now) {
        // Only the guess that reached the limit set the lock; later ones counted past it.
        if (failures !== MAX_FAILURES) return renderLogin(res, values, { _form: `账号已被冻结,请于 ${unlockTime(lockedUntil, now)} 后再登录` }, 423);
        await audit(deps.db, { event: 'lockout', result: 'success', userId: user.id, login, ip, detail: { until: lockedUntil }, at: now });
        return renderLogin(res, values, { _form: `密码错误次数过多,账号已被冻结,请于 ${unlockTime(lockedUntil, now)} 后再登录` }, 423);
      }
      const msg =
        failures >= WARN_AFTER
          ? `账号或密码错误,再输错 ${MAX_FAILURES - failures} 次账号将被冻结2小时`
          : '账号或密码错误';
      return renderLogin(res, values, { _form: msg }, 401);
    }

    await settle('passed');
    // A parallel wrong guess may have locked the account meanwhile; the right password must
    // not lift that lock.
    const [cleared] = await deps.db('users')
      .where({ id: user.id })
      .where((w) => w.whereNull('locked_until').orWhere('locked_until', '<=', now))
      .update({ failed_logins: 0, locked_until: null })
      .returning('id');
    if (!cleared) {
      const { locked_until: lockedUntil } = await deps.db('users').where({ id: user.id }).first('locked_until');
      await audit(deps.db, { event: 'login', result: 'refused', userId: user.id, login, ip, detail: { reason: 'locked' }, at: now });
      return renderLogin(res, values, { _form: `账号已被冻结,请于 ${unlockTime(lockedUntil, now)} 后再登录` }, 423);
    }
    await startSession(deps, res, user.id);
    await audit(deps.db, { event: 'login', result: 'success', userId: user.id, login, ip, institutionId: user.institution_id, orgId: user.org_id, at: now });
    res.redirect(303, safeNext(next) || '/dashboard');
  });

  r.post('/logout', 'signed_in', async (req, res) => {
    await deps.db('sessions').where({ id: req.user!.sessionId }).update({ revoked_at: deps.clock.now() });
    await audit(deps.db, { event: 'logout', result: 'success', userId: req.user!.id, ip: req.ip });
    clearSession(res);
    if (req.get('HX-Request')) {
      res.set('HX-Redirect', '/login');
      return res.status(204).end();
    }
    res.redirect(303, '/login');
  });
}

export { revokeSessions };
