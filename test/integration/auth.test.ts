import { randomInt } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startPlatform, type TestPlatform, TEST_JWT_SECRET } from '../helpers/platform';
import { createUser, login, makeIdNumber, makePhone, uniq, PASSWORD } from '../helpers/fixtures';

/**
 * Wrong passwords come from an address of the test's own: failures from the shared
 * loopback address would trip the per-address limit for every test file logging in meanwhile.
 */
const ownAddress = () => ({ 'X-Forwarded-For': `10.66.${randomInt(256)}.${randomInt(1, 255)}` });

let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

async function registerPerson(over: Record<string, string> = {}) {
  const a = p.agent();
  await a.get('/register');
  const phone = over.phone ?? makePhone();
  const sms = await a.post('/register/sms-code', { phone });
  expect(sms.status).toBe(200);
  const code = await p.db('sms_codes').where({ phone }).orderBy('id', 'desc').first();
  const form = {
    loginName: uniq('reg'),
    name: '王小明',
    idNumber: makeIdNumber(),
    phone,
    smsCode: code.code,
    password: 'Abcdef12!',
    passwordConfirm: 'Abcdef12!',
    ...over,
  };
  const res = await a.post('/register', form);
  return { a, res, form };
}

describe('registration', () => {
  it('registers, puts the code in the outbox, and logs in by account and by ID number', async () => {
    const { res, form } = await registerPerson();
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login?registered=1');
    const outbox = await p.db('sms_outbox').where({ phone: form.phone }).first();
    expect(outbox.text).toContain('验证码');
    const byLogin = p.agent();
    await login(byLogin, { loginName: form.loginName, password: form.password });
    expect((await byLogin.get('/dashboard')).status).toBe(200);
    const byId = p.agent();
    await login(byId, { loginName: form.idNumber.toLowerCase(), password: form.password });
  });

  it('names the wrong field in Chinese, keeps typed values, and saves nothing', async () => {
    const { res, form } = await registerPerson({ idNumber: '110105194912310021', name: '<script>alert(1)</script>' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('身份证号码校验位不正确');
    expect(res.text).toContain('value="110105194912310021"');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(await p.db('users').where({ login_name: form.loginName }).first()).toBeUndefined();
  });

  it('refuses a taken account, a bad phone, a weak password, a wrong SMS code', async () => {
    const first = await registerPerson();
    const again = await registerPerson({ loginName: first.form.loginName });
    expect(again.res.text).toContain('该登录账号已被注册');
    const weak = await registerPerson({ password: 'password', passwordConfirm: 'password' });
    expect(weak.res.text).toContain('密码需至少包含');
    const code = await registerPerson({ smsCode: '000000' });
    if (code.res.status === 422) expect(code.res.text).toMatch(/短信验证码/);
    const a = p.agent();
    const bad = await a.post('/register/sms-code', { phone: '12345' });
    expect(bad.status).toBe(422);
  });

  it('waits 60 s before sending another code', async () => {
    const a = p.agent();
    const phone = makePhone();
    expect((await a.post('/register/sms-code', { phone })).status).toBe(200);
    const again = await a.post('/register/sms-code', { phone });
    expect(again.status).toBe(429);
    expect(again.text).toMatch(/秒后再获取/);
  });
});

describe('login lockout', () => {
  it('warns after 2 failures, locks at the 6th for 2 hours, unlocks after', async () => {
    const u = await createUser(p.db);
    const a = p.agent();
    const from = ownAddress();
    await a.get('/login', from);
    const wrong = () => a.post('/login', { login: u.loginName, password: 'Wrong-pass1' }, { headers: from });
    expect((await wrong()).text).toContain('账号或密码错误');
    expect((await wrong()).text).toContain('再输错 4 次');
    await wrong();
    await wrong();
    expect((await wrong()).text).toContain('再输错 1 次');
    const locked = await wrong();
    expect(locked.status).toBe(423);
    expect(locked.text).toMatch(/冻结,请于 \d\d:\d\d 后再登录/);
    const right = await a.post('/login', { login: u.loginName, password: PASSWORD }, { headers: from });
    expect(right.status).toBe(423);
    p.clock.advance(2 * 60 * 60 * 1000 + 1000);
    try {
      await login(a, u);
    } finally {
      p.clock.advance(-(2 * 60 * 60 * 1000 + 1000));
    }
    const row = await p.db('users').where({ id: u.id }).first();
    expect(row.failed_logins).toBe(0);
    const events = await p.db('audit_log').where({ user_id: u.id }).select('event', 'result');
    expect(events).toEqual(expect.arrayContaining([{ event: 'lockout', result: 'success' }, { event: 'login', result: 'success' }]));
  });
});

describe('parallel guesses', () => {
  it('counts every one of 10 parallel wrong passwords and locks the account once', async () => {
    const u = await createUser(p.db);
    const from = ownAddress();
    const agents = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const a = p.agent();
        await a.get('/login', from);
        return a;
      }),
    );
    const results = await Promise.all(agents.map((a) => a.post('/login', { login: u.loginName, password: 'Wrong-pass1' }, { headers: from })));
    expect(results.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    const row = await p.db('users').where({ id: u.id }).first();
    expect(row.locked_until.getTime()).toBeGreaterThan(Date.now());
    // A guess refused at the door (the lock already set) was never checked, so it does not count.
    const turnedAway = await p.db('audit_log').where({ user_id: u.id, event: 'login', result: 'refused' });
    expect(row.failed_logins + turnedAway.length).toBe(10);
    expect(await p.db('audit_log').where({ user_id: u.id, event: 'lockout' })).toHaveLength(1);
    const right = await agents[0].post('/login', { login: u.loginName, password: PASSWORD }, { headers: from });
    expect(right.status).toBe(423);
  });

  it('lets 10 parallel wrong SMS codes use up at most 5 attempts, after which the right code is refused', async () => {
    const a = p.agent();
    await a.get('/register');
    const phone = makePhone();
    expect((await a.post('/register/sms-code', { phone })).status).toBe(200);
    const sms = await p.db('sms_codes').where({ phone }).first();
    const wrong = sms.code === '000000' ? '000001' : '000000';
    const form = (smsCode: string) => ({
      loginName: uniq('reg'),
      name: '王小明',
      idNumber: makeIdNumber(),
      phone,
      smsCode,
      password: 'Abcdef12!',
      passwordConfirm: 'Abcdef12!',
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => a.post('/register', form(wrong))));
    expect(results.every((r) => r.status === 422)).toBe(true);
    expect(results.filter((r) => r.text.includes('短信验证码不正确'))).toHaveLength(5);
    expect(results.filter((r) => r.text.includes('短信验证码错误次数过多'))).toHaveLength(5);
    expect((await p.db('sms_codes').where({ id: sms.id }).first()).attempts).toBe(5);
    const right = await a.post('/register', form(sms.code));
    expect(right.status).toBe(422);
    expect(right.text).toContain('短信验证码错误次数过多');
    expect(await p.db('users').where({ phone })).toHaveLength(0);
  });
});

describe('sessions', () => {
  it('password change ends older sessions; logout cannot be replayed', async () => {
    const u = await createUser(p.db);
    const a = p.agent();
    const b = p.agent();
    await login(a, u);
    await login(b, u);
    await a.get('/account/password');
    const bad = await a.post('/account/password', { oldPassword: 'nope', password: 'NewPass1!', passwordConfirm: 'NewPass1!' });
    expect(bad.text).toContain('原密码不正确');
    const ok = await a.post('/account/password', { oldPassword: PASSWORD, password: 'NewPass1!', passwordConfirm: 'NewPass1!' });
    expect(ok.text).toContain('密码已修改');
    expect((await a.get('/dashboard')).status).toBe(200);
    expect((await b.get('/dashboard')).status).toBe(303);

    const token = a.cookies.get('session')!;
    await a.post('/logout');
    const replay = p.agent();
    replay.cookies.set('session', token);
    expect((await replay.get('/dashboard')).status).toBe(303);
  });

  it('refuses alg none, a wrong secret and an expired token', async () => {
    const u = await createUser(p.db);
    const a = p.agent();
    await login(a, u);
    const claims = jwt.decode(a.cookies.get('session')!) as Record<string, unknown>;
    const forge = (token: string) => {
      const x = p.agent();
      x.cookies.set('session', token);
      return x.get('/dashboard');
    };
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect((await forge(none)).status).toBe(303);
    expect((await forge(jwt.sign({ sid: claims.sid, sub: claims.sub }, 'another-secret-of-enough-length-xxxxxxxx'))).status).toBe(303);
    const expired = jwt.sign({ sid: claims.sid, sub: claims.sub, iat: 1000, exp: 2000 }, TEST_JWT_SECRET);
    expect((await forge(expired)).status).toBe(303);
    expect((await forge(a.cookies.get('session')!)).status).toBe(200);
  });

  it('idles out after 30 minutes without a request', async () => {
    const u = await createUser(p.db);
    const a = p.agent();
    await login(a, u);
    p.clock.advance(31 * 60 * 1000);
    try {
      expect((await a.get('/dashboard')).status).toBe(303);
    } finally {
      p.clock.advance(-31 * 60 * 1000);
    }
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request without or with a wrong token', async () => {
    const u = await createUser(p.db);
    const a = p.agent();
    await login(a, u);
    expect((await a.post('/logout', {}, { csrf: null })).status).toBe(403);
    expect((await a.post('/logout', {}, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await a.get('/dashboard')).status).toBe(200);
  });
});

describe('first-login password change', () => {
  it('sends a user with an initial password to the change page first', async () => {
    const u = await createUser(p.db, { mustChangePassword: true });
    const a = p.agent();
    await login(a, u);
    const res = await a.get('/dashboard');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account/password');
  });
});
