import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { createInstitution, createReviewer, createUser } from '../../helpers/fixtures';
import { createRole, createSubAdmin } from '../../helpers/admins';
import { type TestInstitution } from '../../helpers/baseData';
import type { Agent } from '../../helpers/agent';
import { fieldError, SCRIPT, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the admins forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

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
