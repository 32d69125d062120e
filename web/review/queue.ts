import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { isRegionCode } from '../../domain/regions';
import { KIND_LABELS } from './subjects';

/**
 * The reviewer's queue: review items of the reviewer's own organisation only, filtered
 * by kind, the institution's region, the submission date (Beijing days) and overdue.
 */
export interface QueueFilter {
  tab: 'pending' | 'decided';
  kind: string;
  region: string;
  from: string;
  to: string;
  overdue: boolean;
  q: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (s: unknown) => (typeof s === 'string' && DAY.test(s) && !Number.isNaN(Date.parse(s)) ? s : '');

/** Filters from the query string; anything unknown is ignored rather than trusted. */
export function queueFilter(q: Record<string, unknown>): QueueFilter {
  const kind = String(q.kind ?? '');
  const region = String(q.region ?? '');
  return {
    tab: q.tab === 'decided' ? 'decided' : 'pending',
    kind: kind in KIND_LABELS ? kind : '',
    region: isRegionCode(region) ? region : '',
    from: validDay(q.from),
    to: validDay(q.to),
    overdue: q.overdue === '1',
    q: String(q.q ?? '').trim().slice(0, 50),
  };
}

const beijingDayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

export function queueQuery(db: Db, orgId: number, f: QueueFilter): Knex.QueryBuilder {
  const q = db('review_items as r')
    .join('institutions as i', 'i.id', 'r.institution_id')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .where('r.org_id', orgId)
    .select('r.*', 'i.name as institution_name', 'i.region_code', 'u.name as decided_by_name');
  if (f.tab === 'pending') q.where('r.status', 'pending').orderBy([{ column: 'r.submitted_at', order: 'asc' }, { column: 'r.id', order: 'asc' }]);
  else q.whereNot('r.status', 'pending').orderBy([{ column: 'r.decided_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]);
  if (f.kind) q.where('r.kind', f.kind);
  if (f.region) q.where('i.region_code', f.region);
  if (f.from) q.where('r.submitted_at', '>=', beijingDayStart(f.from));
  if (f.to) q.where('r.submitted_at', '<', new Date(beijingDayStart(f.to).getTime() + 86_400_000));
  if (f.overdue) q.where('r.overdue', true);
  if (f.q) q.where((w) => w.whereILike('r.title', `%${f.q}%`).orWhereILike('i.name', `%${f.q}%`));
  return q;
}

/** One item of the reviewer's organisation; another organisation's item is not found. */
export async function findItem(db: Db, orgId: number, id: unknown) {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) return null;
  return db('review_items').where({ id: n, org_id: orgId }).first();
}

/** Every round of the item's workflow, with who decided. */
export async function roundsOf(db: Db, workflowId: string) {
  return db('review_items as r')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .leftJoin('reviewer_orgs as o', 'o.id', 'r.org_id')
    .where('r.workflow_id', workflowId)
    .orderBy('r.round', 'desc')
    .select('r.id', 'r.round', 'r.status', 'r.overdue', 'r.submitted_at', 'r.decided_at', 'r.reason', 'r.org_id', 'u.name as decided_by_name', 'o.name as org_name');
}
