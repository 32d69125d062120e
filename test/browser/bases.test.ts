import type { Page } from 'playwright-core';
import { createInstitution, createReviewer, login, makeIdNumber, uniq, type TestUser } from '../helpers/fixtures';
import { field, navLinks, useBrowserPlatform } from '../helpers/browser';
import { PDF, applicationOf, applyForBase } from '../helpers/bases';
import { waitFor } from '../helpers/waitFor';
import { baseWorkflowId } from '../../workflows/messages/baseApplication';

/**
 * In a browser, by the labels a person reads: an institution applies to be a base, a
 * reviewer approves it in another browser, 年审报告 appears, the first year's report is
 * written and graded 合格. And the dashboard's 各年度培训数据 shows a class's numbers.
 */
// Years of seconds: the first annual review opens a few seconds after the approval.
const t = useBrowserPlatform({ env: { ANNUAL_REVIEW_YEAR_SECONDS: '3', ANNUAL_REVIEW_WINDOW_SECONDS: '600', ANNUAL_REVIEW_REMIND_SECONDS: '60', REVIEW_OVERDUE_SECONDS: '3600' } });

it('a base application approved by a reviewer opens 年审报告; the first report is graded 合格', async () => {
  const inst = await createInstitution(t.p.db);
  const baseName = uniq('福州工程技术继续教育基地');
  const a = await t.newPage();
  await t.logIn(a, inst.admin, /dashboard/);
  expect(await navLinks(a)).not.toContain('年审报告');

  await a.getByRole('link', { name: '申请继续教育基地' }).click();
  await field(a, '基地名称').fill(baseName);
  await field(a, '基地类型').selectOption('专业技术类');
  await field(a, '专业领域').fill('工程技术');
  await field(a, '培训场地与设施').fill('多媒体教室3间');
  await field(a, '专职师资数量').fill('10');
  await field(a, '兼职师资数量').fill('20');
  await field(a, '年培训能力(人次)').fill('3000');
  await field(a, '近三年培训情况').fill('累计培训8000人次');
  await field(a, '申请材料').setInputFiles({ name: '基地申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await a.getByRole('button', { name: '确认提交' }).click();
  await a.getByText('基地申请已提交').waitFor();
  expect(await a.getByText('审核中').first().isVisible()).toBe(true);

  const reviewer = await createReviewer(t.p.db, '350100');
  const r = await t.newPage();
  await t.logIn(r, reviewer, /dashboard/);
  await r.getByRole('link', { name: '基地管理' }).click();
  await r.getByRole('row', { name: new RegExp(baseName) }).getByRole('link', { name: '详情' }).click();
  await r.getByText('基地申请书.pdf').waitFor();
  await r.getByLabel('通过').check();
  await r.getByRole('button', { name: '提交审核结果' }).click();
  await r.getByText('已审核通过,该机构成为继续教育基地').waitFor();

  // The institution's next page has the menu entry.
  await a.goto(`${t.p.baseUrl}/dashboard`);
  expect(await navLinks(a)).toContain('年审报告');
  await a.getByRole('link', { name: '年审报告', exact: true }).click();
  const write = a.getByRole('link', { name: '填写' }).first();
  for (let i = 0; i < 60 && !(await write.isVisible()); i++) {
    await a.waitForTimeout(500);
    await a.reload();
  }
  await write.click();
  await a.getByText('培训班数').first().waitFor();
  await field(a, '师资与条件变化').fill('新增专职教师2名');
  await field(a, '存在问题与整改').fill('实训设备老化,已采购更新');
  await a.getByRole('button', { name: '提交年审报告' }).click();
  await a.getByText('年审报告已提交').waitFor();

  await r.getByRole('link', { name: '年审报告审核' }).click();
  await r.getByRole('row', { name: new RegExp(baseName) }).getByRole('link', { name: '评定' }).first().click();
  await r.getByText('新增专职教师2名').waitFor();
  await r.getByLabel('合格', { exact: true }).check();
  await r.getByRole('button', { name: '提交评定' }).click();
  await r.getByText('已评定。').waitFor();
  // What the reviewer graded is kept with each decision, the base's approval and the grade alike.
  const kept = await t.p.db('review_items').where({ institution_id: inst.id, status: 'approved' }).orderBy('kind').select('kind', t.p.db.raw('snapshot is not null as kept'));
  expect(kept).toEqual([{ kind: 'annual_review', kept: true }, { kind: 'base', kept: true }]);

  await a.reload();
  await a.getByText('评定等级:合格').waitFor();
});

it("the dashboard's 各年度培训数据 shows a class's numbers, and the year picker switches years", async () => {
  const inst = await createInstitution(t.p.db);
  const year = new Date().getFullYear();
  const [cls] = await t.p.db('training_classes')
    .insert({ institution_id: inst.id, name: '图表班', training_year: year, subject_type: 'professional', start_date: `${year}-01-02`, end_date: `${year}-01-05`, planned_count: 40, contact_name: '王', contact_phone: '13800000000', outcome_mode: 'after_approval', status: 'approved', total_hours: 16, outcomes_reported: true })
    .returning('id');
  const people = [makeIdNumber(), makeIdNumber(), makeIdNumber()];
  await t.p.db('training_records').insert(
    people.map((id) => ({ institution_id: inst.id, id_number: id, name: '学员', delivery: 'onsite', class_id: cls.id, training_year: year, subject_type: 'professional', hours: 16, result: 'pass', source_key: `browser:${cls.id}:${id}` })),
  );
  await t.p.db('training_records').insert({ institution_id: inst.id, id_number: people[0], name: '学员', delivery: 'online', course_name: '网课', training_year: year - 1, subject_type: 'public', hours: 8, result: 'pass', source_key: `browser:prev:${cls.id}` });

  const a = await t.newPage();
  await t.logIn(a, inst.admin, /dashboard/);
  const total = a.getByRole('row', { name: /^合计/ });
  expect((await total.getByRole('cell').allInnerTexts()).map((s) => s.trim())).toEqual(['1', '3', '3', '48']);
  expect(await a.locator('svg.chart').textContent()).toContain('公需 0 · 专业 48 · 合计 48');

  await a.getByLabel('培训年度').selectOption(String(year - 1));
  await a.locator('svg.chart title', { hasText: `${year - 1}年度培训数据` }).waitFor({ state: 'attached' });
  expect((await a.getByRole('row', { name: /^公需科目/ }).getByRole('cell').allInnerTexts()).map((s) => s.trim())).toEqual(['0', '1', '1', '8']);
  expect(a.url()).toContain(`year=${year - 1}`);
});

it('a reviewer keeps a base flagged for revocation, with a reason, and the flag goes', async () => {
  // A base approved through the routes, then flagged as two failed years would flag it.
  const inst = await createInstitution(t.p.db);
  const baseName = uniq('建议撤销的基地');
  const ia = t.p.agent();
  await login(ia, inst.admin);
  expect((await applyForBase(ia, { name: baseName })).status).toBe(303);
  const reviewer = await createReviewer(t.p.db, '350100');
  const ra = t.p.agent();
  await login(ra, reviewer);
  const app = await applicationOf(t.p.db, inst.id);
  await waitFor('review round', () => t.p.db('review_items').where({ workflow_id: baseWorkflowId(inst.id), round: 1 }).first());
  expect((await ra.post(`/bases/review/${app.id}/decide`, { decision: 'approve', reason: '' })).status).toBe(303);
  await t.p.db('base_applications').where({ id: app.id }).update({ flagged: true, flag_reason: '2024、2025年度年审连续不合格', flagged_at: new Date() });

  const r = await t.newPage();
  await t.logIn(r, reviewer, /dashboard/);
  await r.getByRole('link', { name: '基地管理' }).click();
  await r.getByLabel('仅看建议撤销').check();
  const row = r.getByRole('row', { name: new RegExp(baseName) });
  await row.getByText('建议撤销').waitFor();
  await row.getByRole('link', { name: '详情' }).click();
  await r.getByText('建议撤销:2024、2025年度年审连续不合格').waitFor();

  await r.getByRole('button', { name: '保留资格并解除撤销建议' }).click();
  await r.getByText('请填写保留理由').waitFor();
  await field(r, '保留理由').fill('已现场核查,整改到位');
  await r.getByRole('button', { name: '保留资格并解除撤销建议' }).click();
  await r.getByText('已保留基地资格,撤销建议已解除。').waitFor();
  expect(await r.getByText('建议撤销:').count()).toBe(0);
  expect(await r.getByRole('button', { name: '保留资格并解除撤销建议' }).count()).toBe(0);
  expect((await applicationOf(t.p.db, inst.id)).flagged).toBe(false);
});
