import { startPlatform, type TestPlatform } from '../helpers/platform';
import { login, uniq } from '../helpers/fixtures';
import { createPlatformAdmin } from '../../bin/createAdmin';
import { DEMO_ACCOUNTS, DEMO_AUTHORITY, DEMO_INSTITUTION, seedDemo } from '../../bin/seedDemo';

let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

describe('npm run admin:create', () => {
  it('creates a platform admin who can log in and reach 平台管理', async () => {
    const loginName = uniq('padmin');
    const result = await createPlatformAdmin(p.db, { login: loginName, name: '省平台管理员', password: 'Adm1n!pass' });
    expect(result.ok).toBe(true);
    const row = await p.db('users').where({ login_name: loginName }).first();
    expect(row).toMatchObject({ role: 'platform_admin', name: '省平台管理员', status: 'active' });
    expect(row.password_hash).toMatch(/^scrypt\$/);
    const a = p.agent();
    await login(a, { loginName, password: 'Adm1n!pass' });
    expect((await a.get('/platform/orgs')).status).toBe(200);
  });

  it('applies the password policy and the login rule, and refuses a taken login', async () => {
    const weak = await createPlatformAdmin(p.db, { login: uniq('padmin'), name: '管理员', password: 'password1' });
    expect(weak).toEqual({ ok: false, errors: { password: '密码需至少包含大写字母、小写字母、数字、符号中的三种' } });
    const bad = await createPlatformAdmin(p.db, { login: '9lives', name: '', password: 'Adm1n!pass' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['login', 'name']);
    const loginName = uniq('padmin');
    expect((await createPlatformAdmin(p.db, { login: loginName, name: '甲', password: 'Adm1n!pass' })).ok).toBe(true);
    expect(await createPlatformAdmin(p.db, { login: loginName, name: '乙', password: 'Adm1n!pass' })).toEqual({ ok: false, errors: { login: '该登录账号已被注册' } });
    expect(await p.db('users').where({ login_name: loginName }).count('* as n').first()).toEqual({ n: 1 });
  });
});

describe('npm run seed:demo', () => {
  it('fills the demo once, however often it runs, and every printed login works', async () => {
    const first = await seedDemo(p.db, { password: 'Demo#1111abcd' });
    const second = await seedDemo(p.db);
    expect(second.map((l) => l.login)).toEqual(DEMO_ACCOUNTS.map((a) => a.login));

    const logins = DEMO_ACCOUNTS.map((a) => a.login);
    expect(await p.db('users').whereIn('login_name', logins).count('* as n').first()).toEqual({ n: logins.length });
    expect(await p.db('reviewer_orgs').where({ name: DEMO_AUTHORITY.name }).count('* as n').first()).toEqual({ n: 1 });
    expect(await p.db('institutions').where({ name: DEMO_INSTITUTION.name }).count('* as n').first()).toEqual({ n: 1 });

    const users = Object.fromEntries(
      (await p.db('users as u').leftJoin('reviewer_orgs as o', 'o.id', 'u.org_id').leftJoin('institutions as i', 'i.id', 'u.institution_id').whereIn('u.login_name', logins)
        .select('u.login_name', 'u.role', 'o.name as org', 'o.region_code', 'i.status as inst_status', 'i.region_code as inst_region')).map((u) => [u.login_name, u]),
    );
    expect(users.demo_fz_reviewer).toMatchObject({ role: 'reviewer', region_code: '350100' });
    expect(users.demo_xm_reviewer).toMatchObject({ role: 'reviewer', region_code: '350200' });
    expect(users.demo_wjw_reviewer).toMatchObject({ role: 'reviewer', org: DEMO_AUTHORITY.name });
    expect(users.demo_auditor.role).toBe('auditor');
    expect(users.demo_admin.role).toBe('platform_admin');
    expect(users.demo_inst_admin).toMatchObject({ role: 'institution_admin', inst_status: 'active', inst_region: '350100' });
    expect(users.demo_applicant).toMatchObject({ role: 'applicant', inst_status: null });

    // 培训班申报 can be tried at once: the demo institution has its base data, once.
    const instId = (await p.db('institutions').where({ name: DEMO_INSTITUTION.name }).first('id')).id;
    const n = async (table: string) => Number((await p.db(table).where({ institution_id: instId }).count('* as n').first())!.n);
    expect({ teachers: await n('teachers'), courses: await n('courses'), sites: await n('training_sites'), platforms: await n('online_platforms') })
      .toEqual({ teachers: 2, courses: 4, sites: 1, platforms: 1 });
    expect(await p.db('course_teachers as ct').join('courses as c', 'c.id', 'ct.course_id').where('c.institution_id', instId).count('* as n').first()).toEqual({ n: 4 });

    // The second run set new passwords: those log in, the first run's do not.
    for (const l of second) {
      const a = p.agent();
      await login(a, { loginName: l.login, password: l.password });
      expect((await a.get('/dashboard')).status).toBe(200);
    }
    const old = p.agent();
    await old.get('/login');
    expect((await old.post('/login', { login: first[0].login, password: first[0].password })).status).toBe(401);
  });

  it('refuses a demo password that breaks the policy', async () => {
    await expect(seedDemo(p.db, { password: 'demo' })).rejects.toThrow(/--password/);
  });
});
