import type { Db } from '../../db/knex';
import type { AppDeps } from '../../app/deps';
import { sendUpdate } from '../../web/workflows';
import { decideUpdate } from '../../workflows/messages/review';
import { createInstitution, createReviewer, uniq, makePhone, type TestUser } from './fixtures';

/**
 * An active institution with what a declaration needs: a teacher, onsite courses of
 * both subject types, an enabled site — inserted directly, as the courses area's pages
 * are not under test here.
 */
export async function institutionWithCatalogue(db: Db, regionCode = '350100') {
  const inst = await createInstitution(db, { regionCode });
  await db('teachers').insert({ institution_id: inst.id, name: '王老师', gender: 'male', title: '教授' });
  const [pub1, pub2, pro] = await db('courses')
    .insert([
      { institution_id: inst.id, name: `公需课程A${uniq('')}`, subject_type: 'public', hours: 8, delivery: 'onsite' },
      { institution_id: inst.id, name: `公需课程B${uniq('')}`, subject_type: 'public', hours: 4.5, delivery: 'onsite' },
      { institution_id: inst.id, name: `专业课程${uniq('')}`, subject_type: 'professional', specialty: '建筑工程', hours: 12, delivery: 'onsite' },
    ])
    .returning(['id', 'name', 'hours']);
  const [site] = await db('training_sites')
    .insert({ institution_id: inst.id, name: `面授点${uniq('')}`, region_code: regionCode, address: '福州市鼓楼区培训路8号', capacity: 60, contact_name: '赵六', contact_phone: makePhone() })
    .returning(['id', 'name', 'capacity']);
  const bureau = await db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: regionCode }).first('id', 'name');
  return { inst, admin: inst.admin, courses: { pub1, pub2, pro }, site, bureau };
}
export type Catalogue = Awaited<ReturnType<typeof institutionWithCatalogue>>;

export const thisYear = () => Number(new Date().toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));

/** A valid 培训班申报 form for the catalogue; `over` changes fields. */
export function declarationForm(c: Catalogue, over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const y = thisYear();
  return {
    name: `面授培训班${uniq('')}`,
    trainingYear: String(y),
    subjectType: 'public',
    specialty: '',
    series: '',
    startDate: `${y}-03-01`,
    endDate: `${y}-03-05`,
    siteId: String(c.site.id),
    plannedCount: '40',
    contactName: '联系人甲',
    contactPhone: makePhone(),
    reviewerOrgId: String(c.bureau.id),
    outcomeMode: 'after_approval',
    courseIds: [String(c.courses.pub1.id), String(c.courses.pub2.id)],
    intro: '',
    action: 'draft',
    ...over,
  };
}

export function toFormData(values: Record<string, string | string[]>, files: Array<{ name: string; data: Buffer; type?: string }> = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  for (const f of files) fd.append('attachments', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return fd;
}

/** A class row straight in the database (workflow tests start its workflow themselves). */
export async function insertClass(db: Db, c: Catalogue, over: Record<string, unknown> = {}): Promise<number> {
  const y = thisYear();
  const [row] = await db('training_classes')
    .insert({
      institution_id: c.inst.id,
      name: `培训班${uniq('')}`,
      training_year: y,
      subject_type: 'public',
      start_date: `${y}-03-01`,
      end_date: `${y}-03-05`,
      site_id: c.site.id,
      planned_count: 40,
      contact_name: '联系人',
      contact_phone: makePhone(),
      reviewer_org_id: c.bureau.id,
      outcome_mode: 'after_approval',
      status: 'pending',
      total_hours: 12.5,
      ...over,
    })
    .returning('id');
  await db('class_courses').insert([
    { class_id: row.id, course_id: c.courses.pub1.id },
    { class_id: row.id, course_id: c.courses.pub2.id },
  ]);
  return row.id;
}

export async function decide(deps: AppDeps, classId: number, reviewer: TestUser, decision: 'approve' | 'reject', reason?: string) {
  return sendUpdate(deps, `class-declaration:${classId}`, decideUpdate, {
    decision,
    reason,
    actor: { userId: reviewer.id, orgId: reviewer.orgId, institutionId: null },
  });
}

export { createReviewer };

