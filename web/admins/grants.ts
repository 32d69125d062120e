import { BASE_ONLY, INSTITUTION_AREAS, ACTION_LABELS, isInstitutionPermission, permissionLabel, type InstitutionPermission, type Permission } from '../../domain/permissions';

/**
 * The escalation rule of 管理员管理: nobody hands out a permission they do not hold
 * themselves. The institution admin holds every institution permission (the base-only
 * ones only while the institution is a base); a sub-admin holds their roles' union.
 *
 * What the actor cannot grant, they cannot take away either: a role's or an account's
 * existing grants outside the actor's reach are kept as they are, so a sub-admin's save
 * never strips what someone above them granted.
 */
export function grantableBy(actor: Set<Permission>): Set<InstitutionPermission> {
  return new Set([...actor].filter(isInstitutionPermission));
}

export type Merge<T> = { ok: true; value: T[] } | { ok: false; message: string };

/** The permissions a role ends up with when the actor submits `submitted`. */
export function mergeRolePermissions(existing: string[], submitted: string[], grantable: Set<InstitutionPermission>): Merge<string> {
  const unknown = submitted.filter((p) => !isInstitutionPermission(p));
  if (unknown.length) return { ok: false, message: '权限选择无效,请重新选择' };
  const refused = submitted.filter((p) => !grantable.has(p as InstitutionPermission) && !existing.includes(p));
  if (refused.length) {
    return { ok: false, message: `不能授予您自己没有的权限:${refused.map(permissionLabel).join('、')}` };
  }
  const kept = existing.filter((p) => !grantable.has(p as InstitutionPermission));
  const chosen = submitted.filter((p) => grantable.has(p as InstitutionPermission));
  return { ok: true, value: sortPermissions([...new Set([...chosen, ...kept])]) };
}

export interface AssignableRole {
  id: number;
  name: string;
  permissions: string[];
}

/** A role may be assigned (or removed) only by someone holding all its permissions. */
export const canAssign = (role: AssignableRole, grantable: Set<InstitutionPermission>) =>
  role.permissions.every((p) => grantable.has(p as InstitutionPermission));

/**
 * Resetting an account's password or enabling it lets the actor sign in as that account,
 * and disabling it or deleting a role takes grants away; each needs the reach to assign
 * every role involved. Base-only grants left from an earlier base status count: they wake
 * when the institution is a base again. The institution admin holds those too, so only a
 * sub-admin can fall short.
 */
export function canReach(actor: { role: string; permissions: Set<Permission> }, roles: AssignableRole[]): boolean {
  if (actor.role === 'institution_admin') return true;
  const grantable = grantableBy(actor.permissions);
  return roles.every((r) => canAssign(r, grantable));
}

/** The role ids an account ends up with when the actor submits `submitted`. */
export function mergeAccountRoles(
  existing: number[],
  submitted: string[],
  roles: AssignableRole[],
  grantable: Set<InstitutionPermission>,
): Merge<number> {
  const byId = new Map(roles.map((r) => [String(r.id), r]));
  const picked: AssignableRole[] = [];
  for (const id of new Set(submitted)) {
    const role = byId.get(id);
    if (!role) return { ok: false, message: '所选角色不存在,请刷新页面后重新选择' };
    picked.push(role);
  }
  const refused = picked.filter((r) => !canAssign(r, grantable) && !existing.includes(r.id));
  if (refused.length) {
    return { ok: false, message: `不能分配含有您自己没有的权限的角色:${refused.map((r) => r.name).join('、')}` };
  }
  const kept = roles.filter((r) => existing.includes(r.id) && !canAssign(r, grantable)).map((r) => r.id);
  const chosen = picked.filter((r) => canAssign(r, grantable)).map((r) => r.id);
  return { ok: true, value: [...new Set([...chosen, ...kept])].sort((a, b) => a - b) };
}

const ORDER = new Map(INSTITUTION_AREAS.flatMap((a) => a.actions.map((act) => `${a.key}.${act}`)).map((p, i) => [p, i]));
export const sortPermissions = (ps: string[]) => [...ps].sort((a, b) => (ORDER.get(a) ?? 999) - (ORDER.get(b) ?? 999));

export interface MatrixCell {
  value: string;
  label: string;
  checked: boolean;
  /** Why the box cannot be changed by this actor, or '' when it can. */
  locked: string;
}

export interface MatrixRow {
  key: string;
  label: string;
  cells: MatrixCell[];
  allChecked: boolean;
  anyOpen: boolean;
  /** Why some boxes of the row are locked. */
  note: string;
}

/** The permission matrix of the role form: one row per menu, one box per action. */
export function permissionMatrix(checked: string[], grantable: Set<InstitutionPermission>, isBase: boolean): MatrixRow[] {
  return INSTITUTION_AREAS.map((area) => {
    const cells = area.actions.map((act) => {
      const value = `${area.key}.${act}` as InstitutionPermission;
      let locked = '';
      if (!grantable.has(value)) locked = !isBase && BASE_ONLY.includes(value) ? '仅继续教育基地可用' : '您没有此权限,不能授予';
      return { value, label: ACTION_LABELS[act] ?? act, checked: checked.includes(value), locked };
    });
    return {
      key: area.key,
      label: area.label,
      cells,
      allChecked: cells.every((c) => c.checked),
      anyOpen: cells.some((c) => !c.locked),
      note: [...new Set(cells.map((c) => c.locked).filter(Boolean))].join(';'),
    };
  });
}

/** "培训课程(查看、编辑)；师资管理(查看)" for the role list. */
export function permissionSummary(ps: string[]): string {
  return INSTITUTION_AREAS.map((a) => {
    const acts = a.actions.filter((act) => ps.includes(`${a.key}.${act}`)).map((act) => ACTION_LABELS[act] ?? act);
    return acts.length ? `${a.label}(${acts.join('、')})` : '';
  })
    .filter(Boolean)
    .join(';');
}
