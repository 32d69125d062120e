import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { zPassword, PHONE_RE } from '../../domain/validation';
import { TAKEN_MEANWHILE, markTaken, passwordsMatch, personFields } from './newAccount';
import { hashPassword } from '../../domain/password';
import { checkSmsCode, sendSmsCode } from './smsCode';
import { audit } from '../../db/audit';

const registerSchema = z
  .object({
    ...personFields,
    smsCode: z.string({ error: '请填写短信验证码' }).trim().regex(/^\d{6}$/, '短信验证码应为6位数字'),
    password: zPassword,
    passwordConfirm: z.string({ error: '请再次输入密码' }).min(1, '请再次输入密码'),
  })
  .refine(...passwordsMatch);

const KEPT = ['loginName', 'name', 'idNumber', 'phone'] as const;

export function registerRegistration(r: SecureRouter, deps: AppDeps) {
  r.get('/register', 'public', (_req, res) => res.render('auth/register.njk', { values: {}, errors: {} }));

  r.post('/register/sms-code', 'public', async (req, res) => {
    const phone = String(req.body.phone ?? '').trim();
    if (!PHONE_RE.test(phone)) {
      return res.status(422).render('auth/_sms_status.njk', { error: '请先填写正确的手机号' });
    }
    const sent = await sendSmsCode(deps, phone, 'register');
    if (!sent.ok) return res.status(429).render('auth/_sms_status.njk', { error: `请${sent.waitSeconds}秒后再获取`, wait: sent.waitSeconds });
    res.render('auth/_sms_status.njk', { sent: true, wait: 60 });
  });

  r.post('/register', 'public', async (req, res) => {
    const values = Object.fromEntries(KEPT.map((k) => [k, String(req.body[k] ?? '')]));
    const form = parseForm(registerSchema, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    const data = form.ok ? form.data : null;
    await markTaken(deps.db, values, errors);
    if (Object.keys(errors).length === 0 && data) {
      const smsProblem = await checkSmsCode(deps, data.phone, 'register', data.smsCode);
      if (smsProblem) errors.smsCode = smsProblem;
    }
    if (Object.keys(errors).length > 0 || !data) {
      return res.status(422).render('auth/register.njk', { values, errors });
    }
    const hash = await hashPassword(data.password);
    try {
      const [row] = await deps.db('users')
        .insert({ login_name: data.loginName, id_number: data.idNumber, name: data.name, phone: data.phone, password_hash: hash, role: 'applicant' })
        .returning('id');
      await audit(deps.db, { event: 'register', result: 'success', userId: row.id, login: data.loginName, ip: req.ip });
    } catch (e) {
      // Two registrations racing for the same account: the unique index decides.
      if ((e as { code?: string }).code === '23505') {
        return res.status(422).render('auth/register.njk', { values, errors: { loginName: TAKEN_MEANWHILE } });
      }
      throw e;
    }
    res.redirect(303, '/login?registered=1');
  });
}
