import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { makePhone } from '../helpers/fixtures';
import { launchBrowser } from '../helpers/browser';
import { badCheckDigit, institutionWithClasses, nthId } from '../helpers/imports';

/**
 * A person at the 导入任务查看 page: downloads the 班级人员导入 template, fills it in
 * (exceljs plays Excel), uploads it, watches the progress, downloads the failure file;
 * then exports the class from its 报名人员 tools and downloads the export.
 */
let p: TestPlatform;
let browser: Browser;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-browser-'));

beforeAll(async () => {
  p = await startPlatform();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await p?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function logIn(page: Page, login: string, password: string) {
  await page.goto(`${p.baseUrl}/login`);
  await page.getByLabel('登录账号').fill(login);
  await page.getByLabel(/^\*?密码$/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState('networkidle');
}

it('template → fill → upload → progress → failure file; then export the class members', async () => {
  const t = await institutionWithClasses(p.db);
  const ctx = await browser.newContext({ acceptDownloads: true });
  const page = await ctx.newPage();
  await logIn(page, t.admin.loginName, t.admin.password);

  await page.getByRole('link', { name: '导入任务查看' }).click();
  await page.getByRole('link', { name: '上传导入文件' }).click();
  await page.getByRole('link', { name: '班级人员导入', exact: true }).click();

  const [tpl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /下载“班级人员导入”模板/ }).click()]);
  const tplPath = path.join(dir, 'template.xlsx');
  await tpl.saveAs(tplPath);

  // Fill it as a person would: overwrite the example, add rows, one of them wrong.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(tplPath);
  const ws = wb.worksheets[0];
  const rows = [
    ['王一', nthId(40001), makePhone(), '福州一中'],
    ['王二', nthId(40002), makePhone(), ''],
    ['王三', badCheckDigit(nthId(40003)), '123', ''],
  ];
  rows.forEach((r, i) => r.forEach((v, j) => (ws.getRow(i + 2).getCell(j + 1).value = v)));
  const filled = path.join(dir, '报名人员.xlsx');
  await wb.xlsx.writeFile(filled);

  await page.getByLabel(/培训班/).selectOption(String(t.approved.id));
  await page.getByLabel(/Excel文件/).setInputFiles(filled);
  await page.getByRole('button', { name: '上传并导入' }).click();

  await page.getByText('执行情况').waitFor();
  const bar = page.locator('#import-progress');
  await bar.getByText('已完成').waitFor({ timeout: 60000 });
  expect(await bar.locator('[data-count="valid"]').innerText()).toBe('2');
  expect(await bar.locator('[data-count="failed"]').innerText()).toBe('1');

  const [failure] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '失败数据' }).click()]);
  const failPath = path.join(dir, 'failure.xlsx');
  await failure.saveAs(failPath);
  const fwb = new ExcelJS.Workbook();
  await fwb.xlsx.readFile(failPath);
  const frow = fwb.worksheets[0].getRow(2);
  expect(frow.getCell(1).value).toBe('王三');
  expect(String(frow.getCell(5).value)).toBe('身份证号码校验位不正确;手机号格式不正确,应为11位手机号码');

  // The job is listed under its type with its counts.
  await page.getByRole('link', { name: '返回导入任务查看' }).click();
  await page.getByRole('cell', { name: '报名人员.xlsx' }).waitFor();

  // 班级人员导出 from the class's 报名人员 card.
  await page.goto(`${p.baseUrl}/classes/${t.approved.id}`);
  await page.getByRole('button', { name: '导出班级人员' }).click();
  const link = page.getByRole('link', { name: '下载导出数据' });
  await link.waitFor({ timeout: 60000 });
  const [exp] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const expPath = path.join(dir, 'export.xlsx');
  await exp.saveAs(expPath);
  const ewb = new ExcelJS.Workbook();
  await ewb.xlsx.readFile(expPath);
  expect(ewb.worksheets[0].getRow(2).getCell(1).value).toBe('王一');
  await ctx.close();
});
