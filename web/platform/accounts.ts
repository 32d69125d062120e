import { z } from 'zod';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { hashPassword } from '../../domain/password';
import { TAKEN_MEANWHILE, initialPasswordFields, insertInitialAccount, markTaken, passwordsMatch, personFields } from '../auth/newAccount';
import { audit } from '../../db/audit';
import { allOrgs, findStaff, staffQuery, type StaffListItem } from '../../db/platform';
import { ORG_KIND_LABELS } from './orgs';

export const STAFF_ROLE_LABELS: Record<string, string> = { reviewer: '审核员', auditor: '审计员' };

const accountSchema = z
  .object({
    role: z.enum(['reviewer', 'auditor'], { error: '请选择账号类型' }),
    orgId: z.string().trim().optional().default(''),
    ...personFields,
    ...initialPasswordFields,
  })
  .refine(...passwordsMatch)
  .refine((v) => v.role !== 'reviewer' || v.orgId !== '', { path: ['orgId'], message: '请选择审核员所属的审核单位' });

const KEPT = ['role', 'orgId', 'loginName', 'name', 'idNumber', 'phone'] as const;

const DONE: Record<string, string> = {
  created: '账号已新建,首次登录时须修改初始密码。',
  disabled: '账号已停用,该账号已登录的会话随即失效。',
  enabled: '账号已启用。',
};

export function registerStaffAccounts(r: SecureRouter, deps: AppDeps) {
  const orgOptions = async () =>
    (await allOrgs(deps.db)).map((o: { id: number; name: string; kind: string }) => ({ value: String(o.id), label: `${o.name}(${ORG_KIND_LABELS[o.kind]})` }));

  r.get('/platform/accounts', 'platform.admin', async (req, res) => {
    const q = String(req.query.q ?? '').trim().slice(0, 50);
    const role = String(req.query.role ?? '');
    const orgId = /^\d{1,15}$/.test(String(req.query.orgId ?? '')) ? Number(req.query.orgId) : null;
    const page = await fetchPage<StaffListItem>(staffQuery(deps.db, { q, role, orgId }), pageOf(req.query.page));
    const view = {
      q,
      role,
      orgId: orgId ? String(orgId) : '',
      orgs: await orgOptions(),
      ...page,
      rows: page.rows.map((a) => ({ ...a, roleLabel: STAFF_ROLE_LABELS[a.role] })),
      base: pagerBase('/platform/accounts', { q, role, orgId: orgId ?? '' }),
      done: DONE[String(req.query.done ?? '')] ?? '',
    };
    res.render(wantsFragment(req) ? 'platform/_accounts_list.njk' : 'platform/accounts.njk', view);
  });

  const renderNew = async (res: Response, values: Record<string, string>, errors: FieldErrors, status = 200) =>
    res.status(status).render('platform/account_new.njk', { values: { role: 'reviewer', ...values }, errors, orgs: await orgOptions() });

  r.get('/platform/accounts/new', 'platform.admin', (req, res) => renderNew(res, { orgId: String(req.query.orgId ?? '') }, {}));

  r.post('/platform/accounts', 'platform.admin', async (req: Request, res) => {
    const values = Object.fromEntries(KEPT.map((k) => [k, String(req.body[k] ?? '')]));
    const form = parseForm(accountSchema, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    await markTaken(deps.db, values, errors);
    let orgId: number | null = null;
    if (form.ok && form.data.role === 'reviewer') {
      const org = /^\d{1,15}$/.test(form.data.orgId) ? await deps.db('reviewer_orgs').where({ id: Number(form.data.orgId) }).first('id') : undefined;
      if (!org) errors.orgId = '所选审核单位不存在';
      else orgId = org.id;
    }
    if (!form.ok || Object.keys(errors).length) return renderNew(res, values, errors, 422);
    const d = form.data;
    const hash = await hashPassword(d.password);
    const created = await deps.db
      .transaction(async (trx) => {
        const accountId = await insertInitialAccount(trx, d, hash, { role: d.role, org_id: orgId });
        await audit(trx, {
          event: 'platform.account_create',
          result: 'success',
          userId: req.user!.id,
          ip: req.ip,
          orgId,
          detail: { accountId, loginName: d.loginName, role: d.role },
        });
        return true;
      })
      .catch((e) => {
        // Someone registered the same account, ID or phone between the check and the insert.
        if ((e as { code?: string }).code !== '23505') throw e;
        errors.loginName = TAKEN_MEANWHILE;
        return false;
      });
    if (!created) return renderNew(res, values, errors, 422);
    res.redirect(303, '/platform/accounts?done=created');
  });

  r.post('/platform/accounts/:id/status', 'platform.admin', async (req, res) => {
    const action = String(req.body.action ?? '');
    if (action !== 'disable' && action !== 'enable') {
      return res.status(422).render('errors/error.njk', { title: '请求有误', message: '请选择停用或启用。' });
    }
    const account = await findStaff(deps.db, String(req.params.id));
    if (!account) throw notFound();
    const now = deps.clock.now();
    await deps.db.transaction(async (trx) => {
      await trx('users').where({ id: account.id }).update({ status: action === 'disable' ? 'disabled' : 'active', updated_at: now });
      // Status is checked on every request; revoking the sessions keeps them dead after a later enable.
      if (action === 'disable') await trx('sessions').where({ user_id: account.id }).whereNull('revoked_at').update({ revoked_at: now });
      await audit(trx, { event: `platform.account_${action}`, result: 'success', userId: req.user!.id, ip: req.ip, detail: { accountId: account.id } });
    });
    res.redirect(303, `/platform/accounts?done=${action}d`);
  });
}
