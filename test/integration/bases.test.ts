import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, createUser, login, type TestUser } from '../helpers/fixtures';
import type { Agent } from '../helpers/agent';
import { BASE_FORM, PDF, applicationOf, applyForBase, formData } from '../helpers/bases';
import { waitFor } from '../helpers/waitFor';
import { baseWorkflowId } from '../../workflows/messages/baseApplication';

/**
 * 继续教育基地申请 over HTTP: bad input stays on the form with the field named, nothing
 * saved; return → amend → resubmit; withdraw; the reviewer's pages are their bureau's
 * only; another institution's files and pages are not found.
 */
let p: TestPlatform;
let reviewer: TestUser;
let ra: Agent;
beforeAll(async () => {
  p = await startPlatform({ env: { REVIEW_OVERDUE_SECONDS: '3600', ANNUAL_REVIEW_YEAR_SECONDS: '3600' } });
  reviewer = await createReviewer(p.db, '350100');
  ra = p.agent();
  await login(ra, reviewer);
});
afterAll(() => p.close());

async function institutionAgent(regionCode = '350100') {
  const inst = await createInstitution(p.db, { regionCode });
  const agent = p.agent();
  await login(agent, inst.admin);
  return { inst, agent };
}

describe('base application form', () => {
  it('names each wrong field in Chinese, keeps the typed values and saves nothing', async () => {
    const { inst, agent } = await institutionAgent();
    await agent.get('/bases/apply');
    const empty = await agent.upload('/bases/apply', formData({ name: '', baseType: '', field: '<b>x</b>', facilities: '', fullTimeTeachers: 'abc', partTimeTeachers: '', annualCapacity: '0', recentTraining: '' }));
    expect(empty.status).toBe(422);
    for (const m of ['请填写基地名称', '请选择基地类型', '请填写培训场地与设施', '专职师资数量应为整数', '请填写兼职师资数量', '年培训能力(人次)应在1到10000000之间', '请填写近三年培训情况']) {
      expect(empty.text).toContain(m);
    }
    expect(empty.text).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    const noTeachers = await agent.upload('/bases/apply', formData({ ...BASE_FORM, fullTimeTeachers: '0', partTimeTeachers: '0' }, [{ name: 'a.pdf', data: PDF }]));
    expect(noTeachers.status).toBe(422);
    expect(noTeachers.text).toContain('专兼职师资数量合计至少为1人');
    expect(noTeachers.text).toContain('请重新选择要上传的附件');
    const noFile = await agent.upload('/bases/apply', formData(BASE_FORM));
    expect(noFile.text).toContain('请上传申请材料');
    const fake = await agent.upload('/bases/apply', formData(BASE_FORM, [{ name: '申请书.pdf', data: Buffer.from('just text, not a pdf') }]));
    expect(fake.status).toBe(422);
    expect(fake.text).toContain('附件“申请书.pdf”不是PDF、Office文档或图片');
    expect(fake.text).toContain(`value="${BASE_FORM.annualCapacity}"`);
    expect(await applicationOf(p.db, inst.id)).toBeUndefined();
    expect(await p.db('workflow_runs').where({ workflow_id: baseWorkflowId(inst.id) }).first()).toBeUndefined();
  });

  it('reject with a reason → amend → resubmit (round 2) → withdraw', async () => {
    const { inst, agent } = await institutionAgent();
    expect((await applyForBase(agent)).location).toBe('/bases?done=submitted');
    const app = await applicationOf(p.db, inst.id);
    expect(app).toMatchObject({ status: 'pending', name: BASE_FORM.name, full_time_teachers: 12, annual_capacity: 5000 });
    const bureau = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    expect(app.org_id).toBe(bureau.id);
    // A second submission while pending goes nowhere.
    expect((await applyForBase(agent)).location).toBe('/bases');

    await waitFor('round 1', () => p.db('review_items').where({ workflow_id: baseWorkflowId(inst.id), round: 1 }).first());
    const noReason = await ra.post(`/bases/review/${app.id}/decide`, { decision: 'reject', reason: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('退回时请填写退回原因');
    expect((await ra.post(`/bases/review/${app.id}/decide`, { decision: 'reject', reason: '师资证明材料缺失' })).status).toBe(303);
    expect((await applicationOf(p.db, inst.id)).status).toBe('rejected');
    const status = await agent.get('/bases');
    expect(status.text).toContain('师资证明材料缺失');
    expect(status.text).toContain('修改并重新提交');

    const form = await agent.get('/bases/apply');
    expect(form.text).toContain(`value="${BASE_FORM.field}"`);
    const file = (await p.db('base_application_files').where({ application_id: app.id }).first()).file_id;
    const amended = await agent.upload('/bases/apply', formData({ ...BASE_FORM, partTimeTeachers: '35', removeFiles: file }, [{ name: '师资证明.pdf', data: PDF }]));
    expect(amended.location).toBe('/bases?done=resubmitted');
    expect(await applicationOf(p.db, inst.id)).toMatchObject({ status: 'pending', part_time_teachers: 35 });
    const files = await p.db('base_application_files as a').join('files as f', 'f.id', 'a.file_id').where('a.application_id', app.id).select('f.name');
    expect(files.map((f) => f.name)).toEqual(['师资证明.pdf']);
    await waitFor('round 2', () => p.db('review_items').where({ workflow_id: baseWorkflowId(inst.id), round: 2, status: 'pending' }).first());

    expect((await agent.post('/bases/withdraw')).location).toBe('/bases?done=withdrawn');
    await waitFor('withdrawn', async () => (await applicationOf(p.db, inst.id)).status === 'withdrawn');
    const refused = await ra.post(`/bases/review/${app.id}/decide`, { decision: 'approve', reason: '' });
    expect(refused.status).toBe(409);
    expect((await p.db('institutions').where({ id: inst.id }).first()).is_base).toBe(false);
  });

  it('the reviewer workbench shows the submitted fields and links to 基地管理', async () => {
    const { inst, agent } = await institutionAgent();
    await applyForBase(agent, { name: '工作台可见基地' });
    const item = await waitFor('round 1', () => p.db('review_items').where({ workflow_id: baseWorkflowId(inst.id), round: 1 }).first());
    const page = await ra.get(`/review/items/${item.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('工作台可见基地');
    expect(page.text).toContain(BASE_FORM.facilities);
    expect(page.text).toContain('申请书.pdf');
    expect(page.text).toContain(`/bases/review/${item.subject_id}`);
  });
});

describe('scope', () => {
  it('年审报告 is refused to an institution that is not a base, and absent from its menu', async () => {
    const { agent } = await institutionAgent();
    const dash = await agent.get('/dashboard');
    expect(dash.text).not.toContain('href="/annual-reviews"');
    for (const path of ['/annual-reviews', `/annual-reviews/${new Date().getFullYear()}`]) expect((await agent.get(path)).status).toBe(403);
    expect((await agent.post(`/annual-reviews/${new Date().getFullYear()}`, { problems: 'x' })).status).toBe(403);
  });

  it("another institution and another bureau get 404; institution users cannot reach the reviewer's pages", async () => {
    const { inst, agent } = await institutionAgent();
    await applyForBase(agent);
    const app = await applicationOf(p.db, inst.id);
    const fileId = (await p.db('base_application_files').where({ application_id: app.id }).first()).file_id;
    expect((await agent.get(`/bases/files/${fileId}`)).status).toBe(200);

    const other = await institutionAgent();
    expect((await other.agent.get(`/bases/files/${fileId}`)).status).toBe(404);
    for (const path of ['/bases/review', `/bases/review/${app.id}`, '/annual-reviews/review']) expect((await other.agent.get(path)).status).toBe(403);
    expect((await other.agent.post(`/bases/review/${app.id}/revoke`, { reason: 'x' })).status).toBe(403);
    expect((await other.agent.post(`/bases/review/${app.id}/keep`, { keepReason: 'x' })).status).toBe(403);

    const xiamen = p.agent();
    await login(xiamen, await createReviewer(p.db, '350200'));
    expect((await xiamen.get(`/bases/review/${app.id}`)).status).toBe(404);
    expect((await xiamen.get(`/bases/review/${app.id}/files/${fileId}`)).status).toBe(404);
    expect((await xiamen.post(`/bases/review/${app.id}/decide`, { decision: 'approve' })).status).toBe(404);
    expect((await xiamen.post(`/bases/review/${app.id}/revoke`, { reason: 'x' })).status).toBe(404);
    expect((await xiamen.post(`/bases/review/${app.id}/keep`, { keepReason: 'x' })).status).toBe(404);
    expect((await xiamen.get('/bases/review')).text).not.toContain(`/bases/review/${app.id}"`);
    expect((await ra.get('/bases/review?status=pending')).text).toContain(`/bases/review/${app.id}"`);

    // An auditor reads, never decides.
    const auditor = p.agent();
    await login(auditor, await createUser(p.db, { role: 'auditor' }));
    expect((await auditor.post(`/bases/review/${app.id}/revoke`, { reason: 'x' })).status).toBe(403);
    expect((await auditor.post(`/bases/review/${app.id}/keep`, { keepReason: 'x' })).status).toBe(403);
  });

  it('the reviewer list filters and answers htmx with the list only', async () => {
    const res = await ra.get('/bases/review?status=revoked&q=%E4%B8%8D%E5%AD%98%E5%9C%A8', { 'HX-Request': 'true' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<html');
    expect(res.text).toContain('没有符合条件的基地');
  });
});
