import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { makeIdNumber, uniq } from '../../helpers/fixtures';
import { declarationForm, insertClass, institutionWithCatalogue, toFormData, type Catalogue } from '../../helpers/classes';
import type { Agent } from '../../helpers/agent';
import { fieldError, esc, SCRIPT, expectEscaped, wrongCheck, countRows, reEscape, signedInAgent } from '../../helpers/badInput';

/** Bad input on the classes forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

describe('培训班申报, 报名人员, 培训成果', () => {
  let c: Catalogue;
  let a: Agent;
  beforeAll(async () => {
    c = await institutionWithCatalogue(p.db);
    a = await signedIn(c.admin);
    await a.get('/declarations/new');
  });
  const y = () => new Date().getFullYear();
  const classCount = () => count('training_classes', { institution_id: c.inst.id });

  const BAD: Array<[string, Record<string, string | string[]>, string, string]> = [
    ['an over-long name', { name: '班'.repeat(101) }, 'name', '培训班名称不能超过100个字'],
    ['a subject type outside the list', { subjectType: 'mixed' }, 'subjectType', '请选择科目类型'],
    ['a date that does not exist', { startDate: `${y()}-02-30` }, 'startDate', '培训开始日期不是有效日期'],
    ['zero planned trainees', { plannedCount: '0' }, 'plannedCount', '请填写计划人数,至少1人'],
    ['a negative planned count', { plannedCount: '-3' }, 'plannedCount', '请填写计划人数,至少1人'],
    ['a fractional planned count', { plannedCount: '2.5' }, 'plannedCount', '计划人数应为整数'],
    ['no site', { siteId: '' }, 'siteId', '请选择面授点'],
    ['no contact', { contactName: '' }, 'contactName', '请填写联系人'],
    ['a wrong phone', { contactPhone: '1380013800' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
    ['a reviewer that is no id', { reviewerOrgId: 'abc' }, 'reviewerOrgId', '请选择审核单位'],
    ['an outcome mode outside the list', { outcomeMode: 'never' }, 'outcomeMode', '请选择培训成果上报方式'],
    ['a course id that is no id', { courseIds: ['abc'] }, 'courseIds', '所选课程不在本机构的面授课程中'],
    ['a negative course id', { courseIds: ['-1'] }, 'courseIds', '所选课程不在本机构的面授课程中'],
    ['an over-long intro', { intro: '介'.repeat(2001) }, 'intro', '培训简介不能超过2000个字'],
  ];

  it.each(BAD)('new: refuses %s beside the field, keeps the typed values, saves nothing', async (_l, over, field, message) => {
    const form = declarationForm(c, { contactName: SCRIPT, ...over });
    const before = await classCount();
    const res = await a.upload('/declarations/new', toFormData(form));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    if (field !== 'contactName') {
      expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
      expectEscaped(res.text);
    }
    if (field !== 'name') expect(res.text).toContain(`value="${form.name}"`);
    if (field !== 'courseIds') expect(res.text).toContain(`value="${c.courses.pub1.id}" checked`);
    expect(await classCount()).toBe(before);
  });

  it('new: a missing 培训年度 is named once, not again as a date outside "year 0"', async () => {
    const res = await a.upload('/declarations/new', toFormData(declarationForm(c, { trainingYear: '' })));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'trainingYear')).toBe('请选择培训年度');
    expect(fieldError(res.text, 'startDate')).toBeUndefined();
    expect(fieldError(res.text, 'endDate')).toBeUndefined();
    expect(res.text).not.toContain('年度 0');
  });

  it.each([
    ['more trainees than the site holds', () => ({ plannedCount: '61' }), 'plannedCount', '计划人数不能超过面授点可容纳人数 60 人'],
    ['an end before the start', () => ({ startDate: `${y()}-06-10`, endDate: `${y()}-06-01` }), 'endDate', '培训结束日期不能早于培训开始日期'],
    ['no course', () => ({ courseIds: [] }), 'courseIds', '请至少添加一门培训课程'],
    ['a course of the other subject type', () => ({ courseIds: [String(c.courses.pro.id)] }), 'courseIds', '的科目类型与培训班不一致'],
    ['a script as the name, with a wrong phone', () => ({ name: SCRIPT, contactPhone: 'abc' }), 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
  ])('edit of a draft: refuses %s beside the field, keeps the typed values, leaves the draft and its courses as they were', async (_l, over, field, message) => {
    const res0 = await a.upload('/declarations/new', toFormData(declarationForm(c)));
    const id = Number(/\/(\d+)\?/.exec(res0.location ?? '')![1]);
    const before = await p.db('training_classes').where({ id }).first();
    const coursesBefore = await p.db('class_courses').where({ class_id: id }).orderBy('course_id').pluck('course_id');
    const form = declarationForm(c, { name: `改名${uniq('')}`, ...over() });
    const res = await a.upload(`/declarations/${id}/edit`, toFormData(form));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toContain(message);
    expect(res.text).toContain(`value="${esc(String(form.name))}"`);
    if (form.name === SCRIPT) expectEscaped(res.text);
    expect(res.text).toContain(`value="${esc(String(form.contactPhone))}"`);
    expect(await p.db('training_classes').where({ id }).first()).toEqual(before);
    expect(await p.db('class_courses').where({ class_id: id }).orderBy('course_id').pluck('course_id')).toEqual(coursesBefore);
  });

  describe('报名人员 (POST /declarations/:id/members)', () => {
    let classId: number;
    beforeAll(async () => {
      classId = await insertClass(p.db, c, { status: 'draft', outcome_mode: 'with_declaration' });
    });

    it.each([
      ['an empty name', { name: '' }, 'name', '请填写姓名'],
      ['an over-long name', { name: '林'.repeat(51) }, 'name', '姓名不能超过50个字'],
      ['an empty ID number', { idNumber: '' }, 'idNumber', '请填写身份证号码'],
      ['a 17-character ID number', { idNumber: '35010219900101123' }, 'idNumber', '身份证号码应为18位,最后一位可以是数字或X'],
      ['a wrong ID check character', { idNumber: wrongCheck(makeIdNumber()) }, 'idNumber', '身份证号码校验位不正确'],
      ['an ID number born on 30 February', { idNumber: '350102199002301234' }, 'idNumber', '身份证号码中的出生日期无效'],
      ['a 10-digit phone', { phone: '1380013800' }, 'phone', '手机号格式不正确,应为11位手机号码'],
      ['an over-long employer', { employer: '单'.repeat(101) }, 'employer', '工作单位不能超过100个字'],
    ])('refuses %s beside the field, keeps the typed values, adds nobody', async (_l, over, field, message) => {
      const form = { name: '陈学员', idNumber: makeIdNumber(), phone: '', employer: SCRIPT, ...over };
      const before = await count('class_members', { class_id: classId });
      const res = await a.post(`/declarations/${classId}/members`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      if (field !== 'employer') {
        expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
        expectEscaped(res.text);
      }
      if (field !== 'idNumber') expect(res.text).toContain(`value="${form.idNumber}"`);
      else if (form.idNumber) expect(res.text).toContain(`value="${form.idNumber}"`);
      expect(await count('class_members', { class_id: classId })).toBe(before);
    });
  });

  describe('培训成果 (POST /declarations/:id/outcomes)', () => {
    let classId: number;
    let good: { id: number; name: string };
    let bad: { id: number; name: string };
    beforeAll(async () => {
      classId = await insertClass(p.db, c, { status: 'draft', outcome_mode: 'with_declaration', total_hours: 12.5 });
      const rows = await p.db('class_members')
        .insert([
          { class_id: classId, institution_id: c.inst.id, name: '林甲', id_number: makeIdNumber(), phone: '', employer: '' },
          { class_id: classId, institution_id: c.inst.id, name: '林乙', id_number: makeIdNumber(), phone: '', employer: '' },
        ])
        .returning(['id', 'name']);
      [good, bad] = rows;
    });

    it.each([
      ['negative hours', '-1', 'pass', '学时应大于0'],
      ['zero hours', '0', 'pass', '学时应大于0'],
      ['hours in words', '八', 'pass', '学时应为数字'],
      ['hours with two decimals', '1.25', 'pass', '学时应为0.5的整数倍(如1、1.5、2)'],
      // The rule of the course form and of the outcome imports: half-hour steps only.
      ['hours not in half-hour steps', '1.3', 'pass', '学时应为0.5的整数倍(如1、1.5、2)'],
      ['more hours than the class has', '13', 'pass', '学时不能超过培训班总学时 12.5'],
      ['a result outside the list', '6', 'excellent', '请选择考核结果'],
      ['no result', '6', '', '请选择考核结果'],
    ])('refuses %s beside the person, keeps every typed value, saves not even the good row', async (_l, hours, result, message) => {
      const res = await a.post(`/declarations/${classId}/outcomes`, {
        [`hours[m${good.id}]`]: '8', [`result[m${good.id}]`]: 'fail',
        [`hours[m${bad.id}]`]: hours, [`result[m${bad.id}]`]: result,
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain(`<p class="error" role="alert">${bad.name}:${message}</p>`);
      expect(res.text).toMatch(new RegExp(`id="h-${good.id}"[^>]*value="8"`));
      expect(res.text).toMatch(new RegExp(`id="h-${bad.id}"[^>]*value="${reEscape(esc(hours))}"`));
      expect(res.text).toMatch(new RegExp(`name="result\\[m${good.id}\\]"[\\s\\S]*?<option value="fail" selected>`));
      expect(await count('outcomes', { class_id: classId })).toBe(0);
      expect(await count('outcome_reports', { class_id: classId })).toBe(0);
    });
  });
});
