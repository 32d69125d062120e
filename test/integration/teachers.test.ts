import type { TestPlatform } from '../helpers/platform';
import { makeIdNumber, makePhone, uniq } from '../helpers/fixtures';
import { insertClassRow, insertCourseRow, insertTeacherRow, startSignedIn, type TestInstitution } from '../helpers/baseData';
import type { Agent } from '../helpers/agent';
import { maskIdNumber, maskPhone } from '../../domain/validation';

let p: TestPlatform;
let inst: TestInstitution;
let a: Agent;

beforeAll(async () => {
  ({ p, inst, a } = await startSignedIn());
});
afterAll(() => p.close());

const valid = (over: Record<string, string> = {}) => ({
  name: `王${uniq('')}`,
  gender: 'female',
  idNumber: makeIdNumber(),
  title: '高级工程师',
  employer: '福建省建筑设计研究院',
  field: '结构工程',
  phone: makePhone(),
  intro: '从事结构设计二十年。',
  ...over,
});

const teacherByName = (name: string) => p.db('teachers').where({ institution_id: inst.id, name }).first();

describe('teachers', () => {
  it('creates a teacher, lists it with masked ID and phone, shows them in full only on the edit page', async () => {
    const form = valid();
    const page = await a.get('/teachers/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>新增师资</h1>');
    const res = await a.post('/teachers/new', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/teachers?done=created');
    const row = await teacherByName(form.name);
    expect(row).toMatchObject({ gender: 'female', id_number: form.idNumber, title: '高级工程师', phone: form.phone });

    const list = await a.get(`/teachers?q=${encodeURIComponent(form.name)}`);
    expect(list.status).toBe(200);
    expect(list.text).toContain(form.name);
    expect(list.text).toContain(maskIdNumber(form.idNumber));
    expect(list.text).toContain(maskPhone(form.phone));
    expect(list.text).not.toContain(form.idNumber);
    expect(list.text).not.toContain(form.phone);

    const edit = await a.get(`/teachers/${row.id}/edit`);
    expect(edit.text).toContain(`value="${form.idNumber}"`);
    expect(edit.text).toContain(`value="${form.phone}"`);
  });

  it('accepts a teacher without ID number or phone', async () => {
    const form = valid({ idNumber: '', phone: '', title: '', employer: '', field: '', intro: '' });
    expect((await a.post('/teachers/new', form)).status).toBe(303);
    expect(await teacherByName(form.name)).toMatchObject({ id_number: null, phone: '' });
  });

  it('searches by name, employer and whole ID number, filters by gender, and answers htmx with the table only', async () => {
    const tag = uniq('单位');
    const t1 = valid({ employer: tag, gender: 'male' });
    const t2 = valid({ employer: tag, gender: 'female' });
    await a.post('/teachers/new', t1);
    await a.post('/teachers/new', t2);
    const both = await a.get(`/teachers?q=${encodeURIComponent(tag)}`);
    expect(both.text).toContain(t1.name);
    expect(both.text).toContain(t2.name);
    const men = await a.get(`/teachers?q=${encodeURIComponent(tag)}&gender=male`);
    expect(men.text).toContain(t1.name);
    expect(men.text).not.toContain(t2.name);
    const byId = await a.get(`/teachers?q=${t2.idNumber}`);
    expect(byId.text).toContain(t2.name);
    expect(byId.text).not.toContain(t1.name);

    const frag = await a.get(`/teachers?q=${encodeURIComponent(tag)}`, { 'HX-Request': 'true' });
    expect(frag.status).toBe(200);
    expect(frag.text).not.toContain('<html');
    expect(frag.text).toContain('<table');
    expect(frag.text).toContain(t1.name);
    const none = await a.get(`/teachers?q=${encodeURIComponent(uniq('无此人'))}`);
    expect(none.text).toContain('没有符合条件的师资');
  });

  it('pages the list 20 at a time', async () => {
    const tag = uniq('翻页');
    for (let i = 0; i < 21; i++) await insertTeacherRow(p.db, inst.id, { name: `${tag}-${String(i).padStart(2, '0')}` });
    const first = await a.get(`/teachers?q=${encodeURIComponent(tag)}`);
    expect(first.text.match(new RegExp(`<td>${tag}-\\d\\d</td>`, 'g'))).toHaveLength(20);
    expect(first.text).toContain('下一页');
    const second = await a.get(`/teachers?q=${encodeURIComponent(tag)}&page=2`);
    expect(second.text.match(new RegExp(`<td>${tag}-\\d\\d</td>`, 'g'))).toEqual([`<td>${tag}-00</td>`]);
    expect(second.text).toContain('上一页');
    expect(second.text).not.toContain('下一页');
  });

  it('edits a teacher', async () => {
    const form = valid();
    await a.post('/teachers/new', form);
    const row = await teacherByName(form.name);
    const res = await a.post(`/teachers/${row.id}/edit`, { ...form, title: '教授', idNumber: '' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/teachers?done=saved');
    expect(await p.db('teachers').where({ id: row.id }).first()).toMatchObject({ title: '教授', id_number: null });
  });

  it.each([
    ['empty name', { name: '' }, 'name', '请填写姓名'],
    ['no gender', { gender: '' }, 'gender', '请选择性别'],
    ['bad gender', { gender: 'other' }, 'gender', '请选择性别'],
    ['bad ID check digit', { idNumber: '110105194912310021' }, 'idNumber', '身份证号码校验位不正确'],
    ['short ID', { idNumber: '3501021990' }, 'idNumber', '身份证号码应为18位'],
    ['bad phone', { phone: '12345678901' }, 'phone', '手机号格式不正确'],
    ['over-long name', { name: '张'.repeat(51) }, 'name', '姓名不能超过50个字'],
    ['over-long employer', { employer: '单'.repeat(101) }, 'employer', '工作单位不能超过100个字'],
    ['over-long intro', { intro: '简'.repeat(1001) }, 'intro', '简介不能超过1000个字'],
  ])('refuses %s beside the field, keeps the typed values, saves nothing', async (_label, over, field, message) => {
    const marker = uniq('保留');
    const form = valid({ field: marker, ...over });
    const res = await a.post('/teachers/new', form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="e-${field}"[^>]*>${message}`));
    expect(res.text).toContain(`value="${marker}"`);
    expect(await p.db('teachers').where({ institution_id: inst.id, field: marker }).first()).toBeUndefined();
  });

  it('refuses an ID number already used by a teacher of this institution, on create and on edit', async () => {
    const first = valid();
    await a.post('/teachers/new', first);
    const dup = valid({ idNumber: first.idNumber.toLowerCase() });
    const res = await a.post('/teachers/new', dup);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="e-idNumber"[^>]*>本机构已有该身份证号码的教师/);
    expect(await teacherByName(dup.name)).toBeUndefined();

    const other = valid();
    await a.post('/teachers/new', other);
    const row = await teacherByName(other.name);
    const edit = await a.post(`/teachers/${row.id}/edit`, { ...other, idNumber: first.idNumber });
    expect(edit.status).toBe(422);
    expect((await p.db('teachers').where({ id: row.id }).first()).id_number).toBe(other.idNumber);
    // Saving a teacher with its own ID number unchanged is fine.
    expect((await a.post(`/teachers/${row.id}/edit`, other)).status).toBe(303);
  });

  it('asks for confirmation, then deletes', async () => {
    const t = await insertTeacherRow(p.db, inst.id);
    const confirm = await a.get(`/teachers/${t.id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('确认删除');
    expect(confirm.text).toContain(t.name);
    expect(await p.db('teachers').where({ id: t.id }).first()).toBeTruthy();
    const res = await a.post(`/teachers/${t.id}/delete`);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/teachers?done=deleted');
    expect(await p.db('teachers').where({ id: t.id }).first()).toBeUndefined();
  });

  it('refuses to delete a teacher a course uses, naming the course and the declared class', async () => {
    const t = await insertTeacherRow(p.db, inst.id);
    const c = await insertCourseRow(p.db, inst.id, { teacherIds: [t.id] });
    const confirm = await a.get(`/teachers/${t.id}/delete`);
    expect(confirm.text).toContain(c.name);
    expect(confirm.text).not.toContain('确认删除');
    const k = await insertClassRow(p.db, inst.id, { status: 'pending', courseIds: [c.id] });
    const res = await a.post(`/teachers/${t.id}/delete`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('删除失败');
    expect(res.text).toContain(c.name);
    expect(res.text).toContain(k.name);
    expect(await p.db('teachers').where({ id: t.id }).first()).toBeTruthy();
  });

  it('cannot be freed for deletion by first removing them from a declared course', async () => {
    const t = await insertTeacherRow(p.db, inst.id);
    const stand = await insertTeacherRow(p.db, inst.id);
    const c = await insertCourseRow(p.db, inst.id, { hours: 2, teacherIds: [t.id] });
    const k = await insertClassRow(p.db, inst.id, { status: 'approved', courseIds: [c.id] });
    const course = { name: c.name, subjectType: 'public', specialty: '', hours: '2', delivery: 'onsite', intro: '' };

    const swap = await a.post(`/courses/${c.id}/edit`, { ...course, teacherIds: [String(stand.id)] });
    expect(swap.status).toBe(422);
    expect(swap.text).toContain(`该课程已用于已申报的培训班「${k.name}」,不能修改授课教师`);
    expect(await p.db('course_teachers').where({ course_id: c.id }).pluck('teacher_id')).toEqual([t.id]);

    const del = await a.post(`/teachers/${t.id}/delete`);
    expect(del.status).toBe(409);
    expect(del.text).toContain(k.name);
    expect(await p.db('teachers').where({ id: t.id }).first()).toBeTruthy();
  });

  it('may be removed from a course of a draft class, and then deleted', async () => {
    const t = await insertTeacherRow(p.db, inst.id);
    const stand = await insertTeacherRow(p.db, inst.id);
    const c = await insertCourseRow(p.db, inst.id, { hours: 2, teacherIds: [t.id] });
    await insertClassRow(p.db, inst.id, { status: 'draft', courseIds: [c.id] });
    const course = { name: c.name, subjectType: 'public', specialty: '', hours: '2', delivery: 'onsite', intro: '' };
    expect((await a.post(`/courses/${c.id}/edit`, { ...course, teacherIds: [String(stand.id)] })).status).toBe(303);
    expect((await a.post(`/teachers/${t.id}/delete`)).status).toBe(303);
    expect(await p.db('teachers').where({ id: t.id }).first()).toBeUndefined();
  });

  it('gives 404 for ids that do not exist or are not ids', async () => {
    expect((await a.get('/teachers/999999999/edit')).status).toBe(404);
    expect((await a.get('/teachers/abc/edit')).status).toBe(404);
    expect((await a.post('/teachers/0/delete')).status).toBe(404);
  });
});
