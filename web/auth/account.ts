import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm } from '../forms';
import { zPassword, maskIdNumber, maskPhone } from '../../domain/validation';
import { hashPassword, verifyPassword } from '../../domain/password';
import { revokeSessions, startSession } from './session';
import { audit } from '../../db/audit';

const ROLE_LABELS: Record<string, string> = {
  applicant: '注册用户',
  institution_admin: '机构管理员',
  sub_admin: '机构子管理员',
  reviewer: '审核员',
  auditor: '审计员',
  platform_admin: '平台管理员',
};

const changeSchema = z
  .object({
    oldPassword: z.string({ error: '请输入原密码' }).min(1, '请输入原密码'),
    password: zPassword,
    passwordConfirm: z.string({ error: '请再次输入新密码' }).min(1, '请再次输入新密码'),
  })
  .refine((v) => v.password === v.passwordConfirm, { path: ['passwordConfirm'], message: '两次输入的密码不一致' })
  .refine((v) => v.password !== v.oldPassword, { path: ['password'], message: '新密码不能与原密码相同' });

export function registerAccount(r: SecureRouter, deps: AppDeps) {
  r.get('/account', 'signed_in', async (req, res) => {
    const u = await deps.db('users').where({ id: req.user!.id }).first();
    res.render('auth/account.njk', {
      profile: {
        loginName: u.login_name,
        name: u.name,
        idNumber: maskIdNumber(u.id_number),
        phone: maskPhone(u.phone),
        role: ROLE_LABELS[u.role] ?? u.role,
        institution: req.user!.institution?.name ?? '',
        org: req.user!.org?.name ?? '',
      },
    });
  });

  r.get('/account/password', 'signed_in', (req, res) =>
    res.render('auth/password.njk', { errors: {}, forced: req.user!.mustChangePassword }),
  );

  r.post('/account/password', 'signed_in', async (req, res) => {
    const form = parseForm(changeSchema, req.body);
    const forced = req.user!.mustChangePassword;
    if (!form.ok) return res.status(422).render('auth/password.njk', { errors: form.errors, forced });
    const u = await deps.db('users').where({ id: req.user!.id }).first();
    if (!(await verifyPassword(form.data.oldPassword, u.password_hash))) {
      await audit(deps.db, { event: 'password_change', result: 'failure', userId: u.id, ip: req.ip });
      return res.status(422).render('auth/password.njk', { errors: { oldPassword: '原密码不正确' }, forced });
    }
    await deps.db('users')
      .where({ id: u.id })
      .update({ password_hash: await hashPassword(form.data.password), must_change_password: false, updated_at: deps.clock.now() });
    // Every earlier session ends; this browser gets a fresh one.
    await revokeSessions(deps, u.id);
    await startSession(deps, res, u.id);
    await audit(deps.db, { event: 'password_change', result: 'success', userId: u.id, ip: req.ip, institutionId: u.institution_id });
    res.render('auth/password.njk', { errors: {}, done: true });
  });
}
