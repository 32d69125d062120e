import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, createUser, login, makeIdNumber, makePhone, uniq, type TestUser } from '../helpers/fixtures';
import type { Agent } from '../helpers/agent';
import { Client } from 'pg';
import { createDb, migrateLatest } from '../../db/knex';

let p: TestPlatform;
let admin: TestUser;
let a: Agent;

beforeAll(async () => {
  p = await startPlatform({ worker: false });
  admin = await createUser(p.db, { role: 'platform_admin', name: '平台管理员' });
  a = p.agent();
  await login(a, admin);
});
afterAll(() => p.close());

const ROUTES: Array<['get' | 'post', string]> = [
  ['get', '/platform/institutions'],
  ['get', '/platform/institutions/completion'],
  ['post', '/platform/institutions/completion'],
  ['post', '/platform/institutions/1/completion'],
  ['get', '/platform/orgs'],
  ['get', '/platform/orgs/new'],
  ['post', '/platform/orgs'],
  ['get', '/platform/accounts'],
  ['get', '/platform/accounts/new'],
  ['post', '/platform/accounts'],
  ['post', '/platform/accounts/1/status'],
  ['get', '/platform/sms'],
];

describe('who may use 平台管理', () => {
  it('refuses institution admins, reviewers and auditors with 403, and sends strangers to log in', async () => {
    const inst = await createInstitution(p.db);
    const reviewer = await createReviewer(p.db, '350100');
    const auditor = await createUser(p.db, { role: 'auditor' });
    for (const u of [inst.admin, reviewer, auditor]) {
      const other = p.agent();
      await login(other, u);
      for (const [method, path] of ROUTES) {
        const res = method === 'get' ? await other.get(path) : await other.post(path, { name: uniq('x'), action: 'disable' });
        expect([path, res.status]).toEqual([path, 403]);
      }
      expect((await other.get('/dashboard')).text).not.toContain('平台管理');
    }
    const stranger = p.agent();
    const res = await stranger.get('/platform/orgs');
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/login\?next=/);
    const post = await stranger.post('/platform/orgs', { name: uniq('x') });
    expect(post.status).toBe(401);
  });

  it('shows the 平台管理 section in the admin navigation', async () => {
    const res = await a.get('/dashboard');
    expect(res.text).toContain('平台管理');
    expect(res.text).toContain('机构管理');
    for (const href of ['/platform/institutions', '/platform/orgs', '/platform/accounts', '/platform/sms']) expect(res.text).toContain(`href="${href}"`);
  });
});

describe('reviewer organisations', () => {
  it('lists the HR bureaus of every region', async () => {
    const res = await a.get('/platform/orgs?kind=hr_bureau');
    expect(res.status).toBe(200);
    for (const name of ['福建省人力资源和社会保障厅', '福州市人力资源和社会保障局', '厦门市人力资源和社会保障局', '平潭综合实验区社会事业局']) {
      expect(res.text).toContain(name);
    }
  });

  it('creates an industry authority with its industry, and audits it', async () => {
    const name = `福建省${uniq('')}行业主管部门`;
    const res = await a.post('/platform/orgs', { kind: 'industry_authority', name, industry: '卫生健康' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/platform/orgs?done=created');
    const org = await p.db('reviewer_orgs').where({ name }).first();
    expect(org).toMatchObject({ kind: 'industry_authority', industry: '卫生健康', region_code: null });
    const logged = await p.db('audit_log').where({ event: 'platform.org_create', org_id: org.id }).first();
    expect(logged).toMatchObject({ user_id: admin.id, result: 'success' });
    const list = await a.get(`/platform/orgs?q=${encodeURIComponent(name)}`, { 'HX-Request': 'true' });
    expect(list.text).toContain(name);
    expect(list.text).not.toContain('<html');
  });

  it('names each wrong field in Chinese, keeps the typed values and saves nothing', async () => {
    const name = `测试${uniq('')}卫健委`;
    const missing = await a.post('/platform/orgs', { kind: 'industry_authority', name, industry: '' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('请填写所属行业');
    expect(missing.text).toContain(`value="${name}"`);

    const noName = await a.post('/platform/orgs', { kind: 'industry_authority', name: '  ', industry: '交通运输' });
    expect(noName.text).toContain('请填写单位名称');
    expect(noName.text).toContain('value="交通运输"');

    const badKind = await a.post('/platform/orgs', { kind: 'ministry', name, industry: '交通运输' });
    expect(badKind.text).toContain('请选择单位类型');

    const taken = await a.post('/platform/orgs', { kind: 'industry_authority', name: '福州市人力资源和社会保障局', industry: '人社' });
    expect(taken.text).toContain('该单位名称已存在');

    // Every region has its bureau already (migration 003): a second one is refused at the region field.
    const bureau = await a.post('/platform/orgs', { kind: 'hr_bureau', name: `${uniq('')}人社局`, regionCode: '350100' });
    expect(bureau.status).toBe(422);
    expect(bureau.text).toContain('该地区已有属地人社局');
    const noRegion = await a.post('/platform/orgs', { kind: 'hr_bureau', name: `${uniq('')}人社局`, regionCode: '' });
    expect(noRegion.text).toContain('请选择所辖地区');

    expect(await p.db('reviewer_orgs').where({ name }).first()).toBeUndefined();
  });
});

describe('reviewer and auditor accounts', () => {
  const person = (over: Record<string, string> = {}) => {
    const pw = 'Init1al!pw';
    return { role: 'reviewer', loginName: uniq('rev'), name: '林审核', idNumber: makeIdNumber(), phone: makePhone(), password: pw, passwordConfirm: pw, ...over };
  };

  it('creates a reviewer of an organisation who must change the initial password at first login', async () => {
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350200' }).first();
    const form = person({ orgId: String(org.id) });
    const res = await a.post('/platform/accounts', form);
    expect(res.status).toBe(303);
    const row = await p.db('users').where({ login_name: form.loginName }).first();
    expect(row).toMatchObject({ role: 'reviewer', org_id: org.id, must_change_password: true, id_number: form.idNumber, status: 'active' });
    expect(row.password_hash).not.toContain(form.password);
    expect(await p.db('audit_log').where({ event: 'platform.account_create', user_id: admin.id }).whereRaw("detail->>'accountId' = ?", [String(row.id)]).first()).toBeTruthy();

    const reviewer = p.agent();
    await login(reviewer, { loginName: form.loginName, password: form.password });
    const first = await reviewer.get('/dashboard');
    expect(first.status).toBe(303);
    expect(first.location).toBe('/account/password');

    const list = await a.get(`/platform/accounts?q=${form.loginName}`);
    expect(list.text).toContain(form.loginName);
    expect(list.text).toContain('厦门市人力资源和社会保障局');
    expect(list.text).toContain('待修改初始密码');
  });

  it('creates an auditor without an organisation', async () => {
    const form = person({ role: 'auditor', orgId: '' });
    expect((await a.post('/platform/accounts', form)).status).toBe(303);
    expect(await p.db('users').where({ login_name: form.loginName }).first()).toMatchObject({ role: 'auditor', org_id: null, must_change_password: true });
  });

  it('names each wrong field in Chinese, keeps the typed values and saves nothing', async () => {
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    const cases: Array<[Record<string, string>, string]> = [
      [{ orgId: '' }, '请选择审核员所属的审核单位'],
      [{ orgId: '999999999' }, '所选审核单位不存在'],
      [{ idNumber: '110105194912310021' }, '身份证号码校验位不正确'],
      [{ phone: '12345678901' }, '手机号格式不正确'],
      [{ loginName: '1abc' }, '登录账号应为4-32位字母、数字或下划线'],
      [{ name: '' }, '请填写姓名'],
      [{ password: 'password', passwordConfirm: 'password' }, '初始密码需至少包含'],
      [{ passwordConfirm: 'Other1!pw' }, '两次输入的密码不一致'],
      [{ role: 'platform_admin' }, '请选择账号类型'],
      [{ loginName: admin.loginName }, '该登录账号已被注册'],
      [{ idNumber: admin.idNumber }, '该身份证号码已注册'],
      [{ phone: admin.phone }, '该手机号已注册'],
    ];
    for (const [over, message] of cases) {
      const form = person({ orgId: String(org.id), name: '陈<b>粗体</b>', ...over });
      const res = await a.post('/platform/accounts', form);
      expect([message, res.status]).toEqual([message, 422]);
      expect(res.text).toContain(message);
      if (over.loginName === undefined) expect(res.text).toContain(`value="${form.loginName}"`);
      if (over.name === undefined) expect(res.text).toContain('陈&lt;b&gt;粗体&lt;/b&gt;');
      if (over.loginName !== admin.loginName) expect(await p.db('users').where({ login_name: form.loginName }).first()).toBeUndefined();
    }
  });

  it('disables an account (its sessions end, it cannot log in) and enables it again', async () => {
    const reviewer = await createReviewer(p.db, '350500');
    const session = p.agent();
    await login(session, reviewer);
    expect((await session.get('/account')).status).toBe(200);

    const off = await a.post(`/platform/accounts/${reviewer.id}/status`, { action: 'disable' });
    expect(off.status).toBe(303);
    expect(off.location).toBe('/platform/accounts?done=disabled');
    expect((await p.db('users').where({ id: reviewer.id }).first()).status).toBe('disabled');
    expect((await session.get('/account')).status).toBe(303);
    const again = p.agent();
    await again.get('/login');
    const refused = await again.post('/login', { login: reviewer.loginName, password: reviewer.password });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('账号已停用');

    expect((await a.post(`/platform/accounts/${reviewer.id}/status`, { action: 'enable' })).status).toBe(303);
    await login(p.agent(), reviewer);
    const events = await p.db('audit_log').where({ user_id: admin.id }).whereRaw("detail->>'accountId' = ?", [String(reviewer.id)]).pluck('event');
    expect(events).toEqual(expect.arrayContaining(['platform.account_disable', 'platform.account_enable']));
  });

  it('changes only reviewer and auditor accounts: any other id is not found', async () => {
    const inst = await createInstitution(p.db);
    const res = await a.post(`/platform/accounts/${inst.admin.id}/status`, { action: 'disable' });
    expect(res.status).toBe(404);
    expect((await p.db('users').where({ id: inst.admin.id }).first()).status).toBe('active');
    expect((await a.post(`/platform/accounts/${admin.id}/status`, { action: 'disable' })).status).toBe(404);
    expect((await a.post('/platform/accounts/abc/status', { action: 'disable' })).status).toBe(404);
    const reviewer = await createReviewer(p.db);
    expect((await a.post(`/platform/accounts/${reviewer.id}/status`, { action: 'delete' })).status).toBe(422);
  });

  it('filters the list by type and organisation, as a fragment for htmx', async () => {
    const reviewer = await createReviewer(p.db, '350900');
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350900' }).first();
    const byOrg = await a.get(`/platform/accounts?orgId=${org.id}&role=reviewer`, { 'HX-Request': 'true' });
    expect(byOrg.text).toContain(reviewer.loginName);
    expect(byOrg.text).not.toContain('<html');
    const auditors = await a.get(`/platform/accounts?role=auditor&q=${reviewer.loginName}`);
    expect(auditors.text).not.toContain(`<td>${reviewer.loginName}</td>`);
    expect(byOrg.text).toContain(`<td>${reviewer.loginName}</td>`);
  });
});

describe('SMS outbox', () => {
  it('shows messages newest first, searchable by phone or its first digits', async () => {
    const phone = makePhone();
    await p.deps.sms.send(phone, `第一条${uniq('')}`);
    await p.deps.sms.send(phone, '第二条短信');
    const res = await a.get(`/platform/sms?phone=${phone}`);
    expect(res.status).toBe(200);
    const i1 = res.text.indexOf('第二条短信');
    const i2 = res.text.indexOf('第一条');
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    const prefix = await a.get(`/platform/sms?phone=${phone.slice(0, 9)}`, { 'HX-Request': 'true' });
    expect(prefix.text).toContain(phone);
    expect(prefix.text).not.toContain('<html');
    const other = await a.get(`/platform/sms?phone=${phone.slice(0, 3)}00000000`);
    expect(other.text).not.toContain('第二条短信');
    const bad = await a.get('/platform/sms?phone=abc');
    expect(bad.text).toContain('请输入手机号或其前几位数字');
  });

  it('holds the registration codes a person asks for', async () => {
    const phone = makePhone();
    const visitor = p.agent();
    await visitor.get('/register');
    expect((await visitor.post('/register/sms-code', { phone })).status).toBe(200);
    const code = await p.db('sms_codes').where({ phone }).first();
    const res = await a.get(`/platform/sms?phone=${phone}`);
    expect(res.text).toContain(code.code);
  });
});

/** The table row (its HTML) that mentions `text`, or '' when none does. */
const rowOf = (html: string, text: string) => html.match(/<tr>[\s\S]*?<\/tr>/g)?.find((r) => r.includes(text)) ?? '';

const addPlatform = (db: TestPlatform['db'], institutionId: number, enabled = true) =>
  db('online_platforms').insert({
    institution_id: institutionId,
    name: `网授平台${uniq('')}`,
    url: 'https://learn.example.com',
    operator: '某公司',
    contact_name: '钱七',
    contact_phone: makePhone(),
    enabled,
  });

const completionAudits = (db: TestPlatform['db'], institutionId: number) =>
  db('audit_log').where({ event: 'institution_completion_flag', institution_id: institutionId }).orderBy('id');

describe('机构管理: one institution', () => {
  it('lists institutions with region, status, online platforms and the flag; searches by name or credit code, filters by status', async () => {
    const active = await createInstitution(p.db, { regionCode: '350200' });
    await addPlatform(p.db, active.id);
    await addPlatform(p.db, active.id, false);
    const pending = await createInstitution(p.db, { status: 'pending' });
    const { credit_code: code } = await p.db('institutions').where({ id: active.id }).first('credit_code');

    const byName = await a.get(`/platform/institutions?q=${encodeURIComponent(active.name)}`);
    expect(byName.status).toBe(200);
    const row = rowOf(byName.text, active.name);
    for (const cell of [code, '厦门市', '正常', '<td class="num">2 <span class="muted">(启用 1)</span></td>', '<td>否</td>', '要求完善信息']) expect(row).toContain(cell);
    expect(byName.text).not.toContain(pending.name);

    // Part of the code, typed in lower case, finds it too; as an htmx fragment.
    const byCode = await a.get(`/platform/institutions?q=${code.slice(4, 14).toLowerCase()}`, { 'HX-Request': 'true' });
    expect(byCode.text).toContain(active.name);
    expect(byCode.text).not.toContain('<html');

    const pendingRow = rowOf((await a.get(`/platform/institutions?q=${encodeURIComponent(pending.name)}&status=pending`)).text, pending.name);
    expect(pendingRow).toContain('待审核');
    expect(pendingRow).not.toContain('要求完善信息');
    const activeOnly = await a.get(`/platform/institutions?q=${encodeURIComponent(pending.name)}&status=active`);
    expect(rowOf(activeOnly.text, pending.name)).toContain(`没有符合“${pending.name}”的机构`);
    expect((await a.get('/platform/institutions?q=%25%25')).text).toContain('没有符合“%%”的机构');
  });

  it('requires an institution to complete its information after a confirmation, audited; its admin must then complete it; 取消要求 lifts it', async () => {
    const inst = await createInstitution(p.db);
    const instAdmin = p.agent();
    await login(instAdmin, inst.admin);
    expect((await instAdmin.get('/dashboard')).status).toBe(200);

    // Without the hx-confirm answer a page asks first, and nothing changes yet.
    const ask = await a.post(`/platform/institutions/${inst.id}/completion`, { action: 'require' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain(`确定要求“${inst.name}”`);
    expect((await p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(false);

    const res = await a.post(`/platform/institutions/${inst.id}/completion`, { action: 'require', confirm: '1' });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/platform\/institutions\?q=\w+&done=required$/);
    expect((await p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(true);
    const list = await a.get(res.location!);
    expect(list.text).toContain('已要求该机构完善信息');
    const row = rowOf(list.text, inst.name);
    expect(row).toContain('<span class="badge pending">是</span>');
    expect(row).toContain('取消要求');
    const [flagged] = await completionAudits(p.db, inst.id);
    expect(flagged).toMatchObject({ user_id: admin.id, result: 'success', detail: { institutionId: inst.id, flagged: true } });

    // Its admin, already signed in, is sent to 完善机构信息 on the next request.
    const sent = await instAdmin.get('/dashboard');
    expect(sent.status).toBe(303);
    expect(sent.location).toBe('/profile/complete');
    expect((await instAdmin.get('/profile/complete')).text).toContain('完善机构信息');

    // Asked again: already so, nothing new is recorded.
    expect((await a.post(`/platform/institutions/${inst.id}/completion`, { action: 'require', confirm: '1' })).location).toMatch(/done=already$/);
    expect(await completionAudits(p.db, inst.id)).toHaveLength(1);

    const off = await a.post(`/platform/institutions/${inst.id}/completion`, { action: 'cancel' });
    expect(off.status).toBe(303);
    expect(off.location).toMatch(/done=cancelled$/);
    expect((await p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(false);
    const audits = await completionAudits(p.db, inst.id);
    expect(audits.map((x) => x.detail)).toEqual([
      { institutionId: inst.id, flagged: true },
      { institutionId: inst.id, flagged: false },
    ]);
    expect((await instAdmin.get('/dashboard')).status).toBe(200);
  });

  it('refuses a pending institution, unknown or non-numeric ids and unknown actions, changing nothing', async () => {
    const pending = await createInstitution(p.db, { status: 'pending' });
    const forms: Array<Record<string, string>> = [{ action: 'require', confirm: '1' }, { action: 'require' }];
    for (const form of forms) {
      const res = await a.post(`/platform/institutions/${pending.id}/completion`, form);
      expect(res.status).toBe(409);
      expect(res.text).toContain('只能要求已审核通过(状态正常)的机构完善信息');
      expect(res.text).toContain('待审核');
    }
    expect((await p.db('institutions').where({ id: pending.id }).first()).needs_completion).toBe(false);
    expect(await completionAudits(p.db, pending.id)).toHaveLength(0);

    const inst = await createInstitution(p.db);
    for (const id of ['abc', '1e3', '-1', '99999999999', '1234567890123456789']) {
      expect([id, (await a.post(`/platform/institutions/${id}/completion`, { action: 'require', confirm: '1' })).status]).toEqual([id, 404]);
    }
    expect((await a.post(`/platform/institutions/${inst.id}/completion`, { action: 'delete', confirm: '1' })).status).toBe(422);
    expect((await p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(false);
    expect(await completionAudits(p.db, inst.id)).toHaveLength(0);
  });

  it('refuses institution admins and reviewers with 403, changing nothing', async () => {
    const inst = await createInstitution(p.db);
    const flaggedOne = await createInstitution(p.db, { needsCompletion: true });
    await addPlatform(p.db, inst.id);
    for (const u of [inst.admin, await createReviewer(p.db)]) {
      const other = p.agent();
      await login(other, u);
      expect((await other.get('/platform/institutions')).status).toBe(403);
      expect((await other.post(`/platform/institutions/${inst.id}/completion`, { action: 'require', confirm: '1' })).status).toBe(403);
      expect((await other.post(`/platform/institutions/${flaggedOne.id}/completion`, { action: 'cancel' })).status).toBe(403);
      expect((await other.post('/platform/institutions/completion', { count: '1' })).status).toBe(403);
    }
    expect((await p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(false);
    expect((await p.db('institutions').where({ id: flaggedOne.id }).first()).needs_completion).toBe(true);
    expect(await completionAudits(p.db, inst.id)).toHaveLength(0);
  });
});

/**
 * The bulk action flags every connected institution in the database. On the run's shared
 * database it would flag those of the test files running alongside too (their admins sent
 * to 完善机构信息 mid-test), so it runs on a database of its own.
 */
async function platformOnOwnDatabase(): Promise<{ p: TestPlatform; drop(): Promise<void> }> {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_bulk${process.pid}`;
  const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = new Client({ connectionString: adminUrl });
  await pg.connect();
  await pg.query(`CREATE DATABASE ${name}`);
  await pg.end();
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  await migrateLatest(db);
  await db.destroy();
  const shared = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = url.toString();
  // startPlatform reads the URL before its first await.
  const started = startPlatform({ worker: false });
  process.env.TEST_DATABASE_URL = shared;
  const own = await started;
  return {
    p: own,
    async drop() {
      await own.close();
      if (process.env.KEEP_TEST_DB) return;
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

describe('机构管理: all institutions connected to an online platform', () => {
  let own: Awaited<ReturnType<typeof platformOnOwnDatabase>>;
  beforeAll(async () => {
    own = await platformOnOwnDatabase();
  });
  afterAll(() => own?.drop());

  it('flags only active, unflagged institutions with an enabled online platform, after confirming their count, in one audit entry', async () => {
    const q = own.p;
    const boss = await createUser(q.db, { role: 'platform_admin' });
    const b = q.agent();
    await login(b, boss);
    const connected = [await createInstitution(q.db), await createInstitution(q.db, { regionCode: '350500' })];
    for (const i of connected) await addPlatform(q.db, i.id);
    await addPlatform(q.db, connected[1].id, false);
    const disabledOnly = await createInstitution(q.db);
    await addPlatform(q.db, disabledOnly.id, false);
    const none = await createInstitution(q.db);
    const pending = await createInstitution(q.db, { status: 'pending' });
    await addPlatform(q.db, pending.id);
    const withdrawn = await createInstitution(q.db, { status: 'withdrawn' });
    await addPlatform(q.db, withdrawn.id);
    const already = await createInstitution(q.db, { needsCompletion: true });
    await addPlatform(q.db, already.id);
    const flagOf = async (id: number) => (await q.db('institutions').where({ id }).first()).needs_completion;
    const bulkAudits = () => q.db('audit_log').where({ event: 'institution_completion_flag' }).orderBy('id');

    const ask = await b.get('/platform/institutions/completion');
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('将要求 <strong id="bulk-count">2</strong> 个机构完善信息');
    expect(ask.text).toContain('另有 1 个已对接的机构已在待完善信息状态');

    // A count that is not the current one (another platform connected meanwhile) asks again.
    for (const count of ['1', '', 'abc']) {
      const stale = await b.post('/platform/institutions/completion', { count });
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('将要求 <strong id="bulk-count">2</strong> 个机构');
    }
    expect(await bulkAudits()).toHaveLength(0);
    expect(await flagOf(connected[0].id)).toBe(false);

    const res = await b.post('/platform/institutions/completion', { count: '2' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/platform/institutions?completion=yes&done=bulk&count=2');
    const list = await b.get(res.location!);
    expect(list.text).toContain('已要求 2 个机构完善信息');
    for (const i of [...connected, already]) expect(rowOf(list.text, i.name)).toContain('取消要求');

    for (const i of [...connected, already]) expect([i.name, await flagOf(i.id)]).toEqual([i.name, true]);
    for (const i of [disabledOnly, none, pending, withdrawn]) expect([i.name, await flagOf(i.id)]).toEqual([i.name, false]);
    const audits = await bulkAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ user_id: boss.id, result: 'success', institution_id: null });
    expect(audits[0].detail).toEqual({ institutionIds: connected.map((i) => i.id).sort((x, y) => x - y), flagged: true });

    // The connected admins must complete their information.
    const instAdmin = q.agent();
    await login(instAdmin, connected[1].admin);
    expect((await instAdmin.get('/dashboard')).location).toBe('/profile/complete');

    // Nothing left to flag: said so, and a repeat changes and records nothing.
    expect((await b.get('/platform/institutions/completion')).text).toContain('没有需要要求完善信息的机构');
    expect((await b.post('/platform/institutions/completion', { count: '0' })).status).toBe(409);
    expect(await bulkAudits()).toHaveLength(1);
  });
});
