import type { Page } from 'playwright-core';
import { createReviewer, makeIdNumber, uniq, type TestUser } from '../helpers/fixtures';
import { field, htmxSettled, useBrowserPlatform } from '../helpers/browser';
import { decide, institutionWithCatalogue, thisYear, type Catalogue } from '../helpers/classes';
import { waitFor } from '../helpers/waitFor';

const t = useBrowserPlatform();
let c: Catalogue;
let reviewer: TestUser;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

beforeAll(async () => {
  c = await institutionWithCatalogue(t.p.db);
  reviewer = await createReviewer(t.p.db, '350100');
});

/** 申报审核管理 — 我申报的 — 培训班申报, filled in as a person would. */
async function fillDeclaration(page: Page, name: string, mode: '同步上报' | '暂不上报') {
  const y = thisYear();
  await page.getByRole('link', { name: '我申报的' }).click();
  await page.getByRole('link', { name: '培训班申报', exact: true }).click();
  // The list page carries a similar hint; this sentence is the form's own.
  await page.getByText('网授培训不需要在公共服务平台申报培训班计划').waitFor();
  await htmxSettled(page);
  await field(page, '培训班名称').fill(name);
  await field(page, '培训年度').selectOption({ label: `${y}年` });
  await field(page, '科目类型').selectOption({ label: '公需科目' });
  await field(page, '培训开始日期').fill(`${y}-04-01`);
  await field(page, '培训结束日期').fill(`${y}-04-03`);
  await field(page, '面授点').selectOption({ label: `${c.site.name}(可容纳60人)` });
  await field(page, '计划人数').fill('30');
  await field(page, '联系人').fill('黄联系');
  await field(page, '联系电话').fill('0591-87654321');
  await field(page, '审核单位').selectOption({ label: `${c.bureau.name}(属地人社局)` });
  await page.getByLabel(c.courses.pub1.name).check();
  await page.getByLabel(c.courses.pub2.name).check();
  await page.locator('#total-hours', { hasText: '12.5' }).waitFor();
  await page.getByLabel(mode).check();
  await page.getByLabel('培训相关附件').setInputFiles({ name: '培训方案.pdf', mimeType: 'application/pdf', buffer: PDF });
}

async function addMember(page: Page, name: string) {
  const idNumber = makeIdNumber();
  await field(page, '姓名').fill(name);
  await field(page, '身份证号码').fill(idNumber);
  await page.getByRole('button', { name: '添加报名人员' }).click();
  await page.getByRole('status').filter({ hasText: '已添加报名人员' }).waitFor();
  return idNumber;
}

async function enterOutcome(page: Page, name: string, hours: string, button: string) {
  await page.getByLabel(`${name}的学时`).fill(hours);
  await page.getByLabel(`${name}的考核结果`).selectOption({ label: '合格' });
  await page.getByRole('button', { name: button }).click();
}

it('同步上报: the institution declares with outcomes, a reviewer approves on the workbench, the records show under 培训人员', async () => {
  const name = `同步上报班${uniq('')}`;
  const trainee = `郑学员${uniq('').slice(-4)}`;
  const page = await t.newPage();
  await t.logIn(page, c.admin, /dashboard/);
  await fillDeclaration(page, name, '同步上报');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByRole('status').filter({ hasText: '草稿已保存' }).waitFor();

  await addMember(page, trainee);
  await enterOutcome(page, trainee, '12.5', '保存培训成果');
  await page.getByRole('status').filter({ hasText: '培训成果已录入' }).waitFor();
  await page.getByRole('button', { name: '提交审核' }).click();
  await page.getByRole('status').filter({ hasText: '已提交审核' }).waitFor();
  expect(await page.locator('h1 .badge').innerText()).toBe('待审核');

  const classId = (await t.p.db('training_classes').where({ name }).first('id')).id;
  const item: { id: number } = await waitFor('review item', async () => await t.p.db('review_items').where({ workflow_id: `class-declaration:${classId}`, status: 'pending' }).first('id'), 20000);
  const rpage = await t.newPage();
  await t.logIn(rpage, reviewer, /dashboard/);
  await rpage.goto(`${t.p.baseUrl}/review/items/${item.id}`);
  await rpage.getByText(c.courses.pub1.name).waitFor();
  expect(await rpage.getByText('同步上报的培训成果(共 1 人)').count()).toBe(1);
  await rpage.getByLabel('通过', { exact: true }).check();
  await rpage.getByRole('button', { name: '提交审核' }).click();
  await rpage.getByRole('status').waitFor();
  await waitFor('records written', async () => (await t.p.db('training_classes').where({ id: classId }).first()).outcomes_reported, 20000);

  await page.getByRole('link', { name: '培训人员' }).click();
  await field(page, '姓名').fill(trainee);
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('cell', { name: trainee, exact: true }).waitFor();
  await page.getByRole('link', { name: '查看记录' }).click();
  await page.getByRole('heading', { name: `${trainee} 的培训记录` }).waitFor();
  const row = page.getByRole('row', { name: new RegExp(name) });
  expect(await row.innerText()).toMatch(/面授\s+\d{4}\s+公需科目\s+12\.5\s+合格/);
});

it('暂不上报: approved while 我申报的 watches, then outcomes reported twice from 培训班管理', async () => {
  const name = `暂不上报班${uniq('')}`;
  const page = await t.newPage();
  await t.logIn(page, c.admin, /dashboard/);
  await fillDeclaration(page, name, '暂不上报');
  await page.getByRole('button', { name: '提交审核' }).click();
  await page.getByRole('status').filter({ hasText: '已提交审核' }).waitFor();
  const classId = (await t.p.db('training_classes').where({ name }).first('id')).id;
  await waitFor('review item', () => t.p.db('review_items').where({ workflow_id: `class-declaration:${classId}`, status: 'pending' }).first('id'), 20000);

  // 我申报的: the pending row moves by itself when the reviewer decides.
  await page.getByRole('link', { name: '我申报的' }).click();
  const row = page.locator(`#decl-${classId}`);
  expect(await row.innerText()).toContain('待审核');
  expect((await decide(t.p.deps, classId, reviewer, 'approve')).ok).toBe(true);
  await row.filter({ hasText: '已通过' }).waitFor({ timeout: 15000 });

  await page.getByRole('link', { name: '培训班管理' }).click();
  await field(page, '培训成果').selectOption({ label: '未上报' });
  await page.getByRole('row', { name: new RegExp(name) }).getByRole('link', { name: '详情' }).click();
  await page.getByRole('heading', { name: new RegExp(name) }).waitFor();

  const first = `吴一${uniq('').slice(-4)}`;
  await addMember(page, first);
  await enterOutcome(page, first, '8', '上报培训成果');
  await page.getByRole('status').filter({ hasText: '本次写入培训档案 1 条' }).waitFor();
  const second = `吴二${uniq('').slice(-4)}`;
  await addMember(page, second);
  await enterOutcome(page, second, '12.5', '上报培训成果');
  await page.getByRole('status').filter({ hasText: '本次写入培训档案 1 条' }).waitFor();
  expect(await page.getByText('已记入培训档案 2 条').count()).toBe(1);
  expect(await t.p.db('training_records').where({ class_id: classId }).pluck('hours')).toEqual(expect.arrayContaining([8, 12.5]));
  expect(await t.p.db('outcome_reports').where({ class_id: classId, status: 'written' })).toHaveLength(2);
});
