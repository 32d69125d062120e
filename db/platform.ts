import type { Db } from './knex';
import { REGIONS, PROVINCE_CODE } from '../domain/regions';

/** Reviewer organisations and the reviewer/auditor accounts the platform admin keeps. */

export type OrgKind = 'hr_bureau' | 'industry_authority';
export type StaffRole = 'reviewer' | 'auditor';

export interface OrgListItem {
  id: number;
  name: string;
  kind: OrgKind;
  region_code: string | null;
  industry: string | null;
  reviewers: number;
  created_at: Date;
}

export interface StaffListItem {
  id: number;
  login_name: string;
  name: string;
  phone: string | null;
  role: StaffRole;
  status: string;
  must_change_password: boolean;
  org_name: string | null;
  created_at: Date;
}

/** LIKE pattern for a search text: its own % and _ match themselves. */
const contains = (q: string) => `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export function orgsQuery(db: Db, f: { q: string; kind: string }) {
  const query = db('reviewer_orgs as o').select(
    'o.id',
    'o.name',
    'o.kind',
    'o.region_code',
    'o.industry',
    'o.created_at',
    db.raw("(SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.role = 'reviewer')::int AS reviewers"),
  );
  if (f.q) query.where((w) => w.whereILike('o.name', contains(f.q)).orWhereILike('o.industry', contains(f.q)));
  if (f.kind === 'hr_bureau' || f.kind === 'industry_authority') query.where('o.kind', f.kind);
  // Bureaus in the province's order (province first), then authorities by name.
  return query.orderByRaw("o.kind = 'industry_authority', o.region_code NULLS LAST, o.name, o.id");
}

export const allOrgs = (db: Db) => db('reviewer_orgs').select('id', 'name', 'kind').orderByRaw("kind = 'industry_authority', region_code NULLS LAST, name");

/** Regions (and the province) that have no HR bureau yet: the only ones a bureau may be added for. */
export async function regionsWithoutBureau(db: Db): Promise<Array<{ code: string; name: string }>> {
  const taken = new Set((await db('reviewer_orgs').where({ kind: 'hr_bureau' }).pluck('region_code')) as string[]);
  return [{ code: PROVINCE_CODE, name: '福建省' }, ...REGIONS].filter((r) => !taken.has(r.code));
}

export function staffQuery(db: Db, f: { q: string; role: string; orgId: number | null }) {
  const query = db('users as u')
    .leftJoin('reviewer_orgs as o', 'o.id', 'u.org_id')
    .whereIn('u.role', ['reviewer', 'auditor'])
    .select('u.id', 'u.login_name', 'u.name', 'u.phone', 'u.role', 'u.status', 'u.must_change_password', 'u.created_at', 'o.name as org_name');
  if (f.q) {
    query.where((w) =>
      w.whereILike('u.login_name', contains(f.q)).orWhereILike('u.name', contains(f.q)).orWhere('u.phone', f.q).orWhere('u.id_number', f.q.toUpperCase()),
    );
  }
  if (f.role === 'reviewer' || f.role === 'auditor') query.where('u.role', f.role);
  if (f.orgId) query.where('u.org_id', f.orgId);
  return query.orderBy([{ column: 'u.created_at', order: 'desc' }, { column: 'u.id', order: 'desc' }]);
}

/** A reviewer or auditor account; any other id (an institution's user, an admin) is not one. */
export function findStaff(db: Db, id: string | number) {
  if (!/^\d{1,15}$/.test(String(id))) return Promise.resolve(undefined);
  return db('users as u')
    .leftJoin('reviewer_orgs as o', 'o.id', 'u.org_id')
    .where('u.id', Number(id))
    .whereIn('u.role', ['reviewer', 'auditor'])
    .first<StaffListItem | undefined>('u.id', 'u.login_name', 'u.name', 'u.phone', 'u.role', 'u.status', 'u.must_change_password', 'u.created_at', 'o.name as org_name');
}

/** The outbox newest first; a phone search matches the number or its first digits. */
export function outboxQuery(db: Db, f: { phone: string }) {
  const query = db('sms_outbox').select('id', 'phone', 'text', 'created_at');
  if (f.phone) query.where('phone', 'like', `${f.phone}%`);
  return query.orderBy('id', 'desc');
}
