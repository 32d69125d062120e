import type { Locator } from 'playwright-core';
import { createInstitution, makeIdNumber, makePhone, uniq } from '../helpers/fixtures';
import { field, navLinks, statusText, useBrowserPlatform } from '../helpers/browser';

const t = useBrowserPlatform({ worker: false });

/** The text of the first match, once it is there. */
async function textOf(loc: Locator) {
  await loc.first().waitFor();
  return loc.first().innerText();
}


it('the admin hands 培训课程 to a new sub-admin, who changes the initial password and sees only that', async () => {
  const inst = await createInstitution(t.p.db);
  const roleName = uniq('课程专员');
  const loginName = uniq('kc');
  const page = await t.newPage();

  // The institution admin: a role with only 培训课程, by the group's select-all box.
  await t.logIn(page, inst.admin);
  await page.getByRole('link', { name: '角色管理' }).click();
  await page.getByRole('link', { name: '新建角色' }).click();
  await page.getByRole('heading', { name: '新建角色' }).waitFor();
  await page.getByLabel('角色名称').fill(roleName);
  await page.getByLabel('角色描述').fill('只维护培训课程');
  await page.getByLabel('全选 培训课程').check();
  for (const action of ['查看', '编辑', '导入']) expect(await page.getByLabel(`培训课程 ${action}`).isChecked()).toBe(true);
  expect(await page.getByLabel('师资管理 查看').isChecked()).toBe(false);
  await page.getByRole('button', { name: '保存' }).click();
  expect(await statusText(page)).toContain('角色已新建');
  expect(await textOf(page.getByRole('row', { name: new RegExp(roleName) }))).toContain('培训课程(查看、编辑、导入)');

  // A sub-admin with that role and an initial password.
  await page.getByRole('link', { name: '账号管理' }).click();
  await page.getByRole('link', { name: '新建子管理员' }).click();
  // The list's search box is labelled 登录账号/姓名/手机号: wait for the form, then fill by the whole label.
  await page.getByRole('heading', { name: '新建子管理员' }).waitFor();
  await field(page, '登录账号').fill(loginName);
  await page.getByLabel('姓名').fill('郑课程');
  await page.getByLabel('身份证号码').fill(makeIdNumber());
  await page.getByLabel('手机号').fill(makePhone());
  await page.getByLabel(roleName).check();
  await field(page, '初始密码').fill('Init1234!');
  await page.getByLabel('确认初始密码').fill('Init1234!');
  await page.getByRole('button', { name: '保存' }).click();
  expect(await statusText(page)).toContain('子管理员账号已新建');
  expect(await textOf(page.getByRole('row', { name: new RegExp(loginName) }))).toContain(roleName);
  await page.getByRole('button', { name: '退出' }).click();
  // htmx follows the logout's HX-Redirect; a goto racing it is aborted.
  await page.waitForURL(/\/login$/);

  // The sub-admin: forced to change the initial password first.
  await t.logIn(page, { loginName, password: 'Init1234!' });
  await page.getByRole('heading', { name: '修改密码' }).waitFor();
  await page.getByText('首次登录请先修改初始密码').waitFor();
  await page.getByLabel('原密码').fill('Init1234!');
  await field(page, '新密码').fill('Mine5678!');
  await page.getByLabel('确认新密码').fill('Mine5678!');
  await page.getByRole('button', { name: '确认修改' }).click();
  expect(await statusText(page)).toContain('密码已修改');

  await page.getByRole('link', { name: '返回工作桌面' }).click();
  expect(await navLinks(page)).toEqual(['工作桌面', '培训课程', '账号信息']);
  await page.getByRole('link', { name: '培训课程' }).click();
  await page.waitForURL(/\/courses$/);

  // A typed URL of 师资管理 is refused by the server, whatever the navigation shows.
  const res = await page.goto(`${t.p.baseUrl}/teachers`);
  expect(res!.status()).toBe(403);
  await page.getByRole('heading', { name: '没有权限' }).waitFor();
});

it('deleting a role in use goes through a confirmation naming its holders', async () => {
  const inst = await createInstitution(t.p.db);
  const [role] = await t.p.db('roles').insert({ institution_id: inst.id, name: uniq('待删'), permissions: ['courses.view'] }).returning(['id', 'name']);
  const page = await t.newPage();
  await t.logIn(page, inst.admin);
  await page.goto(`${t.p.baseUrl}/admins/roles`);
  await page.getByRole('row', { name: new RegExp(role.name) }).getByRole('link', { name: '删除' }).click();
  await page.getByText(`确定删除角色“${role.name}”吗`).waitFor();
  await page.getByRole('button', { name: '确认删除' }).click();
  expect(await statusText(page)).toContain('角色已删除');
  expect(await page.getByRole('row', { name: new RegExp(role.name) }).count()).toBe(0);
});

it('searches the account list in place (htmx) and disables a sub-admin after confirming', async () => {
  const inst = await createInstitution(t.p.db);
  const page = await t.newPage();
  const [role] = await t.p.db('roles').insert({ institution_id: inst.id, name: uniq('角色'), permissions: ['courses.view'] }).returning('id');
  const loginName = uniq('zz');
  const [u] = await t.p.db('users')
    .insert({ login_name: loginName, name: '周停用', id_number: makeIdNumber(), phone: makePhone(), password_hash: 'x', role: 'sub_admin', institution_id: inst.id })
    .returning('id');
  await t.p.db('user_roles').insert({ user_id: u.id, role_id: role.id });

  await t.logIn(page, inst.admin);
  await page.goto(`${t.p.baseUrl}/admins/accounts`);
  // A marker on the window survives only if the list is swapped in place, not reloaded.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.getByLabel('登录账号/姓名/手机号').fill('周停用');
  await page.getByRole('button', { name: '查询' }).click();
  await page.waitForURL(/q=/);
  await page.getByRole('row', { name: /周停用/ }).waitFor();
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  expect(await page.getByRole('row').count()).toBe(2);
  await page.getByRole('row', { name: /周停用/ }).getByRole('link', { name: '编辑' }).click();
  await page.getByText(loginName).waitFor();
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await page.getByRole('button', { name: '停用账号' }).click();
  expect(await statusText(page)).toContain('账号已停用');
  await page.getByRole('button', { name: '启用账号' }).waitFor();
  expect(asked).toContain(`确定停用账号“${loginName}”吗`);
  expect((await t.p.db('users').where({ id: u.id }).first()).status).toBe('disabled');
});
