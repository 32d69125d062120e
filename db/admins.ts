import type { Knex } from 'knex';
import type { Db } from './knex';

/**
 * 管理员管理 store: roles and the institution's admin accounts. Every function takes the
 * institution id first and filters by it, so a row of another institution is simply
 * not found.
 */

export interface RoleRow {
  id: number;
  institution_id: number;
  name: string;
  description: string;
  permissions: string[];
  updated_at: Date;
}

export interface RoleListItem extends RoleRow {
  holders: number;
}

export interface AccountRow {
  id: number;
  login_name: string;
  name: string;
  id_number: string | null;
  phone: string | null;
  role: 'institution_admin' | 'sub_admin';
  status: 'active' | 'disabled';
  must_change_password: boolean;
  created_at: Date;
}

export interface AccountListItem extends AccountRow {
  role_names: string[];
}

const ACCOUNT_COLUMNS = ['u.id', 'u.login_name', 'u.name', 'u.id_number', 'u.phone', 'u.role', 'u.status', 'u.must_change_password', 'u.created_at'];

/** LIKE treats % and _ as wildcards; a search for them means the characters. */
const likeArg = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function rolesQuery(db: Db, institutionId: number, q: string): Knex.QueryBuilder {
  const query = db('roles as r')
    .where('r.institution_id', institutionId)
    .select('r.*', db.raw('(select count(*) from user_roles ur where ur.role_id = r.id)::int as holders'))
    .orderBy('r.name')
    .orderBy('r.id');
  if (q) query.where('r.name', 'ilike', likeArg(q));
  return query;
}

/** Every role of the institution, for the account forms' role checkboxes. */
export function allRoles(db: Db | Knex.Transaction, institutionId: number): Promise<RoleRow[]> {
  return db('roles').where({ institution_id: institutionId }).orderBy('name').orderBy('id').select('*');
}

/** lock: hold the row until the transaction ends, so concurrent saves apply one after the other. */
export async function findRole(db: Db | Knex.Transaction, institutionId: number, id: unknown, lock = false): Promise<RoleRow | undefined> {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  const q = db('roles').where({ id: n, institution_id: institutionId });
  if (lock) q.forUpdate();
  return q.first();
}

export async function roleNameTaken(db: Db | Knex.Transaction, institutionId: number, name: string, exceptId?: number): Promise<boolean> {
  const q = db('roles').where({ institution_id: institutionId }).whereRaw('lower(name) = lower(?)', [name]);
  if (exceptId) q.whereNot({ id: exceptId });
  return !!(await q.first('id'));
}

export async function countHolders(db: Db | Knex.Transaction, roleId: number): Promise<number> {
  const [{ n }] = await db('user_roles').where({ role_id: roleId }).count<{ n: string }[]>('* as n');
  return Number(n);
}

export function accountsQuery(db: Db, institutionId: number, q: string): Knex.QueryBuilder {
  const query = db('users as u')
    .where('u.institution_id', institutionId)
    .whereIn('u.role', ['institution_admin', 'sub_admin'])
    .select(
      ...ACCOUNT_COLUMNS,
      db.raw(
        `coalesce((select array_agg(r.name order by r.name) from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id), '{}') as role_names`,
      ),
    )
    // The institution admin first, then sub-admins newest first.
    .orderByRaw(`case when u.role = 'institution_admin' then 0 else 1 end`)
    .orderBy('u.id', 'desc');
  if (q) {
    const like = likeArg(q);
    query.where((w) => w.where('u.login_name', 'ilike', like).orWhere('u.name', 'ilike', like).orWhere('u.phone', 'like', like));
  }
  return query;
}

/** An admin account (institution admin or sub-admin) of this institution. */
export async function findAccount(db: Db | Knex.Transaction, institutionId: number, id: unknown): Promise<AccountRow | undefined> {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  return db('users as u')
    .where({ 'u.id': n, 'u.institution_id': institutionId })
    .whereIn('u.role', ['institution_admin', 'sub_admin'])
    .first(...ACCOUNT_COLUMNS);
}

export async function roleIdsOf(db: Db | Knex.Transaction, userId: number): Promise<number[]> {
  const rows = await db('user_roles').where({ user_id: userId }).select('role_id');
  return rows.map((r: { role_id: number }) => r.role_id);
}

/**
 * The roles a user holds. lock: neither which roles the user holds nor what those roles
 * carry can change until the transaction ends (role edits lock the role row, account role
 * edits lock the user row).
 */
export async function rolesOf(db: Db | Knex.Transaction, userId: number, lock = false): Promise<RoleRow[]> {
  if (lock) await db('users').where({ id: userId }).forUpdate().first('id');
  const q = db('roles').whereIn('id', db('user_roles').where({ user_id: userId }).select('role_id')).orderBy('id');
  if (lock) q.forShare();
  return q.select('*');
}

/** Replaces a user's roles with exactly these (ids already checked to be the institution's). */
export async function setUserRoles(trx: Knex.Transaction, userId: number, roleIds: number[]): Promise<void> {
  await trx('user_roles').where({ user_id: userId }).delete();
  if (roleIds.length) await trx('user_roles').insert(roleIds.map((role_id) => ({ user_id: userId, role_id })));
}
