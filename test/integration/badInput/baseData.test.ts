import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { createInstitution, makeIdNumber, makePhone, uniq } from '../../helpers/fixtures';
import { insertCourseRow, insertPlatformRow, insertSiteRow, insertTeacherRow, type TestInstitution } from '../../helpers/baseData';
import type { Agent } from '../../helpers/agent';
import { fieldError, esc, SCRIPT, expectEscaped, wrongCheck, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the baseData forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

describe('培训基础信息: edit forms and escaping', () => {
  let inst: TestInstitution;
  let a: Agent;
  beforeAll(async () => {
    inst = await createInstitution(p.db);
    a = await signedIn(inst.admin);
    await a.get('/teachers');
  });

  describe('师资 (POST /teachers/new, /teachers/:id/edit)', () => {
    it('shows a script typed into a field as text and saves nothing', async () => {
      const marker = uniq('单位');
      const res = await a.post('/teachers/new', { name: '', gender: 'female', idNumber: '', title: SCRIPT, employer: marker, field: '', phone: '', intro: '' });
      expect(res.status).toBe(422);
      expect(fieldError(res.text, 'name')).toBe('请填写姓名');
      expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
      expectEscaped(res.text);
      expect(await count('teachers', { institution_id: inst.id, employer: marker })).toBe(0);
    });

    it.each([
      ['an empty name', { name: '' }, 'name', '请填写姓名'],
      ['a gender outside the list', { gender: 'other' }, 'gender', '请选择性别'],
      ['a wrong ID check character', { idNumber: wrongCheck(makeIdNumber()) }, 'idNumber', '身份证号码校验位不正确'],
      ['a 10-digit phone', { phone: '1380013800' }, 'phone', '手机号格式不正确,应为11位手机号码'],
      ['an over-long intro', { intro: '简'.repeat(1001) }, 'intro', '简介不能超过1000个字'],
    ])('edit refuses %s beside the field, keeps the typed values, leaves the teacher as it was', async (_l, over, field, message) => {
      const t = await insertTeacherRow(p.db, inst.id);
      const before = await p.db('teachers').where({ id: t.id }).first();
      const form = { name: t.name, gender: 'male', idNumber: t.idNumber, title: '教授', employer: SCRIPT, field: '结构', phone: t.phone, intro: '', ...over };
      const res = await a.post(`/teachers/${t.id}/edit`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
      expectEscaped(res.text);
      if (field === 'idNumber') expect(res.text).toContain(`value="${form.idNumber}"`);
      expect(await p.db('teachers').where({ id: t.id }).first()).toEqual(before);
    });
  });

  describe('培训课程 (POST /courses/new, /courses/:id/edit)', () => {
    it('shows a script typed into the intro as text and saves nothing', async () => {
      const t = await insertTeacherRow(p.db, inst.id);
      const name = uniq('课程');
      const res = await a.post('/courses/new', { name, subjectType: 'public', specialty: '', hours: '-1', delivery: 'onsite', teacherIds: [String(t.id)], intro: SCRIPT });
      expect(res.status).toBe(422);
      expect(fieldError(res.text, 'hours')).toBe('学时应大于0');
      expect(res.text).toContain(`>${esc(SCRIPT)}</textarea>`);
      expectEscaped(res.text);
      expect(await count('courses', { institution_id: inst.id, name })).toBe(0);
    });

    it.each([
      ['zero hours', { hours: '0' }, 'hours', '学时应大于0'],
      ['hours in words', { hours: '两' }, 'hours', '学时应为数字'],
      ['a subject type outside the list', { subjectType: 'mixed' }, 'subjectType', '请选择科目类型'],
      ['no teacher', { teacherIds: [] }, 'teacherIds', '请至少选择一位授课教师'],
      ['a teacher id that is no id', { teacherIds: ['abc'] }, 'teacherIds', '所选授课教师无效'],
    ])('edit refuses %s beside the field, keeps the typed values, leaves the course and its teachers as they were', async (_l, over, field, message) => {
      const t = await insertTeacherRow(p.db, inst.id);
      const c = await insertCourseRow(p.db, inst.id, { hours: 4, teacherIds: [t.id] });
      const before = await p.db('courses').where({ id: c.id }).first();
      const form = { name: c.name, subjectType: 'public', specialty: '', hours: '6', delivery: 'online', teacherIds: [String(t.id)], intro: SCRIPT, ...over };
      const res = await a.post(`/courses/${c.id}/edit`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      expect(res.text).toContain(`value="${esc(c.name)}"`);
      expectEscaped(res.text);
      expect(await p.db('courses').where({ id: c.id }).first()).toEqual(before);
      expect(await p.db('course_teachers').where({ course_id: c.id }).pluck('teacher_id')).toEqual([t.id]);
    });
  });

  describe('面授点 (POST /connections/sites/:id/edit)', () => {
    it.each([
      ['zero capacity', { capacity: '0' }, 'capacity', '可容纳人数应为正整数'],
      ['a negative capacity', { capacity: '-30' }, 'capacity', '可容纳人数应为正整数'],
      ['an over-large capacity', { capacity: '100001' }, 'capacity', '可容纳人数不能超过100000'],
      ['a region outside Fujian', { regionCode: '110100' }, 'regionCode', '请选择所属地区'],
      ['a wrong phone', { contactPhone: '0591-12' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
      ['an empty address', { address: ' ' }, 'address', '请填写详细地址'],
    ])('refuses %s beside the field, keeps the typed values, leaves the site as it was', async (_l, over, field, message) => {
      const s = await insertSiteRow(p.db, inst.id);
      const before = await p.db('training_sites').where({ id: s.id }).first();
      const form = { name: s.name, regionCode: '350200', address: '厦门市思明区新址9号', capacity: '90', contactName: SCRIPT, contactPhone: makePhone(), ...over };
      const res = await a.post(`/connections/sites/${s.id}/edit`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
      expectEscaped(res.text);
      if (field !== 'capacity') expect(res.text).toContain('value="90"');
      expect(await p.db('training_sites').where({ id: s.id }).first()).toEqual(before);
    });
  });

  describe('网授平台 (POST /connections/platforms/:id/edit)', () => {
    it.each([
      ['a javascript: URL', { url: 'javascript:alert(1)' }, 'url', '网址格式不正确,应以 http:// 或 https:// 开头,如 https://www.example.com'],
      ['an over-long URL', { url: `https://learn.example.com/${'a'.repeat(300)}` }, 'url', '网址不能超过300个字'],
      ['an empty operator', { operator: '' }, 'operator', '请填写运营单位'],
      ['an over-long contact', { contactName: '林'.repeat(51) }, 'contactName', '联系人不能超过50个字'],
    ])('refuses %s beside the field, keeps the typed values, leaves the platform as it was', async (_l, over, field, message) => {
      const pl = await insertPlatformRow(p.db, inst.id);
      const before = await p.db('online_platforms').where({ id: pl.id }).first();
      const form = { name: pl.name, url: 'https://new.example.org', operator: SCRIPT, contactName: '林工', contactPhone: makePhone(), ...over };
      const res = await a.post(`/connections/platforms/${pl.id}/edit`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      if (field !== 'operator') {
        expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
        expectEscaped(res.text);
      }
      expect(await p.db('online_platforms').where({ id: pl.id }).first()).toEqual(before);
    });
  });
});
