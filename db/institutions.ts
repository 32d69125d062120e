import type { Knex } from 'knex';
import type { Db } from './knex';
import { deleteRemovedFiles } from './files';

/** The institution as the application and profile pages see it. */
export interface Institution {
  id: number;
  name: string;
  creditCode: string;
  type: string;
  regionCode: string;
  address: string;
  headName: string;
  contactName: string;
  contactPhone: string;
  email: string;
  trainingScope: TrainingScope;
  status: 'pending' | 'active' | 'rejected' | 'withdrawn';
  needsCompletion: boolean;
  isBase: boolean;
  applicantUserId: number | null;
  approvedAt: Date | null;
  createdAt: Date;
}

/** 培训范围: the subject types offered, and the specialties of 专业科目. */
export interface TrainingScope {
  subjects: Array<'public' | 'professional'>;
  specialties: string[];
}

/** What the applicant fills in (申请) and may amend until approved. */
export type ApplicationFields = Pick<
  Institution,
  'name' | 'creditCode' | 'type' | 'regionCode' | 'address' | 'headName' | 'contactName' | 'contactPhone' | 'email' | 'trainingScope'
>;

/** What the admin maintains after approval (机构信息管理). */
export type ProfileFields = Pick<Institution, 'headName' | 'contactName' | 'contactPhone' | 'email' | 'address'>;


const toInstitution = (r: Record<string, any>): Institution => ({
  id: r.id,
  name: r.name,
  creditCode: r.credit_code,
  type: r.type,
  regionCode: r.region_code,
  address: r.address,
  headName: r.head_name,
  contactName: r.contact_name,
  contactPhone: r.contact_phone,
  email: r.email,
  trainingScope: { subjects: r.training_scope?.subjects ?? [], specialties: r.training_scope?.specialties ?? [] },
  status: r.status,
  needsCompletion: r.needs_completion,
  isBase: r.is_base,
  applicantUserId: r.applicant_user_id,
  approvedAt: r.approved_at,
  createdAt: r.created_at,
});

const applicationRow = (f: ApplicationFields) => ({
  name: f.name,
  credit_code: f.creditCode,
  type: f.type,
  region_code: f.regionCode,
  address: f.address,
  head_name: f.headName,
  contact_name: f.contactName,
  contact_phone: f.contactPhone,
  email: f.email,
  training_scope: JSON.stringify(f.trainingScope),
});

const profileRow = (f: Partial<ProfileFields>) => {
  const row: Record<string, string> = {};
  if (f.headName !== undefined) row.head_name = f.headName;
  if (f.contactName !== undefined) row.contact_name = f.contactName;
  if (f.contactPhone !== undefined) row.contact_phone = f.contactPhone;
  if (f.email !== undefined) row.email = f.email;
  if (f.address !== undefined) row.address = f.address;
  return row;
};

export async function findInstitution(db: Db | Knex.Transaction, id: number): Promise<Institution | null> {
  const r = await db('institutions').where({ id }).first();
  return r ? toInstitution(r) : null;
}

export async function creditCodeTaken(db: Db, creditCode: string, exceptId?: number): Promise<boolean> {
  const q = db('institutions').where({ credit_code: creditCode });
  if (exceptId) q.whereNot({ id: exceptId });
  return !!(await q.first('id'));
}

/** The new institution (pending) linked to its applicant, who stays an applicant until approval. */
export async function createApplication(trx: Knex.Transaction, f: ApplicationFields, applicantUserId: number, now: Date): Promise<number> {
  const [row] = await trx('institutions')
    .insert({ ...applicationRow(f), status: 'pending', applicant_user_id: applicantUserId, created_at: now, updated_at: now })
    .returning('id');
  await trx('users').where({ id: applicantUserId }).update({ institution_id: row.id, updated_at: now });
  return row.id;
}

export async function updateApplication(trx: Knex.Transaction, id: number, f: ApplicationFields, now: Date): Promise<void> {
  await trx('institutions').where({ id }).whereNot({ status: 'active' }).update({ ...applicationRow(f), updated_at: now });
}

export async function updateProfile(db: Db | Knex.Transaction, id: number, f: Partial<ProfileFields>, now: Date, completed = false): Promise<void> {
  await db('institutions')
    .where({ id })
    .update({ ...profileRow(f), ...(completed ? { needs_completion: false } : {}), updated_at: now });
}

export interface Attachment {
  fileId: string;
  name: string;
  size: number;
  mime: string;
  addedAt: Date;
}

export async function listAttachments(db: Db, institutionId: number): Promise<Attachment[]> {
  const rows = await db('institution_attachments as a')
    .join('files as f', 'f.id', 'a.file_id')
    .where('a.institution_id', institutionId)
    .orderBy('a.added_at')
    .select('f.id', 'f.name', 'f.size', 'f.mime', 'a.added_at');
  return rows.map((r) => ({ fileId: r.id, name: r.name, size: Number(r.size), mime: r.mime, addedAt: r.added_at }));
}

export async function addAttachment(trx: Db | Knex.Transaction, institutionId: number, fileId: string, userId: number): Promise<void> {
  await trx('institution_attachments').insert({ institution_id: institutionId, file_id: fileId, added_by: userId }).onConflict(['institution_id', 'file_id']).ignore();
}

/** Removes the link and the file; false when the file is not this institution's. */
export async function removeAttachment(trx: Knex.Transaction, institutionId: number, fileId: string): Promise<boolean> {
  const n = await trx('institution_attachments').where({ institution_id: institutionId, file_id: fileId }).delete();
  if (n === 0) return false;
  await deleteRemovedFiles(trx, institutionId, [fileId]);
  return true;
}

export async function hasAttachment(db: Db, institutionId: number, fileId: string): Promise<boolean> {
  return !!(await db('institution_attachments').where({ institution_id: institutionId, file_id: fileId }).first('file_id'));
}

/** Every round of the application: the decision, its reason, and who made it. */
export async function applicationRounds(db: Db, workflowId: string) {
  return db('review_items as r')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .leftJoin('reviewer_orgs as o', 'o.id', 'r.org_id')
    .where({ 'r.workflow_id': workflowId })
    .orderBy('r.round', 'desc')
    .select('r.round', 'r.status', 'r.overdue', 'r.submitted_at', 'r.decided_at', 'r.reason', 'u.name as decided_by_name', 'u.role as decided_by_role', 'o.name as org_name');
}

export async function bureauFor(db: Db, regionCode: string): Promise<{ id: number; name: string } | undefined> {
  return db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: regionCode }).first('id', 'name');
}

export interface InstitutionAdminListItem {
  id: number;
  name: string;
  credit_code: string;
  region_code: string;
  status: Institution['status'];
  needs_completion: boolean;
  platforms: number;
  enabled_platforms: number;
}

/**
 * Every institution for the platform admin (机构管理), newest first: a search text
 * matches the name or the credit code, `completion` is 'yes' / 'no' for the flag.
 */
export function institutionAdminQuery(db: Db, f: { q: string; status: string; completion: string }) {
  const query = db('institutions as i').select(
    'i.id',
    'i.name',
    'i.credit_code',
    'i.region_code',
    'i.status',
    'i.needs_completion',
    db.raw('(SELECT count(*) FROM online_platforms p WHERE p.institution_id = i.id)::int AS platforms'),
    db.raw('(SELECT count(*) FROM online_platforms p WHERE p.institution_id = i.id AND p.enabled)::int AS enabled_platforms'),
  );
  if (f.q) {
    // The search text's own % and _ match themselves; credit codes are stored upper-case.
    const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    query.where((w) => w.whereILike('i.name', like).orWhereILike('i.credit_code', like));
  }
  if (['pending', 'active', 'rejected', 'withdrawn'].includes(f.status)) query.where('i.status', f.status);
  if (f.completion === 'yes' || f.completion === 'no') query.where('i.needs_completion', f.completion === 'yes');
  return query.orderBy([{ column: 'i.created_at', order: 'desc' }, { column: 'i.id', order: 'desc' }]);
}
