import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createAuditor, createInstitution, createReviewer, login, type TestUser } from '../helpers/fixtures';
import type { Agent } from '../helpers/agent';
import { applicationOf, applyForBase, schedule, submitReport, yearRow } from '../helpers/bases';
import { waitFor } from '../helpers/waitFor';
import { workflowHandle } from '../../web/workflows';
import { baseStateQuery, baseWorkflowId } from '../../workflows/messages/baseApplication';
import { annualReviewWorkflowId } from '../../workflows/messages/annualReview';
import { beijingYear } from '../../workflows/messages/calendar';

/**
 * The base workflows on the real dev server with seconds for years: apply → approve →
 * the first annual review opens → reminder → report → 合格; a missed deadline; two
 * 不合格 years flag the base; revocation ends the loop and closes the menu.
 */
let p: TestPlatform;
let reviewer: TestUser;
let reviewerAgent: Agent;
beforeAll(async () => {
  p = await startPlatform({ env: { REVIEW_OVERDUE_SECONDS: '3600' } });
  reviewer = await createReviewer(p.db, '350100');
  reviewerAgent = p.agent();
  await login(reviewerAgent, reviewer);
});
afterAll(() => p.close());

const HISTORIES = path.resolve(__dirname, 'histories');
/** RECORD_HISTORIES=1 refreshes the histories basesReplay.test.ts replays (every run of the workflow id). */
async function keepHistories(name: string, workflowId: string) {
  if (!process.env.RECORD_HISTORIES) return;
  fs.mkdirSync(HISTORIES, { recursive: true });
  const runs = [];
  for await (const w of p.deps.temporal!.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(w);
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  for (const [i, w] of runs.entries()) {
    if (w.status.name === 'RUNNING') continue;
    const history = await p.deps.temporal!.workflow.getHandle(workflowId, w.runId).fetchHistory();
    // protobufjs' own JSON form (the SDK's historyToJSON fails in this install; see classes.test.ts).
    const json = JSON.stringify(temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, { longs: String, enums: String, bytes: String }));
    fs.writeFileSync(path.join(HISTORIES, `bases-${name}-run${i + 1}.json`), json);
  }
}

/** An institution that applied and was approved through the pages; its admin's agent. */
async function approvedBase() {
  const inst = await createInstitution(p.db, { regionCode: '350100' });
  const agent = p.agent();
  await login(agent, inst.admin);
  const res = await applyForBase(agent, { name: `${inst.name}基地` });
  expect(res.status).toBe(303);
  const app = await applicationOf(p.db, inst.id);
  expect(app.status).toBe('pending');
  await waitFor('review round', () => p.db('review_items').where({ workflow_id: baseWorkflowId(inst.id), round: 1 }).first());
  const decided = await reviewerAgent.post(`/bases/review/${app.id}/decide`, { decision: 'approve', reason: '' });
  expect(decided.status).toBe(303);
  expect((await p.db('institutions').where({ id: inst.id }).first()).is_base).toBe(true);
  return { inst, agent, app, year: beijingYear(Date.now()) };
}

async function revoke(appId: number, institutionId: number, reason = '连续两年年审不合格') {
  const res = await reviewerAgent.post(`/bases/review/${appId}/revoke`, { reason });
  expect(res.status).toBe(303);
  return workflowHandle(p.deps, baseWorkflowId(institutionId)).result();
}

describe('base application and annual reviews', () => {
  it('apply → approve → first review opens → reminder → report → 合格', async () => {
    schedule(p, { year: 4, window: 60, remind: 57 });
    const { inst, agent, app, year } = await approvedBase();
    expect((await agent.get('/dashboard')).text).toContain('href="/annual-reviews"');

    const opened = await waitFor('first annual review', () => yearRow(p.db, inst.id, year));
    expect(opened).toMatchObject({ status: 'open', org_id: app.org_id, overdue: false });
    const reminded = await waitFor('reminder', async () => (await yearRow(p.db, inst.id, year))?.reminded_at);
    expect(reminded).toBeTruthy();
    // The SMS goes out just after reminded_at is written, in the same activity.
    const sms = await waitFor('reminder SMS', () => p.db('sms_outbox').where({ phone: inst.admin.phone }).andWhereLike('text', `%${year}年度年审报告尚未提交%`).first());
    expect(sms.text).toContain('请于');
    expect((await agent.get('/annual-reviews')).text).toContain('尚未提交');

    const sent = await submitReport(agent, year);
    expect(sent.status).toBe(303);
    const pending = await yearRow(p.db, inst.id, year);
    expect(pending).toMatchObject({ status: 'pending', classes_count: 0, trainees_count: 0, conditions_change: '新增兼职教师5名' });
    const item = await p.db('review_items').where({ workflow_id: annualReviewWorkflowId(inst.id, year), status: 'pending' }).first();
    expect(item).toMatchObject({ kind: 'annual_review', org_id: app.org_id, subject_id: pending.id });

    const graded = await reviewerAgent.post(`/annual-reviews/review/${pending.id}/grade`, { grade: 'pass', reason: '' });
    expect(graded.status).toBe(303);
    expect(await yearRow(p.db, inst.id, year)).toMatchObject({ status: 'graded', grade: 'pass', graded_by: reviewer.id });
    expect(await workflowHandle(p.deps, annualReviewWorkflowId(inst.id, year)).result()).toEqual({ year, grade: 'pass', missed: false });
    expect((await agent.get(`/annual-reviews/${year}`)).text).toContain('评定等级:合格');

    await revoke(app.id, inst.id, '测试结束');
    await keepHistories('pass', baseWorkflowId(inst.id));
    await keepHistories('pass-annual', annualReviewWorkflowId(inst.id, year));
  });

  it('a missed deadline marks the year overdue for the reviewer, then counts as 不合格', async () => {
    schedule(p, { year: 6, window: 2, remind: 1 });
    const { inst, app, year } = await approvedBase();
    const overdue = await waitFor('overdue', async () => {
      const r = await yearRow(p.db, inst.id, year);
      return r?.overdue && r.status === 'open' ? r : null;
    });
    expect(overdue.reminded_at).not.toBeNull();
    const [dash, list] = await Promise.all([reviewerAgent.get('/dashboard'), reviewerAgent.get('/annual-reviews/review?overdue=1')]);
    expect(dash.text).toContain(`/annual-reviews/review/${overdue.id}`);
    expect(list.text).toContain(`/annual-reviews/review/${overdue.id}`);

    const missed = await waitFor('missed', async () => {
      const r = await yearRow(p.db, inst.id, year);
      return r?.status === 'missed' ? r : null;
    });
    expect(missed).toMatchObject({ grade: 'fail', grade_reason: '未在规定期限内提交年审报告' });
    expect(await workflowHandle(p.deps, annualReviewWorkflowId(inst.id, year)).result()).toEqual({ year, grade: 'fail', missed: true });
    await revoke(app.id, inst.id, '测试结束');
    await keepHistories('missed-annual', annualReviewWorkflowId(inst.id, year));
  });

  it('two consecutive 不合格 years flag the base; revocation ends the loop and closes the menu', async () => {
    schedule(p, { year: 3, window: 120, remind: 60 });
    const { inst, agent, app, year } = await approvedBase();
    const first = await waitFor('year 1', () => yearRow(p.db, inst.id, year));
    const second = await waitFor('year 2', () => yearRow(p.db, inst.id, year + 1));
    for (const y of [first, second]) {
      expect((await submitReport(agent, y.year)).status).toBe(303);
      const noReason = await reviewerAgent.post(`/annual-reviews/review/${y.id}/grade`, { grade: 'fail', reason: '' });
      expect(noReason.status).toBe(422);
      expect(noReason.text).toContain('评定为不合格时请填写不合格原因');
      expect((await reviewerAgent.post(`/annual-reviews/review/${y.id}/grade`, { grade: 'fail', reason: '培训记录不完整' })).status).toBe(303);
    }
    const flagged = await applicationOf(p.db, inst.id);
    expect(flagged).toMatchObject({ flagged: true, flag_reason: `${year}、${year + 1}年度年审连续不合格`, status: 'approved' });
    expect((await reviewerAgent.get('/dashboard')).text).toContain(`/bases/review/${app.id}`);
    expect((await reviewerAgent.get('/bases/review?flagged=1')).text).toContain(`/bases/review/${app.id}`);

    const noReason = await reviewerAgent.post(`/bases/review/${app.id}/revoke`, { reason: '  ' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('请填写撤销原因');

    const result = await revoke(app.id, inst.id, '连续两年年审不合格');
    expect(result).toEqual({ status: 'revoked', revokedBy: reviewer.id, reason: '连续两年年审不合格' });
    expect(await workflowHandle(p.deps, baseWorkflowId(inst.id)).query(baseStateQuery)).toMatchObject({ phase: 'revoked', revokedBy: reviewer.id });
    expect((await p.db('institutions').where({ id: inst.id }).first()).is_base).toBe(false);
    expect(await applicationOf(p.db, inst.id)).toMatchObject({ status: 'revoked', revoked_by: reviewer.id, revoke_reason: '连续两年年审不合格' });
    const logged = await p.db('audit_log').where({ event: 'base_revoked', institution_id: inst.id }).first();
    expect(logged).toMatchObject({ user_id: reviewer.id, org_id: reviewer.orgId });
    expect(logged.detail.reason).toBe('连续两年年审不合格');

    // The menu and the routes close on the next request.
    const dash = await agent.get('/dashboard');
    expect(dash.text).not.toContain('href="/annual-reviews"');
    expect(dash.text).toContain('基地资格已撤销');
    expect((await agent.get('/annual-reviews')).status).toBe(403);

    // No new year opens after the revocation; the years still open were cancelled.
    const years = await p.db('annual_reviews').where({ institution_id: inst.id }).select('year', 'status');
    await new Promise((r) => setTimeout(r, 4000));
    expect(await p.db('annual_reviews').where({ institution_id: inst.id }).count({ n: '*' }).first()).toEqual({ n: years.length });
    for (const y of years.filter((x) => x.year > year + 1)) expect(y.status).toBe('cancelled');
    await keepHistories('revoked', baseWorkflowId(inst.id));
    await keepHistories('fail-annual', annualReviewWorkflowId(inst.id, year));
  });

  it('a revoked base applies again: a new application and workflow, reviewed from the year after its last', async () => {
    schedule(p, { year: 3, window: 120, remind: 60 });
    const { inst, agent, app, year } = await approvedBase();
    await waitFor('year 1', () => yearRow(p.db, inst.id, year));
    await revoke(app.id, inst.id, '停业整顿');
    expect((await agent.get('/bases')).text).toContain('重新申请继续教育基地');
    expect((await agent.get('/dashboard')).text).toContain('重新申请继续教育基地');
    // The new form starts from what the revoked application said.
    expect((await agent.get('/bases/apply')).text).toContain(`value="${app.name}"`);

    expect((await applyForBase(agent, { name: `${inst.name}基地(重新申请)` })).status).toBe(303);
    const again = await applicationOf(p.db, inst.id);
    expect(again).toMatchObject({ status: 'pending', workflow_id: baseWorkflowId(inst.id, again.id) });
    expect(again.id).toBeGreaterThan(app.id);
    // One live application at a time: applying again while this one is pending adds nothing.
    expect((await applyForBase(agent)).status).toBe(303);
    expect(await p.db('base_applications').where({ institution_id: inst.id }).count({ n: '*' }).first()).toEqual({ n: 2 });
    expect(await p.db('base_applications').where({ id: app.id }).first()).toMatchObject({ status: 'revoked', revoke_reason: '停业整顿' });

    await waitFor('review round', () => p.db('review_items').where({ workflow_id: again.workflow_id, round: 1, status: 'pending' }).first());
    expect((await reviewerAgent.post(`/bases/review/${again.id}/decide`, { decision: 'approve', reason: '' })).status).toBe(303);
    expect((await p.db('institutions').where({ id: inst.id }).first()).is_base).toBe(true);
    expect((await agent.get('/dashboard')).text).toContain('href="/annual-reviews"');

    const lastOld = Math.max(...(await p.db('annual_reviews').where({ application_id: app.id }).pluck('year')));
    const first = await waitFor('first year of the new base', () => p.db('annual_reviews').where({ application_id: again.id }).orderBy('year').first(), 20_000);
    expect(first).toMatchObject({ year: lastOld + 1, status: 'open' });
    // The old years stay as the revocation left them.
    for (const y of await p.db('annual_reviews').where({ application_id: app.id })) expect(y.status).toBe('cancelled');

    expect((await reviewerAgent.post(`/bases/review/${again.id}/revoke`, { reason: '测试结束' })).status).toBe(303);
    expect(await workflowHandle(p.deps, again.workflow_id).result()).toMatchObject({ status: 'revoked', reason: '测试结束' });
    await keepHistories('reapplied', again.workflow_id);
  });

  it('the bureau keeps a flagged base with a reason; a later failed pair of years flags it again', async () => {
    schedule(p, { year: 3, window: 120, remind: 60 });
    const { inst, agent, app, year } = await approvedBase();
    const failYear = async (y: number) => {
      const row = await waitFor(`year ${y}`, () => yearRow(p.db, inst.id, y), 20_000);
      expect((await submitReport(agent, y)).status).toBe(303);
      expect((await reviewerAgent.post(`/annual-reviews/review/${row.id}/grade`, { grade: 'fail', reason: '培训记录不完整' })).status).toBe(303);
    };
    await failYear(year);
    await failYear(year + 1);
    expect(await applicationOf(p.db, inst.id)).toMatchObject({ flagged: true, status: 'approved' });
    expect((await reviewerAgent.get(`/bases/review/${app.id}`)).text).toContain('保留资格并解除撤销建议');

    const noReason = await reviewerAgent.post(`/bases/review/${app.id}/keep`, { keepReason: ' ' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('请填写保留理由');
    expect(await applicationOf(p.db, inst.id)).toMatchObject({ flagged: true });

    const kept = await reviewerAgent.post(`/bases/review/${app.id}/keep`, { keepReason: '已现场核查,整改到位' });
    expect(kept.status).toBe(303);
    expect((await reviewerAgent.get(kept.location!)).text).toContain('已保留基地资格,撤销建议已解除。');
    expect(await applicationOf(p.db, inst.id)).toMatchObject({ flagged: false, status: 'approved' });
    expect((await reviewerAgent.get('/bases/review?flagged=1')).text).not.toContain(`/bases/review/${app.id}"`);
    const logged = await p.db('audit_log').where({ event: 'base_kept', institution_id: inst.id }).first();
    expect(logged).toMatchObject({ user_id: reviewer.id, org_id: reviewer.orgId });
    expect(logged.detail).toMatchObject({ reason: '已现场核查,整改到位', flagReason: `${year}、${year + 1}年度年审连续不合格` });
    const again = await reviewerAgent.post(`/bases/review/${app.id}/keep`, { keepReason: '再次保留' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('该基地没有撤销建议');

    // The auditor reads the decision, its reason and who made it in the base's history.
    const auditor = p.agent();
    await login(auditor, await createAuditor(p.db));
    const timeline = await auditor.get(`/audit/workflows/${encodeURIComponent(baseWorkflowId(inst.id))}`);
    expect(timeline.text).toContain('保留基地资格(解除撤销建议)');
    expect(timeline.text).toContain('已现场核查,整改到位');

    // Another failed year next to a failed one: flagged again, with the new pair of years.
    await failYear(year + 2);
    expect(await applicationOf(p.db, inst.id)).toMatchObject({ flagged: true, flag_reason: `${year + 1}、${year + 2}年度年审连续不合格` });

    await revoke(app.id, inst.id, '再次连续不合格');
    await keepHistories('kept', baseWorkflowId(inst.id));
  });
});
