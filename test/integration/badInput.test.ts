import { startPlatform, type TestPlatform } from '../helpers/platform';
import {
  PASSWORD, createInstitution, createReviewer, createUser, login, makeCreditCode, makeIdNumber, makePhone, uniq, type TestUser,
} from '../helpers/fixtures';
import { createRole, createSubAdmin } from '../helpers/admins';
import { PDF, PNG } from '../helpers/institutions';
import { BASE_FORM, formData } from '../helpers/bases';
import { declarationForm, insertClass, institutionWithCatalogue, toFormData, type Catalogue } from '../helpers/classes';
import { insertCourseRow, insertPlatformRow, insertSiteRow, insertTeacherRow, type TestInstitution } from '../helpers/baseData';
import { xlsx } from '../helpers/imports';
import type { Agent } from '../helpers/agent';
import { createFileStore } from '../../db/files';
import { addAttachment } from '../../db/institutions';
import { applicationWorkflowId } from '../../workflows/messages/institutionApplication';
import { annualReviewWorkflowId } from '../../workflows/messages/annualReview';
import { baseWorkflowId } from '../../workflows/messages/baseApplication';

/**
 * The quality bar for every form: bad input is answered with a 4xx page that names the
 * wrong field in Chinese beside it, shows again what was typed (escaped), and leaves the
 * database as it was. Forms whose own test files already prove all three for a case are
 * not repeated here; this file covers the forms and cases they left open.
 */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** What the page says beside a field (the `error` macro), or undefined. */
const fieldError = (html: string, field: string) => new RegExp(`<p class="error" id="e-${reEscape(field)}" role="alert">([^<]*)</p>`).exec(html)?.[1];
/** Text as nunjucks' autoescape writes it into the page. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const SCRIPT = '<script>alert("x")</script>';

/** Expects the typed script back as text, never as markup. */
function expectEscaped(html: string, typed = SCRIPT) {
  expect(html).toContain(esc(typed));
  expect(html).not.toContain(typed);
}

const count = async (table: string, where: Record<string, unknown>) =>
  Number((await p.db(table).where(where).count<{ n: string }[]>('* as n'))[0].n);

async function signedIn(user: { loginName: string; password: string }) {
  const a = p.agent();
  await login(a, user);
  return a;
}

/** An ID number whose check character is wrong (everything else valid). */
const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

describe('短信验证码 (POST /register/sms-code)', () => {
  it.each([
    ['an empty phone', ''],
    ['a 5-digit phone', '12345'],
    ['a phone starting with 12', '12800138000'],
    ['a 12-digit phone', '138001380001'],
    ['a script', SCRIPT],
  ])('refuses %s in Chinese, sends and stores no code', async (_l, phone) => {
    const a = p.agent();
    await a.get('/register');
    const res = await a.post('/register/sms-code', { phone });
    expect(res.status).toBe(422);
    expect(res.text).toContain('请先填写正确的手机号');
    expect(res.text).not.toContain('<script>');
    expect(await count('sms_codes', { phone })).toBe(0);
    expect(await count('sms_outbox', { phone })).toBe(0);
  });
});

describe('用户登录 (POST /login)', () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await createUser(p.db);
  });

  it.each([
    ['an empty account', { login: '' }, 'login', '请输入登录账号或身份证号码'],
    ['a blank account', { login: '   ' }, 'login', '请输入登录账号或身份证号码'],
    ['an over-long account', { login: 'a'.repeat(65) }, 'login', '登录账号过长'],
    ['an empty password', { password: '' }, 'password', '请输入密码'],
    ['an over-long password', { password: 'P'.repeat(65) }, 'password', '密码过长'],
  ])('refuses %s beside the field, keeps the account typed, signs nobody in', async (_l, over, field, message) => {
    const a = p.agent();
    await a.get('/login');
    const form = { login: u.loginName, password: u.password, ...over };
    const res = await a.post('/login', form);
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`value="${esc(form.login)}"`);
    expect(res.text).not.toMatch(/name="password"[^>]*value=/);
    expect(a.cookies.has('session')).toBe(false);
    expect((await p.db('users').where({ id: u.id }).first()).failed_logins).toBe(0);
  });

  it('names the field a request left out altogether, in Chinese', async () => {
    for (const [form, field, message] of [
      [{ password: u.password }, 'login', '请输入登录账号或身份证号码'],
      [{ login: u.loginName }, 'password', '请输入密码'],
    ] as const) {
      const a = p.agent();
      await a.get('/login');
      const res = await a.post('/login', form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      expect(a.cookies.has('session')).toBe(false);
    }
  });

  it('shows a script typed as the account as text', async () => {
    const a = p.agent();
    await a.get('/login');
    const res = await a.post('/login', { login: SCRIPT, password: 'Whatever1!' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('账号或密码错误');
    expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
    expectEscaped(res.text);
    expect(a.cookies.has('session')).toBe(false);
  });
});

describe('修改密码 (POST /account/password)', () => {
  it.each([
    ['no old password', { oldPassword: '' }, 'oldPassword', '请输入原密码'],
    ['a wrong old password', { oldPassword: 'Wrong123!' }, 'oldPassword', '原密码不正确'],
    ['a 4-character new password', { password: 'Ab1!', passwordConfirm: 'Ab1!' }, 'password', '密码长度应为8-20位'],
    ['a 21-character new password', { password: 'Abcdefgh1!Abcdefgh1!x', passwordConfirm: 'Abcdefgh1!Abcdefgh1!x' }, 'password', '密码长度应为8-20位'],
    ['a lower-case-only new password', { password: 'abcdefghij', passwordConfirm: 'abcdefghij' }, 'password', '密码需至少包含大写字母、小写字母、数字、符号中的三种'],
    ['the old password again', { password: PASSWORD, passwordConfirm: PASSWORD }, 'password', '新密码不能与原密码相同'],
    ['no confirmation', { passwordConfirm: '' }, 'passwordConfirm', '请再次输入新密码'],
    ['a different confirmation', { passwordConfirm: 'Other123!' }, 'passwordConfirm', '两次输入的密码不一致'],
  ])('refuses %s beside the field and changes nothing', async (_l, over, field, message) => {
    const u = await createUser(p.db);
    const a = await signedIn(u);
    await a.get('/account/password');
    const before = await p.db('users').where({ id: u.id }).first('password_hash', 'must_change_password', 'updated_at');
    const res = await a.post('/account/password', { oldPassword: PASSWORD, password: 'NewPass1!', passwordConfirm: 'NewPass1!', ...over });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    // Passwords are the one kind of typed value a page never writes back.
    expect(res.text).not.toMatch(/name="(oldPassword|password|passwordConfirm)"[^>]*value=/);
    expect(await p.db('users').where({ id: u.id }).first('password_hash', 'must_change_password', 'updated_at')).toEqual(before);
    // The session is not revoked as a real change would do.
    expect((await a.get('/dashboard')).status).toBe(200);
  });
});

describe('机构申请修改后重新提交 (POST /apply/edit)', () => {
  async function returnedApplication() {
    const applicant = await createUser(p.db, { role: 'applicant', name: '申请人' });
    const [inst] = await p.db('institutions')
      .insert({
        name: `退回机构${uniq('')}`, credit_code: makeCreditCode(), type: '社会培训机构', region_code: '350100', address: '福州市鼓楼区退回路1号',
        head_name: '王校长', contact_name: '陈老师', contact_phone: makePhone(), email: 'back@example.com',
        training_scope: JSON.stringify({ subjects: ['public'], specialties: [] }), status: 'rejected', applicant_user_id: applicant.id,
      })
      .returning('*');
    await p.db('users').where({ id: applicant.id }).update({ institution_id: inst.id });
    const fileId = await createFileStore(p.db).put({ name: '营业执照.png', mime: 'image/png', data: PNG, institutionId: inst.id });
    await addAttachment(p.db, inst.id, fileId, applicant.id);
    const a = await signedIn(applicant);
    await a.get('/apply/edit');
    return { inst, a };
  }

  const formOf = (inst: Record<string, string>, over: Record<string, string | string[]>) => ({
    name: inst.name, creditCode: inst.credit_code, type: inst.type, regionCode: inst.region_code, address: inst.address,
    headName: inst.head_name, contactName: inst.contact_name, contactPhone: inst.contact_phone, email: inst.email,
    subjects: ['public'], specialties: '', ...over,
  });

  it.each([
    ['an empty name', { name: '' }, 'name', '请填写机构名称'],
    ['an over-long name', { name: '机'.repeat(101) }, 'name', '机构名称不能超过100个字'],
    ['a credit code with a letter outside its alphabet', { creditCode: `${makeCreditCode().slice(0, 17)}I` }, 'creditCode', '统一社会信用代码含有无效字符'],
    ['a type outside the list', { type: '外星机构' }, 'type', '请选择机构类型'],
    ['a region outside Fujian', { regionCode: '110000' }, 'regionCode', '请选择所属地区'],
    ['a wrong phone', { contactPhone: '12345' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
    ['a wrong email', { email: 'back@example' }, 'email', '电子邮箱格式不正确'],
    ['a scope outside the list', { subjects: ['magic'] }, 'subjects', '培训范围只能是公需科目或专业科目'],
  ])('refuses %s beside the field, keeps the typed values, leaves the application as it was', async (_l, over, field, message) => {
    const { inst, a } = await returnedApplication();
    const form = formOf(inst, { address: SCRIPT, ...over });
    const res = await a.upload('/apply/edit', toFormData(form));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
    expectEscaped(res.text);
    if (field !== 'headName') expect(res.text).toContain(`value="${esc(inst.head_name)}"`);
    expect(await p.db('institutions').where({ id: inst.id }).first()).toEqual(inst);
    expect(await count('review_items', { workflow_id: applicationWorkflowId(inst.id) })).toBe(0);
    expect(await count('institution_attachments', { institution_id: inst.id })).toBe(1);
  });

  it('a correct check character is accepted where a wrong one is refused', async () => {
    const { inst, a } = await returnedApplication();
    const good = makeCreditCode();
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const wrong = good.slice(0, 17) + alphabet[(alphabet.indexOf(good[17]) + 1) % alphabet.length];
    const res = await a.upload('/apply/edit', toFormData(formOf(inst, { creditCode: wrong })));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'creditCode')).toBe('统一社会信用代码校验位不正确');
    expect(res.text).toContain(`value="${wrong}"`);
    expect(await p.db('institutions').where({ id: inst.id }).first()).toEqual(inst);
  });
});

describe('机构信息管理 (POST /profile)', () => {
  let inst: TestInstitution;
  let a: Agent;
  beforeAll(async () => {
    inst = await createInstitution(p.db);
    a = await signedIn(inst.admin);
    await a.get('/profile');
  });
  const valid = { headName: '王负责', contactName: SCRIPT, contactPhone: '0591-87654321', email: 'ok@example.com', address: '福州市鼓楼区新址1号' };

  it.each([
    ['an empty head', { headName: '' }, 'headName', '请填写机构负责人'],
    ['an over-long head', { headName: '王'.repeat(51) }, 'headName', '机构负责人不能超过50个字'],
    ['a landline without its area code', { contactPhone: '87654321' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
    ['an email without a domain', { email: 'ok@example' }, 'email', '电子邮箱格式不正确'],
    ['an over-long address', { address: '址'.repeat(201) }, 'address', '机构地址不能超过200个字'],
  ])('refuses %s beside the field, keeps the typed values, saves nothing', async (_l, over, field, message) => {
    const before = await p.db('institutions').where({ id: inst.id }).first();
    const res = await a.post('/profile', { ...valid, ...over });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
    expectEscaped(res.text);
    if (field !== 'address') expect(res.text).toContain(`value="${valid.address}"`);
    expect(await p.db('institutions').where({ id: inst.id }).first()).toEqual(before);
  });
});

describe('机构附件 (POST /profile/attachments)', () => {
  it.each([
    ['no file', []],
    ['a file that is not a scan, next to one that is', [{ name: '资质.png', data: PNG }, { name: '执照.pdf', data: Buffer.from('MZ not a pdf') }]],
  ])('refuses %s beside the field and stores none of them', async (_l, files) => {
    const inst = await createInstitution(p.db);
    const a = await signedIn(inst.admin);
    await a.get('/profile');
    const res = await a.upload('/profile/attachments', formData({}, files));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'attachments')).toBe(files.length ? '附件“执照.pdf”不是PDF、JPG或PNG文件' : '请选择要上传的附件');
    expect(await count('institution_attachments', { institution_id: inst.id })).toBe(0);
    expect(await count('files', { institution_id: inst.id })).toBe(0);
  });
});

describe('账号停用/启用 with an action outside the list', () => {
  it('子管理员 (POST /admins/accounts/:id/status): says so in Chinese, changes nothing', async () => {
    const inst = await createInstitution(p.db);
    const a = await signedIn(inst.admin);
    const sub = await createSubAdmin(p.db, inst.id, { permissions: ['admins.view'] });
    const s = await signedIn(sub);
    const res = await a.post(`/admins/accounts/${sub.id}/status`, { action: 'freeze' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('请选择停用或启用');
    expect((await p.db('users').where({ id: sub.id }).first()).status).toBe('active');
    expect((await s.get('/admins/accounts')).status).toBe(200);
  });

  it('审核员 (POST /platform/accounts/:id/status): says so in Chinese, changes nothing', async () => {
    const admin = await createUser(p.db, { role: 'platform_admin', name: '平台管理员' });
    const a = await signedIn(admin);
    const reviewer = await createReviewer(p.db, '350100');
    const r = await signedIn(reviewer);
    const res = await a.post(`/platform/accounts/${reviewer.id}/status`, { action: SCRIPT });
    expect(res.status).toBe(422);
    expect(res.text).toContain('请选择停用或启用');
    expect(res.text).not.toContain(SCRIPT);
    expect((await p.db('users').where({ id: reviewer.id }).first()).status).toBe('active');
    expect((await r.get('/review')).status).toBe(200);
  });
});

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

describe('子管理员: 角色 and 重置密码 (POST /admins/accounts/:id/roles, /password)', () => {
  let inst: TestInstitution;
  let a: Agent;
  beforeAll(async () => {
    inst = await createInstitution(p.db);
    a = await signedIn(inst.admin);
    await a.get('/admins/accounts');
  });

  it.each([
    ['no role', () => [], '请至少选择一个角色'],
    ['a role id that is no id', (keep: string) => [keep, 'x'], '所选角色不存在,请刷新页面后重新选择'],
    ['another institution’s role', async (keep: string) => [keep, String((await createRole(p.db, (await createInstitution(p.db)).id, ['courses.view'])).id)], '所选角色不存在,请刷新页面后重新选择'],
  ])('roles: refuses %s beside the field, keeps the ticks, leaves the roles as they were', async (_l, pick, message) => {
    const held = await createRole(p.db, inst.id, ['courses.view']);
    const extra = await createRole(p.db, inst.id, ['teachers.view']);
    const sub = await createSubAdmin(p.db, inst.id, { roleIds: [held.id] });
    const roles = await pick(String(extra.id));
    const res = await a.post(`/admins/accounts/${sub.id}/roles`, { roles });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'roles')).toBe(message);
    if (roles.length) expect(res.text).toMatch(new RegExp(`value="${extra.id}" checked`));
    expect(res.text).not.toMatch(new RegExp(`value="${held.id}" checked`));
    expect(await p.db('user_roles').where({ user_id: sub.id }).pluck('role_id')).toEqual([held.id]);
  });

  it.each([
    ['no password', { password: '', passwordConfirm: '' }, 'password', '请设定初始密码'],
    ['a 4-character password', { password: 'Ab1!', passwordConfirm: 'Ab1!' }, 'password', '初始密码长度应为8-20位'],
    ['a digits-only password', { password: '12345678', passwordConfirm: '12345678' }, 'password', '初始密码需至少包含大写字母、小写字母、数字、符号中的三种'],
    ['a different confirmation', { password: 'Reset123!', passwordConfirm: 'Reset124!' }, 'passwordConfirm', '两次输入的密码不一致'],
  ])('password reset: refuses %s beside the field and changes nothing', async (_l, form, field, message) => {
    const sub = await createSubAdmin(p.db, inst.id, { permissions: ['admins.view'] });
    const s = await signedIn(sub);
    const before = await p.db('users').where({ id: sub.id }).first('password_hash', 'must_change_password', 'updated_at');
    const res = await a.post(`/admins/accounts/${sub.id}/password`, form);
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).not.toMatch(/name="(password|passwordConfirm)"[^>]*value=/);
    expect(await p.db('users').where({ id: sub.id }).first('password_hash', 'must_change_password', 'updated_at')).toEqual(before);
    expect((await s.get('/admins/accounts')).status).toBe(200);
  });
});

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

describe('导入 upload (POST /imports/new)', () => {
  let c: Catalogue;
  let a: Agent;
  let draftId: number;
  let pendingId: number;
  beforeAll(async () => {
    c = await institutionWithCatalogue(p.db);
    a = await signedIn(c.admin);
    draftId = await insertClass(p.db, c, { status: 'draft' });
    pendingId = await insertClass(p.db, c, { status: 'pending' });
  });

  async function send(fields: Record<string, string>, file: Buffer | null, key?: string) {
    const page = await a.get('/imports/new?type=class_members');
    const fd = new FormData();
    fd.append('type', 'class_members');
    fd.append('uploadKey', key ?? /name="uploadKey" value="([^"]+)"/.exec(page.text)![1]);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append('file', new Blob([new Uint8Array(file)]), '人员.xlsx');
    return a.upload('/imports/new', fd);
  }

  it.each([
    ['no class', () => ({ classId: '' }), 'sheet', 'classId', '请选择培训班'],
    ['a class id that is no id', () => ({ classId: 'abc' }), 'sheet', 'classId', '请选择培训班'],
    ['a class under review', () => ({ classId: String(pendingId) }), 'sheet', 'classId', '培训班在待审核或已结班状态,不能导入班级人员'],
    ['no file', () => ({ classId: String(draftId) }), 'none', 'file', '请选择要上传的Excel文件'],
    ['a PDF', () => ({ classId: String(draftId) }), 'pdf', 'file', '文件不是Excel(xlsx)格式,请下载导入模板填写后上传'],
  ])('refuses %s beside the field, keeps the chosen class, starts no job', async (_l, fields, kind, field, message) => {
    const sheet = await xlsx([['*姓名', '*身份证号码', '*手机号', '工作单位']]);
    const file = kind === 'sheet' ? sheet : kind === 'pdf' ? PDF : null;
    const before = await count('files', { institution_id: c.inst.id });
    const res = await send(fields(), file);
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    if (field === 'file') expect(res.text).toMatch(new RegExp(`<option value="${draftId}" selected>`));
    expect(await count('import_jobs', { institution_id: c.inst.id })).toBe(0);
    expect(await count('files', { institution_id: c.inst.id })).toBe(before);
  });

  it('refuses a page whose upload key is not one it made, saying to reload', async () => {
    const res = await send({ classId: String(draftId) }, await xlsx([['*姓名', '*身份证号码', '*手机号', '工作单位']]), SCRIPT);
    expect(res.status).toBe(422);
    expect(res.text).toContain('页面已过期,请刷新后重新上传');
    expect(res.text).toMatch(new RegExp(`<option value="${draftId}" selected>`));
    expect(res.text).not.toContain(SCRIPT);
    expect(await count('import_jobs', { institution_id: c.inst.id })).toBe(0);
  });
});

describe('继续教育基地: amend after a return (POST /bases/apply)', () => {
  async function returnedBase() {
    const inst = await createInstitution(p.db);
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    const [app] = await p.db('base_applications')
      .insert({
        workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: org.id, name: BASE_FORM.name, base_type: BASE_FORM.baseType, field: BASE_FORM.field, facilities: BASE_FORM.facilities,
        full_time_teachers: 12, part_time_teachers: 30, annual_capacity: 5000, recent_training: BASE_FORM.recentTraining, status: 'rejected',
        applied_by: inst.admin.id, submitted_at: new Date(),
      })
      .returning('*');
    const fileId = await createFileStore(p.db).put({ name: '申请书.pdf', mime: 'application/pdf', data: PDF, institutionId: inst.id });
    await p.db('base_application_files').insert({ application_id: app.id, file_id: fileId });
    const a = await signedIn(inst.admin);
    await a.get('/bases/apply');
    return { inst, a, app };
  }

  it.each([
    ['an empty name', { name: '' }, 'name', '请填写基地名称'],
    ['a base type outside the list', { baseType: '其他类' }, 'baseType', '请选择基地类型'],
    ['a negative teacher count', { fullTimeTeachers: '-1' }, 'fullTimeTeachers', '专职师资数量应为整数'],
    ['zero annual capacity', { annualCapacity: '0' }, 'annualCapacity', '年培训能力(人次)应在1到10000000之间'],
    ['no teachers at all', { fullTimeTeachers: '0', partTimeTeachers: '0' }, 'fullTimeTeachers', '专兼职师资数量合计至少为1人'],
    ['an over-long history', { recentTraining: '训'.repeat(4001) }, 'recentTraining', '近三年培训情况不能超过4000个字'],
  ])('refuses %s beside the field, keeps the typed values, leaves the application and its files as they were', async (_l, over, field, message) => {
    const { inst, a, app } = await returnedBase();
    const form = { ...BASE_FORM, facilities: SCRIPT, partTimeTeachers: '35', ...over };
    const res = await a.upload('/bases/apply', formData(form, [{ name: '补充.pdf', data: PDF }]));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`>${esc(SCRIPT)}</textarea>`);
    expectEscaped(res.text);
    if (field !== 'partTimeTeachers' && !('partTimeTeachers' in over)) expect(res.text).toContain('value="35"');
    expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
    expect(await count('base_application_files', { application_id: app.id })).toBe(1);
    expect(await count('files', { institution_id: inst.id })).toBe(1);
    expect(await count('review_items', { workflow_id: baseWorkflowId(inst.id) })).toBe(0);
  });
});

describe('审核 decisions: reject without a reason, a decision outside the list', () => {
  let reviewer: TestUser;
  let ra: Agent;
  let orgId: number;
  beforeAll(async () => {
    reviewer = await createReviewer(p.db, '350100');
    orgId = reviewer.orgId!;
    ra = await signedIn(reviewer);
  });

  const DECISIONS: Array<[string, Record<string, string>, string, string]> = [
    ['a rejection without a reason', { decision: 'reject', reason: '  ' }, 'reason', '退回时请填写退回原因'],
    ['no decision', { reason: '材料不全' }, 'decision', '请选择审核结果'],
    ['a decision outside the list', { decision: 'maybe', reason: '材料不全' }, 'decision', '请选择审核结果'],
  ];
  const LONG = '因'.repeat(501);

  async function pendingItem(kind: string, workflowId: string, subjectId: number, institutionId: number) {
    const [item] = await p.db('review_items')
      .insert({ kind, workflow_id: workflowId, round: 1, subject_id: subjectId, institution_id: institutionId, org_id: orgId, title: uniq('待审'), status: 'pending', submitted_at: new Date() })
      .returning('*');
    return item;
  }

  it.each([...DECISIONS, ['an over-long reason', { decision: 'reject', reason: LONG }, 'reason', '审核意见不能超过500个字']])(
    '审核工作台: refuses %s beside the field, keeps what was typed, decides nothing',
    async (_l, form, field, message) => {
      const inst = await createInstitution(p.db, { status: 'pending' });
      const item = await pendingItem('institution', `${applicationWorkflowId(inst.id)}:t`, inst.id, inst.id);
      // A reason worth keeping carries a script, which must come back as text.
      const reason = form.reason?.trim() && form.reason !== LONG ? `${form.reason}${SCRIPT}` : form.reason;
      const res = await ra.post(`/review/items/${item.id}/decide`, { ...form, ...(reason === undefined ? {} : { reason }) });
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      if (form.decision === 'reject') expect(res.text).toContain('value="reject" checked');
      if (reason !== form.reason) {
        expect(res.text).toContain(`>${esc(reason!)}</textarea>`);
        expectEscaped(res.text);
      }
      expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
      expect((await p.db('institutions').where({ id: inst.id }).first()).status).toBe('pending');
      expect(await count('audit_log', { event: 'review_decision', user_id: reviewer.id })).toBe(0);
    },
  );

  async function baseOf(status: string) {
    const inst = await createInstitution(p.db, { isBase: status === 'approved' });
    const [app] = await p.db('base_applications')
      .insert({
        workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: orgId, name: `${inst.name}基地`, base_type: '综合类', field: '工程', facilities: '教室', full_time_teachers: 1,
        part_time_teachers: 1, annual_capacity: 100, recent_training: '有', status, applied_by: inst.admin.id, submitted_at: new Date(),
        approved_at: status === 'approved' ? new Date() : null,
      })
      .returning('*');
    return { inst, app };
  }

  it.each([...DECISIONS, ['an over-long reason', { decision: 'reject', reason: LONG }, 'reason', '审核意见不能超过500个字']])(
    '基地申请: refuses %s beside the field, keeps what was typed, decides nothing',
    async (_l, form, field, message) => {
      const { inst, app } = await baseOf('pending');
      const item = await pendingItem('base', baseWorkflowId(inst.id), app.id, inst.id);
      const res = await ra.post(`/bases/review/${app.id}/decide`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      if (form.decision === 'reject') expect(res.text).toContain('value="reject" checked');
      if (form.reason && form.reason.trim() && form.reason !== LONG) expect(res.text).toContain(`>${form.reason}</textarea>`);
      expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
      expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
    },
  );

  it.each([
    ['no reason', '', '请填写撤销原因'],
    ['a blank reason', '   ', '请填写撤销原因'],
    ['an over-long reason', '撤'.repeat(501), '撤销原因不能超过500个字'],
  ])('撤销基地: refuses %s beside the field, keeps what was typed, revokes nothing', async (_l, reason, message) => {
    const { inst, app } = await baseOf('approved');
    const res = await ra.post(`/bases/review/${app.id}/revoke`, { reason });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'reason')).toBe(message);
    if (reason.trim()) expect(res.text).toContain(`>${reason}</textarea>`);
    expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
    expect((await p.db('institutions').where({ id: inst.id }).first()).is_base).toBe(true);
  });

  it.each([
    ['no reason', '', '请填写保留理由'],
    ['a blank reason', '   ', '请填写保留理由'],
    ['an over-long reason', '留'.repeat(501), '保留理由不能超过500个字'],
  ])('保留基地资格: refuses %s beside the field, keeps what was typed, keeps the flag', async (_l, keepReason, message) => {
    const { app: plain } = await baseOf('approved');
    const [app] = await p.db('base_applications').where({ id: plain.id }).update({ flagged: true, flag_reason: '2024、2025年度年审连续不合格', flagged_at: new Date() }).returning('*');
    const res = await ra.post(`/bases/review/${app.id}/keep`, { keepReason });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'keepReason')).toBe(message);
    if (keepReason.trim()) expect(res.text).toContain(`>${keepReason}</textarea>`);
    expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
  });

  async function submittedReport() {
    const { inst, app } = await baseOf('approved');
    const year = 2024;
    const [row] = await p.db('annual_reviews')
      .insert({
        institution_id: inst.id, application_id: app.id, org_id: orgId, year, status: 'pending', opened_at: new Date(), deadline_at: new Date(Date.now() + 86400_000),
        conditions_change: '无', problems: '无', submitted_at: new Date(),
      })
      .returning('*');
    const item = await pendingItem('annual_review', annualReviewWorkflowId(inst.id, year), row.id, inst.id);
    return { row, item };
  }

  it.each<[string, Record<string, string>, string, string]>([
    ['no grade', { grade: '' }, 'grade', '请选择评定等级'],
    ['a grade outside the list', { grade: 'great', reason: '很好' }, 'grade', '请选择评定等级'],
    ['不合格 without a reason', { grade: 'fail', reason: ' ' }, 'reason', '评定为不合格时请填写不合格原因'],
    ['an over-long opinion', { grade: 'pass', reason: '评'.repeat(501) }, 'reason', '评定意见不能超过500个字'],
  ])('年审评定: refuses %s beside the field, keeps what was typed, grades nothing', async (_l, form, field, message) => {
    const { row, item } = await submittedReport();
    const res = await ra.post(`/annual-reviews/review/${row.id}/grade`, form);
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    if (['excellent', 'pass', 'fail'].includes(form.grade)) expect(res.text).toContain(`value="${form.grade}" checked`);
    if (form.reason?.trim()) expect(res.text).toContain(`>${form.reason}</textarea>`);
    expect(await p.db('annual_reviews').where({ id: row.id }).first()).toEqual(row);
    expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
  });

  it.each([
    ['no reason', '', '请填写退回原因'],
    ['a blank reason', '  ', '请填写退回原因'],
    ['an over-long reason', '退'.repeat(501), '退回原因不能超过500个字'],
  ])('年审退回修改: refuses %s beside the field, keeps what was typed, returns nothing', async (_l, returnReason, message) => {
    const { row, item } = await submittedReport();
    const res = await ra.post(`/annual-reviews/review/${row.id}/return`, { returnReason });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'returnReason')).toBe(message);
    if (returnReason.trim()) expect(res.text).toContain(`>${returnReason}</textarea>`);
    expect(await p.db('annual_reviews').where({ id: row.id }).first()).toEqual(row);
    expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
  });
});
