import { createInstitution, createUser, makeIdNumber, makePhone, uniq } from '../helpers/fixtures';
import { field, htmxSettled, useBrowserPlatform } from '../helpers/browser';

const t = useBrowserPlatform({ worker: false });

it('the platform admin adds an industry authority, a reviewer for it, disables the reviewer, and reads the SMS outbox', async () => {
  const admin = await createUser(t.p.db, { role: 'platform_admin', name: '平台管理员' });
  const orgName = `福建省${uniq('')}局`;
  const reviewerLogin = uniq('rv');
  const page = await t.newPage();
  page.on('dialog', (d) => void d.accept());

  await t.logIn(page, admin);
  await page.getByRole('heading', { name: '工作桌面' }).waitFor();

  // 审核单位: a missing industry is named beside its field, the typed name stays.
  await page.getByRole('link', { name: '审核单位管理' }).click();
  await page.getByRole('link', { name: '新建审核单位' }).click();
  await field(page, '单位类型').selectOption({ label: '行业主管部门' });
  await field(page, '单位名称').fill(orgName);
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('请填写所属行业').waitFor();
  expect(await field(page, '单位名称').inputValue()).toBe(orgName);
  await field(page, '所属行业').fill('交通运输');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('status').filter({ hasText: '审核单位已新建' }).waitFor();
  await page.getByLabel('单位名称/所属行业').fill(orgName);
  await page.getByRole('button', { name: '查询' }).click();
  const orgRow = page.getByRole('row', { name: new RegExp(orgName) });
  await orgRow.waitFor();
  expect(await orgRow.innerText()).toContain('交通运输');

  // A reviewer of that organisation, from its row.
  await orgRow.getByRole('link', { name: '新建审核员' }).click();
  await page.getByRole('heading', { name: '新建审核员或审计员账号' }).waitFor();
  expect(await field(page, '所属审核单位').locator('option:checked').innerText()).toContain(orgName);
  await field(page, '登录账号').fill(reviewerLogin);
  await field(page, '姓名').fill('黄审核');
  await field(page, '身份证号码').fill(makeIdNumber());
  await field(page, '手机号').fill(makePhone());
  await field(page, '初始密码').fill('Shenhe#2026');
  await field(page, '确认初始密码').fill('Shenhe#2026');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('status').filter({ hasText: '账号已新建' }).waitFor();
  const row = page.getByRole('row', { name: new RegExp(reviewerLogin) });
  expect(await row.innerText()).toContain(orgName);

  // Disable it (confirmed in the dialog): the row says 已停用.
  await row.getByRole('button', { name: '停用' }).click();
  await page.getByRole('status').filter({ hasText: '账号已停用' }).waitFor();
  expect(await page.getByRole('row', { name: new RegExp(reviewerLogin) }).innerText()).toContain('已停用');
  expect((await t.p.db('users').where({ login_name: reviewerLogin }).first()).status).toBe('disabled');

  // The outbox, searched by a phone.
  const phone = makePhone();
  await t.p.deps.sms.send(phone, '【继续教育】您的验证码为123456,5分钟内有效。');
  await page.getByRole('link', { name: '短信发件箱' }).click();
  await field(page, '手机号').fill(phone);
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('row', { name: new RegExp(phone) }).waitFor();
  expect(await page.getByRole('row', { name: new RegExp(phone) }).innerText()).toContain('123456');
});

it('the platform admin requires an institution to complete its information; its admin then lands on 完善机构信息', async () => {
  const admin = await createUser(t.p.db, { role: 'platform_admin', name: '平台管理员' });
  const inst = await createInstitution(t.p.db);
  const page = await t.newPage();
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    void d.accept();
  });

  await t.logIn(page, admin);
  await page.getByRole('link', { name: '机构管理' }).click();
  await page.getByRole('heading', { name: '机构管理' }).waitFor();
  await htmxSettled(page);
  await page.getByLabel('机构名称/统一社会信用代码').fill(inst.name);
  await page.getByRole('button', { name: '查询' }).click();
  const row = page.getByRole('row', { name: new RegExp(inst.name) });
  await row.waitFor();
  expect(await row.innerText()).toContain('正常');

  await row.getByRole('button', { name: '要求完善信息' }).click();
  await page.getByRole('status').filter({ hasText: '已要求该机构完善信息' }).waitFor();
  expect(asked).toEqual([expect.stringContaining(`确定要求“${inst.name}”完善机构信息吗`)]);
  const flagged = page.getByRole('row', { name: new RegExp(inst.name) });
  await flagged.getByRole('button', { name: '取消要求' }).waitFor();
  expect(await flagged.getByRole('cell').nth(5).innerText()).toBe('是');
  expect((await t.p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(true);

  const instPage = await t.newPage();
  await t.logIn(instPage, inst.admin, /\/profile\/complete$/);
  await instPage.getByRole('heading', { name: '完善机构信息' }).waitFor();
  expect(await instPage.getByRole('status').innerText()).toContain(inst.name);
});
