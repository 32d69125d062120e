import type { TestPlatform } from '../helpers/platform';
import { makePhone, uniq } from '../helpers/fixtures';
import { insertClassRow, insertPlatformRow, insertSiteRow, startSignedIn, type TestInstitution } from '../helpers/baseData';
import type { Agent } from '../helpers/agent';
import { findPlatformByAccessKey, hashAccessKey, listEnabledPlatforms, listEnabledSites } from '../../db/connections';

let p: TestPlatform;
let inst: TestInstitution;
let a: Agent;

beforeAll(async () => {
  ({ p, inst, a } = await startSignedIn());
});
afterAll(() => p.close());

const validSite = (over: Record<string, string> = {}) => ({
  name: `福州培训中心${uniq('')}`,
  regionCode: '350100',
  address: '福州市鼓楼区五四路100号',
  capacity: '120',
  contactName: '陈老师',
  contactPhone: '0591-87654321',
  ...over,
});

const validPlatform = (over: Record<string, string> = {}) => ({
  name: `八闽学习网${uniq('')}`,
  url: 'https://learn.example.com/fj',
  operator: '福建某教育科技有限公司',
  contactName: '林工',
  contactPhone: makePhone(),
  ...over,
});

const siteByName = (name: string) => p.db('training_sites').where({ institution_id: inst.id, name }).first();
const platformByName = (name: string) => p.db('online_platforms').where({ institution_id: inst.id, name }).first();
const keyIn = (html: string) => html.match(/id="access-key"[^>]*value="(cep_[A-Za-z0-9_-]+)"/)?.[1];

describe('connections: tabs', () => {
  it('opens on the 面授点 tab and offers both', async () => {
    const res = await a.get('/connections');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/connections/sites');
    const page = await a.get('/connections/sites');
    expect(page.text).toContain('面授点');
    expect(page.text).toContain('href="/connections/platforms"');
  });
});

describe('connections: training sites', () => {
  it('creates, lists, searches, filters by region and answers htmx with the table', async () => {
    expect((await a.get('/connections/sites/new')).text).toContain('<h2>新增面授点</h2>');
    const form = validSite();
    const res = await a.post('/connections/sites/new', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/connections/sites?done=created');
    expect(await siteByName(form.name)).toMatchObject({ region_code: '350100', capacity: 120, contact_phone: '0591-87654321', enabled: true });

    const xm = validSite({ regionCode: '350200', address: `厦门市思明区${uniq('路')}` });
    await a.post('/connections/sites/new', xm);
    const list = await a.get(`/connections/sites?q=${encodeURIComponent(form.name)}`);
    expect(list.text).toContain(form.name);
    expect(list.text).toContain('福州市');
    expect(list.text).not.toContain(xm.name);
    const byAddress = await a.get(`/connections/sites?q=${encodeURIComponent(xm.address)}`);
    expect(byAddress.text).toContain(xm.name);
    const byRegion = await a.get('/connections/sites?regionCode=350200', { 'HX-Request': 'true' });
    expect(byRegion.text).not.toContain('<html');
    expect(byRegion.text).toContain(xm.name);
    expect(byRegion.text).not.toContain(form.name);
  });

  it('edits a site', async () => {
    const form = validSite();
    await a.post('/connections/sites/new', form);
    const row = await siteByName(form.name);
    expect((await a.get(`/connections/sites/${row.id}/edit`)).text).toContain(`value="${form.address}"`);
    const res = await a.post(`/connections/sites/${row.id}/edit`, { ...form, capacity: '60', contactPhone: '13800001111' });
    expect(res.status).toBe(303);
    expect(await p.db('training_sites').where({ id: row.id }).first()).toMatchObject({ capacity: 60, contact_phone: '13800001111' });
  });

  it.each([
    ['empty name', { name: '' }, 'name', '请填写面授点名称'],
    ['over-long name', { name: '点'.repeat(101) }, 'name', '面授点名称不能超过100个字'],
    ['no region', { regionCode: '' }, 'regionCode', '请选择所属地区'],
    ['a region outside Fujian', { regionCode: '110100' }, 'regionCode', '请选择所属地区'],
    ['empty address', { address: '' }, 'address', '请填写详细地址'],
    ['over-long address', { address: '址'.repeat(201) }, 'address', '详细地址不能超过200个字'],
    ['negative capacity', { capacity: '-5' }, 'capacity', '可容纳人数应为正整数'],
    ['zero capacity', { capacity: '0' }, 'capacity', '可容纳人数应为正整数'],
    ['capacity not a number', { capacity: '很多' }, 'capacity', '可容纳人数应为正整数'],
    ['empty contact', { contactName: '' }, 'contactName', '请填写联系人'],
    ['bad phone', { contactPhone: '12345' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话'],
  ])('refuses %s beside the field, keeps the typed values, saves nothing', async (_l, over, field, message) => {
    const marker = `${uniq('地址')}`;
    const form = validSite({ address: marker, ...over });
    const res = await a.post('/connections/sites/new', form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="e-${field}"[^>]*>${message}`));
    if (field !== 'address') expect(res.text).toContain(`value="${marker}"`);
    if (field !== 'name') expect(res.text).toContain(`value="${form.name}"`);
    expect(await p.db('training_sites').where({ institution_id: inst.id, address: marker }).first()).toBeUndefined();
  });

  it('refuses a duplicate name', async () => {
    const form = validSite();
    await a.post('/connections/sites/new', form);
    const res = await a.post('/connections/sites/new', validSite({ name: form.name }));
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="e-name"[^>]*>本机构已有同名面授点/);
  });

  it('disables and enables a site; a disabled one is not offered to declarations', async () => {
    const s = await insertSiteRow(p.db, inst.id);
    expect((await listEnabledSites(p.db, inst.id)).map((x) => x.id)).toContain(s.id);
    const off = await a.post(`/connections/sites/${s.id}/disable`);
    expect(off.status).toBe(303);
    expect((await p.db('training_sites').where({ id: s.id }).first()).enabled).toBe(false);
    expect((await listEnabledSites(p.db, inst.id)).map((x) => x.id)).not.toContain(s.id);
    const disabledList = await a.get(`/connections/sites?q=${encodeURIComponent(s.name)}&enabled=no`);
    expect(disabledList.text).toContain(s.name);
    expect(disabledList.text).toContain('已停用');
    expect((await a.get(`/connections/sites?q=${encodeURIComponent(s.name)}&enabled=yes`)).text).not.toContain(`<td>${s.name}</td>`);
    await a.post(`/connections/sites/${s.id}/enable`);
    expect((await listEnabledSites(p.db, inst.id)).map((x) => x.id)).toContain(s.id);
  });

  it('asks for confirmation, then deletes', async () => {
    const s = await insertSiteRow(p.db, inst.id);
    const confirm = await a.get(`/connections/sites/${s.id}/delete`);
    expect(confirm.text).toContain('确认删除');
    expect((await a.post(`/connections/sites/${s.id}/delete`)).status).toBe(303);
    expect(await p.db('training_sites').where({ id: s.id }).first()).toBeUndefined();
  });

  it('refuses to delete a site a declared class uses, naming the class, and offers to disable it', async () => {
    const s = await insertSiteRow(p.db, inst.id);
    const k = await insertClassRow(p.db, inst.id, { status: 'approved', siteId: s.id });
    const confirm = await a.get(`/connections/sites/${s.id}/delete`);
    expect(confirm.text).toContain(k.name);
    expect(confirm.text).toContain('停用该面授点');
    const res = await a.post(`/connections/sites/${s.id}/delete`);
    expect(res.status).toBe(409);
    expect(res.text).toContain(k.name);
    expect(await p.db('training_sites').where({ id: s.id }).first()).toBeTruthy();
    expect((await a.post(`/connections/sites/${s.id}/disable`)).status).toBe(303);
  });
});

describe('connections: online platforms', () => {
  it('creates a platform, then generates a key shown once and stored only as a hash', async () => {
    expect((await a.get('/connections/platforms/new')).text).toContain('<h2>新增网授平台</h2>');
    const form = validPlatform();
    const res = await a.post('/connections/platforms/new', form);
    expect(res.status).toBe(303);
    const row = await platformByName(form.name);
    expect(res.location).toBe(`/connections/platforms/${row.id}/key?new=1`);
    expect(row).toMatchObject({ url: form.url, operator: form.operator, access_key_hash: null, enabled: true });

    const keyPage = await a.get(res.location!);
    expect(keyPage.text).toContain('生成密钥');
    const gen = await a.post(`/connections/platforms/${row.id}/key`);
    expect(gen.status).toBe(200);
    expect(gen.headers.get('cache-control')).toBe('no-store');
    // htmx keeps boosted pages in sessionStorage for Back; this one must not be kept.
    expect(gen.text).toContain('hx-history="false"');
    const key = keyIn(gen.text)!;
    expect(key).toBeTruthy();
    const stored = await p.db('online_platforms').where({ id: row.id }).first();
    expect(stored.access_key_hash).toBe(hashAccessKey(key));
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(stored.access_key_hint).toBe(key.slice(-4));
    expect(await findPlatformByAccessKey(p.db, key)).toMatchObject({ id: row.id, institution_id: inst.id });

    // Never shown again: not on the key page, the edit page or the list.
    for (const path of [`/connections/platforms/${row.id}/key`, `/connections/platforms/${row.id}/edit`, `/connections/platforms?q=${encodeURIComponent(form.name)}`]) {
      const page = await a.get(path);
      expect(page.text).not.toContain(key);
      expect(page.text).toContain(`…${key.slice(-4)}`);
    }
    const audit = await p.db('audit_log').where({ event: 'platform_key_rotated', institution_id: inst.id }).orderBy('id', 'desc').first();
    expect(audit.detail).toMatchObject({ platformId: row.id, replaced: false });
  });

  it('rotating the key retires the old one at once', async () => {
    const pl = await insertPlatformRow(p.db, inst.id);
    const first = keyIn((await a.post(`/connections/platforms/${pl.id}/key`)).text)!;
    const second = keyIn((await a.post(`/connections/platforms/${pl.id}/key`)).text)!;
    expect(second).not.toBe(first);
    expect(await findPlatformByAccessKey(p.db, first)).toBeNull();
    expect(await findPlatformByAccessKey(p.db, second)).toMatchObject({ id: pl.id });
    expect(await findPlatformByAccessKey(p.db, 'cep_' + 'x'.repeat(43))).toBeNull();
    expect(await findPlatformByAccessKey(p.db, '')).toBeNull();
  });

  it("disabling a platform hides it from choices and stops its key", async () => {
    const pl = await insertPlatformRow(p.db, inst.id);
    const key = keyIn((await a.post(`/connections/platforms/${pl.id}/key`)).text)!;
    await a.post(`/connections/platforms/${pl.id}/disable`);
    expect((await listEnabledPlatforms(p.db, inst.id)).map((x) => x.id)).not.toContain(pl.id);
    expect(await findPlatformByAccessKey(p.db, key)).toBeNull();
    expect(await findPlatformByAccessKey(p.db, key, { includeDisabled: true })).toMatchObject({ id: pl.id, enabled: false });
    await a.post(`/connections/platforms/${pl.id}/enable`);
    expect((await listEnabledPlatforms(p.db, inst.id)).map((x) => x.id)).toContain(pl.id);
    expect(await findPlatformByAccessKey(p.db, key)).toMatchObject({ id: pl.id });
  });

  it('edits, searches and filters platforms', async () => {
    const form = validPlatform({ operator: uniq('运营') });
    await a.post('/connections/platforms/new', form);
    const row = await platformByName(form.name);
    expect((await a.post(`/connections/platforms/${row.id}/edit`, { ...form, url: 'http://new.example.org' })).status).toBe(303);
    expect((await p.db('online_platforms').where({ id: row.id }).first()).url).toBe('http://new.example.org');
    const found = await a.get(`/connections/platforms?q=${encodeURIComponent(form.operator)}`, { 'HX-Request': 'true' });
    expect(found.text).not.toContain('<html');
    expect(found.text).toContain(form.name);
    const byUrl = await a.get(`/connections/platforms?q=${encodeURIComponent('new.example.org')}`);
    expect(byUrl.text).toContain(form.name);
  });

  it.each([
    ['empty name', { name: '' }, 'name', '请填写平台名称'],
    ['over-long name', { name: '平'.repeat(101) }, 'name', '平台名称不能超过100个字'],
    ['empty URL', { url: '' }, 'url', '请填写网址'],
    ['URL without scheme', { url: 'learn.example.com' }, 'url', '网址格式不正确'],
    ['ftp URL', { url: 'ftp://learn.example.com' }, 'url', '网址格式不正确'],
    ['script URL', { url: 'javascript:alert(1)' }, 'url', '网址格式不正确'],
    ['URL without a real host', { url: 'http://intranet' }, 'url', '网址格式不正确'],
    ['empty operator', { operator: '' }, 'operator', '请填写运营单位'],
    ['bad phone', { contactPhone: '1380000' }, 'contactPhone', '联系电话应为11位手机号'],
  ])('refuses %s beside the field, keeps the typed values, saves nothing', async (_l, over, field, message) => {
    const marker = uniq('联系人');
    const form = validPlatform({ contactName: marker, ...over });
    const res = await a.post('/connections/platforms/new', form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="e-${field}"[^>]*>${message}`));
    expect(res.text).toContain(`value="${marker}"`);
    expect(await p.db('online_platforms').where({ institution_id: inst.id, contact_name: marker }).first()).toBeUndefined();
  });

  it('refuses a duplicate name', async () => {
    const form = validPlatform();
    await a.post('/connections/platforms/new', form);
    const res = await a.post('/connections/platforms/new', validPlatform({ name: form.name }));
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="e-name"[^>]*>本机构已有同名网授平台/);
  });

  it('asks for confirmation, then deletes (and its key stops working)', async () => {
    const pl = await insertPlatformRow(p.db, inst.id);
    const key = keyIn((await a.post(`/connections/platforms/${pl.id}/key`)).text)!;
    expect((await a.get(`/connections/platforms/${pl.id}/delete`)).text).toContain('确认删除');
    expect((await a.post(`/connections/platforms/${pl.id}/delete`)).status).toBe(303);
    expect(await p.db('online_platforms').where({ id: pl.id }).first()).toBeUndefined();
    expect(await findPlatformByAccessKey(p.db, key)).toBeNull();
  });

  it('refuses to delete a platform that training records name', async () => {
    const pl = await insertPlatformRow(p.db, inst.id);
    await p.db('training_records').insert({
      institution_id: inst.id, id_number: '350102199001011234', name: '学员', delivery: 'online', platform_id: pl.id,
      course_name: '网课', training_year: 2026, subject_type: 'public', hours: 2, result: 'pass', source_key: uniq('src'),
    });
    const res = await a.post(`/connections/platforms/${pl.id}/delete`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('已有培训档案');
    expect(await p.db('online_platforms').where({ id: pl.id }).first()).toBeTruthy();
  });
});
