import { createInstitution, uniq } from '../helpers/fixtures';
import { field, useBrowserPlatform } from '../helpers/browser';

const t = useBrowserPlatform({ worker: false });

it('账号信息: a person reads their profile and changes the password; the old password and other sessions stop working', async () => {
  const inst = await createInstitution(t.p.db);
  const elsewhere = await t.newPage();
  await t.logIn(elsewhere, inst.admin, /\/dashboard/);
  const page = await t.newPage();
  await t.logIn(page, inst.admin, /\/dashboard/);

  await page.getByRole('navigation', { name: '导航' }).getByRole('link', { name: '账号信息' }).click();
  await page.getByRole('heading', { name: '账号信息' }).waitFor();
  expect(await page.locator('dl.props').innerText()).toContain(inst.admin.loginName);
  expect(await page.locator('dl.props').innerText()).toContain(inst.name);

  await page.getByRole('link', { name: '修改密码' }).click();
  const newPassword = `Nw#${uniq('').slice(-6)}abc`;
  await field(page, '原密码').fill('Wrong#Pass123');
  await field(page, '新密码').fill(newPassword);
  await field(page, '确认新密码').fill(newPassword);
  await page.getByRole('button', { name: '确认修改' }).click();
  await page.getByText('原密码不正确').waitFor();

  await field(page, '原密码').fill(inst.admin.password);
  await field(page, '新密码').fill(newPassword);
  await field(page, '确认新密码').fill(`${newPassword}x`);
  await page.getByRole('button', { name: '确认修改' }).click();
  await page.getByText('两次输入的密码不一致').waitFor();

  await field(page, '原密码').fill(inst.admin.password);
  await field(page, '新密码').fill(newPassword);
  await field(page, '确认新密码').fill(newPassword);
  await page.getByRole('button', { name: '确认修改' }).click();
  await page.getByRole('status').filter({ hasText: '密码已修改' }).waitFor();

  // The other browser's session ended with the change.
  await elsewhere.reload();
  await elsewhere.waitForURL(/\/login/);

  const fresh = await t.newPage();
  await t.logIn(fresh, { loginName: inst.admin.loginName, password: inst.admin.password });
  await fresh.getByText('账号或密码错误').waitFor();
  await t.logIn(fresh, { loginName: inst.admin.loginName, password: newPassword }, /\/dashboard/);
});

it('机构信息管理: the admin updates contact details; a bad phone is named and the typed values stay', async () => {
  const inst = await createInstitution(t.p.db);
  const page = await t.newPage();
  await t.logIn(page, inst.admin, /\/dashboard/);
  await page.getByRole('navigation', { name: '导航' }).getByRole('link', { name: '机构信息管理' }).click();
  await page.getByRole('heading', { name: '机构信息管理' }).waitFor();
  // Name and credit code are shown, not editable.
  expect(await page.locator('dl.props').first().innerText()).toContain(inst.name);
  expect(await page.locator('input[name="name"], input[name="creditCode"]').count()).toBe(0);

  await field(page, '机构负责人').fill('李新负责人');
  await field(page, '联系电话').fill('12345');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('联系电话应为11位手机号或带区号的固定电话').waitFor();
  expect(await field(page, '机构负责人').inputValue()).toBe('李新负责人');
  expect((await t.p.db('institutions').where({ id: inst.id }).first('head_name')).head_name).not.toBe('李新负责人');

  await field(page, '联系电话').fill('0591-88881234');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('status').filter({ hasText: '机构信息已保存' }).waitFor();
  expect(await field(page, '联系电话').inputValue()).toBe('0591-88881234');
  expect(await t.p.db('institutions').where({ id: inst.id }).first('head_name', 'contact_phone')).toEqual({ head_name: '李新负责人', contact_phone: '0591-88881234' });
});

it('pages moved through keep no copy in the browser: Back after 退出 asks the server, which wants a login', async () => {
  const inst = await createInstitution(t.p.db);
  const page = await t.newPage();
  await t.logIn(page, inst.admin, /\/dashboard/);
  await page.getByRole('navigation', { name: '导航' }).getByRole('link', { name: '账号信息' }).click();
  await page.getByRole('heading', { name: '账号信息' }).waitFor();
  await page.getByRole('navigation', { name: '导航' }).getByRole('link', { name: '师资管理' }).click();
  await page.getByRole('heading', { name: '师资管理' }).waitFor();
  // htmx keeps no page snapshots (they would hold names and ID numbers after 退出).
  expect(await page.evaluate(() => JSON.parse(sessionStorage.getItem('htmx-history-cache') ?? '[]').length)).toBe(0);

  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login$/);
  await page.goBack();
  await page.waitForURL(/\/login/);
  expect(await page.getByText(inst.admin.loginName).count()).toBe(0);
});
