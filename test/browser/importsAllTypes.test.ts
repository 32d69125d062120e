import type { Page } from 'playwright-core';
import { makePhone, uniq } from '../helpers/fixtures';
import { htmxSettled, useBrowserPlatform } from '../helpers/browser';
import { badCheckDigit, institutionWithClasses, nthId, readXlsx, thisYear, xlsx, type Cell } from '../helpers/imports';
import { headerText, IMPORT_SPECS, type ImportType } from '../../activities/imports/spec';

/**
 * The five imports other than 班级人员 (imports.test.ts), each from the place the app
 * offers it: 培训课程's and 师资管理's 批量导入, a class's 导入培训成果 (approved 暂不上报
 * and draft 同步上报), and 网授平台's 导入培训成果. A small file with good rows and one
 * bad row goes up, the job finishes on its progress page with its counts and 失败数据,
 * and the good rows show where a person would look for them.
 */
const b = useBrowserPlatform();
let t: Awaited<ReturnType<typeof institutionWithClasses>>;

beforeAll(async () => {
  t = await institutionWithClasses(b.p.db);
});

const nav = (page: Page, label: string) => page.getByRole('navigation', { name: '导航' }).getByRole('link', { name: label, exact: true });
const tag = () => uniq('').slice(-5);

async function signedIn() {
  const page = await b.newPage();
  await b.logIn(page, t.admin, /dashboard/);
  return page;
}

let seq = 70000;
/** Members of a class, straight into the database (the class pages are not under test here). */
async function members(cls: { id: number; institution_id: number }, names: string[]) {
  const ids = names.map(() => nthId(seq++));
  await b.p.db('class_members').insert(names.map((name, i) => ({ class_id: cls.id, institution_id: cls.institution_id, name, id_number: ids[i], phone: makePhone() })));
  return ids;
}

/**
 * On an upload page reached from its entry: uploads `rows` under the type's header, waits on
 * the job's page until it is 已完成, checks 成功/失败 and returns the 失败原因 of the failure file.
 */
async function importRows(page: Page, type: ImportType, rows: Cell[][], counts: { valid: number; failed: number }) {
  const spec = IMPORT_SPECS[type];
  await page.getByRole('heading', { name: spec.label, level: 1 }).waitFor();
  await htmxSettled(page);
  const textCols = spec.columns.flatMap((c, i) => (c.text ? [i + 1] : []));
  const buffer = await xlsx([spec.columns.map(headerText), ...rows], { textCols });
  await page.getByLabel(/Excel文件/).setInputFiles({ name: `${spec.label}.xlsx`, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
  await page.getByRole('button', { name: '上传并导入' }).click();

  await page.getByRole('heading', { name: '执行情况' }).waitFor();
  const bar = page.locator('#import-progress');
  await bar.getByText('已完成').waitFor({ timeout: 60000 });
  expect(await bar.locator('[data-count="valid"]').innerText()).toBe(String(counts.valid));
  expect(await bar.locator('[data-count="failed"]').innerText()).toBe(String(counts.failed));
  const failure = bar.getByRole('link', { name: '失败数据' });
  const href = await failure.getAttribute('href');
  expect(href).toMatch(/^\/imports\/[0-9a-f-]{36}\/files\/failure$/);
  const res = await page.request.get(b.p.baseUrl + href);
  expect(res.status()).toBe(200);
  const [header, ...failed] = await readXlsx(await res.body());
  expect(header).toEqual([...spec.columns.map(headerText), '失败原因']);
  return failed.map((r) => String(r[header.length - 1]));
}

it('培训课程 — 批量导入: the new courses are listed under 培训课程', async () => {
  const page = await signedIn();
  const [c1, c2] = [`导入课程甲${tag()}`, `导入课程乙${tag()}`];
  await nav(page, '培训课程').click();
  await page.getByRole('link', { name: '批量导入' }).click();
  const reasons = await importRows(page, 'courses', [
    [c1, '公需科目', '', 8, '面授', '', '简介'],
    [c2, '专业科目', '建筑', 4.5, '网授', '', ''],
    [`坏课程${tag()}`, '选修课', '', 8, '面授', '', ''],
  ], { valid: 2, failed: 1 });
  expect(reasons).toEqual(['科目类型只能填写“公需科目”或“专业科目”']);

  await nav(page, '培训课程').click();
  const list = page.locator('#list');
  await list.getByRole('row').filter({ hasText: c1 }).waitFor();
  expect(await list.getByRole('row').filter({ hasText: c2 }).innerText()).toMatch(/专业科目\s+建筑\s+4\.5\s+网授/);
  expect(await list.getByText('坏课程').count()).toBe(0);
});

it('师资管理 — 批量导入: the new teachers are listed under 师资管理', async () => {
  const page = await signedIn();
  const [a, c] = [`导入教师甲${tag()}`, `导入教师乙${tag()}`];
  await nav(page, '师资管理').click();
  await page.getByRole('link', { name: '批量导入' }).click();
  const reasons = await importRows(page, 'teachers', [
    [a, '女', nthId(61001), makePhone(), '讲师', '福州大学', '', ''],
    [c, '男', nthId(61002), makePhone(), '', '', '教育学', ''],
    ['坏教师', '男', badCheckDigit(nthId(61003)), makePhone(), '', '', '', ''],
  ], { valid: 2, failed: 1 });
  expect(reasons).toEqual(['身份证号码校验位不正确']);

  await nav(page, '师资管理').click();
  const list = page.locator('#list');
  await list.getByRole('row').filter({ hasText: a }).waitFor();
  expect(await list.getByRole('row').filter({ hasText: a }).innerText()).toMatch(/女.*讲师\s+福州大学/s);
  await list.getByRole('row').filter({ hasText: c }).waitFor();
  expect(await list.getByText('坏教师').count()).toBe(0);
});

it('培训班管理 — an approved 暂不上报 class: 导入培训成果 fills its 报名人员 with outcomes in 培训档案', async () => {
  const page = await signedIn();
  const [a, c, d] = [`成果甲${tag()}`, `成果乙${tag()}`, `成果丙${tag()}`];
  const ids = await members(t.approved, [a, c, d]);
  await nav(page, '培训班管理').click();
  await page.getByRole('row').filter({ hasText: t.approved.name }).getByRole('link', { name: '详情' }).click();
  await page.getByRole('heading', { name: /报名人员/ }).waitFor();
  await page.getByRole('link', { name: '导入培训成果' }).click();
  const reasons = await importRows(page, 'onsite_outcomes', [
    [a, ids[0], 8, '合格'],
    [c, ids[1], 6.5, '不合格'],
    ['外人', nthId(62001), 8, '合格'],
  ], { valid: 2, failed: 1 });
  expect(reasons).toEqual(['该人员不是本班报名人员,请先导入班级人员']);

  await nav(page, '培训班管理').click();
  await page.getByRole('row').filter({ hasText: t.approved.name }).getByRole('link', { name: '详情' }).click();
  const rows = page.locator('#members').getByRole('row');
  await rows.filter({ hasText: a }).waitFor();
  expect(await rows.filter({ hasText: a }).innerText()).toMatch(/8\s+合格\s+已记入培训档案/);
  expect(await rows.filter({ hasText: c }).innerText()).toMatch(/6\.5\s+不合格\s+已记入培训档案/);
  expect(await rows.filter({ hasText: d }).innerText()).toContain('尚无成果');
});

it('我申报的 — a draft 同步上报 class: 导入培训成果 puts outcomes with the declaration (随申报审核)', async () => {
  const page = await signedIn();
  const [a, c, d] = [`申报成果甲${tag()}`, `申报成果乙${tag()}`, `申报成果丙${tag()}`];
  const ids = await members(t.draft, [a, c, d]);
  await nav(page, '我申报的').click();
  await page.getByRole('row').filter({ hasText: t.draft.name }).getByRole('link', { name: '详情' }).click();
  await page.getByRole('heading', { name: /报名人员/ }).waitFor();
  await page.getByRole('link', { name: '导入培训成果' }).click();
  const reasons = await importRows(page, 'declaration_outcomes', [
    [a, ids[0], 12, '合格'],
    [c, ids[1], 24, '合格'],
    [d, ids[2], 30, '合格'],
  ], { valid: 2, failed: 1 });
  expect(reasons).toEqual(['学时不能超过培训班总学时24']);

  await nav(page, '我申报的').click();
  await page.getByRole('row').filter({ hasText: t.draft.name }).getByRole('link', { name: '详情' }).click();
  const rows = page.locator('#members').getByRole('row');
  await rows.filter({ hasText: a }).waitFor();
  expect(await rows.filter({ hasText: a }).innerText()).toMatch(/12\s+合格\s+随申报审核/);
  expect(await rows.filter({ hasText: c }).innerText()).toMatch(/24\s+合格\s+随申报审核/);
  expect(await rows.filter({ hasText: d }).innerText()).toContain('尚无成果');
});

it('培训对接管理 — 网授平台: 导入培训成果 of a connected platform; the records show under 培训人员', async () => {
  const page = await signedIn();
  const y = thisYear();
  const [a, c] = [`网课甲${tag()}`, `网课乙${tag()}`];
  await nav(page, '培训对接管理').click();
  await page.getByRole('link', { name: '网授平台', exact: true }).click();
  await page.getByRole('link', { name: `导入培训成果 ${t.platform.name}` }).click();
  await page.getByRole('heading', { name: IMPORT_SPECS.online_outcomes.label, level: 1 }).waitFor();
  expect(await page.getByLabel(/网授平台/).locator('option:checked').innerText()).toBe(t.platform.name);
  const reasons = await importRows(page, 'online_outcomes', [
    [a, nthId(63001), t.onlineCourse.name, y, 10, '合格'],
    [c, nthId(63002), t.onlineCourse.name, y, 4, '不合格'],
    ['错课程', nthId(63003), '没有这门课', y, 2, '合格'],
  ], { valid: 2, failed: 1 });
  expect(reasons).toEqual(['本机构没有名为“没有这门课”的网授课程']);

  await nav(page, '培训人员').click();
  await htmxSettled(page);
  await page.getByLabel('姓名').fill(a);
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('#list').getByRole('row').filter({ hasText: a }).getByRole('link', { name: '查看记录' }).click();
  await page.getByRole('heading', { name: `${a} 的培训记录` }).waitFor();
  const record = page.getByRole('row').filter({ hasText: t.onlineCourse.name });
  expect(await record.innerText()).toMatch(new RegExp(`网授\\s+${y}\\s+公需科目\\s+10\\s+合格`));
});
