import type { Knex } from 'knex';
import type { Db } from './knex';

/**
 * Training classes and their declarations, always read within one institution: a class
 * of another institution is simply not found.
 */
export type ClassStatus = 'draft' | 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'closed';
export type OutcomeMode = 'with_declaration' | 'after_approval';

export interface TrainingClass {
  id: number;
  institution_id: number;
  name: string;
  training_year: number;
  subject_type: 'public' | 'professional';
  specialty: string;
  series: string;
  intro: string;
  start_date: string;
  end_date: string;
  site_id: number | null;
  planned_count: number;
  contact_name: string;
  contact_phone: string;
  reviewer_org_id: number | null;
  outcome_mode: OutcomeMode;
  status: ClassStatus;
  total_hours: number;
  outcomes_reported: boolean;
  created_by: number | null;
  submitted_at: Date | null;
  approved_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The declaration may be changed only before a reviewer has it or after it came back. */
export const EDITABLE: ClassStatus[] = ['draft', 'rejected', 'withdrawn'];
export const isEditable = (s: ClassStatus) => EDITABLE.includes(s);


export async function findClass(db: Db | Knex.Transaction, institutionId: number, id: unknown): Promise<TrainingClass | null> {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) return null;
  return (await db<TrainingClass>('training_classes').where({ id: n, institution_id: institutionId }).first()) ?? null;
}

/** The class with what a detail page shows beside it: site, reviewer organisation. */
export async function classWithNames(db: Db, institutionId: number, id: unknown) {
  const c = await findClass(db, institutionId, id);
  if (!c) return null;
  const site = c.site_id ? await db('training_sites').where({ id: c.site_id }).first('id', 'name', 'address', 'capacity') : null;
  const org = c.reviewer_org_id ? await db('reviewer_orgs').where({ id: c.reviewer_org_id }).first('id', 'name', 'kind') : null;
  return { ...c, site: site ?? null, org: org ?? null };
}

export async function classCourses(db: Db, classId: number) {
  return db('class_courses as cc')
    .join('courses as c', 'c.id', 'cc.course_id')
    .where('cc.class_id', classId)
    .orderBy('c.id')
    .select('c.id', 'c.name', 'c.subject_type', 'c.specialty', 'c.hours');
}

export async function classAttachments(db: Db, classId: number) {
  return db('class_attachments as a')
    .join('files as f', 'f.id', 'a.file_id')
    .where('a.class_id', classId)
    .orderBy('f.created_at')
    .select('f.id', 'f.name', 'f.size', 'f.mime', 'f.created_at');
}

/** Every review round of the class's workflow, newest first: each rejection keeps its reason. */
export async function reviewRounds(db: Db, workflowId: string) {
  return db('review_items as r')
    .leftJoin('reviewer_orgs as o', 'o.id', 'r.org_id')
    .where({ 'r.workflow_id': workflowId })
    .orderBy('r.round', 'desc')
    .select('r.round', 'r.status', 'r.submitted_at', 'r.decided_at', 'r.reason', 'r.overdue', 'o.name as org_name');
}

// ---- what a declaration chooses from -------------------------------------------------

/** 审核单位: the institution's own region's HR bureau, or any industry authority. */
export async function reviewerOptions(db: Db, institutionId: number) {
  const inst = await db('institutions').where({ id: institutionId }).first('region_code');
  return db('reviewer_orgs')
    .where((q) => q.where({ kind: 'hr_bureau', region_code: inst?.region_code ?? '' }).orWhere({ kind: 'industry_authority' }))
    .orderByRaw("CASE kind WHEN 'hr_bureau' THEN 0 ELSE 1 END, name")
    .select('id', 'name', 'kind', 'industry');
}

export async function hasTeachers(db: Db, institutionId: number) {
  return !!(await db('teachers').where({ institution_id: institutionId }).first('id'));
}

// ---- lists ----------------------------------------------------------------------------

export interface DeclarationFilters {
  status?: string;
  year?: number;
  q?: string;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const likeAny = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** 我申报的: every declaration, newest first, with its reviewer and latest decision. */
export function declarationsQuery(db: Db, institutionId: number, f: DeclarationFilters) {
  const q = db('training_classes as c')
    .leftJoin('reviewer_orgs as o', 'o.id', 'c.reviewer_org_id')
    .where('c.institution_id', institutionId)
    .select(
      'c.id', 'c.name', 'c.training_year', 'c.subject_type', 'c.outcome_mode', 'c.status', 'c.submitted_at', 'c.approved_at',
      'c.created_at', 'c.updated_at', 'o.name as org_name',
      db.raw(
        `(SELECT json_build_object('reason', r.reason, 'decided_at', r.decided_at, 'round', r.round)
            FROM review_items r WHERE r.workflow_id = 'class-declaration:' || c.id AND r.status = 'rejected'
           ORDER BY r.round DESC LIMIT 1) AS last_rejection`,
      ),
      db.raw(
        `(SELECT max(r.decided_at) FROM review_items r WHERE r.workflow_id = 'class-declaration:' || c.id) AS decided_at`,
      ),
    )
    .orderBy('c.id', 'desc');
  if (f.status) q.where('c.status', f.status);
  if (f.year) q.where('c.training_year', f.year);
  if (f.q) q.whereILike('c.name', likeAny(f.q));
  return q;
}

/** One declaration row, for the htmx poll of a pending row. */
export async function declarationRow(db: Db, institutionId: number, id: number) {
  return declarationsQuery(db, institutionId, {}).where('c.id', id).first();
}

/** The institution's other review items (its own application, base application, annual reviews). */
export function otherReviewItemsQuery(db: Db, institutionId: number, f: { status?: string }) {
  const q = db('review_items as r')
    .leftJoin('reviewer_orgs as o', 'o.id', 'r.org_id')
    .where('r.institution_id', institutionId)
    .whereNot('r.kind', 'class_declaration')
    .select('r.id', 'r.kind', 'r.title', 'r.round', 'r.status', 'r.submitted_at', 'r.decided_at', 'r.reason', 'o.name as org_name')
    .orderBy('r.submitted_at', 'desc')
    .orderBy('r.id', 'desc');
  if (f.status) q.where('r.status', f.status);
  return q;
}

export interface ManagedFilters {
  year?: number;
  subject?: string;
  reported?: 'yes' | 'no';
  status?: 'approved' | 'closed';
}

/** 培训班管理: approved and closed classes. */
export function managedClassesQuery(db: Db, institutionId: number, f: ManagedFilters) {
  const q = db('training_classes as c')
    .leftJoin('training_sites as s', 's.id', 'c.site_id')
    .where('c.institution_id', institutionId)
    .whereIn('c.status', f.status ? [f.status] : ['approved', 'closed'])
    .select(
      'c.id', 'c.name', 'c.training_year', 'c.subject_type', 'c.start_date', 'c.end_date', 'c.planned_count', 'c.status',
      'c.outcomes_reported', 'c.total_hours', 'c.outcome_mode', 's.name as site_name',
      db.raw('(SELECT count(*) FROM class_members m WHERE m.class_id = c.id)::int AS member_count'),
    )
    .orderBy('c.id', 'desc');
  if (f.year) q.where('c.training_year', f.year);
  if (f.subject) q.where('c.subject_type', f.subject);
  if (f.reported) q.where('c.outcomes_reported', f.reported === 'yes');
  return q;
}

export { likePrefix };
