import type { Page } from 'playwright-core';
import { createAuditor, createInstitution, createReviewer, createUser, makeCreditCode, makePhone, uniq, type TestUser } from '../helpers/fixtures';
import { PNG } from '../helpers/institutions';
import { field, navLinks, useBrowserPlatform } from '../helpers/browser';

const t = useBrowserPlatform();
const figures: string[] = [];
let reviewer: TestUser;
beforeAll(async () => {
  reviewer = await createReviewer(t.p.db, '350100');
  await t.p.db('users').where({ id: reviewer.id }).update({ name: '浏览器审核员' });
  // A bureau's queue longer than one page of older items, as in any real week: new items are past page 1.
  const older = await createInstitution(t.p.db, { regionCode: '350100', name: uniq('排队机构') });
  await t.p.db('review_items').insert(Array.from({ length: 25 }, (_, i) => ({
    kind: 'class_declaration', workflow_id: `queue-filler:${older.id}:${i}`, round: 1, subject_id: older.id,
    institution_id: older.id, org_id: reviewer.orgId, title: `排队中的申报${i}`, status: 'pending', submitted_at: new Date(Date.UTC(2026, 0, 1 + i)),
  })));
});

const menu = (page: Page, name: string) => page.getByRole('navigation', { name: '导航' }).getByRole('link', { name, exact: true });

async function signedIn(u: { loginName: string; password: string }): Promise<Page> {
  const page = await t.newPage();
  await t.logIn(page, u, /\/(dashboard|profile\/complete)/);
  return page;
}

/** The applicant fills 申请继续教育机构 by its labels and presses 确认提交. */
async function applyInBrowser(page: Page): Promise<string> {
  const name = `浏览器测试学校${uniq('')}`;
  await menu(page, '申请继续教育机构').click();
  await field(page, '机构名称').fill(name);
  await field(page, '统一社会信用代码').fill(makeCreditCode());
  await field(page, '机构类型').selectOption({ label: '社会培训机构' });
  await field(page, '所属地区').selectOption({ label: '福州市' });
  await field(page, '机构地址').fill('福州市台江区测试路8号');
  await field(page, '机构负责人').fill('周校长');
  await field(page, '联系人').fill('吴老师');
  await field(page, '联系电话').fill(makePhone());
  await field(page, '电子邮箱').fill('browser@example.com');
  await page.getByLabel('公需科目').check();
  await page.getByLabel(/附件/).setInputFiles({ name: '营业执照.png', mimeType: 'image/png', buffer: PNG });
  const clicked = Date.now();
  await page.getByRole('button', { name: '确认提交' }).click();
  await page.getByText('申请已提交,请等待属地人社部门审核。').waitFor();
  figures.push(`submit: 确认提交 → status page, the item already queued: ${Date.now() - clicked} ms`);
  expect(await page.locator('#application-state').innerText()).toBe('待审核');
  return name;
}

/**
 * The reviewer finds the application by its name in 审核工作台 and opens it. The bureau's queue
 * is shared with every other test of the run, so the item is often past the first page.
 */
async function openFromWorkbench(page: Page, name: string) {
  await menu(page, '审核工作台').click();
  await page.getByLabel('名称').fill(name);
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('row', { name: new RegExp(name) }).getByRole('link', { name: '审核' }).click();
}

/** The reviewer opens the item from the workbench and submits a decision; returns the click time. */
async function decideInBrowser(page: Page, name: string, decision: '通过' | '不通过(退回)', reason = ''): Promise<number> {
  await openFromWorkbench(page, name);
  await page.getByText('统一社会信用代码').first().waitFor();
  await page.getByLabel(decision, { exact: true }).check();
  if (reason) await page.getByLabel(/审核意见/).fill(reason);
  const clicked = Date.now();
  await page.getByRole('button', { name: '提交审核' }).click();
  return clicked;
}

it('an applicant applies, a reviewer in another browser approves, the applicant sees the menus open', async () => {
  const applicant = await createUser(t.p.db, { role: 'applicant', name: '浏览器申请人' });
  const a = await signedIn(applicant);
  expect(await navLinks(a)).toContain('申请继续教育机构');
  expect(await navLinks(a)).not.toContain('培训课程');
  const name = await applyInBrowser(a);

  const r = await signedIn(reviewer);
  const clicked = await decideInBrowser(r, name, '通过');
  // The applicant's status page polls: it moves to 机构信息管理 with the institution menus.
  await a.waitForURL(/\/profile\?approved=1/, { timeout: 20_000 });
  const shown = Date.now();
  await a.getByText('您的继续教育机构申请已审核通过').waitFor();
  figures.push(`approve: reviewer click → applicant page shows result: ${shown - clicked} ms`);
  const nav = await navLinks(a);
  for (const menu of ['培训课程', '师资管理', '机构信息管理']) expect(nav).toContain(menu);
  expect(nav).not.toContain('申请继续教育机构');
  await r.getByText('已审核通过。').waitFor();

  // 机构信息管理: the new admin updates the head of the institution.
  await field(a, '机构负责人').fill('郑校长');
  await a.getByRole('button', { name: '保存', exact: true }).click();
  await a.getByText('机构信息已保存。').waitFor();
  expect(await field(a, '机构负责人').inputValue()).toBe('郑校长');
});

it('a rejection’s reason appears to the applicant, who amends and resubmits', async () => {
  const applicant = await createUser(t.p.db, { role: 'applicant', name: '浏览器申请人二' });
  const a = await signedIn(applicant);
  const name = await applyInBrowser(a);
  const r = await signedIn(reviewer);
  await openFromWorkbench(r, name);
  await r.getByLabel('不通过(退回)', { exact: true }).check();
  await r.getByRole('button', { name: '提交审核' }).click();
  await r.getByText('退回时请填写退回原因').waitFor();
  const clicked = await decideInBrowser(r, name, '不通过(退回)', '请补充加盖公章的营业执照');
  await a.getByText('申请未通过审核:请补充加盖公章的营业执照').waitFor({ timeout: 20_000 });
  figures.push(`reject: reviewer click → applicant page shows reason: ${Date.now() - clicked} ms`);

  await a.getByRole('link', { name: '修改后重新提交' }).click();
  await field(a, '机构地址').fill('福州市台江区测试路9号');
  await a.getByRole('button', { name: '确认提交' }).click();
  await a.getByText('申请已重新提交,请等待审核。').waitFor();
  await a.getByRole('cell', { name: '第 2 次' }).waitFor();
});

it('an auditor reads the timeline and the consistency page', async () => {
  const inst = await t.p.db('institutions').where('name', 'like', '浏览器测试学校%').orderBy('id').first();
  const au = await signedIn(await createAuditor(t.p.db));
  await menu(au, '流程审计').click();
  await au.getByLabel('流程编号 / 业务编号 / 机构名称').fill(inst.name);
  await au.getByRole('button', { name: '查询' }).click();
  await au.getByRole('row', { name: new RegExp(inst.name) }).getByRole('link', { name: '查看历史' }).click();
  await au.getByText('审核结果:通过').waitFor();
  expect(await au.getByText('浏览器审核员').count()).toBeGreaterThan(0);
  await menu(au, '一致性检查').click();
  await au.getByRole('heading', { name: '一致性检查' }).waitFor();
  await au.getByLabel('流程编号 / 机构名称').fill(inst.name);
  await au.getByRole('button', { name: '检查' }).click();
  await au.getByText(/本页检查 [01] 个运行中的审核类流程/).waitFor();
  await au.getByText('本页的流程状态与数据库一致。').waitFor();
});

it('an institution flagged for completion fills the missing fields first', async () => {
  const inst = await createInstitution(t.p.db, { needsCompletion: true });
  await t.p.db('institutions').where({ id: inst.id }).update({ head_name: '', contact_phone: '' });
  const page = await signedIn(inst.admin);
  await page.getByRole('heading', { name: '完善机构信息' }).waitFor();
  await page.goto(`${t.p.baseUrl}/courses`);
  await page.getByRole('heading', { name: '完善机构信息' }).waitFor();
  await field(page, '机构负责人').fill('钱主任');
  await field(page, '联系电话').fill('13912345678');
  await page.getByRole('button', { name: '保存并继续' }).click();
  await page.waitForURL(/\/dashboard/);
  expect(await navLinks(page)).toContain('机构信息管理');
});

afterAll(() => {
  console.log(figures.join('\n'));
});
