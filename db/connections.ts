import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './knex';
import { likeAny, positiveId } from './baseData';

/**
 * 培训对接管理: the institution's training sites (面授点) and online platforms (网授平台).
 * A disabled one stays on record (classes and training records point at it) but is no
 * longer offered as a choice.
 */
export interface TrainingSite {
  id: number;
  institution_id: number;
  name: string;
  region_code: string;
  address: string;
  capacity: number;
  contact_name: string;
  contact_phone: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface OnlinePlatform {
  id: number;
  institution_id: number;
  name: string;
  url: string;
  operator: string;
  contact_name: string;
  contact_phone: string;
  enabled: boolean;
  access_key_hash: string | null;
  access_key_hint: string | null;
  key_rotated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface SiteInput {
  name: string;
  regionCode: string;
  address: string;
  capacity: number;
  contactName: string;
  contactPhone: string;
}

export interface PlatformInput {
  name: string;
  url: string;
  operator: string;
  contactName: string;
  contactPhone: string;
}

export interface ConnectionFilters {
  q?: string;
  regionCode?: string;
  enabled?: string;
}

type Conn = Db | Knex.Transaction;

const enabledFilter = (q: Knex.QueryBuilder, v?: string) => {
  if (v === 'yes') q.where({ enabled: true });
  if (v === 'no') q.where({ enabled: false });
};

// ---- training sites --------------------------------------------------------------------

export function sitesQuery(db: Db, institutionId: number, f: ConnectionFilters) {
  const q = db<TrainingSite>('training_sites').where({ institution_id: institutionId });
  if (f.q) {
    const like = likeAny(f.q);
    q.where((w) => w.whereILike('name', like).orWhereILike('address', like).orWhereILike('contact_name', like));
  }
  if (f.regionCode) q.where({ region_code: f.regionCode });
  enabledFilter(q, f.enabled);
  return q.orderBy('id', 'desc').select('*');
}

export async function findSite(db: Conn, institutionId: number, id: unknown): Promise<TrainingSite | null> {
  const n = positiveId(id);
  if (!n) return null;
  return (await db<TrainingSite>('training_sites').where({ id: n, institution_id: institutionId }).first()) ?? null;
}

/** The sites a class declaration may be held at. */
export function listEnabledSites(db: Db, institutionId: number): Promise<Array<Pick<TrainingSite, 'id' | 'name' | 'region_code' | 'address' | 'capacity'>>> {
  return db('training_sites')
    .where({ institution_id: institutionId, enabled: true })
    .orderBy([{ column: 'name' }, { column: 'id' }])
    .select('id', 'name', 'region_code', 'address', 'capacity');
}

export async function siteNameTaken(db: Conn, institutionId: number, name: string, exceptId?: number) {
  const q = db('training_sites').where({ institution_id: institutionId, name });
  if (exceptId) q.whereNot({ id: exceptId });
  return !!(await q.first('id'));
}

const siteRow = (s: SiteInput) => ({
  name: s.name,
  region_code: s.regionCode,
  address: s.address,
  capacity: s.capacity,
  contact_name: s.contactName,
  contact_phone: s.contactPhone,
});

export async function insertSite(db: Conn, institutionId: number, s: SiteInput): Promise<number> {
  const [r] = await db('training_sites').insert({ ...siteRow(s), institution_id: institutionId }).returning('id');
  return r.id;
}

export function updateSite(db: Conn, institutionId: number, id: number, s: SiteInput, now: Date) {
  return db('training_sites').where({ id, institution_id: institutionId }).update({ ...siteRow(s), updated_at: now });
}

export function setSiteEnabled(db: Conn, institutionId: number, id: number, enabled: boolean, now: Date) {
  return db('training_sites').where({ id, institution_id: institutionId }).update({ enabled, updated_at: now });
}

/** Every class held at the site, drafts included; `declared` marks those gone to review. */
export function classesAtSite(db: Conn, institutionId: number, siteId: number) {
  return db('training_classes')
    .where({ site_id: siteId, institution_id: institutionId })
    .orderBy('id')
    .select('id', 'name', 'status');
}

export function deleteSite(db: Conn, institutionId: number, id: number) {
  return db('training_sites').where({ id, institution_id: institutionId }).delete();
}

// ---- online platforms ------------------------------------------------------------------

export function platformsQuery(db: Db, institutionId: number, f: ConnectionFilters) {
  const q = db<OnlinePlatform>('online_platforms').where({ institution_id: institutionId });
  if (f.q) {
    const like = likeAny(f.q);
    q.where((w) => w.whereILike('name', like).orWhereILike('operator', like).orWhereILike('url', like));
  }
  enabledFilter(q, f.enabled);
  return q.orderBy('id', 'desc').select('*');
}

export async function findPlatform(db: Conn, institutionId: number, id: unknown): Promise<OnlinePlatform | null> {
  const n = positiveId(id);
  if (!n) return null;
  return (await db<OnlinePlatform>('online_platforms').where({ id: n, institution_id: institutionId }).first()) ?? null;
}

/** The platforms an online-outcomes import may name. */
export function listEnabledPlatforms(db: Db, institutionId: number): Promise<Array<Pick<OnlinePlatform, 'id' | 'name' | 'url' | 'operator'>>> {
  return db('online_platforms')
    .where({ institution_id: institutionId, enabled: true })
    .orderBy([{ column: 'name' }, { column: 'id' }])
    .select('id', 'name', 'url', 'operator');
}

export async function platformNameTaken(db: Conn, institutionId: number, name: string, exceptId?: number) {
  const q = db('online_platforms').where({ institution_id: institutionId, name });
  if (exceptId) q.whereNot({ id: exceptId });
  return !!(await q.first('id'));
}

const platformRow = (p: PlatformInput) => ({
  name: p.name,
  url: p.url,
  operator: p.operator,
  contact_name: p.contactName,
  contact_phone: p.contactPhone,
});

export async function insertPlatform(db: Conn, institutionId: number, p: PlatformInput): Promise<number> {
  const [r] = await db('online_platforms').insert({ ...platformRow(p), institution_id: institutionId }).returning('id');
  return r.id;
}

export function updatePlatform(db: Conn, institutionId: number, id: number, p: PlatformInput, now: Date) {
  return db('online_platforms').where({ id, institution_id: institutionId }).update({ ...platformRow(p), updated_at: now });
}

export function setPlatformEnabled(db: Conn, institutionId: number, id: number, enabled: boolean, now: Date) {
  return db('online_platforms').where({ id, institution_id: institutionId }).update({ enabled, updated_at: now });
}

/** What keeps a platform from being deleted: training records and import jobs that name it. */
export async function platformUse(db: Conn, platformId: number) {
  const [records, imports] = await Promise.all([
    db('training_records').where({ platform_id: platformId }).first('id'),
    db('import_jobs').where({ platform_id: platformId }).first('id'),
  ]);
  return { records: !!records, imports: !!imports };
}

export function deletePlatform(db: Conn, institutionId: number, id: number) {
  return db('online_platforms').where({ id, institution_id: institutionId }).delete();
}

// ---- access keys -----------------------------------------------------------------------

const KEY_PREFIX = 'cep_';

/**
 * The key is 32 random bytes, so a plain SHA-256 is enough to keep it secret at rest
 * (a slow password hash guards low-entropy secrets; this one cannot be guessed), and
 * it lets a request find its platform by an indexed lookup.
 */
export const hashAccessKey = (key: string) => createHash('sha256').update(key.trim(), 'utf8').digest('hex');

/**
 * Generates a new key for the platform, replacing any earlier one at once, and returns
 * it: this is the only time it exists outside the caller's hands.
 */
export async function rotateAccessKey(db: Conn, institutionId: number, id: number, now: Date): Promise<string | null> {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const n = await db('online_platforms')
    .where({ id, institution_id: institutionId })
    .update({ access_key_hash: hashAccessKey(key), access_key_hint: key.slice(-4), key_rotated_at: now, updated_at: now });
  return n === 1 ? key : null;
}

/**
 * The platform an access key belongs to, for the online-outcomes import and the push
 * interface. A disabled platform's key identifies nothing unless asked for explicitly
 * (to tell its caller why it is refused).
 */
export async function findPlatformByAccessKey(
  db: Conn,
  key: string,
  o: { includeDisabled?: boolean } = {},
): Promise<Pick<OnlinePlatform, 'id' | 'institution_id' | 'name' | 'enabled'> | null> {
  const k = typeof key === 'string' ? key.trim() : '';
  if (!k.startsWith(KEY_PREFIX) || k.length > 200) return null;
  const q = db('online_platforms').where({ access_key_hash: hashAccessKey(k) });
  if (!o.includeDisabled) q.where({ enabled: true });
  return (await q.first('id', 'institution_id', 'name', 'enabled')) ?? null;
}
