import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, login, uniq, type TestUser } from '../helpers/fixtures';
import { PNG, pendingApplication, roundOpened, startApplication } from '../helpers/institutions';
import type { Agent } from '../helpers/agent';
import { createFileStore, deleteRemovedFiles } from '../../db/files';
import { addAttachment } from '../../db/institutions';

let p: TestPlatform;
let fz: TestUser;
let fz2: TestUser;
let xm: TestUser;
beforeAll(async () => {
  p = await startPlatform({ env: { REVIEW_OVERDUE_SECONDS: '3600' } });
  fz = await createReviewer(p.db, '350100');
  fz2 = await createReviewer(p.db, '350100');
  xm = await createReviewer(p.db, '350200');
  await p.db('users').where({ id: fz.id }).update({ name: `林审核${uniq('')}` });
});
afterAll(() => p.close());

async function as(u: TestUser): Promise<Agent> {
  const a = p.agent();
  await login(a, u);
  return a;
}

/** A 福州 application in the queue, with a licence scan attached. */
async function queued(region = '350100', overdueAfterMs = 3600_000) {
  const app = await pendingApplication(p.db, region);
  const fileId = await createFileStore(p.db).put({ name: '营业执照.png', mime: 'image/png', data: PNG, institutionId: app.institutionId });
  await addAttachment(p.db, app.institutionId, fileId, app.applicant.id);
  const wf = await startApplication(p.deps, app, { overdueAfterMs });
  const item = await roundOpened(p.db, wf, 1);
  return { ...app, wf, item, fileId };
}

describe('审核工作台', () => {
  it('lists the pending items of the reviewer’s bureau, shows the detail and serves its attachments', async () => {
    const q = await queued();
    const a = await as(fz);
    const list = await a.get(`/review?q=${encodeURIComponent(q.name)}`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('审核工作台');
    expect(list.text).toContain(q.name);
    expect(list.text).toContain('继续教育机构申请');
    const frag = await a.get(`/review?q=${encodeURIComponent(q.name)}`, { 'HX-Request': 'true' });
    expect(frag.text).not.toContain('<html');
    expect(frag.text).toContain(q.name);
    const detail = await a.get(`/review/items/${q.item.id}`);
    for (const s of ['统一社会信用代码', '张负责', '李联系', '公需科目', '营业执照.png', '审核记录', '提交审核']) expect(detail.text).toContain(s);
    const file = await a.get(`/review/items/${q.item.id}/files/${q.fileId}?inline=1`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    // A file id of another institution is not served through this item.
    const other = await createInstitution(p.db);
    const stranger = await createFileStore(p.db).put({ name: 'x.png', mime: 'image/png', data: PNG, institutionId: other.id });
    expect((await a.get(`/review/items/${q.item.id}/files/${stranger}`)).status).toBe(404);
  });

  it('filters by type, region, date and overdue, and pages', async () => {
    const tag = uniq('筛选');
    // Items straight in the table: the queue is a projection, listing needs no workflow.
    const inst = await createInstitution(p.db, { regionCode: '350700', name: `${tag}机构` });
    const bureau = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350700' }).first();
    const np = await createReviewer(p.db, '350700');
    const rows = Array.from({ length: 23 }, (_, i) => ({
      kind: i % 2 ? 'class_declaration' : 'institution',
      workflow_id: `test-queue:${tag}:${i}`,
      round: 1,
      subject_id: inst.id,
      institution_id: inst.id,
      org_id: bureau.id,
      title: `${tag}-${String(i).padStart(2, '0')}`,
      status: 'pending',
      overdue: i < 3,
      submitted_at: new Date(Date.UTC(2026, 0, 1 + i, 4)),
    }));
    await p.db('review_items').insert(rows);
    const a = await as(np);
    const base = `/review?q=${encodeURIComponent(tag)}`;
    const page1 = await a.get(base);
    expect(new Set(page1.text.match(new RegExp(`${tag}-\\d\\d`, 'g'))).size).toBe(20);
    expect(page1.text).toContain('下一页');
    const page2 = await a.get(`${base}&page=2`);
    expect(new Set(page2.text.match(new RegExp(`${tag}-\\d\\d`, 'g'))).size).toBe(3);
    const overdue = await a.get(`${base}&overdue=1`);
    expect(new Set(overdue.text.match(new RegExp(`${tag}-\\d\\d`, 'g')))).toEqual(new Set([`${tag}-00`, `${tag}-01`, `${tag}-02`]));
    const kinds = await a.get(`${base}&kind=class_declaration`);
    expect(kinds.text).not.toContain(`${tag}-00`);
    expect(kinds.text).toContain(`${tag}-01`);
    const dates = await a.get(`${base}&from=2026-01-05&to=2026-01-06`);
    expect(new Set(dates.text.match(new RegExp(`${tag}-\\d\\d`, 'g')))).toEqual(new Set([`${tag}-04`, `${tag}-05`]));
    const region = await a.get(`${base}&region=350100`);
    expect(region.text).not.toContain(`${tag}-00`);
    await p.db('review_items').where('workflow_id', 'like', `test-queue:${tag}:%`).update({ status: 'withdrawn' });
  });

  it('approve and reject with errors beside the field; a second reviewer is told who decided', async () => {
    const q = await queued();
    const a = await as(fz);
    await a.get(`/review/items/${q.item.id}`);
    const noReason = await a.post(`/review/items/${q.item.id}/decide`, { decision: 'reject', reason: '  ' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toMatch(/<p class="error" id="e-reason" role="alert">退回时请填写退回原因/);
    const noChoice = await a.post(`/review/items/${q.item.id}/decide`, { reason: '随便' });
    expect(noChoice.status).toBe(422);
    expect(noChoice.text).toContain('请选择审核结果');
    expect(noChoice.text).toContain('随便');

    // The second reviewer loaded the page before the first decided.
    const b = await as(fz2);
    await b.get(`/review/items/${q.item.id}`);
    const ok = await a.post(`/review/items/${q.item.id}/decide`, { decision: 'reject', reason: '法人证书缺失' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/review/items/${q.item.id}?done=rejected`);
    const late = await b.post(`/review/items/${q.item.id}/decide`, { decision: 'approve' });
    expect(late.status).toBe(409);
    const fzName = (await p.db('users').where({ id: fz.id }).first()).name;
    expect(late.text).toContain(`<div class="alert error" role="alert" id="refusal">该事项已由福州市人力资源和社会保障局审核员 ${fzName}退回,无需重复审核</div>`);
    const after = await a.get(`/review/items/${q.item.id}?done=rejected`);
    expect(after.text).toContain('法人证书缺失');
    expect(after.text).not.toContain('提交审核');
    const logged = await p.db('audit_log').where({ event: 'review_decision', institution_id: q.institutionId }).select('result', 'user_id');
    expect(logged).toEqual(expect.arrayContaining([{ result: 'rejected', user_id: fz.id }]));
    const decided = await a.get(`/review?tab=decided&q=${encodeURIComponent(q.name)}`);
    expect(decided.text).toContain(q.name);
    expect(decided.text).toContain(fzName);
  });

  it('a decided round keeps showing what was decided after the applicant amends it', async () => {
    const q = await queued();
    const a = await as(fz);
    await a.get(`/review/items/${q.item.id}`);
    expect((await a.post(`/review/items/${q.item.id}/decide`, { decision: 'reject', reason: '地址有误' })).status).toBe(303);
    const stored = await p.db('review_items').where({ id: q.item.id }).first('snapshot');
    expect(stored.snapshot.fields).toEqual(expect.arrayContaining([expect.objectContaining({ value: '测试地址1号' })]));
    // The applicant amends: another address, the licence scan replaced.
    await p.db('institutions').where({ id: q.institutionId }).update({ address: '修改后的地址9号' });
    const page = await a.get(`/review/items/${q.item.id}`);
    expect(page.text).toContain('以下为审核时的申报内容');
    expect(page.text).toContain('测试地址1号');
    expect(page.text).not.toContain('修改后的地址9号');
    // Its attachment is served from the snapshot's list, still within the institution.
    expect((await a.get(`/review/items/${q.item.id}/files/${q.fileId}?inline=1`)).status).toBe(200);
    // A file the decided round shows outlives its removal from the subject; others go.
    const store = createFileStore(p.db);
    const spare = await store.put({ name: '其他.png', mime: 'image/png', data: PNG, institutionId: q.institutionId });
    await p.db.transaction((trx) => deleteRemovedFiles(trx, q.institutionId, [q.fileId, spare]));
    expect(await store.info(q.fileId)).not.toBeNull();
    expect(await store.info(spare)).toBeNull();
    expect((await a.get(`/review/items/${q.item.id}/files/${q.fileId}`)).status).toBe(200);
    // An item decided before snapshots were kept says it shows the subject as it is now.
    await p.db('review_items').where({ id: q.item.id }).update({ snapshot: null });
    const old = await a.get(`/review/items/${q.item.id}`);
    expect(old.text).toContain('以下为当前的申报内容');
    expect(old.text).toContain('修改后的地址9号');
  });

  it('bulk-approves the selected rows, each as its own decision', async () => {
    const items = await Promise.all([queued(), queued(), queued()]);
    const a = await as(fz);
    await a.get('/review');
    const res = await a.post('/review/bulk-approve', { ids: items.map((i) => String(i.item.id)) });
    expect(res.status).toBe(303);
    expect(res.location).toContain('approved=3');
    expect(res.location).toContain('refused=0');
    for (const i of items) {
      expect((await p.db('institutions').where({ id: i.institutionId }).first()).status).toBe('active');
    }
    const again = await a.post('/review/bulk-approve', { ids: [String(items[0].item.id)] });
    expect(again.location).toContain('approved=0');
    expect(again.location).toContain('refused=1');
    expect((await a.get(again.location!)).text).toContain('审核通过,无需重复审核');
  });

  it('shows an overdue application as such', async () => {
    const q = await queued('350100', 500);
    const a = await as(fz);
    for (let i = 0; i < 50 && !(await p.db('review_items').where({ id: q.item.id }).first()).overdue; i++) await new Promise((r) => setTimeout(r, 100));
    const list = await a.get(`/review?overdue=1&q=${encodeURIComponent(q.name)}`);
    expect(list.text).toContain(q.name);
    expect(list.text).toContain('已超期');
  });
});

describe('tenancy', () => {
  it('a 厦门 reviewer neither sees nor decides a 福州 application', async () => {
    const q = await queued('350100');
    const a = await as(xm);
    expect((await a.get(`/review?q=${encodeURIComponent(q.name)}`)).text).not.toContain(`/review/items/${q.item.id}`);
    expect((await a.get('/review')).text).not.toContain(`/review/items/${q.item.id}`);
    expect((await a.get(`/review/items/${q.item.id}`)).status).toBe(404);
    expect((await a.get(`/review/items/${q.item.id}/files/${q.fileId}`)).status).toBe(404);
    await a.get('/review');
    expect((await a.post(`/review/items/${q.item.id}/decide`, { decision: 'approve' })).status).toBe(404);
    const bulk = await a.post('/review/bulk-approve', { ids: [String(q.item.id)] });
    expect(bulk.location).toContain('approved=0');
    expect((await p.db('review_items').where({ id: q.item.id }).first()).status).toBe('pending');
  });

  it('an institution user reaches neither the workbench nor the audit pages', async () => {
    const q = await queued('350100');
    const inst = await createInstitution(p.db);
    const a = p.agent();
    await login(a, inst.admin);
    for (const path of ['/review', `/review/items/${q.item.id}`, `/review/items/${q.item.id}/files/${q.fileId}`, '/audit', '/audit/consistency', `/audit/workflows/${encodeURIComponent(q.wf)}`, `/audit/workflows/${encodeURIComponent(q.wf)}/history.json`]) {
      expect([path, (await a.get(path)).status]).toEqual([path, 403]);
    }
    await a.get('/dashboard');
    expect((await a.post(`/review/items/${q.item.id}/decide`, { decision: 'approve' })).status).toBe(403);
    expect((await a.post('/review/bulk-approve', { ids: [String(q.item.id)] })).status).toBe(403);
    // Nor does the applicant of that very application.
    const applicant = p.agent();
    await login(applicant, q.applicant);
    expect((await applicant.get(`/review/items/${q.item.id}`)).status).toBe(403);
  });
});
