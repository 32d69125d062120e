import type { Db } from '../../db/knex';
import { createUser, uniq, type TestUser } from './fixtures';

/** A role of the institution, made directly in the database. */
export async function createRole(db: Db, institutionId: number, permissions: string[], name = uniq('角色')): Promise<{ id: number; name: string }> {
  const [row] = await db('roles').insert({ institution_id: institutionId, name, permissions }).returning('id');
  return { id: row.id, name };
}

/** A sub-admin holding the given roles (or one new role with `permissions`). */
export async function createSubAdmin(
  db: Db,
  institutionId: number,
  grant: { permissions?: string[]; roleIds?: number[] } = {},
  o: { name?: string; mustChangePassword?: boolean } = {},
): Promise<TestUser & { roleIds: number[] }> {
  const roleIds = grant.roleIds ?? [(await createRole(db, institutionId, grant.permissions ?? [])).id];
  const user = await createUser(db, { role: 'sub_admin', institutionId, name: o.name ?? '子管理员', mustChangePassword: o.mustChangePassword });
  if (roleIds.length) await db('user_roles').insert(roleIds.map((role_id) => ({ user_id: user.id, role_id })));
  return { ...user, roleIds };
}
