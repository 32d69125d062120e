import type { TestPlatform } from '../helpers/platform';
import { createInstitution, login, uniq } from '../helpers/fixtures';
import { insertClassRow, insertCourseRow, insertTeacherRow, startSignedIn, type TestInstitution } from '../helpers/baseData';
import type { Agent } from '../helpers/agent';
import { listCourses } from '../../db/courses';

let p: TestPlatform;
let inst: TestInstitution;
let other: TestInstitution;
let a: Agent;
let t1: { id: number; name: string };
let t2: { id: number; name: string };

beforeAll(async () => {
  ({ p, inst, a } = await startSignedIn());
  other = await createInstitution(p.db);
  t1 = await insertTeacherRow(p.db, inst.id);
  t2 = await insertTeacherRow(p.db, inst.id);
});
afterAll(() => p.close());

const valid = (over: Record<string, string | string[]> = {}) => ({
  name: `建筑结构新技术${uniq('')}`,
  subjectType: 'professional',
  specialty: '土木工程',
  hours: '4.5',
  delivery: 'onsite',
  teacherIds: [String(t1.id), String(t2.id)],
  intro: '介绍装配式建筑结构的新规范。',
  ...over,
});

const courseByName = (name: string) => p.db('courses').where({ institution_id: inst.id, name }).first();
const teachersOf = async (courseId: number) =>
  (await p.db('course_teachers').where({ course_id: courseId }).orderBy('teacher_id').pluck('teacher_id')) as number[];

describe('courses', () => {
  it('creates a course with its teachers and lists it with their names', async () => {
    const form = valid();
    const page = await a.get('/courses/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>新增课程</h1>');
    const res = await a.post('/courses/new', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/courses?done=created');
    const row = await courseByName(form.name);
    expect(row).toMatchObject({ subject_type: 'professional', specialty: '土木工程', hours: 4.5, delivery: 'onsite' });
    expect(await teachersOf(row.id)).toEqual([t1.id, t2.id].sort((x, y) => x - y));

    const list = await a.get(`/courses?q=${encodeURIComponent(form.name)}`);
    expect(list.text).toContain(form.name);
    expect(list.text).toContain('专业科目');
    expect(list.text).toContain(t1.name);
    expect(list.text).toContain(t2.name);
    expect((await a.get(res.location!)).text).toContain('已新增');
  });

  it('keeps no 专业/类别 on a 公需科目 course', async () => {
    const form = valid({ subjectType: 'public', specialty: '多余的专业', hours: '2' });
    expect((await a.post('/courses/new', form)).status).toBe(303);
    expect(await courseByName(form.name)).toMatchObject({ subject_type: 'public', specialty: '', hours: 2 });
  });

  it('searches by name and specialty, filters by subject type and delivery, answers htmx with the table', async () => {
    const tag = uniq('检索');
    const c1 = valid({ name: `${tag}甲`, specialty: `${tag}专业` });
    const c2 = valid({ name: `${tag}乙`, subjectType: 'public', specialty: '', delivery: 'online' });
    await a.post('/courses/new', c1);
    await a.post('/courses/new', c2);
    const all = await a.get(`/courses?q=${encodeURIComponent(tag)}`);
    expect(all.text).toContain(c1.name);
    expect(all.text).toContain(c2.name);
    const bySpecialty = await a.get(`/courses?q=${encodeURIComponent(`${tag}专业`)}`);
    expect(bySpecialty.text).toContain(c1.name);
    expect(bySpecialty.text).not.toContain(c2.name);
    const pub = await a.get(`/courses?q=${encodeURIComponent(tag)}&subjectType=public`);
    expect(pub.text).toContain(c2.name);
    expect(pub.text).not.toContain(c1.name);
    const online = await a.get(`/courses?q=${encodeURIComponent(tag)}&delivery=online`, { 'HX-Request': 'true' });
    expect(online.text).not.toContain('<html');
    expect(online.text).toContain(c2.name);
    expect(online.text).not.toContain(c1.name);
    // A LIKE wildcard typed into the search is taken literally.
    expect((await a.get(`/courses?q=${encodeURIComponent('%')}`)).text).toContain('没有符合条件的课程');
  });

  it('pages the list', async () => {
    const tag = uniq('分页');
    for (let i = 0; i < 21; i++) await insertCourseRow(p.db, inst.id, { name: `${tag}-${String(i).padStart(2, '0')}` });
    const first = await a.get(`/courses?q=${encodeURIComponent(tag)}`);
    expect(first.text.match(new RegExp(`<td>${tag}-\\d\\d</td>`, 'g'))).toHaveLength(20);
    const second = await a.get(`/courses?q=${encodeURIComponent(tag)}&page=2`);
    expect(second.text.match(new RegExp(`<td>${tag}-\\d\\d</td>`, 'g'))).toEqual([`<td>${tag}-00</td>`]);
  });

  it('edits a course and replaces its teachers', async () => {
    const form = valid();
    await a.post('/courses/new', form);
    const row = await courseByName(form.name);
    const edit = await a.get(`/courses/${row.id}/edit`);
    expect(edit.text).toContain(`value="${form.name}"`);
    expect(edit.text).toMatch(new RegExp(`value="${t1.id}" checked`));
    const res = await a.post(`/courses/${row.id}/edit`, { ...form, hours: '6', delivery: 'online', teacherIds: [String(t2.id)] });
    expect(res.status).toBe(303);
    expect(await p.db('courses').where({ id: row.id }).first()).toMatchObject({ hours: 6, delivery: 'online' });
    expect(await teachersOf(row.id)).toEqual([t2.id]);
  });

  it.each([
    ['empty name', { name: '' }, 'name', '请填写课程名称'],
    ['over-long name', { name: '课'.repeat(101) }, 'name', '课程名称不能超过100个字'],
    ['no subject type', { subjectType: '' }, 'subjectType', '请选择科目类型'],
    ['专业科目 without specialty', { specialty: '' }, 'specialty', '专业科目请填写专业/类别'],
    ['empty hours', { hours: '' }, 'hours', '请填写学时'],
    ['negative hours', { hours: '-2' }, 'hours', '学时应大于0'],
    ['zero hours', { hours: '0' }, 'hours', '学时应大于0'],
    ['hours not in half-hour steps', { hours: '1.3' }, 'hours', '学时应为0.5的整数倍'],
    ['hours not a number', { hours: '三' }, 'hours', '学时应为数字'],
    ['too many hours', { hours: '500' }, 'hours', '学时不能超过200'],
    ['no delivery', { delivery: 'mail' }, 'delivery', '请选择授课方式'],
    ['no teacher', { teacherIds: [] }, 'teacherIds', '请至少选择一位授课教师'],
    ['over-long intro', { intro: '介'.repeat(2001) }, 'intro', '课程简介不能超过2000个字'],
  ])('refuses %s beside the field, keeps the typed values, saves nothing', async (_l, over, field, message) => {
    const marker = uniq('保留');
    const form = valid({ specialty: marker, ...over } as Record<string, string>);
    const res = await a.post('/courses/new', form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="e-${field}"[^>]*>${message}`));
    if (field !== 'specialty') expect(res.text).toContain(`value="${marker}"`);
    if (field !== 'teacherIds') expect(res.text).toMatch(new RegExp(`value="${t1.id}" checked`));
    if (field !== 'name' && form.name) expect(res.text).toContain(`value="${form.name}"`);
    expect(await p.db('courses').where({ institution_id: inst.id, specialty: marker }).first()).toBeUndefined();
  });

  it('refuses a duplicate name at the name field, on create and on edit', async () => {
    const first = valid();
    await a.post('/courses/new', first);
    const dup = await a.post('/courses/new', valid({ name: first.name, intro: 'dup' }));
    expect(dup.status).toBe(422);
    expect(dup.text).toMatch(/id="e-name"[^>]*>本机构已有同名课程/);
    expect(await p.db('courses').where({ institution_id: inst.id, name: first.name }).count('* as n').first()).toEqual({ n: 1 });

    const second = valid();
    await a.post('/courses/new', second);
    const row = await courseByName(second.name);
    const edit = await a.post(`/courses/${row.id}/edit`, { ...second, name: first.name });
    expect(edit.status).toBe(422);
    expect((await p.db('courses').where({ id: row.id }).first()).name).toBe(second.name);
  });

  it('allows the same name in another institution', async () => {
    const form = valid();
    await insertCourseRow(p.db, other.id, { name: form.name });
    expect((await a.post('/courses/new', form)).status).toBe(303);
  });

  it("saves nothing when a chosen teacher is another institution's: neither the course nor any teacher link", async () => {
    const foreign = await insertTeacherRow(p.db, other.id);
    const form = valid({ teacherIds: [String(t1.id), String(foreign.id)] });
    const res = await a.post('/courses/new', form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="e-teacherIds"[^>]*>所选授课教师不存在/);
    expect(await courseByName(form.name)).toBeUndefined();
    expect(await p.db('course_teachers').where({ teacher_id: foreign.id }).first()).toBeUndefined();

    const kept = valid();
    await a.post('/courses/new', kept);
    const row = await courseByName(kept.name);
    const edit = await a.post(`/courses/${row.id}/edit`, { ...kept, hours: '8', teacherIds: [String(foreign.id)] });
    expect(edit.status).toBe(422);
    expect((await p.db('courses').where({ id: row.id }).first()).hours).toBe(4.5);
    expect(await teachersOf(row.id)).toEqual([t1.id, t2.id].sort((x, y) => x - y));
  });

  it('shows a hint and refuses the course when the institution has no teachers yet', async () => {
    const lonely = await createInstitution(p.db);
    const b = p.agent();
    await login(b, lonely.admin);
    const page = await b.get('/courses/new');
    expect(page.text).toContain('本机构还没有师资');
    const res = await b.post('/courses/new', valid({ teacherIds: [] }));
    expect(res.status).toBe(422);
  });

  it('asks for confirmation, then deletes the course and its teacher links', async () => {
    const c = await insertCourseRow(p.db, inst.id, { teacherIds: [t1.id] });
    const confirm = await a.get(`/courses/${c.id}/delete`);
    expect(confirm.text).toContain('确认删除');
    expect(confirm.text).toContain(c.name);
    const res = await a.post(`/courses/${c.id}/delete`);
    expect(res.status).toBe(303);
    expect(await p.db('courses').where({ id: c.id }).first()).toBeUndefined();
    expect(await p.db('course_teachers').where({ course_id: c.id }).first()).toBeUndefined();
  });

  it('a course of a submitted declaration cannot be deleted or change hours; the pages name the class', async () => {
    const c = await insertCourseRow(p.db, inst.id, { hours: 3, teacherIds: [t1.id] });
    const k = await insertClassRow(p.db, inst.id, { status: 'pending', courseIds: [c.id] });

    const edit = await a.get(`/courses/${c.id}/edit`);
    expect(edit.text).toContain(k.name);
    expect(edit.text).toContain('课程名称、科目类型、专业/类别、学时、授课方式和授课教师不能再修改');

    const form = { name: c.name, subjectType: 'public', specialty: '', hours: '5', delivery: 'onsite', teacherIds: [String(t1.id)], intro: '' };
    const hours = await a.post(`/courses/${c.id}/edit`, form);
    expect(hours.status).toBe(422);
    expect(hours.text).toMatch(new RegExp(`id="e-hours"[^>]*>该课程已用于已申报的培训班「${k.name}」,不能修改学时`));
    expect((await p.db('courses').where({ id: c.id }).first()).hours).toBe(3);

    // 课程简介 is not part of the declaration and may still change.
    const rename = await a.post(`/courses/${c.id}/edit`, { ...form, hours: '3', intro: '补充简介' });
    expect(rename.status).toBe(303);
    expect((await p.db('courses').where({ id: c.id }).first()).intro).toBe('补充简介');

    const confirm = await a.get(`/courses/${c.id}/delete`);
    expect(confirm.text).toContain(k.name);
    expect(confirm.text).not.toContain('确认删除');
    const del = await a.post(`/courses/${c.id}/delete`);
    expect(del.status).toBe(409);
    expect(del.text).toContain('删除失败');
    expect(del.text).toContain(k.name);
    expect(await p.db('courses').where({ id: c.id }).first()).toBeTruthy();
  });

  describe('a course of a declared class keeps every declared field', () => {
    const declaredCourse = async (status = 'approved') => {
      const c = await insertCourseRow(p.db, inst.id, { hours: 3, teacherIds: [t1.id] });
      const k = await insertClassRow(p.db, inst.id, { status, courseIds: [c.id] });
      const form = { name: c.name, subjectType: 'public', specialty: '', hours: '3', delivery: 'onsite', teacherIds: [String(t1.id)], intro: '' };
      return { c, k, form };
    };
    const stored = async (id: number) => ({
      ...(await p.db('courses').where({ id }).first('name', 'subject_type', 'specialty', 'hours', 'delivery', 'intro')),
      teachers: await teachersOf(id),
    });

    // Thunks: t1/t2 exist only once beforeAll has run, after it.each has built its table.
    it.each([
      ['name', () => ({ name: `改名${uniq('')}` }), '课程名称'],
      ['subjectType', () => ({ subjectType: 'professional', specialty: '土木工程' }), '科目类型'],
      ['delivery', () => ({ delivery: 'online' }), '授课方式'],
      ['teacherIds', () => ({ teacherIds: [String(t2.id)] }), '授课教师'],
      ['teacherIds', () => ({ teacherIds: [String(t1.id), String(t2.id)] }), '授课教师'],
      ['hours', () => ({ hours: '3.5' }), '学时'],
    ])('refuses a post changing %s with a message beside it and saves nothing', async (field, over, label) => {
      const { c, k, form } = await declaredCourse();
      const before = await stored(c.id);
      const res = await a.post(`/courses/${c.id}/edit`, { ...form, ...over(), intro: '不应保存' });
      expect(res.status).toBe(422);
      expect(res.text).toMatch(new RegExp(`id="e-${field}"[^>]*>该课程已用于已申报的培训班「${k.name}」,不能修改${label}`));
      expect(await stored(c.id)).toEqual(before);
    });

    it('refuses a changed 专业/类别 on a 专业科目 course', async () => {
      const { c, k, form } = await declaredCourse('pending');
      await p.db('courses').where({ id: c.id }).update({ subject_type: 'professional', specialty: '土木工程' });
      const before = await stored(c.id);
      const res = await a.post(`/courses/${c.id}/edit`, { ...form, subjectType: 'professional', specialty: '建筑学' });
      expect(res.status).toBe(422);
      expect(res.text).toMatch(new RegExp(`id="e-specialty"[^>]*>该课程已用于已申报的培训班「${k.name}」,不能修改专业/类别`));
      expect(await stored(c.id)).toEqual(before);
    });

    it('shows the declared fields read-only and the page posts them back unchanged, so 课程简介 can be saved', async () => {
      const { c } = await declaredCourse('closed');
      const page = await a.get(`/courses/${c.id}/edit`);
      expect(page.text).not.toMatch(/<input id="f-name"/);
      expect(page.text).not.toMatch(/<select id="f-subjectType"/);
      expect(page.text).not.toMatch(/type="checkbox" name="teacherIds"/);
      expect(page.text).toContain(`<input type="hidden" name="name" value="${c.name}">`);
      expect(page.text).toContain(`<input type="hidden" name="teacherIds" value="${t1.id}">`);
      expect(page.text).toContain(t1.name);
      expect(page.text).toContain('课程简介仍可修改');
      const hidden = Object.fromEntries(
        [...page.text.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].filter((m) => !['teacherIds', '_csrf'].includes(m[1])).map((m) => [m[1], m[2]]),
      );
      const res = await a.post(`/courses/${c.id}/edit`, { ...hidden, teacherIds: [String(t1.id)], intro: '只改简介' });
      expect(res.status).toBe(303);
      expect(await stored(c.id)).toMatchObject({ name: c.name, hours: 3, intro: '只改简介', teachers: [t1.id] });
    });

    it.each(['draft', 'rejected', 'withdrawn'])('a %s class locks nothing but deletion', async (status) => {
      const { c, form } = await declaredCourse(status);
      const page = await a.get(`/courses/${c.id}/edit`);
      expect(page.text).toMatch(/<input id="f-name"/);
      const name = `改名${uniq('')}`;
      const res = await a.post(`/courses/${c.id}/edit`, {
        ...form, name, subjectType: 'professional', specialty: '土木工程', hours: '5', delivery: 'online', teacherIds: [String(t2.id)],
      });
      expect(res.status).toBe(303);
      expect(await stored(c.id)).toMatchObject({ name, subject_type: 'professional', specialty: '土木工程', hours: 5, delivery: 'online', teachers: [t2.id] });
      expect((await a.post(`/courses/${c.id}/delete`)).status).toBe(409);
    });
  });

  it.each(['approved', 'closed'])('a course of a %s class keeps its hours', async (status) => {
    const c = await insertCourseRow(p.db, inst.id, { hours: 3, teacherIds: [t1.id] });
    await insertClassRow(p.db, inst.id, { status, courseIds: [c.id] });
    const res = await a.post(`/courses/${c.id}/edit`, {
      name: c.name, subjectType: 'public', hours: '3.5', delivery: 'onsite', teacherIds: [String(t1.id)],
    });
    expect(res.status).toBe(422);
  });

  it('a course in a draft declaration may change hours but is not deleted from under it', async () => {
    const c = await insertCourseRow(p.db, inst.id, { hours: 3, teacherIds: [t1.id] });
    const k = await insertClassRow(p.db, inst.id, { status: 'draft', courseIds: [c.id] });
    const res = await a.post(`/courses/${c.id}/edit`, {
      name: c.name, subjectType: 'public', hours: '3.5', delivery: 'onsite', teacherIds: [String(t1.id)],
    });
    expect(res.status).toBe(303);
    const del = await a.post(`/courses/${c.id}/delete`);
    expect(del.status).toBe(409);
    expect(del.text).toContain(k.name);
    expect(del.text).toContain('移除此课程');
  });

  it('listCourses offers the catalogue, optionally one delivery only', async () => {
    const lone = await createInstitution(p.db);
    const t = await insertTeacherRow(p.db, lone.id);
    const on = await insertCourseRow(p.db, lone.id, { teacherIds: [t.id] });
    await p.db('courses').insert({ institution_id: lone.id, name: uniq('网课'), subject_type: 'public', hours: 1, delivery: 'online' });
    expect((await listCourses(p.db, lone.id)).length).toBe(2);
    expect((await listCourses(p.db, lone.id, { delivery: 'onsite' })).map((c) => c.id)).toEqual([on.id]);
  });
});
