import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { PASSWORD, createUser, login, type TestUser } from '../../helpers/fixtures';
import { fieldError, esc, SCRIPT, expectEscaped, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the auth forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

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
