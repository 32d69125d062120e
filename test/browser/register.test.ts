import { randomInt } from 'node:crypto';
import { makeIdNumber, makePhone, uniq } from '../helpers/fixtures';
import { field, useBrowserPlatform } from '../helpers/browser';

const t = useBrowserPlatform({ worker: false });

async function smsCodeFor(phone: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const row = await t.p.db('sms_outbox').where({ phone }).orderBy('id', 'desc').first();
    const code = row?.text.match(/\d{6}/)?.[0];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no SMS reached the outbox for ${phone}`);
}

it('a person registers from the login box, reads the SMS code, logs in, and is locked after 6 wrong passwords', async () => {
  // An address of its own, so other test files' failed logins from 127.0.0.1 never count here.
  const page = await t.newPage({ extraHTTPHeaders: { 'X-Forwarded-For': `10.9.${randomInt(256)}.${randomInt(1, 255)}` } });
  const loginName = uniq('web');
  const phone = makePhone();
  const password = 'Zhuce#2026';

  await page.goto(`${t.p.baseUrl}/login`);
  await page.getByRole('link', { name: '立即注册' }).click();
  await page.getByRole('heading', { name: '用户注册' }).waitFor();
  await field(page, '登录账号').fill(loginName);
  await field(page, '姓名').fill('王小明');
  await field(page, '身份证号码').fill(makeIdNumber());
  await field(page, '手机号').fill(phone);
  await page.getByRole('button', { name: '获取短信验证码' }).click();
  const code = await smsCodeFor(phone);
  await field(page, '短信验证码').fill(code);
  await field(page, '设定密码').fill(password);
  await field(page, '确认密码').fill(password);
  await page.getByRole('button', { name: '提交注册' }).click();

  await page.getByText('注册成功,请登录').waitFor();
  await field(page, '登录账号').fill(loginName);
  await field(page, '密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '工作桌面' }).waitFor();
  expect(await page.getByText('王小明').first().isVisible()).toBe(true);

  await page.getByRole('button', { name: '退出' }).click();
  await page.getByRole('heading', { name: '用户登录' }).waitFor();
  // Each page names what happened: a plain refusal, then the tries left, then the lock.
  const expected = (i: number) => (i < 2 ? '账号或密码错误' : i < 6 ? `再输错 ${6 - i} 次账号将被冻结2小时` : '账号已被冻结');
  for (let i = 1; i <= 6; i++) {
    await field(page, '登录账号').fill(loginName);
    await field(page, '密码').fill(`Wrong#pass${i}`);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').filter({ hasText: expected(i) }).waitFor({ timeout: 10000 });
  }
  expect(await page.getByRole('alert').first().innerText()).toMatch(/账号已被冻结,请于 \d{2}:\d{2} 后再登录/);

  // Locked: the right password is refused too, with the same time.
  await field(page, '登录账号').fill(loginName);
  await field(page, '密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('alert').first().waitFor();
  expect(await page.getByRole('alert').first().innerText()).toMatch(/账号已被冻结,请于 \d{2}:\d{2} 后再登录/);
});
