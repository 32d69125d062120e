import { z } from 'zod';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { asArray, parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { hashPassword } from '../../domain/password';
import { TAKEN_MEANWHILE, initialPasswordFields, insertInitialAccount, markTaken, passwordsMatch, personFields } from '../auth/newAccount';
import { audit } from '../../db/audit';
import { accountsQuery, allRoles, findAccount, roleIdsOf, rolesOf, setUserRoles, type AccountListItem, type AccountRow, type RoleRow } from '../../db/admins';
import { canAssign, canReach, grantableBy, mergeAccountRoles } from './grants';

const passwordSchema = z.object(initialPasswordFields).refine(...passwordsMatch);

const accountSchema = z.object({ ...personFields, ...initialPasswordFields }).refine(...passwordsMatch);

const KEPT = ['loginName', 'name', 'idNumber', 'phone'] as const;

const DONE: Record<string, string> = {
  created: '子管理员账号已新建,首次登录时须修改初始密码。',
  roles: '角色已保存,在该账号的下一次操作时生效。',
  disabled: '账号已停用,该账号已登录的会话随即失效。',
  enabled: '账号已启用。',
  password: '密码已重置,该账号须用新的初始密码登录并修改密码。',
};

const TAKEOVER = {
  password: '该账号拥有您没有的权限,您不能重置其密码。',
  enable: '该账号拥有您没有的权限,您不能启用该账号。',
  disable: '该账号拥有您没有的权限,您不能停用该账号。',
};

const institutionOf = (req: Request) => req.user!.institutionId!;

/** The roles of the institution as checkboxes, locked where the actor may not assign them. */
function roleOptions(req: Request, roles: RoleRow[]) {
  const grantable = grantableBy(req.user!.permissions);
  return roles.map((r) => ({ value: String(r.id), label: r.name, description: r.description, locked: canAssign(r, grantable) ? '' : '含有您没有的权限,不能分配或取消' }));
}

/**
 * The account named in the URL, which this actor may change: a sub-admin of the same
 * institution other than themselves (for what `self` forbids) and, for what `takeover`
 * forbids, holding nothing the actor could not grant. Another institution's account is
 * not found; the institution admin is refused, whatever the caller sends.
 */
async function loadManaged(deps: AppDeps, req: Request, res: Response, rules: { self?: string; takeover?: string } = {}): Promise<AccountRow | null> {
  const account = await findAccount(deps.db, institutionOf(req), req.params.id);
  if (!account) throw notFound();
  let reason = '';
  let message = '';
  if (account.role === 'institution_admin') {
    reason = 'institution_admin';
    message = '机构管理员拥有本机构的全部权限,不能被停用、修改角色或由他人重置密码。';
  } else if (rules.self && account.id === req.user!.id) [reason, message] = ['self', rules.self];
  else if (rules.takeover && !canReach(req.user!, await rolesOf(deps.db, account.id))) [reason, message] = ['takeover', rules.takeover];
  if (!message) return account;
  await refusedChange(deps.db, req, account.id, reason);
  refuse(res, message);
  return null;
}

/**
 * The write half of a takeover check: with the account's roles locked, so a role granted
 * to it meanwhile is not handed over with it. Audits the refusal.
 */
async function stillReachable(trx: Knex.Transaction, req: Request, accountId: number): Promise<boolean> {
  if (canReach(req.user!, await rolesOf(trx, accountId, true))) return true;
  await refusedChange(trx, req, accountId, 'takeover');
  return false;
}

const refusedChange = (db: Knex | Knex.Transaction, req: Request, accountId: number, reason: string) =>
  audit(db, {
    event: 'admins.account_change',
    result: 'refused',
    userId: req.user!.id,
    ip: req.ip,
    institutionId: institutionOf(req),
    detail: { accountId, path: req.path, reason },
  });

const refuse = (res: Response, message: string) => res.status(403).render('errors/error.njk', { title: '不能执行此操作', message });

export function registerAccounts(r: SecureRouter, deps: AppDeps) {
  r.get('/admins/accounts', 'admins.view', async (req, res) => {
    const q = String(req.query.q ?? '').trim().slice(0, 50);
    const page = await fetchPage<AccountListItem>(accountsQuery(deps.db, institutionOf(req), q), pageOf(req.query.page));
    const view = {
      q,
      ...page,
      base: pagerBase('/admins/accounts', { q }),
      canEdit: req.user!.permissions.has('admins.edit'),
      done: DONE[String(req.query.done ?? '')] ?? '',
    };
    res.render(wantsFragment(req) ? 'admins/_accounts_list.njk' : 'admins/accounts.njk', view);
  });

  const renderNew = async (req: Request, res: Response, values: Record<string, string>, checked: string[], errors: FieldErrors, status = 200) =>
    res.status(status).render('admins/account_new.njk', {
      values,
      checked,
      errors,
      roles: roleOptions(req, await allRoles(deps.db, institutionOf(req))),
    });

  r.get('/admins/accounts/new', 'admins.edit', (req, res) => renderNew(req, res, {}, [], {}));

  r.post('/admins/accounts', 'admins.edit', async (req, res) => {
    const institutionId = institutionOf(req);
    const values = Object.fromEntries(KEPT.map((k) => [k, String(req.body[k] ?? '')]));
    const submitted = asArray(req.body.roles);
    const form = parseForm(accountSchema, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    await markTaken(deps.db, values, errors);

    const hash = form.ok ? await hashPassword(form.data.password) : '';
    const created = await deps.db
      .transaction(async (trx) => {
        const roles = await allRoles(trx, institutionId);
        const merged = mergeAccountRoles([], submitted, roles, grantableBy(req.user!.permissions));
        if (!merged.ok) {
          errors.roles = merged.message;
          await refused(trx, req, 'account_create', { submitted });
        } else if (merged.value.length === 0) errors.roles = '请至少选择一个角色';
        if (Object.keys(errors).length || !form.ok || !merged.ok) return null;
        const d = form.data;
        const accountId = await insertInitialAccount(trx, d, hash, { role: 'sub_admin', institution_id: institutionId });
        await setUserRoles(trx, accountId, merged.value);
        await audit(trx, {
          event: 'admins.account_create',
          result: 'success',
          userId: req.user!.id,
          ip: req.ip,
          institutionId,
          detail: { accountId, loginName: d.loginName, roleIds: merged.value },
        });
        return accountId;
      })
      .catch((e) => {
        // Another registration took the name meanwhile, or a chosen role was deleted meanwhile.
        if ((e as { code?: string }).code === '23505') errors.loginName = TAKEN_MEANWHILE;
        else if ((e as { code?: string }).code === '23503') errors.roles = '所选角色不存在,请刷新页面后重新选择';
        else throw e;
        return null;
      });
    if (!created) return renderNew(req, res, values, submitted, errors, 422);
    res.redirect(303, '/admins/accounts?done=created');
  });

  const renderEdit = async (req: Request, res: Response, account: AccountRow, checked: string[], errors: FieldErrors, status = 200) =>
    res.status(status).render('admins/account_edit.njk', {
      account,
      checked,
      errors,
      self: account.id === req.user!.id,
      reachable: canReach(req.user!, await rolesOf(deps.db, account.id)),
      roles: roleOptions(req, await allRoles(deps.db, institutionOf(req))),
      done: DONE[String(req.query.done ?? '')] ?? '',
    });

  r.get('/admins/accounts/:id/edit', 'admins.edit', async (req, res) => {
    const account = await loadManaged(deps, req, res);
    if (!account) return;
    await renderEdit(req, res, account, (await roleIdsOf(deps.db, account.id)).map(String), {});
  });

  r.post('/admins/accounts/:id/roles', 'admins.edit', async (req, res) => {
    const account = await loadManaged(deps, req, res);
    if (!account) return;
    const institutionId = institutionOf(req);
    const submitted = asArray(req.body.roles);
    const errors: FieldErrors = {};
    await deps.db
      .transaction(async (trx) => {
        // Serialise concurrent edits of one account's roles.
        await trx('users').where({ id: account.id }).forUpdate().first('id');
        const existing = await roleIdsOf(trx, account.id);
        const merged = mergeAccountRoles(existing, submitted, await allRoles(trx, institutionId), grantableBy(req.user!.permissions));
        if (!merged.ok) {
          errors.roles = merged.message;
          await refused(trx, req, 'account_roles', { accountId: account.id, submitted });
          return;
        }
        if (merged.value.length === 0) {
          errors.roles = '请至少选择一个角色';
          return;
        }
        await setUserRoles(trx, account.id, merged.value);
        await audit(trx, {
          event: 'admins.account_roles',
          result: 'success',
          userId: req.user!.id,
          ip: req.ip,
          institutionId,
          detail: { accountId: account.id, before: existing, after: merged.value },
        });
      })
      .catch((e) => {
        if ((e as { code?: string }).code !== '23503') throw e;
        errors.roles = '所选角色不存在,请刷新页面后重新选择';
      });
    if (Object.keys(errors).length) return renderEdit(req, res, account, submitted, errors, 422);
    res.redirect(303, `/admins/accounts/${account.id}/edit?done=roles`);
  });

  r.post('/admins/accounts/:id/status', 'admins.edit', async (req, res) => {
    const action = String(req.body.action ?? '');
    if (action !== 'disable' && action !== 'enable') {
      return res.status(422).render('errors/error.njk', { title: '请求有误', message: '请选择停用或启用。' });
    }
    const account = await loadManaged(deps, req, res, { self: action === 'disable' ? '不能停用自己的账号。' : undefined, takeover: TAKEOVER[action] });
    if (!account) return;
    const done = await deps.db.transaction(async (trx) => {
      if (!(await stillReachable(trx, req, account.id))) return false;
      await trx('users')
        .where({ id: account.id })
        .update({ status: action === 'disable' ? 'disabled' : 'active', updated_at: deps.clock.now() });
      // A disabled account is refused on its next request already (status is checked on
      // every request); revoking its sessions keeps them dead after it is enabled again.
      if (action === 'disable') await trx('sessions').where({ user_id: account.id }).whereNull('revoked_at').update({ revoked_at: deps.clock.now() });
      await audit(trx, {
        event: `admins.account_${action}`,
        result: 'success',
        userId: req.user!.id,
        ip: req.ip,
        institutionId: institutionOf(req),
        detail: { accountId: account.id },
      });
      return true;
    });
    if (!done) return refuse(res, TAKEOVER[action]);
    res.redirect(303, `/admins/accounts/${account.id}/edit?done=${action}d`);
  });

  const PASSWORD_RULES = { self: '请在“账号信息”中修改自己的密码。', takeover: TAKEOVER.password };

  r.get('/admins/accounts/:id/password', 'admins.edit', async (req, res) => {
    const account = await loadManaged(deps, req, res, PASSWORD_RULES);
    if (!account) return;
    res.render('admins/account_password.njk', { account, errors: {} });
  });

  r.post('/admins/accounts/:id/password', 'admins.edit', async (req, res) => {
    const account = await loadManaged(deps, req, res, PASSWORD_RULES);
    if (!account) return;
    const form = parseForm(passwordSchema, req.body);
    if (!form.ok) return res.status(422).render('admins/account_password.njk', { account, errors: form.errors });
    const hash = await hashPassword(form.data.password);
    const done = await deps.db.transaction(async (trx) => {
      if (!(await stillReachable(trx, req, account.id))) return false;
      await trx('users')
        .where({ id: account.id })
        .update({ password_hash: hash, must_change_password: true, failed_logins: 0, locked_until: null, updated_at: deps.clock.now() });
      await trx('sessions').where({ user_id: account.id }).whereNull('revoked_at').update({ revoked_at: deps.clock.now() });
      await audit(trx, {
        event: 'admins.account_password_reset',
        result: 'success',
        userId: req.user!.id,
        ip: req.ip,
        institutionId: institutionOf(req),
        detail: { accountId: account.id },
      });
      return true;
    });
    if (!done) return refuse(res, TAKEOVER.password);
    res.redirect(303, `/admins/accounts/${account.id}/edit?done=password`);
  });
}

async function refused(db: Knex.Transaction, req: Request, action: string, detail: Record<string, unknown>) {
  await audit(db, {
    event: `admins.${action}`,
    result: 'refused',
    userId: req.user!.id,
    ip: req.ip,
    institutionId: req.user!.institutionId,
    detail: { reason: 'escalation', ...detail },
  });
}
