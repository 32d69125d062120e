import { randomUUID } from 'node:crypto';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, login, makeIdNumber, makePhone, uniq } from '../helpers/fixtures';
import { createRole, createSubAdmin } from '../helpers/admins';
import { insertCourseRow, insertPlatformRow, insertSiteRow, insertTeacherRow } from '../helpers/baseData';
import { thisYear } from '../helpers/classes';
import type { Agent, AgentResponse } from '../helpers/agent';
import { routeRegistry, type RouteInfo } from '../../web/router';
import { isInstitutionPermission } from '../../domain/permissions';
import { maskIdNumber } from '../../domain/validation';
import { IMPORT_TYPES } from '../../activities/imports/spec';
import { upload, xlsx } from '../helpers/imports';
import { formData } from '../helpers/bases';

/**
 * Platform-wide tenancy, walked from the route registry: the admin of institution B, who
 * holds every institution permission (B is a base too, so the 年审报告 routes let it
 * through), gets 403 or 404 on every route naming a record of institution A, sees none
 * of A's names in any list, and changes nothing in the database.
 *
 * A route with parameters is either mapped to A's records below (by path prefix, since
 * the same `:id` is a course in one area and a class in another) or listed in EXCLUDED
 * with its reason; a new route that is neither fails the test by name.
 */
let p: TestPlatform;
let b: Agent;

/** Routes with parameters that name no institution's record. */
const EXCLUDED: Record<string, string> = {
  'post /platform/accounts/:id/status': 'reviewer and auditor accounts belong to no institution (findStaff refuses institution users)',
};

/** Tables that legitimately change while B browses: its session and the audit trail of refusals. */
const BOOKKEEPING = new Set(['audit_log', 'sessions', 'knex_migrations', 'knex_migrations_lock']);

/** A's ids by kind, filled in beforeAll. */
const a = {} as Record<string, string>;
/** B's own records, for paths that pair B's parent with A's child (B's class with A's member). */
const own = {} as Record<string, string>;
/** Strings only A's pages can show: names, masked ID numbers, file contents. */
const secrets: string[] = [];

const file = async (institutionId: number, name: string) => {
  const marker = `A-FILE-${randomUUID()}`;
  const [f] = await p.db('files')
    .insert({ id: randomUUID(), institution_id: institutionId, name, mime: 'application/pdf', size: marker.length + 5, data: Buffer.from(`%PDF ${marker}`) })
    .returning('id');
  return { id: f.id as string, marker };
};

/** A's file: its name and content are secrets B must never receive. */
async function secretFile(institutionId: number, name: string) {
  const f = await file(institutionId, name);
  secrets.push(name, f.marker);
  return f.id;
}

/** A base application (approved) and one open annual review year, with a file each. */
async function makeBase(inst: { id: number; name: string; admin: { id: number } }, year: number, orgId: number, fileFor: (name: string) => Promise<string>) {
  const name = `${inst.name}继续教育基地`;
  const [app] = await p.db('base_applications')
    .insert({
      workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: orgId, name, base_type: '综合类', field: '工程技术', facilities: '多媒体教室', full_time_teachers: 3,
      part_time_teachers: 5, annual_capacity: 500, recent_training: '近三年培训千人次', status: 'approved', applied_by: inst.admin.id,
      submitted_at: new Date(), approved_at: new Date(),
    })
    .returning('id');
  await p.db('base_application_files').insert({ application_id: app.id, file_id: await fileFor(`基地申请书${uniq('')}.pdf`) });
  const comment = `年审说明${uniq('')}`;
  const [review] = await p.db('annual_reviews')
    .insert({ institution_id: inst.id, application_id: app.id, org_id: orgId, year, status: 'open', opened_at: new Date(), deadline_at: new Date(Date.now() + 30 * 86400_000), training_comment: comment })
    .returning('id');
  const annualFile = await fileFor(`年审材料${uniq('')}.pdf`);
  await p.db('annual_review_files').insert({ annual_review_id: review.id, file_id: annualFile });
  return { appId: String(app.id), reviewId: String(review.id), name, comment, annualFile };
}

const A_YEAR = 2024;
const B_YEAR = 2023;

beforeAll(async () => {
  p = await startPlatform({ worker: false });
  const bureau = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first('id');

  // Institution A: one of everything its routes can name.
  const instA = await createInstitution(p.db, { isBase: true, name: `甲方机构${uniq('')}` });
  both.push(instA.id);
  secrets.push(instA.name);
  const teacher = await insertTeacherRow(p.db, instA.id, { name: `甲方教师${uniq('')}` });
  const course = await insertCourseRow(p.db, instA.id, { name: `甲方课程${uniq('')}`, teacherIds: [teacher.id] });
  const site = await insertSiteRow(p.db, instA.id, { name: `甲方面授点${uniq('')}` });
  const platform = await insertPlatformRow(p.db, instA.id, { name: `甲方网授平台${uniq('')}` });
  const role = await createRole(p.db, instA.id, ['courses.view', 'classes.view'], `甲方角色${uniq('')}`);
  const sub = await createSubAdmin(p.db, instA.id, { roleIds: [role.id] }, { name: `甲方子管理员${uniq('')}` });
  secrets.push(teacher.name, maskIdNumber(teacher.idNumber), course.name, site.name, platform.name, role.name, sub.loginName);
  Object.assign(a, { course: course.id, teacher: teacher.id, site: site.id, platform: platform.id, role: role.id, sub: sub.id, admin: instA.admin.id, institution: instA.id });
  secrets.push((await p.db('users').where({ id: sub.id }).first('name')).name);

  // Two classes: a draft declaration with outcomes travelling with it, and an approved
  // class whose outcomes were reported (so it has a report and 培训档案 records).
  const y = thisYear();
  for (const [kind, status, mode] of [['draft', 'draft', 'with_declaration'], ['approved', 'approved', 'after_approval']] as const) {
    const name = `甲方培训班${kind}${uniq('')}`;
    const [cls] = await p.db('training_classes')
      .insert({
        institution_id: instA.id, name, training_year: y, subject_type: 'public', start_date: `${y}-03-01`, end_date: `${y}-03-05`, site_id: site.id,
        planned_count: 30, contact_name: '甲方联系人', contact_phone: makePhone(), reviewer_org_id: bureau.id, outcome_mode: mode, status, total_hours: 4,
        created_by: instA.admin.id, approved_at: status === 'approved' ? new Date() : null,
      })
      .returning('id');
    await p.db('class_courses').insert({ class_id: cls.id, course_id: course.id });
    const fileId = await secretFile(instA.id, `甲方附件${uniq('')}.pdf`);
    await p.db('class_attachments').insert({ class_id: cls.id, file_id: fileId });
    // A region outside B's members, so a masked number cannot match one of B's by chance.
    const idNumber = makeIdNumber('350203');
    const person = `甲方学员${uniq('')}`;
    const [m] = await p.db('class_members').insert({ class_id: cls.id, institution_id: instA.id, name: person, id_number: idNumber, phone: makePhone() }).returning('id');
    let reportId: string | null = null;
    if (status === 'approved') {
      reportId = randomUUID();
      await p.db('outcome_reports').insert({ id: reportId, class_id: cls.id, institution_id: instA.id, status: 'written', rows: 1, written: 1, created_by: instA.admin.id, written_at: new Date() });
    }
    const [o] = await p.db('outcomes').insert({ class_id: cls.id, institution_id: instA.id, name: person, id_number: idNumber, hours: 4, result: 'pass', report_id: reportId }).returning('id');
    secrets.push(name, person, idNumber, maskIdNumber(idNumber));
    a[`${kind}Class`] = String(cls.id);
    a[`${kind}Member`] = String(m.id);
    a[`${kind}Outcome`] = String(o.id);
    a[`${kind}File`] = fileId;
    // The draft has no report: a made-up one still must not be found through B.
    a[`${kind}Report`] = reportId ?? randomUUID();
    if (status === 'approved') {
      const [r] = await p.db('training_records')
        .insert({ institution_id: instA.id, id_number: idNumber, name: person, delivery: 'onsite', class_id: cls.id, training_year: y, subject_type: 'public', hours: 4, result: 'pass', source_key: `tenancy:${randomUUID()}` })
        .returning('id');
      a.record = `r${r.id}`;
      a.member = `m${m.id}`;
      // What the review and audit areas name: the class's review round and its workflow.
      const workflowId = `class-declaration:${cls.id}`;
      const [item] = await p.db('review_items')
        .insert({ kind: 'class_declaration', workflow_id: workflowId, round: 1, subject_id: cls.id, institution_id: instA.id, org_id: bureau.id, title: name, status: 'approved', submitted_at: new Date(), decided_at: new Date() })
        .returning('id');
      await p.db('workflow_runs').insert({ workflow_id: workflowId, type: 'class_declaration', business_key: String(cls.id), institution_id: instA.id, status: 'running' });
      Object.assign(a, { reviewItem: item.id, workflow: workflowId });
    }
  }

  // Import and export jobs with every result file.
  const importFiles = { source: await secretFile(instA.id, `甲方导入${uniq('')}.xlsx`), success: await secretFile(instA.id, `甲方成功数据${uniq('')}.xlsx`), failure: await secretFile(instA.id, `甲方失败数据${uniq('')}.xlsx`) };
  const importJob = randomUUID();
  const importName = `甲方导入文件${uniq('')}.xlsx`;
  await p.db('import_jobs').insert({
    id: importJob, institution_id: instA.id, type: 'class_members', file_id: importFiles.source, file_name: importName, class_id: a.approvedClass,
    status: 'succeeded', rows_read: 2, rows_valid: 1, rows_failed: 1, success_file_id: importFiles.success, failure_file_id: importFiles.failure,
    created_by: instA.admin.id, finished_at: new Date(),
  });
  const exportJob = randomUUID();
  const exportName = `甲方导出${uniq('')}.xlsx`;
  await p.db('export_jobs').insert({
    id: exportJob, institution_id: instA.id, type: 'class_members', class_id: a.approvedClass, status: 'succeeded', rows_written: 1,
    file_id: await secretFile(instA.id, exportName), file_name: exportName, created_by: instA.admin.id, finished_at: new Date(), expires_at: new Date(Date.now() + 86400_000),
  });
  secrets.push(importName);
  Object.assign(a, { importJob, exportJob });

  // 机构信息 attachments (also what /apply/files names) and the base with its annual review.
  const profileFile = await secretFile(instA.id, `甲方资质${uniq('')}.pdf`);
  await p.db('institution_attachments').insert({ institution_id: instA.id, file_id: profileFile, added_by: instA.admin.id });
  const baseA = await makeBase(instA, A_YEAR, bureau.id, (name) => secretFile(instA.id, name));
  secrets.push(baseA.name, baseA.comment);
  Object.assign(a, { profileFile, baseApp: baseA.appId, annualReview: baseA.reviewId, annualFile: baseA.annualFile, baseFile: (await p.db('base_application_files').where({ application_id: baseA.appId }).first()).file_id });

  // Institution B: an active base whose admin holds every institution permission, with a
  // class and an annual review year of its own, so paths pairing them with A's ids reach
  // the handler's child lookup.
  const instB = await createInstitution(p.db, { isBase: true, name: `乙方机构${uniq('')}` });
  both.push(instB.id);
  const baseB = await makeBase(instB, B_YEAR, bureau.id, async (name) => (await file(instB.id, name)).id);
  const [bClass] = await p.db('training_classes')
    .insert({
      institution_id: instB.id, name: `乙方培训班${uniq('')}`, training_year: y, subject_type: 'public', start_date: `${y}-03-01`, end_date: `${y}-03-05`,
      planned_count: 30, contact_name: '乙方联系人', contact_phone: makePhone(), outcome_mode: 'with_declaration', status: 'draft', total_hours: 4,
    })
    .returning('id');
  const bTeacher = await insertTeacherRow(p.db, instB.id);
  const bCourse = await insertCourseRow(p.db, instB.id, { teacherIds: [bTeacher.id] });
  const bSite = await insertSiteRow(p.db, instB.id);
  Object.assign(own, { teacher: String(bTeacher.id), course: String(bCourse.id), site: String(bSite.id) });
  const bRole = await createRole(p.db, instB.id, ['courses.view'], `乙方角色${uniq('')}`);
  const bSub = await createSubAdmin(p.db, instB.id, { roleIds: [bRole.id] });
  Object.assign(own, { class: String(bClass.id), year: String(B_YEAR), sub: String(bSub.id), role: String(bRole.id), bureau: String(bureau.id) });
  b = p.agent();
  await login(b, instB.admin);
});
afterAll(() => p?.close());

interface Target {
  params: Record<string, string>;
  /** Parameters holding B's own record: the target applies only to paths naming more than these. */
  own?: string[];
}

const classTargets = (): Target[] => {
  const of = (k: 'draft' | 'approved') => ({ memberId: a[`${k}Member`], outcomeId: a[`${k}Outcome`], fileId: a[`${k}File`], reportId: a[`${k}Report`] });
  return [
    { params: { id: a.draftClass, ...of('draft') } },
    { params: { id: a.approvedClass, ...of('approved') } },
    { params: { id: own.class, ...of('draft') }, own: ['id'] },
    { params: { id: own.class, ...of('approved') }, own: ['id'] },
  ];
};

/** A's records a path can name, by prefix: first match wins, so narrower prefixes come first. */
const RULES: Array<[RegExp, () => Target[]]> = [
  [/^\/courses\//, () => [{ params: { id: a.course } }]],
  [/^\/teachers\//, () => [{ params: { id: a.teacher } }]],
  [/^\/connections\/sites\//, () => [{ params: { id: a.site } }]],
  [/^\/connections\/platforms\//, () => [{ params: { id: a.platform } }]],
  [/^\/admins\/accounts\//, () => [{ params: { id: a.sub } }, { params: { id: a.admin } }]],
  [/^\/admins\/roles\//, () => [{ params: { id: a.role } }]],
  [/^\/(classes|declarations)\//, classTargets],
  [/^\/(imports|exports)\/class\//, () => [{ params: { classId: a.draftClass } }, { params: { classId: a.approvedClass } }]],
  [/^\/imports\//, () => ['source', 'success', 'failure'].map((kind) => ({ params: { id: a.importJob, kind } }))],
  [/^\/exports\//, () => [{ params: { id: a.exportJob } }]],
  [/^\/trainees\/person\//, () => [{ params: { ref: a.record } }, { params: { ref: a.member } }]],
  [/^\/(apply\/files|profile\/attachments)\//, () => [{ params: { fileId: a.profileFile } }]],
  [/^\/bases\/files\//, () => [{ params: { fileId: a.baseFile } }]],
  [/^\/bases\/review\//, () => [{ params: { id: a.baseApp, fileId: a.baseFile } }]],
  [/^\/review\/items\//, () => [{ params: { id: a.reviewItem, fileId: a.approvedFile } }]],
  [/^\/annual-reviews\/review\//, () => [{ params: { id: a.annualReview, fileId: a.annualFile } }]],
  [/^\/annual-reviews\//, () => [{ params: { year: String(A_YEAR), fileId: a.annualFile } }, { params: { year: own.year, fileId: a.annualFile }, own: ['year'] }]],
  [/^\/audit\/workflows\//, () => [{ params: { id: a.workflow } }]],
  // 机构管理 is the platform admin's: B must meet its guard on A's institution.
  [/^\/platform\/institutions\//, () => [{ params: { id: a.institution } }]],
];

const key = (r: RouteInfo) => `${r.method} ${r.path}`;
const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** The concrete paths of a route, or why it has none. */
function pathsFor(r: RouteInfo): { paths: string[]; problem?: string } {
  const rule = RULES.find(([re]) => re.test(r.path));
  if (!rule) return { paths: [], problem: `add a fixture for ${key(r)}: no record of institution A is mapped to its path` };
  const names = paramsOf(r.path);
  const paths: string[] = [];
  for (const t of rule[1]()) {
    if (t.own && names.every((n) => t.own!.includes(n))) continue;
    const missing = names.filter((n) => !t.params[n]);
    if (missing.length) return { paths: [], problem: `add a fixture for ${key(r)}: no value of institution A for :${missing.join(', :')}` };
    paths.push(r.path.replace(/:(\w+)/g, (_m, n: string) => encodeURIComponent(t.params[n])));
  }
  return { paths };
}

/**
 * Every route with parameters but the public ones (no session, so no institution to
 * cross); staff routes are walked too, as B must meet their guard.
 */
const walked = () => routeRegistry.filter((r) => r.path.includes(':') && r.guard !== 'public' && !(key(r) in EXCLUDED));

/** Every field a form of the platform takes, so a handler that got through would act. */
const anyForm = (path: string) => ({
  confirm: '1', name: '改', title: '改', idNumber: makeIdNumber(), phone: makePhone(), hours: '1', subjectType: 'public', delivery: 'onsite',
  gender: 'male', teacherIds: a.teacher, roles: a.role, permissions: ['courses.view'], status: 'disabled', enabled: '0',
  password: 'Chang3d!pass', passwordConfirm: 'Chang3d!pass', trainingComment: '改', conditionsChange: '改', problems: '改',
  // 停用 is the harm worth trying where the action picks the step; elsewhere 提交.
  action: path.endsWith('/status') ? 'disable' : 'submit', decision: 'approve', grade: 'pass', reason: '改', type: 'class_members', uploadKey: randomUUID(),
});

function call(r: RouteInfo, path: string, htmx: boolean): Promise<AgentResponse> {
  const headers: Record<string, string> = htmx ? { 'HX-Request': 'true', 'HX-Target': 'members' } : {};
  if (r.method === 'get') return b.get(path, headers);
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...anyForm(path), _csrf: b.csrf })) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return b.request(r.method.toUpperCase(), path, { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': b.csrf, ...headers } });
}

const leaked = (text: string) => secrets.filter((s) => text.includes(s));

/**
 * Every row of A and of B, table by table. Only theirs: other test files share this
 * database and write their own rows while this one runs.
 */
const both: number[] = [];
async function snapshot() {
  return Object.fromEntries(await Promise.all(both.map(async (id) => [id, await snapshotOf(id)] as const)));
}

/** Tables without institution_id, reached through the row they belong to. */
const LINKED: Record<string, string> = {
  class_courses: 'class_id in (select id from training_classes where institution_id = ?)',
  class_attachments: 'class_id in (select id from training_classes where institution_id = ?)',
  course_teachers: 'course_id in (select id from courses where institution_id = ?)',
  user_roles: 'role_id in (select id from roles where institution_id = ?)',
  annual_review_files: 'annual_review_id in (select id from annual_reviews where institution_id = ?)',
  base_application_files: 'application_id in (select id from base_applications where institution_id = ?)',
};

/** A's rows only, for steps where B may rightly change its own. */
async function snapshotOf(institutionId: number) {
  const owned: string[] = await p.db('information_schema.columns').where({ table_schema: 'public', column_name: 'institution_id' }).pluck('table_name');
  const out: Record<string, unknown[]> = {};
  for (const t of [...owned.filter((x) => !BOOKKEEPING.has(x)), ...Object.keys(LINKED)].sort()) {
    const where = LINKED[t] ?? 'institution_id = ?';
    const { rows } = await p.db.raw(`select to_jsonb(t)::text as x from ?? t where ${where} order by 1`, [t, institutionId]);
    out[t] = rows.map((r: { x: string }) => r.x);
  }
  return out;
}

/**
 * Rows tying records of two institutions together: what a handler trusting an id from a
 * form would leave behind even when A's own rows stay as they were.
 */
const CROSS_LINKS: Array<[string, string]> = [
  ['class_courses', 'class_courses l join training_classes c on c.id = l.class_id join courses x on x.id = l.course_id where c.institution_id <> x.institution_id'],
  ['course_teachers', 'course_teachers l join courses c on c.id = l.course_id join teachers x on x.id = l.teacher_id where c.institution_id <> x.institution_id'],
  ['user_roles', 'user_roles l join users c on c.id = l.user_id join roles x on x.id = l.role_id where c.institution_id <> x.institution_id'],
  ['training_classes.site_id', 'training_classes c join training_sites x on x.id = c.site_id where c.institution_id <> x.institution_id'],
  ['class_members', 'class_members c join training_classes x on x.id = c.class_id where c.institution_id <> x.institution_id'],
  ['outcomes', 'outcomes c join training_classes x on x.id = c.class_id where c.institution_id <> x.institution_id'],
  ['outcome_reports', 'outcome_reports c join training_classes x on x.id = c.class_id where c.institution_id <> x.institution_id'],
  ['training_records.class_id', 'training_records c join training_classes x on x.id = c.class_id where c.institution_id <> x.institution_id'],
  ['class_attachments', 'class_attachments l join training_classes c on c.id = l.class_id join files x on x.id = l.file_id where c.institution_id <> x.institution_id'],
  ['import_jobs.class_id', 'import_jobs c join training_classes x on x.id = c.class_id where c.institution_id <> x.institution_id'],
  ['import_jobs.platform_id', 'import_jobs c join online_platforms x on x.id = c.platform_id where c.institution_id <> x.institution_id'],
  ['import_jobs files', 'import_jobs c join files x on x.id in (c.file_id, c.success_file_id, c.failure_file_id) where c.institution_id <> x.institution_id'],
  ['export_jobs', 'export_jobs c left join training_classes x on x.id = c.class_id left join files f on f.id = c.file_id where c.institution_id <> coalesce(x.institution_id, c.institution_id) or c.institution_id <> coalesce(f.institution_id, c.institution_id)'],
  ['institution_attachments', 'institution_attachments c join files x on x.id = c.file_id where c.institution_id <> x.institution_id'],
  ['annual_review_files', 'annual_review_files l join annual_reviews c on c.id = l.annual_review_id join files x on x.id = l.file_id where c.institution_id <> x.institution_id'],
  ['base_application_files', 'base_application_files l join base_applications c on c.id = l.application_id join files x on x.id = l.file_id where c.institution_id <> x.institution_id'],
];

async function crossLinks() {
  const found: string[] = [];
  for (const [name, from] of CROSS_LINKS) {
    // A's and B's rows only (see snapshot): every query names the owning side `c`.
    const scoped = from.replace(/ where (.*)$/, ' where ($1) and c.institution_id = any(?)');
    const { rows } = await p.db.raw(`select count(*)::int as n from ${scoped}`, [both]);
    if (rows[0].n) found.push(`${name}: ${rows[0].n}`);
  }
  return found;
}

describe('tenancy across the whole platform', () => {
  it('maps every route with parameters to a record of A, or excludes it with a reason', () => {
    const problems = walked().map(pathsFor).flatMap((x) => (x.problem ? [x.problem] : []));
    expect(problems).toEqual([]);
    // An exclusion outliving its route would hide nothing and mislead.
    const stale = Object.keys(EXCLUDED).filter((k) => !routeRegistry.some((r) => key(r) === k));
    expect(stale).toEqual([]);
    expect(walked().filter((r) => isInstitutionPermission(r.guard)).length).toBeGreaterThan(50);
  });

  it('B holds every institution permission and its form token is accepted', async () => {
    expect((await b.get('/annual-reviews')).status).toBe(200); // base-only permission
    expect((await b.get('/admins/roles')).status).toBe(200);
    // Without this a CSRF refusal (also 403) would pass every POST below.
    const added = await b.post(`/classes/${own.class}/members`, { name: '乙方学员', idNumber: makeIdNumber(), phone: makePhone() });
    expect(added.status).toBe(303);
  });

  it('answers 403 or 404 to B on every route naming a record of A, leaks none of it and changes nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    let calls = 0;
    for (const r of walked()) {
      for (const path of pathsFor(r).paths) {
        for (const htmx of r.method === 'get' ? [false, true] : [false]) {
          const res = await call(r, path, htmx);
          calls++;
          const what = `${r.method} ${path}${htmx ? ' (htmx)' : ''}`;
          if (res.status !== 403 && res.status !== 404) failures.push(`${what}: ${res.status}`);
          if (res.status === 403 && res.text.includes('<h1>页面已过期</h1>')) failures.push(`${what}: refused by CSRF, not by tenancy`);
          const shown = leaked(res.text);
          if (shown.length) failures.push(`${what}: shows ${shown.join(', ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    expect(await snapshot()).toEqual(before);
    expect(await crossLinks()).toEqual([]);
  });

  it('takes none of A’s ids from form fields: nothing of A changes or gets linked to B', async () => {
    const instA = Number((await p.db('courses').where({ id: a.course }).first('institution_id')).institution_id);
    const before = await snapshotOf(instA);
    const y = String(thisYear());
    const declaration = {
      name: `乙方申报${uniq('')}`, trainingYear: y, subjectType: 'public', specialty: '', series: '', startDate: `${y}-03-01`, endDate: `${y}-03-05`,
      siteId: own.site, plannedCount: '40', contactName: '乙方联系人', contactPhone: makePhone(), reviewerOrgId: own.bureau, outcomeMode: 'with_declaration',
      courseIds: own.course, intro: '', action: 'draft',
    };
    const sheet = await xlsx([['*姓名', '*身份证号码', '*手机号', '工作单位'], ['乙方导入', makeIdNumber(), makePhone(), '']], { textCols: [2, 3] });
    // Each form is refused for A's id and for nothing else: the message proves which check spoke.
    const tries: Array<[string, () => Promise<AgentResponse>, string]> = [
      ['course with A’s teacher', () => b.post('/courses/new', { name: `乙方课程${uniq('')}`, subjectType: 'public', hours: '2', delivery: 'onsite', teacherIds: [own.teacher, a.teacher] }), '所选授课教师不存在'],
      ['account with A’s role', () => b.post('/admins/accounts', { loginName: uniq('yi'), name: '乙方账号', idNumber: makeIdNumber(), phone: makePhone(), password: 'Passw0rd!x', passwordConfirm: 'Passw0rd!x', roles: a.role }), '所选角色不存在'],
      ['B’s account given A’s role', () => b.post(`/admins/accounts/${own.sub}/roles`, { roles: [own.role, a.role] }), '所选角色不存在'],
      ['declaration on A’s site', () => b.upload('/declarations/new', formData({ ...declaration, siteId: a.site })), '请选择本机构已启用的面授点'],
      ['declaration with A’s course', () => b.upload('/declarations/new', formData({ ...declaration, courseIds: [own.course, a.course] })), '所选课程不在本机构的面授课程中'],
      ['B’s class edited onto A’s course', () => b.upload(`/classes/${own.class}/edit`, formData({ ...declaration, courseIds: a.course })), '所选课程不在本机构的面授课程中'],
      ['outcome for A’s member in B’s class', () => b.post(`/classes/${own.class}/outcomes`, { [`hours[m${a.draftMember}]`]: '1', [`result[m${a.draftMember}]`]: 'pass' }), '所填人员不在本班报名人员中'],
      ['members import into A’s class', async () => (await upload(b, '/imports/new', sheet, { type: 'class_members', classId: a.approvedClass })).res, '请选择培训班'],
      ['online outcomes import onto A’s platform', async () => (await upload(b, '/imports/new', sheet, { type: 'online_outcomes', platformId: a.platform })).res, '请选择网授平台'],
      // Accepted forms that carry A's file ids among their own: B's record saves, A's file stays.
      ['B’s class saved removing A’s attachment', () => b.upload(`/classes/${own.class}/edit`, formData({ ...declaration, removeAttachments: a.draftFile })), `/classes/${own.class}?done=saved`],
      ['B’s annual review saved removing A’s file', () => b.upload(`/annual-reviews/${own.year}`, formData({ trainingComment: '乙方说明', conditionsChange: '无', problems: '无', action: 'save', removeFiles: a.annualFile })), `/annual-reviews/${own.year}?done=saved`],
    ];
    const failures: string[] = [];
    for (const [what, send, proof] of tries) {
      const res = await send();
      const answered = proof.startsWith('/') ? res.status === 303 && res.location === proof : res.status === 422 && res.text.includes(proof);
      if (!answered) failures.push(`${what}: ${res.status} ${res.location ?? ''}, expected ${proof}`);
      for (const x of leaked(res.text)) failures.push(`${what}: shows ${x}`);
    }
    expect(failures).toEqual([]);
    expect(await crossLinks()).toEqual([]);
    expect(await snapshotOf(instA)).toEqual(before);
  });

  it('shows B none of A’s names in any list or page without parameters', async () => {
    const pages = routeRegistry.filter((r) => r.method === 'get' && !r.path.includes(':') && (r.guard === 'signed_in' || isInstitutionPermission(r.guard))).map((r) => r.path);
    const idNumber = secrets.find((x) => /^\d{17}[\dX]$/.test(x))!;
    // Searches for A's own words: the term itself is echoed in the search box, nothing else of A may appear.
    const searches: Array<[string, string]> = [
      ['/trainees?name=甲方', ''],
      ['/trainees?idNumber=350203', ''],
      [`/trainees?idNumber=${idNumber}`, idNumber],
      ['/admins/accounts?q=甲方', ''],
      ['/admins/roles?q=甲方', ''],
      ['/declarations?q=甲方', ''],
      ['/declarations?tab=other&q=甲方', ''],
      ...IMPORT_TYPES.map((t): [string, string] => [`/imports?type=${t}`, '']),
      [`/dashboard?year=${thisYear()}`, ''],
      [`/dashboard?year=${A_YEAR}`, ''],
      [`/imports/new?type=onsite_outcomes&classId=${a.approvedClass}`, ''],
      [`/imports/new?type=declaration_outcomes&classId=${a.draftClass}`, ''],
      [`/imports/new?type=online_outcomes&platformId=${a.platform}`, ''],
    ];
    const failures: string[] = [];
    for (const [path, echoed] of [...pages.map((x): [string, string] => [x, '']), ...searches]) {
      const res = await b.get(path);
      if (res.status >= 400) failures.push(`${path}: ${res.status}`);
      const shown = leaked(res.text).filter((x) => x !== echoed);
      if (shown.length) failures.push(`${path}: shows ${shown.join(', ')}`);
    }
    expect(failures).toEqual([]);
    expect(pages).toEqual(expect.arrayContaining(['/courses', '/teachers', '/classes', '/declarations', '/imports', '/exports', '/trainees', '/admins/accounts', '/admins/roles', '/connections/sites', '/connections/platforms', '/annual-reviews']));
  });
});
