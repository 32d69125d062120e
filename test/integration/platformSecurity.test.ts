import { randomInt, randomUUID } from 'node:crypto';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createUser, uniq } from '../helpers/fixtures';
import type { Agent } from '../helpers/agent';
import { IP_FAILURE_LIMIT } from '../../web/auth/login';
import { sweepShortLived } from '../../db/housekeeping';

/** Login defences with the captcha ON, as in production. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false, env: { AUTH_CAPTCHA: 'on' } });
});
afterAll(() => p.close());

/** Each test speaks from its own address (the app trusts X-Forwarded-For from loopback only). */
const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function loginPage(agent: Agent, ip: string) {
  const page = await agent.get('/login', { 'X-Forwarded-For': ip });
  const id = page.text.match(/name="captchaId" value="([0-9a-f-]{36})"/)?.[1];
  expect(id).toBeDefined();
  const row = await p.db('captchas').where({ id }).first();
  return { captchaId: id!, answer: row.answer as string };
}

describe('image captcha', () => {
  it('is drawn by the library as an SVG on the login page', async () => {
    const page = await p.agent().get('/login');
    expect(page.text).toMatch(/<svg[^>]*>/);
    expect(page.text).toContain('验证码');
  });

  it('refuses a wrong answer before looking at the password', async () => {
    const user = await createUser(p.db);
    const a = p.agent();
    const ip = newIp();
    const { captchaId } = await loginPage(a, ip);
    const res = await a.post('/login', { login: user.loginName, password: user.password, captchaId, captcha: 'zzzz' }, { headers: { 'X-Forwarded-For': ip } });
    expect(res.status).toBe(422);
    expect(res.text).toContain('验证码错误或已过期');
    expect((await p.db('users').where({ id: user.id }).first()).failed_logins).toBe(0);
  });

  it('lets the right answer in once: the same captcha cannot be used again', async () => {
    const user = await createUser(p.db);
    const ip = newIp();
    const a = p.agent();
    const { captchaId, answer } = await loginPage(a, ip);
    const ok = await a.post('/login', { login: user.loginName, password: user.password, captchaId, captcha: answer.toUpperCase() }, { headers: { 'X-Forwarded-For': ip } });
    expect(ok.status).toBe(303);
    expect((await p.db('captchas').where({ id: captchaId }).first()).used_at).not.toBeNull();

    const replay = p.agent();
    await replay.get('/login', { 'X-Forwarded-For': ip });
    const again = await replay.post('/login', { login: user.loginName, password: user.password, captchaId, captcha: answer }, { headers: { 'X-Forwarded-For': ip } });
    expect(again.status).toBe(422);
    expect(again.text).toContain('验证码错误或已过期');
  });

  it('refuses an expired captcha even with the right answer', async () => {
    const user = await createUser(p.db);
    const ip = newIp();
    const a = p.agent();
    const { captchaId, answer } = await loginPage(a, ip);
    p.clock.advance(4 * 60 * 1000);
    try {
      const res = await a.post('/login', { login: user.loginName, password: user.password, captchaId, captcha: answer }, { headers: { 'X-Forwarded-For': ip } });
      expect(res.status).toBe(422);
      expect(res.text).toContain('验证码错误或已过期');
    } finally {
      p.clock.advance(-4 * 60 * 1000);
    }
  });
});

describe('per-address rate limit', () => {
  it(`refuses an address after ${IP_FAILURE_LIMIT} failures over several accounts, even with a right password`, async () => {
    const ip = newIp();
    const victims = await Promise.all([1, 2, 3, 4].map(() => createUser(p.db)));
    const bystander = await createUser(p.db);
    const a = p.agent();
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      const v = victims[i % victims.length];
      const { captchaId, answer } = await loginPage(a, ip);
      const res = await a.post('/login', { login: v.loginName, password: 'Wrong-pass1', captchaId, captcha: answer }, { headers: { 'X-Forwarded-For': ip } });
      expect(res.status).toBe(401);
    }
    // 5 failures each: none of the accounts got locked on the way.
    for (const v of victims) expect((await p.db('users').where({ id: v.id }).first()).locked_until).toBeNull();

    const { captchaId, answer } = await loginPage(a, ip);
    const refused = await a.post('/login', { login: bystander.loginName, password: bystander.password, captchaId, captcha: answer }, { headers: { 'X-Forwarded-For': ip } });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('登录失败次数过多');
    const row = await p.db('audit_log').where({ event: 'login', result: 'refused', ip, login: bystander.loginName }).first();
    expect(row.detail).toMatchObject({ reason: 'ip_rate_limit' });

    // Another address is not affected.
    const other = p.agent();
    const otherIp = newIp();
    const fresh = await loginPage(other, otherIp);
    const ok = await other.post('/login', { login: bystander.loginName, password: bystander.password, captchaId: fresh.captchaId, captcha: fresh.answer }, { headers: { 'X-Forwarded-For': otherIp } });
    expect(ok.status).toBe(303);
  });

  it('counts a burst of parallel guesses one by one: exactly the limit is tried, the rest refused', async () => {
    const ip = newIp();
    const victims = await Promise.all(Array.from({ length: 8 }, () => createUser(p.db)));
    const a = p.agent();
    const burst = IP_FAILURE_LIMIT + 10;
    const pages = [];
    for (let i = 0; i < burst; i++) pages.push(await loginPage(a, ip));
    const results = await Promise.all(pages.map(({ captchaId, answer }, i) =>
      a.post('/login', { login: victims[i % victims.length].loginName, password: 'Wrong-pass1', captchaId, captcha: answer }, { headers: { 'X-Forwarded-For': ip } })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(IP_FAILURE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const tried = await p.db('audit_log').where({ event: 'login', result: 'failure', ip }).count<{ count: string }[]>('* as count');
    expect(Number(tried[0].count)).toBe(IP_FAILURE_LIMIT);
    // Nothing is left undecided once the answers are out.
    const pending = await p.db('login_attempts').where({ ip, outcome: 'pending' }).count<{ count: string }[]>('* as count');
    expect(Number(pending[0].count)).toBe(0);
  });
});

describe('response headers', () => {
  it('forbid inline script, framing and content sniffing on every page', async () => {
    for (const path of ['/login', '/register', '/no-such-page']) {
      const res = await p.agent().get(path);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // Nothing on the page itself needs what the policy refuses.
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)|\son[a-z]+="/i);
    }
  });

  it('keep signed-in pages out of the browser cache', async () => {
    const user = await createUser(p.db);
    const ip = newIp();
    const a = p.agent();
    const { captchaId, answer } = await loginPage(a, ip);
    expect((await a.post('/login', { login: user.loginName, password: user.password, captchaId, captcha: answer }, { headers: { 'X-Forwarded-For': ip } })).status).toBe(303);
    expect((await a.get('/account')).headers.get('cache-control')).toBe('no-store');
    expect((await p.agent().get('/static/app.css')).headers.get('cache-control')).toContain('max-age');
  });
});

describe('housekeeping', () => {
  it('sweeps expired captchas, old SMS codes, old sign-in attempts and ended sessions, and nothing still in use', async () => {
    const now = new Date();
    const ago = (h: number) => new Date(now.getTime() - h * 3600_000);
    const ip = newIp();
    const phone = `139${String(randomInt(1e8)).padStart(8, '0')}`;
    const [oldCaptcha, freshCaptcha] = [randomUUID(), randomUUID()];
    await p.db('captchas').insert([{ id: oldCaptcha, answer: 'abcd', expires_at: ago(2) }, { id: freshCaptcha, answer: 'abcd', expires_at: ago(-0.05) }]);
    await p.db('sms_codes').insert([
      { phone, purpose: 'register', code: '111111', created_at: ago(50), expires_at: ago(49.9) },
      { phone, purpose: 'register', code: '222222', created_at: ago(1), expires_at: ago(0.9) },
    ]);
    await p.db('login_attempts').insert([{ ip, at: ago(25), outcome: 'failure' }, { ip, at: ago(0.1), outcome: 'failure' }]);
    const user = await createUser(p.db);
    const [ended, live] = [randomUUID(), randomUUID()];
    await p.db('sessions').insert([{ id: ended, user_id: user.id, created_at: ago(3), revoked_at: ago(2) }, { id: live, user_id: user.id, created_at: ago(3) }]);

    const swept = await sweepShortLived(p.db, now);
    expect(swept.captchas).toBeGreaterThanOrEqual(1);
    expect(await p.db('captchas').whereIn('id', [oldCaptcha, freshCaptcha]).pluck('id')).toEqual([freshCaptcha]);
    expect(await p.db('sms_codes').where({ phone }).pluck('code')).toEqual(['222222']);
    expect(await p.db('login_attempts').where({ ip }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await p.db('sessions').where({ user_id: user.id }).pluck('id')).toEqual([live]);
  });
});

describe('audit log', () => {
  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    const event = uniq('test.append_only');
    const [row] = await p.db('audit_log').insert({ event, result: 'success' }).returning('id');
    await expect(p.db('audit_log').where({ id: row.id }).update({ result: 'failure' })).rejects.toThrow(/append-only/);
    await expect(p.db('audit_log').where({ id: row.id }).delete()).rejects.toThrow(/append-only/);
    expect((await p.db('audit_log').where({ id: row.id }).first()).result).toBe('success');
  });

  it('records logins with time, user, address, event and result', async () => {
    const user = await createUser(p.db);
    const ip = newIp();
    const a = p.agent();
    const c1 = await loginPage(a, ip);
    await a.post('/login', { login: user.loginName, password: 'Wrong-pass1', captchaId: c1.captchaId, captcha: c1.answer }, { headers: { 'X-Forwarded-For': ip } });
    const c2 = await loginPage(a, ip);
    await a.post('/login', { login: user.loginName, password: user.password, captchaId: c2.captchaId, captcha: c2.answer }, { headers: { 'X-Forwarded-For': ip } });
    const rows = await p.db('audit_log').where({ user_id: user.id, event: 'login' }).orderBy('id');
    expect(rows.map((r) => r.result)).toEqual(['failure', 'success']);
    for (const r of rows) {
      expect(r.ip).toBe(ip);
      expect(r.at).toBeInstanceOf(Date);
    }
  });
});
