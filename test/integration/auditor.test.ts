import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createAuditor, createReviewer, login, type TestUser } from '../helpers/fixtures';
import { pendingApplication, roundOpened, startApplication } from '../helpers/institutions';
import { waitFor } from '../helpers/waitFor';
import { workflowHandle } from '../../web/workflows';
import { routeRegistry } from '../../web/router';
import { archiveClosedWorkflows } from '../../bin/archive';
import { historyFromJson } from '../../app/historyJson';
import { decideUpdate, resubmitUpdate, type Actor } from '../../workflows/messages/review';
import type { Agent } from '../helpers/agent';

let p: TestPlatform;
let auditor: TestUser;
let reviewer: TestUser;
let a: Agent;
beforeAll(async () => {
  p = await startPlatform();
  auditor = await createAuditor(p.db);
  reviewer = await createReviewer(p.db, '350100');
  await p.db('users').where({ id: reviewer.id }).update({ name: '审计测试审核员' });
  a = p.agent();
  await login(a, auditor);
});
afterAll(() => p.close());

const asReviewer = (u: TestUser): Actor => ({ userId: u.id, orgId: u.orgId, institutionId: null });

/** A rejected-then-approved application, closed. */
async function rejectedThenApproved() {
  const app = await pendingApplication(p.db);
  const wf = await startApplication(p.deps, app);
  const h = workflowHandle(p.deps, wf);
  await roundOpened(p.db, wf, 1);
  await h.executeUpdate(decideUpdate, { args: [{ decision: 'reject', reason: '缺少办学许可证', actor: asReviewer(reviewer) }] });
  await h.executeUpdate(resubmitUpdate, { args: [{ actor: { userId: app.applicant.id, orgId: null, institutionId: app.institutionId } }] });
  await roundOpened(p.db, wf, 2);
  await h.executeUpdate(decideUpdate, { args: [{ decision: 'approve', reason: '材料齐全', actor: asReviewer(reviewer) }] });
  await h.result();
  return { ...app, wf };
}

describe('auditor', () => {
  it('lists workflows with filters and reads the full timeline of a rejected-then-approved application', async () => {
    const app = await rejectedThenApproved();
    const list = await a.get(`/audit?type=institution_application&q=${encodeURIComponent(app.name)}`);
    expect(list.status).toBe(200);
    expect(list.text).toContain(app.wf);
    expect(list.text).toContain('继续教育机构申请');
    expect((await a.get(`/audit?type=class_declaration&q=${encodeURIComponent(app.name)}`)).text).not.toContain(app.wf);
    const frag = await a.get(`/audit?q=${encodeURIComponent(app.wf)}`, { 'HX-Request': 'true' });
    expect(frag.text).not.toContain('<html');
    expect(frag.text).toContain(app.wf);

    const detail = await a.get(`/audit/workflows/${encodeURIComponent(app.wf)}`);
    expect(detail.status).toBe(200);
    for (const s of ['流程启动', '审核决定', '不通过(退回);原因:缺少办学许可证', '申请人重新提交', '审核结果:通过;原因:材料齐全', '审计测试审核员', '福州市人力资源和社会保障局', '记录审核结果', '机构生效并授予机构管理员', '流程结束', '来源:Temporal(实时)', 'Temporal 中为:已完成', '状态:已退回']) {
      expect([s, detail.text.includes(s)]).toEqual([s, true]);
    }
    expect(detail.text).not.toMatch(/COMPLETED|状态:(rejected|approved|pending)/);
    expect(detail.text).toContain(`http://127.0.0.1:${p.config.TEMPORAL_UI_PORT}/namespaces/default/workflows/${encodeURIComponent(app.wf)}`);

    const raw = await a.get(`/audit/workflows/${encodeURIComponent(app.wf)}/history.json`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-disposition')).toContain('attachment');
    expect(historyFromJson(JSON.parse(raw.text)).events!.length).toBeGreaterThan(10);
  });

  it('archives closed histories to PostgreSQL (≥ 184 days) and reads them once Temporal has dropped them', async () => {
    const app = await rejectedThenApproved();
    await waitFor('archived', async () => {
      await archiveClosedWorkflows(p.deps);
      return p.db('workflow_histories').where({ workflow_id: app.wf }).first();
    });
    const kept = await p.db('workflow_histories').where({ workflow_id: app.wf }).first();
    expect(kept.keep_until.getTime() - Date.now()).toBeGreaterThanOrEqual(183.9 * 86_400_000);
    expect(await p.db('workflow_runs').where({ workflow_id: app.wf }).first()).toMatchObject({ status: 'completed' });
    expect((await p.db('workflow_runs').where({ workflow_id: app.wf }).first()).closed_at).not.toBeNull();
    // Twice is once.
    await archiveClosedWorkflows(p.deps);
    expect((await p.db('workflow_histories').where({ workflow_id: app.wf })).length).toBe(1);

    // Retention passes: Temporal forgets the workflow; the auditor still reads it all.
    const { runId } = await workflowHandle(p.deps, app.wf).describe();
    await p.deps.temporal!.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: app.wf, runId } });
    // The dev server deletes in the background (about 20 s here).
    await waitFor('deleted from Temporal', async () => {
      try {
        await workflowHandle(p.deps, app.wf).describe();
        return false;
      } catch {
        return true;
      }
    }, 90_000);
    const detail = await a.get(`/audit/workflows/${encodeURIComponent(app.wf)}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('来源:PostgreSQL 归档');
    expect(detail.text).toContain('缺少办学许可证');
    expect(detail.text).toContain('审计测试审核员');
    const raw = await a.get(`/audit/workflows/${encodeURIComponent(app.wf)}/history.json`);
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.text).events[0].workflowExecutionStartedEventAttributes.workflowType.name).toBe('institutionApplication');
    expect((await a.get(`/audit?status=completed&q=${encodeURIComponent(app.wf)}`)).text).toContain(app.wf);
  });

  it('the consistency page lists a projection that disagrees with its workflow', async () => {
    const app = await pendingApplication(p.db);
    const wf = await startApplication(p.deps, app);
    const item = await roundOpened(p.db, wf, 1);
    await waitFor('pending projection', async () => (await p.db('institutions').where({ id: app.institutionId }).first()).status === 'pending');
    const pages = async () => {
      const r = await a.get(`/audit/consistency?type=institution_application&q=${encodeURIComponent(wf)}`);
      expect(r.status).toBe(200);
      expect(r.text).toContain('本页检查 1 个运行中的审核类流程');
      return r.text;
    };
    expect(await pages()).not.toContain(`${wf}</a>`);
    await p.db('review_items').where({ id: item.id }).update({ status: 'approved' });
    await p.db('institutions').where({ id: app.institutionId }).update({ status: 'active' });
    const text = await pages();
    expect(text).toContain(`${wf}</a>`);
    expect(text).toContain('审核状态:流程为 pending,数据库为 approved');
    expect(text).toContain('业务状态:应为 pending,数据库为 active');
    await p.db('review_items').where({ id: item.id }).update({ status: 'pending' });
    await p.db('institutions').where({ id: app.institutionId }).update({ status: 'pending' });
    // Import and export jobs have no review step: not checked, not offered as a type.
    await p.db('workflow_runs').insert({ workflow_id: `import:${wf}`, type: 'import', business_key: wf, status: 'running', started_at: new Date() });
    const imports = await a.get(`/audit/consistency?type=import&q=${encodeURIComponent(wf)}`);
    expect(imports.text).toContain('本页检查 0 个运行中的审核类流程');
    expect(imports.text).not.toContain('<option value="import"');
    await workflowHandle(p.deps, wf).terminate('test done');
  });

  it('refuses the auditor every write route: they hold only audit.view', async () => {
    await a.get('/audit');
    const writes = routeRegistry.filter((r) => r.method !== 'get' && r.guard !== 'public' && r.guard !== 'signed_in');
    expect(writes.length).toBeGreaterThan(10);
    for (const r of writes) {
      expect(r.guard).not.toBe('audit.view');
      const path = r.path.replace(/:[A-Za-z]+/g, '1');
      const res = await a.request(r.method.toUpperCase(), path, {
        body: new URLSearchParams({ _csrf: a.csrf }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': a.csrf },
      });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 403]);
    }
    // And every auditor page is a GET.
    expect(routeRegistry.filter((r) => r.guard === 'audit.view').every((r) => r.method === 'get')).toBe(true);
  });
});
