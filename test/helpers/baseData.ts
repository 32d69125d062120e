import type { Db } from '../../db/knex';
import type { Agent } from './agent';
import { createInstitution, login, makeIdNumber, makePhone, uniq } from './fixtures';
import { startPlatform, type TestPlatform } from './platform';

export type TestInstitution = Awaited<ReturnType<typeof createInstitution>>;

/** A platform without a worker, and an institution whose admin is signed in on `a`. */
export async function startSignedIn(): Promise<{ p: TestPlatform; inst: TestInstitution; a: Agent }> {
  const p = await startPlatform({ worker: false });
  const inst = await createInstitution(p.db);
  const a = p.agent();
  await login(a, inst.admin);
  return { p, inst, a };
}

/**
 * Rows of the training base data made directly in the database, for tests that need
 * something to exist (or to be in use) without going through the pages.
 */
export async function insertTeacherRow(db: Db, institutionId: number, o: { name?: string } = {}) {
  const name = o.name ?? `教师${uniq('')}`;
  const idNumber = makeIdNumber();
  const phone = makePhone();
  const [r] = await db('teachers')
    .insert({ institution_id: institutionId, name, gender: 'male', id_number: idNumber, phone, title: '副教授', employer: '福州大学' })
    .returning('id');
  return { id: r.id as number, name, idNumber, phone };
}

export async function insertCourseRow(db: Db, institutionId: number, o: { name?: string; hours?: number; teacherIds?: number[] } = {}) {
  const name = o.name ?? `课程${uniq('')}`;
  const [r] = await db('courses')
    .insert({ institution_id: institutionId, name, subject_type: 'public', hours: o.hours ?? 4, delivery: 'onsite' })
    .returning('id');
  for (const t of o.teacherIds ?? []) await db('course_teachers').insert({ course_id: r.id, teacher_id: t });
  return { id: r.id as number, name };
}

export async function insertSiteRow(db: Db, institutionId: number, o: { name?: string; enabled?: boolean } = {}) {
  const name = o.name ?? `面授点${uniq('')}`;
  const [r] = await db('training_sites')
    .insert({
      institution_id: institutionId, name, region_code: '350100', address: '福州市鼓楼区五四路1号', capacity: 80,
      contact_name: '陈老师', contact_phone: makePhone(), enabled: o.enabled ?? true,
    })
    .returning('id');
  return { id: r.id as number, name };
}

export async function insertPlatformRow(db: Db, institutionId: number, o: { name?: string } = {}) {
  const name = o.name ?? `网授平台${uniq('')}`;
  const [r] = await db('online_platforms')
    .insert({ institution_id: institutionId, name, url: 'https://learn.example.com', operator: '某科技公司', contact_name: '林工', contact_phone: makePhone() })
    .returning('id');
  return { id: r.id as number, name };
}

/** A class declaration in the given status, choosing the given courses and site. */
export async function insertClassRow(
  db: Db,
  institutionId: number,
  o: { status?: string; courseIds?: number[]; siteId?: number | null; name?: string } = {},
) {
  const name = o.name ?? `培训班${uniq('')}`;
  const year = new Date().getFullYear();
  const [r] = await db('training_classes')
    .insert({
      institution_id: institutionId, name, training_year: year, subject_type: 'public', start_date: `${year}-03-01`,
      end_date: `${year}-03-05`, site_id: o.siteId ?? null, planned_count: 30, contact_name: '陈老师', contact_phone: makePhone(),
      outcome_mode: 'after_approval', status: o.status ?? 'pending',
    })
    .returning('id');
  for (const c of o.courseIds ?? []) await db('class_courses').insert({ class_id: r.id, course_id: c });
  return { id: r.id as number, name };
}
