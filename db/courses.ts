import type { Knex } from 'knex';
import type { Db } from './knex';
import { likeAny, positiveId } from './baseData';

/**
 * 培训课程: the institution's course catalogue with each course's teachers. Scoped by
 * institution everywhere; a course of another institution is not found.
 */
export interface Course {
  id: number;
  institution_id: number;
  name: string;
  subject_type: 'public' | 'professional';
  specialty: string;
  hours: number;
  delivery: 'onsite' | 'online';
  intro: string;
  created_at: Date;
  updated_at: Date;
}

export interface CourseInput {
  name: string;
  subjectType: 'public' | 'professional';
  specialty: string;
  hours: number;
  delivery: 'onsite' | 'online';
  teacherIds: number[];
  intro: string;
}

/** Class statuses in which a declaration has gone to (or through) review: its courses are fixed. */
export const DECLARED_STATUSES = ['pending', 'approved', 'closed'] as const;

/**
 * What a declaration points at: once a declared class uses the course, none of these may
 * change, or the reviewed course list would change under the reviewer. 课程简介 is not
 * among them: no declaration or review page shows it.
 */
export const DECLARED_FIELDS = ['name', 'subjectType', 'specialty', 'hours', 'delivery', 'teacherIds'] as const;
export type DeclaredField = (typeof DECLARED_FIELDS)[number];

export interface CourseFilters {
  q?: string;
  subjectType?: string;
  delivery?: string;
}

/** The list with each course's teacher names; q matches 课程名称 or 专业/类别. */
export function coursesQuery(db: Db, institutionId: number, f: CourseFilters) {
  const q = db('courses as c')
    .where('c.institution_id', institutionId)
    .select(
      'c.*',
      db.raw(
        `(SELECT coalesce(string_agg(t.name, '、' ORDER BY t.name), '') FROM course_teachers ct
          JOIN teachers t ON t.id = ct.teacher_id WHERE ct.course_id = c.id) AS teacher_names`,
      ),
    )
    .orderBy('c.id', 'desc');
  if (f.q) {
    const like = likeAny(f.q);
    q.where((w) => w.whereILike('c.name', like).orWhereILike('c.specialty', like));
  }
  if (f.subjectType === 'public' || f.subjectType === 'professional') q.where('c.subject_type', f.subjectType);
  if (f.delivery === 'onsite' || f.delivery === 'online') q.where('c.delivery', f.delivery);
  return q;
}

export async function findCourse(db: Db | Knex.Transaction, institutionId: number, id: unknown): Promise<Course | null> {
  const n = positiveId(id);
  if (!n) return null;
  return (await db<Course>('courses').where({ id: n, institution_id: institutionId }).first()) ?? null;
}

export async function courseTeacherIds(db: Db | Knex.Transaction, courseId: number): Promise<number[]> {
  const rows = await db('course_teachers').where({ course_id: courseId }).orderBy('teacher_id').select('teacher_id');
  return rows.map((r: { teacher_id: number }) => r.teacher_id);
}

/** For choosers (class declarations, imports): the catalogue, optionally one delivery only. */
export function listCourses(
  db: Db,
  institutionId: number,
  o: { delivery?: 'onsite' | 'online' } = {},
): Promise<Array<Pick<Course, 'id' | 'name' | 'subject_type' | 'specialty' | 'hours' | 'delivery'>>> {
  const q = db('courses').where({ institution_id: institutionId });
  if (o.delivery) q.where({ delivery: o.delivery });
  return q.orderBy([{ column: 'subject_type' }, { column: 'name' }]).select('id', 'name', 'subject_type', 'specialty', 'hours', 'delivery');
}

export async function nameTaken(db: Db | Knex.Transaction, institutionId: number, name: string, exceptId?: number) {
  const q = db('courses').where({ institution_id: institutionId, name });
  if (exceptId) q.whereNot({ id: exceptId });
  return !!(await q.first('id'));
}

/** The declared classes (submitted, approved or closed) that chose this course. */
export function declaredClassesUsing(db: Db | Knex.Transaction, institutionId: number, courseId: number) {
  return db('class_courses as cc')
    .join('training_classes as k', 'k.id', 'cc.class_id')
    .where({ 'cc.course_id': courseId, 'k.institution_id': institutionId })
    .whereIn('k.status', DECLARED_STATUSES as unknown as string[])
    .orderBy('k.id')
    .select('k.id', 'k.name', 'k.status');
}

/** Every class that chose this course, drafts included: a course in any of them cannot go. */
export function classesUsing(db: Db | Knex.Transaction, institutionId: number, courseId: number) {
  return db('class_courses as cc')
    .join('training_classes as k', 'k.id', 'cc.class_id')
    .where({ 'cc.course_id': courseId, 'k.institution_id': institutionId })
    .orderBy('k.id')
    .select('k.id', 'k.name', 'k.status');
}

/** Of the given ids, those that are teachers of this institution. */
export async function ownTeacherIds(db: Db | Knex.Transaction, institutionId: number, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  // FOR SHARE: a teacher being deleted meanwhile is waited for, then seen as gone.
  const rows = await db('teachers').where({ institution_id: institutionId }).whereIn('id', ids).forShare().select('id');
  return rows.map((r: { id: number }) => r.id);
}

/** The declared fields the input would change, compared as they would be stored. */
export function declaredFieldChanges(
  before: Pick<Course, 'name' | 'subject_type' | 'specialty' | 'hours' | 'delivery'>,
  beforeTeacherIds: number[],
  after: CourseInput,
): DeclaredField[] {
  const stored = row(after);
  const sameSet = (x: number[], y: number[]) => {
    const a = new Set(x);
    const b = new Set(y);
    return a.size === b.size && [...a].every((v) => b.has(v));
  };
  const changed: Record<DeclaredField, boolean> = {
    name: before.name !== stored.name,
    subjectType: before.subject_type !== stored.subject_type,
    specialty: before.specialty !== stored.specialty,
    hours: Number(before.hours) !== stored.hours,
    delivery: before.delivery !== stored.delivery,
    teacherIds: !sameSet(beforeTeacherIds, after.teacherIds),
  };
  return DECLARED_FIELDS.filter((f) => changed[f]);
}

const row = (c: CourseInput) => ({
  name: c.name,
  subject_type: c.subjectType,
  specialty: c.subjectType === 'professional' ? c.specialty : '',
  hours: c.hours,
  delivery: c.delivery,
  intro: c.intro,
});

async function setTeachers(trx: Knex.Transaction, courseId: number, teacherIds: number[]) {
  await trx('course_teachers').where({ course_id: courseId }).delete();
  const ids = [...new Set(teacherIds)];
  if (ids.length) await trx('course_teachers').insert(ids.map((teacher_id) => ({ course_id: courseId, teacher_id })));
}

/** The course and its teachers in one transaction; the caller has checked the teachers are its own. */
export async function insertCourse(trx: Knex.Transaction, institutionId: number, c: CourseInput): Promise<number> {
  const [r] = await trx('courses').insert({ ...row(c), institution_id: institutionId }).returning('id');
  await setTeachers(trx, r.id, c.teacherIds);
  return r.id;
}

export async function updateCourse(trx: Knex.Transaction, institutionId: number, id: number, c: CourseInput, now: Date) {
  await trx('courses').where({ id, institution_id: institutionId }).update({ ...row(c), updated_at: now });
  await setTeachers(trx, id, c.teacherIds);
}

export async function deleteCourse(trx: Knex.Transaction, institutionId: number, id: number) {
  return trx('courses').where({ id, institution_id: institutionId }).delete();
}
