import { z } from 'zod';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { asArray, parseForm, type FieldErrors } from '../forms';
import { zOptionalText, zText } from '../../domain/validation';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { audit } from '../../db/audit';
import { countHolders, findRole, roleNameTaken, rolesQuery, type RoleListItem, type RoleRow } from '../../db/admins';
import { canReach, grantableBy, mergeRolePermissions, permissionMatrix, permissionSummary } from './grants';

const roleSchema = z.object({
  name: zText('角色名称', 30),
  description: zOptionalText('角色描述', 200),
});

const DONE: Record<string, string> = {
  created: '角色已新建。',
  saved: '角色已保存,持有该角色的账号在下一次操作时按新权限生效。',
  deleted: '角色已删除。',
};

const institutionOf = (req: Request) => req.user!.institutionId!;

const UNREACHABLE_ROLE = '该角色含有您没有的权限,您不能删除该角色。';

interface FormState {
  role: RoleRow | null;
  values: { name: string; description: string };
  permissions: string[];
  errors: FieldErrors;
}

function renderForm(req: Request, res: Response, s: FormState, status = 200) {
  const u = req.user!;
  res.status(status).render('admins/role_form.njk', {
    title: s.role ? '编辑角色' : '新建角色',
    role: s.role,
    values: s.values,
    errors: s.errors,
    matrix: permissionMatrix(s.permissions, grantableBy(u.permissions), !!u.institution?.isBase),
  });
}

export function registerRoles(r: SecureRouter, deps: AppDeps) {
  r.get('/admins/roles', 'admins.view', async (req, res) => {
    const q = String(req.query.q ?? '').trim().slice(0, 50);
    const page = await fetchPage<RoleListItem>(rolesQuery(deps.db, institutionOf(req), q), pageOf(req.query.page));
    const view = {
      q,
      ...page,
      rows: page.rows.map((row) => ({ ...row, summary: permissionSummary(row.permissions), deletable: canReach(req.user!, [row]) })),
      base: pagerBase('/admins/roles', { q }),
      canEdit: req.user!.permissions.has('admins.edit'),
      done: DONE[String(req.query.done ?? '')] ?? '',
    };
    res.render(wantsFragment(req) ? 'admins/_roles_list.njk' : 'admins/roles.njk', view);
  });

  r.get('/admins/roles/new', 'admins.edit', (req, res) =>
    renderForm(req, res, { role: null, values: { name: '', description: '' }, permissions: [], errors: {} }),
  );

  r.post('/admins/roles', 'admins.edit', async (req, res) => {
    const institutionId = institutionOf(req);
    const values = { name: String(req.body.name ?? ''), description: String(req.body.description ?? '') };
    const submitted = asArray(req.body.permissions);
    const form = parseForm(roleSchema, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    const merged = mergeRolePermissions([], submitted, grantableBy(req.user!.permissions));
    if (!merged.ok) errors.permissions = merged.message;
    else if (merged.value.length === 0) errors.permissions = '请至少选择一项权限';
    if (!merged.ok) await refusal(deps, req, 'role_create', { submitted });

    const outcome = await deps.db.transaction(async (trx) => {
      if (form.ok && (await roleNameTaken(trx, institutionId, form.data.name))) errors.name = '该角色名称已存在';
      if (Object.keys(errors).length || !form.ok || !merged.ok) return null;
      const [row] = await trx('roles')
        .insert({ institution_id: institutionId, name: form.data.name, description: form.data.description, permissions: merged.value })
        .returning('id');
      await audit(trx, {
        event: 'admins.role_create',
        result: 'success',
        userId: req.user!.id,
        ip: req.ip,
        institutionId,
        detail: { roleId: row.id, name: form.data.name, permissions: merged.value },
      });
      return row.id as number;
    }).catch(uniqueNameRace(errors));
    if (!outcome) return renderForm(req, res, { role: null, values, permissions: submitted, errors }, 422);
    res.redirect(303, '/admins/roles?done=created');
  });

  r.get('/admins/roles/:id/edit', 'admins.edit', async (req, res) => {
    const role = await findRole(deps.db, institutionOf(req), req.params.id);
    if (!role) throw notFound();
    renderForm(req, res, { role, values: { name: role.name, description: role.description }, permissions: role.permissions, errors: {} });
  });

  r.post('/admins/roles/:id', 'admins.edit', async (req, res) => {
    const institutionId = institutionOf(req);
    const values = { name: String(req.body.name ?? ''), description: String(req.body.description ?? '') };
    const submitted = asArray(req.body.permissions);
    const form = parseForm(roleSchema, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    let shown: RoleRow | null = null;

    const saved = await deps.db.transaction(async (trx) => {
      // Locked: two saves of one role apply one after the other, each merging onto the last.
      const current = await findRole(trx, institutionId, req.params.id, true);
      if (!current) throw notFound();
      shown = current;
      const merged = mergeRolePermissions(current.permissions, submitted, grantableBy(req.user!.permissions));
      if (!merged.ok) errors.permissions = merged.message;
      else if (merged.value.length === 0) errors.permissions = '请至少选择一项权限';
      if (form.ok && (await roleNameTaken(trx, institutionId, form.data.name, current.id))) errors.name = '该角色名称已存在';
      if (!merged.ok) await refusal(deps, req, 'role_update', { roleId: current.id, submitted }, trx);
      if (Object.keys(errors).length || !form.ok || !merged.ok) return false;
      await trx('roles')
        .where({ id: current.id })
        .update({ name: form.data.name, description: form.data.description, permissions: merged.value, updated_at: deps.clock.now() });
      await audit(trx, {
        event: 'admins.role_update',
        result: 'success',
        userId: req.user!.id,
        ip: req.ip,
        institutionId,
        detail: { roleId: current.id, name: form.data.name, before: current.permissions, after: merged.value },
      });
      return true;
    }).catch(uniqueNameRace(errors));
    if (!saved) return renderForm(req, res, { role: shown, values, permissions: submitted, errors }, 422);
    res.redirect(303, '/admins/roles?done=saved');
  });

  r.get('/admins/roles/:id/delete', 'admins.edit', async (req, res) => {
    const role = await findRole(deps.db, institutionOf(req), req.params.id);
    if (!role) throw notFound();
    if (!canReach(req.user!, [role])) {
      await refusal(deps, req, 'role_delete', { roleId: role.id });
      return res.status(403).render('errors/error.njk', { title: '不能执行此操作', message: UNREACHABLE_ROLE });
    }
    res.render('admins/role_delete.njk', { role, holders: await countHolders(deps.db, role.id) });
  });

  r.post('/admins/roles/:id/delete', 'admins.edit', async (req, res) => {
    const institutionId = institutionOf(req);
    const confirmed = Number(req.body.holders);
    const result = await deps.db.transaction(async (trx) => {
      const role = await findRole(trx, institutionId, req.params.id, true);
      if (!role) throw notFound();
      // What the actor cannot grant, they cannot take away: the row lock keeps the check true.
      if (!canReach(req.user!, [role])) {
        await refusal(deps, req, 'role_delete', { roleId: role.id }, trx);
        return { role, holders: 0, deleted: false, refused: true };
      }
      const holders = await countHolders(trx, role.id);
      // The confirmation named a number of accounts; if that changed meanwhile, ask again.
      if (!Number.isInteger(confirmed) || confirmed !== holders) return { role, holders, deleted: false, refused: false };
      await trx('user_roles').where({ role_id: role.id }).delete();
      await trx('roles').where({ id: role.id }).delete();
      await audit(trx, {
        event: 'admins.role_delete',
        result: 'success',
        userId: req.user!.id,
        ip: req.ip,
        institutionId,
        detail: { roleId: role.id, name: role.name, permissions: role.permissions, holders },
      });
      return { role, holders, deleted: true, refused: false };
    });
    if (result.refused) return res.status(403).render('errors/error.njk', { title: '不能执行此操作', message: UNREACHABLE_ROLE });
    if (!result.deleted) {
      return res.status(409).render('admins/role_delete.njk', {
        role: result.role,
        holders: result.holders,
        changed: true,
      });
    }
    res.redirect(303, '/admins/roles?done=deleted');
  });
}

/** The unique (institution, name) index settles two saves racing for one name. */
function uniqueNameRace(errors: FieldErrors) {
  return (e: unknown) => {
    if ((e as { code?: string }).code === '23505') {
      errors.name = '该角色名称已存在';
      return null;
    }
    throw e;
  };
}

async function refusal(deps: AppDeps, req: Request, action: string, detail: Record<string, unknown>, db = deps.db) {
  await audit(db, {
    event: `admins.${action}`,
    result: 'refused',
    userId: req.user!.id,
    ip: req.ip,
    institutionId: req.user!.institutionId,
    detail: { reason: 'escalation', ...detail },
  });
}
