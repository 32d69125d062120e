import type { Knex } from 'knex';
import type { Db } from './knex';
import { likeAny, positiveId } from './baseData';

/**
 * 师资: an institution's teachers. Every function takes the institution id and reads
 * nothing outside it, so another institution's teacher is simply not found.
 */
export interface Teacher {
  id: number;
  institution_id: number;
  name: string;
  gender: 'male' | 'female';
  id_number: string | null;
  title: string;
  employer: string;
  field: string;
  phone: string;
  intro: string;
  created_at: Date;
  updated_at: Date;
}

export interface TeacherInput {
  name: string;
  gender: 'male' | 'female';
  idNumber: string | null;
  title: string;
  employer: string;
  field: string;
  phone: string;
  intro: string;
}

export const GENDER_LABELS: Record<string, string> = { male: '男', female: '女' };

export interface TeacherFilters {
  q?: string;
  gender?: string;
}

/** The list: newest first; q matches name, 职称, 工作单位, 专业领域, or a whole ID number. */
export function teachersQuery(db: Db, institutionId: number, f: TeacherFilters) {
  const q = db<Teacher>('teachers').where({ institution_id: institutionId });
  if (f.q) {
    const like = likeAny(f.q);
    q.where((w) =>
      w
        .whereILike('name', like)
        .orWhereILike('title', like)
        .orWhereILike('employer', like)
        .orWhereILike('field', like)
        .orWhere('id_number', f.q!.toUpperCase()),
    );
  }
  if (f.gender === 'male' || f.gender === 'female') q.where({ gender: f.gender });
  return q.orderBy('id', 'desc').select('*');
}

export async function findTeacher(db: Db | Knex.Transaction, institutionId: number, id: unknown): Promise<Teacher | null> {
  const n = positiveId(id);
  if (!n) return null;
  return (await db<Teacher>('teachers').where({ id: n, institution_id: institutionId }).first()) ?? null;
}

/** For choosers (课程的授课教师, imports): every teacher of the institution, by name. */
export function listTeachers(db: Db, institutionId: number): Promise<Array<Pick<Teacher, 'id' | 'name' | 'title' | 'employer'>>> {
  return db('teachers').where({ institution_id: institutionId }).orderBy([{ column: 'name' }, { column: 'id' }]).select('id', 'name', 'title', 'employer');
}

export async function idNumberTaken(db: Db | Knex.Transaction, institutionId: number, idNumber: string, exceptId?: number) {
  const q = db('teachers').where({ institution_id: institutionId, id_number: idNumber });
  if (exceptId) q.whereNot({ id: exceptId });
  return !!(await q.first('id'));
}

const row = (t: TeacherInput) => ({
  name: t.name,
  gender: t.gender,
  id_number: t.idNumber,
  title: t.title,
  employer: t.employer,
  field: t.field,
  phone: t.phone,
  intro: t.intro,
});

export async function insertTeacher(db: Db | Knex.Transaction, institutionId: number, t: TeacherInput): Promise<number> {
  const [r] = await db('teachers').insert({ ...row(t), institution_id: institutionId }).returning('id');
  return r.id;
}

export async function updateTeacher(db: Db | Knex.Transaction, institutionId: number, id: number, t: TeacherInput, now: Date) {
  return db('teachers').where({ id, institution_id: institutionId }).update({ ...row(t), updated_at: now });
}

/** Why a teacher cannot be deleted: the courses naming them and the declared classes using those courses. */
export async function teacherUse(db: Db | Knex.Transaction, institutionId: number, teacherId: number) {
  const courses = await db('course_teachers as ct')
    .join('courses as c', 'c.id', 'ct.course_id')
    .where({ 'ct.teacher_id': teacherId, 'c.institution_id': institutionId })
    .orderBy('c.name')
    .select('c.id', 'c.name');
  const classes = await db('course_teachers as ct')
    .join('class_courses as cc', 'cc.course_id', 'ct.course_id')
    .join('training_classes as k', 'k.id', 'cc.class_id')
    .where({ 'ct.teacher_id': teacherId, 'k.institution_id': institutionId })
    .whereIn('k.status', ['pending', 'approved', 'closed'])
    .distinct('k.id', 'k.name', 'k.status')
    .orderBy('k.id');
  return { courses, classes };
}

export async function deleteTeacher(db: Db | Knex.Transaction, institutionId: number, id: number) {
  return db('teachers').where({ id, institution_id: institutionId }).delete();
}
