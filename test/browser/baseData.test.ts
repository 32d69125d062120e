import type { Page } from 'playwright-core';
import { createInstitution, makeIdNumber, uniq } from '../helpers/fixtures';
import { htmxSettled, useBrowserPlatform } from '../helpers/browser';
import { findPlatformByAccessKey } from '../../db/connections';

const t = useBrowserPlatform({ worker: false });

/** Types into the list's search box and waits for htmx to swap in the table. */
async function search(page: Page, text: string) {
  await htmxSettled(page);
  const swapped = page.waitForResponse((r) => r.request().headers()['hx-request'] === 'true' && r.url().includes('q='));
  await page.getByLabel('搜索').fill(text);
  await swapped;
  await page.waitForLoadState('networkidle');
}

const rows = (page: Page) => page.locator('#list tbody tr');

it('a person adds a teacher, a course taught by them, a training site and an online platform, and finds each by search', async () => {
  const inst = await createInstitution(t.p.db);
  const teacher = `林${uniq('')}`;
  const course = `职业道德与法规${uniq('')}`;
  const site = `福州培训中心${uniq('')}`;
  const platform = `八闽学习网${uniq('')}`;
  const page = await t.newPage();
  await t.logIn(page, inst.admin, /\/dashboard/);

  // 师资管理: a teacher, with a wrong ID number first.
  await page.getByRole('navigation', { name: '导航' }).getByRole('link', { name: '师资管理' }).click();
  await page.getByRole('link', { name: '新增师资' }).first().click();
  await page.getByLabel('姓名').fill(teacher);
  await page.getByLabel('性别').selectOption({ label: '女' });
  await page.getByLabel('身份证号码').fill('110105194912310021');
  await page.getByLabel('职称').fill('高级讲师');
  await page.getByLabel('工作单位').fill('福建省委党校');
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('身份证号码校验位不正确').waitFor();
  expect(await page.getByLabel('姓名').inputValue()).toBe(teacher);
  const idNumber = makeIdNumber();
  await page.getByLabel('身份证号码').fill(idNumber);
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/\/teachers\?done=created/);
  await page.getByRole('status').filter({ hasText: '已新增' }).waitFor();
  const teacherRow = rows(page).filter({ hasText: teacher });
  expect(await teacherRow.innerText()).toContain('138****8000');
  expect(await teacherRow.innerText()).not.toContain(idNumber);
  await search(page, uniq('没有这个人'));
  await page.getByText('没有符合条件的师资').waitFor();
  await search(page, teacher);
  expect(await rows(page).count()).toBe(1);
  expect(await rows(page).first().innerText()).toContain('福建省委党校');

  // 培训课程: a course taught by that teacher, hours in half-hour steps.
  await page.getByRole('link', { name: '培训课程' }).click();
  await page.getByRole('link', { name: '新增课程' }).first().click();
  await page.getByLabel('课程名称').fill(course);
  await page.getByLabel('科目类型').selectOption({ label: '公需科目' });
  await page.getByLabel('学时').fill('1.3');
  await page.getByLabel('授课方式').selectOption({ label: '面授' });
  await page.getByLabel(teacher).check();
  await page.getByLabel('课程简介').fill('新修订法规解读。');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('学时应为0.5的整数倍').waitFor();
  expect(await page.getByLabel(teacher).isChecked()).toBe(true);
  await page.getByLabel('学时').fill('1.5');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/\/courses\?done=created/);
  await search(page, course.slice(0, 7));
  const courseRow = rows(page).filter({ hasText: course });
  expect(await courseRow.innerText()).toContain(teacher);
  expect(await courseRow.innerText()).toContain('1.5');
  await page.getByLabel('科目类型').selectOption({ label: '专业科目' });
  await page.getByText('没有符合条件的课程').waitFor();

  // 培训对接管理 — 面授点.
  await page.getByRole('link', { name: '培训对接管理' }).click();
  await page.getByRole('link', { name: '新增面授点' }).first().click();
  await page.getByLabel('面授点名称').fill(site);
  await page.getByLabel('所属地区').selectOption({ label: '福州市' });
  await page.getByLabel('详细地址').fill('福州市鼓楼区五四路100号');
  await page.getByLabel('可容纳人数').fill('120');
  await page.getByLabel('联系人').fill('陈老师');
  await page.getByLabel('联系电话').fill('0591-87654321');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/\/connections\/sites\?done=created/);
  await search(page, site);
  expect(await rows(page).count()).toBe(1);
  expect(await rows(page).first().innerText()).toContain('福州市');

  // 网授平台, with its access key shown once.
  await page.getByRole('link', { name: '网授平台' }).click();
  await page.getByRole('link', { name: '新增网授平台' }).first().click();
  await page.getByLabel('平台名称').fill(platform);
  await page.getByLabel('网址').fill('https://learn.example.com');
  await page.getByLabel('运营单位').fill('福建某教育科技有限公司');
  await page.getByLabel('联系人').fill('林工');
  await page.getByLabel('联系电话').fill('13900139000');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/\/key\?new=1/);
  await page.getByRole('button', { name: '生成密钥' }).click();
  const keyBox = page.getByLabel('接入密钥');
  await keyBox.waitFor();
  const key = await keyBox.inputValue();
  expect(await findPlatformByAccessKey(t.p.db, key)).toMatchObject({ institution_id: inst.id, name: platform });
  await page.getByRole('link', { name: '完成' }).click();
  await page.waitForURL(/\/connections\/platforms$/);
  await search(page, platform);
  expect(await rows(page).count()).toBe(1);
  expect(await rows(page).first().innerText()).toContain(`…${key.slice(-4)}`);
  expect(await page.content()).not.toContain(key);

});

it('deletes only after confirmation and says why a used teacher stays', async () => {
  const inst = await createInstitution(t.p.db);
  const page = await t.newPage();
  await t.logIn(page, inst.admin, /\/dashboard/);
  const [teacher] = await t.p.db('teachers').insert({ institution_id: inst.id, name: uniq('郑'), gender: 'male' }).returning('id');
  const [c] = await t.p.db('courses')
    .insert({ institution_id: inst.id, name: uniq('课程'), subject_type: 'public', hours: 2, delivery: 'onsite' })
    .returning(['id', 'name']);
  await t.p.db('course_teachers').insert({ course_id: c.id, teacher_id: teacher.id });

  await page.goto(`${t.p.baseUrl}/teachers`);
  await page.getByRole('link', { name: /^删除 郑/ }).click();
  await page.getByRole('alert').filter({ hasText: c.name }).waitFor();
  expect(await page.getByRole('button', { name: '确认删除' }).count()).toBe(0);

  await page.goto(`${t.p.baseUrl}/courses`);
  await page.getByRole('link', { name: `删除 ${c.name}` }).click();
  await page.getByRole('button', { name: '确认删除' }).click();
  await page.waitForURL(/done=deleted/);
  expect(await t.p.db('courses').where({ id: c.id }).first()).toBeUndefined();
});
