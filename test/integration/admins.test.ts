import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createUser, login, makeIdNumber, makePhone, uniq, PASSWORD } from '../helpers/fixtures';
import { createRole, createSubAdmin } from '../helpers/admins';
import { routeRegistry } from '../../web/router';

let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const COURSES = ['courses.view', 'courses.edit', 'courses.import'];
const ADMINS = ['admins.view', 'admins.edit'];

async function adminOf(inst: { admin: { loginName: string; password: string } }) {
  const a = p.agent();
  await login(a, inst.admin);
  return a;
}

async function signedIn(user: { loginName: string; password: string }) {
  const a = p.agent();
  await login(a, user);
  return a;
}

const accountForm = (over: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
  loginName: uniq('sub'),
  name: '林子管',
  idNumber: makeIdNumber(),
  phone: makePhone(),
  password: 'Init1234!',
  passwordConfirm: 'Init1234!',
  ...over,
});

async function auditRows(institutionId: number, event: string) {
  return p.db('audit_log').where({ institution_id: institutionId, event }).orderBy('id');
}

describe('角色管理', () => {
  it('creates a role from the matrix, lists it with its holders, searches and answers htmx with a fragment', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const form = await a.get('/admins/roles/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('全选 培训课程');
    // A non-base institution cannot hand out 年审报告: its boxes are locked.
    expect(form.text).toMatch(/value="annual_reviews.view"[^>]*disabled/);
    expect(form.text).toContain('仅继续教育基地可用');

    const name = uniq('课程管理员');
    const res = await a.post('/admins/roles', { name, description: '维护培训课程', permissions: COURSES });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admins/roles?done=created');
    const role = await p.db('roles').where({ institution_id: inst.id, name }).first();
    expect(role.permissions).toEqual(COURSES);
    await createSubAdmin(p.db, inst.id, { roleIds: [role.id] });

    const list = await a.get('/admins/roles?done=created');
    expect(list.text).toContain('角色已新建');
    expect(list.text).toContain(name);
    expect(list.text).toContain('培训课程(查看、编辑、导入)');
    expect(list.text).toMatch(new RegExp(`${name}[\\s\\S]*?<td class="num">1</td>`));

    const other = await createRole(p.db, inst.id, ['teachers.view']);
    const found = await a.get(`/admins/roles?q=${encodeURIComponent(name)}`, { 'HX-Request': 'true' });
    expect(found.text).not.toContain('<html');
    expect(found.text).toContain(name);
    expect(found.text).not.toContain(other.name);
    const none = await a.get('/admins/roles?q=%25');
    expect(none.text).toContain('没有名称含');

    const [row] = await auditRows(inst.id, 'admins.role_create');
    expect(row.detail).toMatchObject({ roleId: role.id, name, permissions: COURSES });
  });

  it('pages the role list', async () => {
    const inst = await createInstitution(p.db);
    for (let i = 0; i < 21; i++) await createRole(p.db, inst.id, ['courses.view'], `角色${String(i).padStart(2, '0')}`);
    const a = await adminOf(inst);
    const first = await a.get('/admins/roles');
    expect(first.text).toContain('下一页');
    expect(first.text).not.toContain('角色20');
    const second = await a.get('/admins/roles?page=2');
    expect(second.text).toContain('角色20');
    expect(second.text).toContain('上一页');
  });

  it('says what is wrong with each field, keeps what was typed and saves nothing', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const taken = await createRole(p.db, inst.id, ['courses.view']);
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ name: '', permissions: COURSES }, '请填写角色名称'],
      [{ name: '长'.repeat(31), permissions: COURSES }, '角色名称不能超过30个字'],
      [{ name: uniq('r'), description: '述'.repeat(201), permissions: COURSES }, '角色描述不能超过200个字'],
      [{ name: uniq('r') }, '请至少选择一项权限'],
      [{ name: uniq('r'), permissions: ['courses.view', 'nothing.real'] }, '权限选择无效'],
      [{ name: uniq('r'), permissions: ['annual_reviews.view'] }, '不能授予您自己没有的权限:年审报告 · 查看'],
      [{ name: taken.name, permissions: COURSES }, '该角色名称已存在'],
    ];
    const before = await p.db('roles').where({ institution_id: inst.id }).count<{ n: string }[]>('* as n');
    for (const [form, message] of cases) {
      const res = await a.post('/admins/roles', { description: '<b>描述</b>', ...form });
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
      if (form.name) expect(res.text).toContain(`value="${form.name}"`);
      if (!form.description) expect(res.text).toContain('&lt;b&gt;描述&lt;/b&gt;');
      if (Array.isArray(form.permissions) && form.permissions.includes('courses.view')) {
        expect(res.text).toMatch(/value="courses.view"[^>]*checked/);
      }
    }
    const after = await p.db('roles').where({ institution_id: inst.id }).count<{ n: string }[]>('* as n');
    expect(after).toEqual(before);

    // The same rules on edit.
    const role = await createRole(p.db, inst.id, ['courses.view']);
    const res = await a.post(`/admins/roles/${role.id}`, { name: taken.name, permissions: ['courses.view'] });
    expect(res.status).toBe(422);
    expect(res.text).toContain('该角色名称已存在');
    const empty = await a.post(`/admins/roles/${role.id}`, { name: role.name });
    expect(empty.text).toContain('请至少选择一项权限');
    expect((await p.db('roles').where({ id: role.id }).first()).name).toBe(role.name);
  });

  it('an edit applies to the holders at their next request, not their next login', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const role = await createRole(p.db, inst.id, ['admins.view']);
    const sub = await createSubAdmin(p.db, inst.id, { roleIds: [role.id] });
    const s = await signedIn(sub);
    expect((await s.get('/admins/roles')).status).toBe(200);

    const edit = await a.get(`/admins/roles/${role.id}/edit`);
    expect(edit.text).toContain(`value="${role.name}"`);
    expect(edit.text).toMatch(/value="admins.view"[^>]*checked/);
    const saved = await a.post(`/admins/roles/${role.id}`, { name: role.name, description: '改为课程', permissions: ['courses.view'] });
    expect(saved.status).toBe(303);
    expect((await s.get('/admins/roles')).status).toBe(403);
    expect((await p.db('roles').where({ id: role.id }).first()).permissions).toEqual(['courses.view']);
    const [row] = await auditRows(inst.id, 'admins.role_update');
    expect(row.detail).toMatchObject({ before: ['admins.view'], after: ['courses.view'] });
  });

  it('deletes a role in use only after a confirmation naming its holders, who lose it at once', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const role = await createRole(p.db, inst.id, ['admins.view']);
    const one = await createSubAdmin(p.db, inst.id, { roleIds: [role.id] });
    await createSubAdmin(p.db, inst.id, { roleIds: [role.id] });
    const s = await signedIn(one);
    expect((await s.get('/admins/accounts')).status).toBe(200);

    const confirm = await a.get(`/admins/roles/${role.id}/delete`);
    expect(confirm.text).toContain('该角色已分配给 <strong>2</strong> 个账号');
    // Without the confirmed count (or with a stale one) nothing is deleted: the page asks again.
    const blind = await a.post(`/admins/roles/${role.id}/delete`, {});
    expect(blind.status).toBe(409);
    await createSubAdmin(p.db, inst.id, { roleIds: [role.id] });
    const stale = await a.post(`/admins/roles/${role.id}/delete`, { holders: '2' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('请重新确认');
    expect(stale.text).toContain('<strong>3</strong>');
    expect(await p.db('roles').where({ id: role.id }).first()).toBeDefined();

    const done = await a.post(`/admins/roles/${role.id}/delete`, { holders: '3' });
    expect(done.status).toBe(303);
    expect(await p.db('roles').where({ id: role.id }).first()).toBeUndefined();
    expect(await p.db('user_roles').where({ role_id: role.id })).toHaveLength(0);
    expect((await s.get('/admins/accounts')).status).toBe(403);
    const [row] = await auditRows(inst.id, 'admins.role_delete');
    expect(row.detail).toMatchObject({ roleId: role.id, holders: 3 });

    const unused = await createRole(p.db, inst.id, ['courses.view']);
    expect((await a.get(`/admins/roles/${unused.id}/delete`)).text).toContain('没有分配给任何账号');
    expect((await a.post(`/admins/roles/${unused.id}/delete`, { holders: '0' })).status).toBe(303);
  });
});

describe('账号管理', () => {
  it('creates a sub-admin who must change the initial password at first login, then holds only the roles given', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const role = await createRole(p.db, inst.id, COURSES);
    const page = await a.get('/admins/accounts/new');
    expect(page.text).toContain(role.name);
    const form = accountForm({ roles: String(role.id), idNumber: makeIdNumber().toLowerCase() });
    const res = await a.post('/admins/accounts', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admins/accounts?done=created');
    const u = await p.db('users').where({ login_name: form.loginName }).first();
    expect(u).toMatchObject({ role: 'sub_admin', institution_id: inst.id, must_change_password: true, status: 'active', id_number: (form.idNumber as string).toUpperCase() });
    expect(await p.db('user_roles').where({ user_id: u.id }).pluck('role_id')).toEqual([role.id]);

    const s = p.agent();
    await login(s, { loginName: form.loginName as string, password: 'Init1234!' });
    const forced = await s.get('/admins/accounts');
    expect(forced.status).toBe(303);
    expect(forced.location).toBe('/account/password');
    await s.get('/account/password');
    expect((await s.post('/account/password', { oldPassword: 'Init1234!', password: 'Mine5678!', passwordConfirm: 'Mine5678!' })).status).toBe(200);
    expect((await s.get('/admins/accounts')).status).toBe(403);
    const dash = await s.get('/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.text).not.toContain('账号管理');

    const [row] = await auditRows(inst.id, 'admins.account_create');
    expect(row.detail).toMatchObject({ accountId: u.id, roleIds: [role.id] });
  });

  it('lists the institution admin first and sub-admins, searches by 登录账号/姓名/手机号, answers htmx with a fragment, pages', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const role = await createRole(p.db, inst.id, COURSES);
    const subs = [];
    for (let i = 0; i < 21; i++) subs.push(await createSubAdmin(p.db, inst.id, { roleIds: [role.id] }, { name: `子管理员${i}` }));
    const target = subs[3];
    await p.db('users').where({ id: target.id }).update({ name: '陈独特' });

    const list = await a.get('/admins/accounts');
    expect(list.text).toContain('机构管理员');
    expect(list.text).toContain(inst.admin.loginName);
    expect(list.text).toContain(role.name);
    expect(list.text).toContain('下一页');
    expect(list.text).toContain(`${target.phone.slice(0, 3)}****${target.phone.slice(-4)}`);
    expect(list.text).not.toContain(target.phone);
    const second = await a.get('/admins/accounts?page=2');
    expect(second.text).toContain('上一页');

    for (const q of [target.loginName, '陈独特', target.phone.slice(-6)]) {
      const found = await a.get(`/admins/accounts?q=${encodeURIComponent(q)}`, { 'HX-Request': 'true' });
      expect(found.text).not.toContain('<html');
      expect(found.text).toContain(target.loginName);
      expect(found.text).not.toContain(subs[4].loginName);
    }
    expect((await a.get('/admins/accounts?q=nobody-like-this')).text).toContain('没有符合');
  });

  it('says what is wrong with each field, keeps what was typed and saves nothing', async () => {
    const inst = await createInstitution(p.db);
    const other = await createInstitution(p.db);
    const a = await adminOf(inst);
    const role = await createRole(p.db, inst.id, COURSES);
    const foreign = await createRole(p.db, other.id, COURSES);
    const existing = await createUser(p.db);
    const r = String(role.id);
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [{ loginName: '' }, 'loginName', '请填写登录账号'],
      [{ loginName: '1abc' }, 'loginName', '登录账号应为4-32位字母、数字或下划线,以字母开头'],
      [{ loginName: existing.loginName }, 'loginName', '该登录账号已被注册'],
      [{ loginName: existing.idNumber }, 'loginName', '登录账号应为4-32位'],
      [{ name: '' }, 'name', '请填写姓名'],
      [{ name: '名'.repeat(51) }, 'name', '姓名不能超过50个字'],
      [{ idNumber: '' }, 'idNumber', '请填写身份证号码'],
      [{ idNumber: '35010219900101123' }, 'idNumber', '身份证号码应为18位'],
      [{ idNumber: '110105194912310021' }, 'idNumber', '身份证号码校验位不正确'],
      [{ idNumber: existing.idNumber }, 'idNumber', '该身份证号码已注册'],
      [{ phone: '' }, 'phone', '请填写手机号'],
      [{ phone: '12345678901' }, 'phone', '手机号格式不正确'],
      [{ phone: existing.phone }, 'phone', '该手机号已注册'],
      [{ roles: [] }, 'roles', '请至少选择一个角色'],
      [{ roles: String(foreign.id) }, 'roles', '所选角色不存在'],
      [{ roles: 'x' }, 'roles', '所选角色不存在'],
      [{ password: '', passwordConfirm: '' }, 'password', '请设定初始密码'],
      [{ password: 'short1!', passwordConfirm: 'short1!' }, 'password', '初始密码长度应为8-20位'],
      [{ password: 'alllowercase', passwordConfirm: 'alllowercase' }, 'password', '初始密码需至少包含'],
      [{ passwordConfirm: 'Other1234!' }, 'passwordConfirm', '两次输入的密码不一致'],
      [{ passwordConfirm: '' }, 'passwordConfirm', '请再次输入初始密码'],
    ];
    for (const [over, field, message] of cases) {
      const form = accountForm({ roles: r, ...over });
      const res = await a.post('/admins/accounts', form);
      expect(res.status).toBe(422);
      expect(res.text).toMatch(new RegExp(`id="e-${field}" role="alert">[^<]*${message}`));
      for (const k of ['loginName', 'name', 'idNumber', 'phone'] as const) {
        if (form[k] && k !== field) expect(res.text).toContain(`value="${form[k]}"`);
      }
      expect(res.text).not.toContain('Init1234!');
      if (form.roles === r) expect(res.text).toMatch(new RegExp(`value="${r}" checked`));
    }
    expect(await p.db('users').where({ institution_id: inst.id })).toHaveLength(1);
  });

  it('edit shows the identity read-only and changes roles', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const r1 = await createRole(p.db, inst.id, COURSES);
    const r2 = await createRole(p.db, inst.id, ['teachers.view']);
    const sub = await createSubAdmin(p.db, inst.id, { roleIds: [r1.id] });
    const edit = await a.get(`/admins/accounts/${sub.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain(sub.loginName);
    expect(edit.text).not.toMatch(/name="(loginName|idNumber|phone|name)"/);
    expect(edit.text).toContain(`${sub.idNumber.slice(0, 6)}********${sub.idNumber.slice(-4)}`);

    const res = await a.post(`/admins/accounts/${sub.id}/roles`, { roles: [String(r1.id), String(r2.id)] });
    expect(res.status).toBe(303);
    expect((await p.db('user_roles').where({ user_id: sub.id }).orderBy('role_id').pluck('role_id')).sort()).toEqual([r1.id, r2.id].sort());
    const none = await a.post(`/admins/accounts/${sub.id}/roles`, {});
    expect(none.status).toBe(422);
    expect(none.text).toContain('请至少选择一个角色');
    expect(await p.db('user_roles').where({ user_id: sub.id })).toHaveLength(2);
    const [row] = await auditRows(inst.id, 'admins.account_roles');
    expect(row.detail).toMatchObject({ accountId: sub.id });
  });

  it('disabling ends the sub-admin’s sessions at the next request and refuses login; enabling lets them back in', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const sub = await createSubAdmin(p.db, inst.id, { permissions: ADMINS });
    const s = await signedIn(sub);
    expect((await s.get('/admins/accounts')).status).toBe(200);

    expect((await a.post(`/admins/accounts/${sub.id}/status`, { action: 'freeze' })).status).toBe(422);
    const off = await a.post(`/admins/accounts/${sub.id}/status`, { action: 'disable' });
    expect(off.status).toBe(303);
    expect((await a.get(off.location!)).text).toContain('账号已停用');
    const next = await s.get('/admins/accounts');
    expect(next.status).toBe(303);
    expect(next.location).toMatch(/^\/login/);
    const again = p.agent();
    await again.get('/login');
    const refused = await again.post('/login', { login: sub.loginName, password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('账号已停用');

    expect((await a.post(`/admins/accounts/${sub.id}/status`, { action: 'enable' })).status).toBe(303);
    await signedIn(sub);
    expect((await auditRows(inst.id, 'admins.account_disable')).length).toBe(1);
    expect((await auditRows(inst.id, 'admins.account_enable')).length).toBe(1);
  });

  it('resets a password: earlier sessions end, the new initial password must be changed again', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const sub = await createSubAdmin(p.db, inst.id, { permissions: ADMINS });
    const s = await signedIn(sub);

    expect((await a.get(`/admins/accounts/${sub.id}/password`)).text).toContain(sub.loginName);
    const weak = await a.post(`/admins/accounts/${sub.id}/password`, { password: 'abc', passwordConfirm: 'abc' });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('初始密码长度应为8-20位');
    const mismatch = await a.post(`/admins/accounts/${sub.id}/password`, { password: 'Reset123!', passwordConfirm: 'Reset124!' });
    expect(mismatch.text).toContain('两次输入的密码不一致');
    expect((await s.get('/admins/accounts')).status).toBe(200);

    const ok = await a.post(`/admins/accounts/${sub.id}/password`, { password: 'Reset123!', passwordConfirm: 'Reset123!' });
    expect(ok.status).toBe(303);
    expect((await s.get('/admins/accounts')).status).toBe(303);
    const fresh = p.agent();
    await fresh.get('/login');
    expect((await fresh.post('/login', { login: sub.loginName, password: PASSWORD })).status).toBe(401);
    await login(fresh, { loginName: sub.loginName, password: 'Reset123!' });
    expect((await fresh.get('/admins/accounts')).location).toBe('/account/password');
    expect((await auditRows(inst.id, 'admins.account_password_reset')).length).toBe(1);
  });
});

describe('escalation', () => {
  async function setup() {
    const inst = await createInstitution(p.db);
    const coursesRole = await createRole(p.db, inst.id, COURSES);
    const mixed = await createRole(p.db, inst.id, ['admins.view', 'courses.view']);
    const manager = await createSubAdmin(p.db, inst.id, { permissions: ADMINS });
    const victim = await createSubAdmin(p.db, inst.id, { permissions: ['admins.view'] });
    const m = await signedIn(manager);
    return { inst, coursesRole, mixed, manager, victim, m };
  }

  it('a sub-admin with 管理员管理 but not 培训课程 cannot create or widen a role with 培训课程', async () => {
    const { inst, manager, m } = await setup();
    const form = await m.get('/admins/roles/new');
    expect(form.text).toMatch(/value="courses.view"[^>]*disabled/);
    expect(form.text).not.toMatch(/value="admins.edit"[^>]*disabled/);

    const name = uniq('越权');
    const res = await m.post('/admins/roles', { name, permissions: ['admins.view', 'courses.edit'] });
    expect(res.status).toBe(422);
    expect(res.text).toContain('不能授予您自己没有的权限:培训课程 · 编辑');
    expect(await p.db('roles').where({ institution_id: inst.id, name }).first()).toBeUndefined();

    // Their own role, widened: refused too.
    const own = manager.roleIds[0];
    const widen = await m.post(`/admins/roles/${own}`, { name: uniq('own'), permissions: [...ADMINS, 'courses.view'] });
    expect(widen.status).toBe(422);
    expect((await p.db('roles').where({ id: own }).first()).permissions).toEqual(ADMINS);
    const refusals = await p.db('audit_log').where({ institution_id: inst.id, result: 'refused', user_id: manager.id });
    expect(refusals.map((r) => r.event).sort()).toEqual(['admins.role_create', 'admins.role_update']);
  });

  it('saving a role keeps the grants the sub-admin cannot see, instead of stripping them', async () => {
    const { mixed, m } = await setup();
    const res = await m.post(`/admins/roles/${mixed.id}`, { name: mixed.name, permissions: ['admins.view', 'admins.edit'] });
    expect(res.status).toBe(303);
    expect((await p.db('roles').where({ id: mixed.id }).first()).permissions).toEqual(['courses.view', 'admins.view', 'admins.edit']);
  });

  it('cannot assign a role holding 培训课程, to others or to themselves, at creation or on edit', async () => {
    const { inst, coursesRole, mixed, manager, victim, m } = await setup();
    const page = await m.get(`/admins/accounts/${victim.id}/edit`);
    expect(page.text).toMatch(new RegExp(`value="${coursesRole.id}"[^>]*disabled`));

    for (const target of [victim, manager]) {
      const res = await m.post(`/admins/accounts/${target.id}/roles`, { roles: [String(target.roleIds[0]), String(coursesRole.id)] });
      expect(res.status).toBe(422);
      expect(res.text).toContain(`不能分配含有您自己没有的权限的角色:${coursesRole.name}`);
      expect(await p.db('user_roles').where({ user_id: target.id }).pluck('role_id')).toEqual(target.roleIds);
    }
    const form = accountForm({ roles: String(mixed.id) });
    const created = await m.post('/admins/accounts', form);
    expect(created.status).toBe(422);
    expect(created.text).toContain('不能分配含有您自己没有的权限的角色');
    expect(await p.db('users').where({ login_name: form.loginName }).first()).toBeUndefined();

    // A role they may not assign, already held by someone, stays when they save that account.
    await p.db('user_roles').insert({ user_id: victim.id, role_id: coursesRole.id });
    const kept = await m.post(`/admins/accounts/${victim.id}/roles`, { roles: [String(victim.roleIds[0])] });
    expect(kept.status).toBe(303);
    expect((await p.db('user_roles').where({ user_id: victim.id }).pluck('role_id')).sort()).toEqual([victim.roleIds[0], coursesRole.id].sort());
    expect((await p.db('audit_log').where({ institution_id: inst.id, event: 'admins.account_roles', result: 'refused' })).length).toBe(2);
  });

  it('cannot disable, re-role or reset the institution admin; cannot disable or reset themselves', async () => {
    const { inst, coursesRole, manager, m } = await setup();
    const adminId = inst.admin.id;
    for (const res of [
      await m.post(`/admins/accounts/${adminId}/status`, { action: 'disable' }),
      await m.post(`/admins/accounts/${adminId}/roles`, { roles: String(coursesRole.id) }),
      await m.get(`/admins/accounts/${adminId}/edit`),
      await m.get(`/admins/accounts/${adminId}/password`),
      await m.post(`/admins/accounts/${adminId}/password`, { password: 'Taken123!', passwordConfirm: 'Taken123!' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.text).toContain('机构管理员拥有本机构的全部权限');
    }
    const admin = await p.db('users').where({ id: adminId }).first();
    expect(admin.status).toBe('active');
    expect(admin.must_change_password).toBe(false);
    expect(await p.db('user_roles').where({ user_id: adminId })).toHaveLength(0);
    await signedIn(inst.admin);

    // The institution admin cannot be disabled by the institution admin either.
    const a = await adminOf(inst);
    expect((await a.post(`/admins/accounts/${adminId}/status`, { action: 'disable' })).status).toBe(403);

    expect((await m.post(`/admins/accounts/${manager.id}/status`, { action: 'disable' })).status).toBe(403);
    expect((await m.post(`/admins/accounts/${manager.id}/password`, { password: 'Mine1234!', passwordConfirm: 'Mine1234!' })).status).toBe(403);
    expect((await p.db('users').where({ id: manager.id }).first()).status).toBe('active');
  });
});

describe('takeover', () => {
  async function setup() {
    const inst = await createInstitution(p.db);
    const manager = await createSubAdmin(p.db, inst.id, { permissions: ADMINS });
    // Holds 培训课程, which the manager does not: taking the account over would hand it to them.
    const stronger = await createSubAdmin(p.db, inst.id, { permissions: ['admins.view', 'courses.view'] });
    const m = await signedIn(manager);
    return { inst, manager, stronger, m };
  }

  it('a sub-admin cannot reset the password of, disable or re-enable an account holding permissions they lack', async () => {
    const { inst, manager, stronger, m } = await setup();
    const edit = await m.get(`/admins/accounts/${stronger.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('该账号拥有您没有的权限');
    expect(edit.text).not.toContain(`/admins/accounts/${stronger.id}/password"`);
    expect(edit.text).not.toContain(`/admins/accounts/${stronger.id}/status"`);

    const page = await m.get(`/admins/accounts/${stronger.id}/password`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('该账号拥有您没有的权限,您不能重置其密码');
    const reset = await m.post(`/admins/accounts/${stronger.id}/password`, { password: 'Taken123!', passwordConfirm: 'Taken123!' });
    expect(reset.status).toBe(403);
    expect(reset.text).toContain('该账号拥有您没有的权限,您不能重置其密码');
    const fresh = p.agent();
    await login(fresh, stronger);

    const off = await m.post(`/admins/accounts/${stronger.id}/status`, { action: 'disable' });
    expect(off.status).toBe(403);
    expect(off.text).toContain('该账号拥有您没有的权限,您不能停用该账号');
    await p.db('users').where({ id: stronger.id }).update({ status: 'disabled' });
    const on = await m.post(`/admins/accounts/${stronger.id}/status`, { action: 'enable' });
    expect(on.status).toBe(403);
    expect(on.text).toContain('该账号拥有您没有的权限,您不能启用该账号');

    const row = await p.db('users').where({ id: stronger.id }).first();
    expect(row).toMatchObject({ status: 'disabled', must_change_password: false });
    const refusals = await p.db('audit_log').where({ institution_id: inst.id, result: 'refused', user_id: manager.id }).orderBy('id');
    expect(refusals.map((r) => [r.event, r.detail.reason])).toEqual([
      ['admins.account_change', 'takeover'],
      ['admins.account_change', 'takeover'],
      ['admins.account_change', 'takeover'],
      ['admins.account_change', 'takeover'],
    ]);
    expect(await p.db('audit_log').where({ institution_id: inst.id, result: 'success', user_id: manager.id }).whereLike('event', 'admins.%')).toHaveLength(0);
  });

  it('a sub-admin may still reset, disable and enable an account holding no more than they do', async () => {
    const { inst, m } = await setup();
    const peer = await createSubAdmin(p.db, inst.id, { permissions: ['admins.view'] });
    expect((await m.get(`/admins/accounts/${peer.id}/edit`)).text).toContain(`/admins/accounts/${peer.id}/password"`);
    expect((await m.post(`/admins/accounts/${peer.id}/password`, { password: 'Reset123!', passwordConfirm: 'Reset123!' })).status).toBe(303);
    expect((await m.post(`/admins/accounts/${peer.id}/status`, { action: 'disable' })).status).toBe(303);
    expect((await m.post(`/admins/accounts/${peer.id}/status`, { action: 'enable' })).status).toBe(303);
    expect((await p.db('users').where({ id: peer.id }).first())).toMatchObject({ status: 'active', must_change_password: true });
  });

  it('a sub-admin cannot delete a role holding permissions they lack', async () => {
    const { inst, manager, m } = await setup();
    const mixed = await createRole(p.db, inst.id, ['admins.view', 'courses.view']);
    const page = await m.get(`/admins/roles/${mixed.id}/delete`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('该角色含有您没有的权限,您不能删除该角色');
    const res = await m.post(`/admins/roles/${mixed.id}/delete`, { holders: '0' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('该角色含有您没有的权限,您不能删除该角色');
    expect(await p.db('roles').where({ id: mixed.id }).first()).toBeDefined();
    const [refusal] = await p.db('audit_log').where({ institution_id: inst.id, result: 'refused', user_id: manager.id, event: 'admins.role_delete' });
    expect(refusal.detail).toMatchObject({ reason: 'escalation', roleId: mixed.id });

    const mine = await createRole(p.db, inst.id, ['admins.view']);
    expect((await m.post(`/admins/roles/${mine.id}/delete`, { holders: '0' })).status).toBe(303);
    expect(await p.db('roles').where({ id: mine.id }).first()).toBeUndefined();
  });

  it('the institution admin reaches everything, base-only grants left from an earlier base status included', async () => {
    const inst = await createInstitution(p.db);
    const a = await adminOf(inst);
    const dormant = await createRole(p.db, inst.id, ['annual_reviews.view', 'courses.view']);
    const sub = await createSubAdmin(p.db, inst.id, { roleIds: [dormant.id] });
    expect((await a.post(`/admins/accounts/${sub.id}/password`, { password: 'Reset123!', passwordConfirm: 'Reset123!' })).status).toBe(303);
    expect((await a.post(`/admins/accounts/${sub.id}/status`, { action: 'disable' })).status).toBe(303);
    expect((await a.post(`/admins/roles/${dormant.id}/delete`, { holders: '1' })).status).toBe(303);
  });
});

describe('tenancy', () => {
  it('another institution’s admin gets 404 on every 管理员管理 route naming this institution’s rows, and sees none of them', async () => {
    const a = await createInstitution(p.db);
    const b = await createInstitution(p.db);
    const role = await createRole(p.db, a.id, COURSES);
    const sub = await createSubAdmin(p.db, a.id, { roleIds: [role.id] });
    const agentB = await adminOf(b);

    const routes = routeRegistry.filter((r) => r.path.startsWith('/admins/'));
    const withIds = routes.filter((r) => r.path.includes(':id'));
    expect(withIds.length).toBeGreaterThanOrEqual(8);
    const forms: Record<string, Record<string, string>> = {
      '/admins/roles/:id': { name: 'hijack', permissions: 'courses.view' },
      '/admins/roles/:id/delete': { holders: '1' },
      '/admins/accounts/:id/roles': { roles: String(role.id) },
      '/admins/accounts/:id/status': { action: 'disable' },
      '/admins/accounts/:id/password': { password: 'Hijack123!', passwordConfirm: 'Hijack123!' },
    };
    for (const r of withIds) {
      const id = r.path.startsWith('/admins/roles') ? role.id : r.path.startsWith('/admins/accounts') ? sub.id : NaN;
      expect(id).not.toBeNaN();
      // The other institution's admin account is just as unreachable.
      for (const target of r.path.startsWith('/admins/accounts') ? [id, a.admin.id] : [id]) {
        const url = r.path.replace(':id', String(target));
        const res = r.method === 'get' ? await agentB.get(url) : await agentB.post(url, forms[r.path] ?? {});
        expect([r.method, url, res.status]).toEqual([r.method, url, 404]);
      }
    }
    expect(withIds.every((r) => /^\/admins\/(roles|accounts)\/:id(\/[a-z]+)?$/.test(r.path))).toBe(true);

    const roles = await agentB.get('/admins/roles');
    expect(roles.text).not.toContain(role.name);
    const accounts = await agentB.get(`/admins/accounts?q=${sub.loginName}`);
    expect(accounts.text).not.toContain(`<td>${sub.loginName}</td>`);
    expect(accounts.text).toContain('没有符合');
    expect((await agentB.get('/admins/accounts')).text).not.toContain(a.admin.loginName);
    const stolen = await agentB.post('/admins/accounts', accountForm({ roles: String(role.id) }));
    expect(stolen.status).toBe(422);
    expect(stolen.text).toContain('所选角色不存在');

    const untouched = await p.db('roles').where({ id: role.id }).first();
    expect(untouched.name).toBe(role.name);
    expect((await p.db('users').where({ id: sub.id }).first()).status).toBe('active');
  });
});
