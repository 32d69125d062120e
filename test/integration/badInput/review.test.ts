import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { createInstitution, createReviewer, uniq, type TestUser } from '../../helpers/fixtures';
import type { Agent } from '../../helpers/agent';
import { applicationWorkflowId } from '../../../workflows/messages/institutionApplication';
import { annualReviewWorkflowId } from '../../../workflows/messages/annualReview';
import { baseWorkflowId } from '../../../workflows/messages/baseApplication';
import { fieldError, esc, SCRIPT, expectEscaped, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the review forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

describe('审核 decisions: reject without a reason, a decision outside the list', () => {
  let reviewer: TestUser;
  let ra: Agent;
  let orgId: number;
  beforeAll(async () => {
    reviewer = await createReviewer(p.db, '350100');
    orgId = reviewer.orgId!;
    ra = await signedIn(reviewer);
  });

  const DECISIONS: Array<[string, Record<string, string>, string, string]> = [
    ['a rejection without a reason', { decision: 'reject', reason: '  ' }, 'reason', '退回时请填写退回原因'],
    ['no decision', { reason: '材料不全' }, 'decision', '请选择审核结果'],
    ['a decision outside the list', { decision: 'maybe', reason: '材料不全' }, 'decision', '请选择审核结果'],
  ];
  const LONG = '因'.repeat(501);

  async function pendingItem(kind: string, workflowId: string, subjectId: number, institutionId: number) {
    const [item] = await p.db('review_items')
      .insert({ kind, workflow_id: workflowId, round: 1, subject_id: subjectId, institution_id: institutionId, org_id: orgId, title: uniq('待审'), status: 'pending', submitted_at: new Date() })
      .returning('*');
    return item;
  }

  it.each([...DECISIONS, ['an over-long reason', { decision: 'reject', reason: LONG }, 'reason', '审核意见不能超过500个字']])(
    '审核工作台: refuses %s beside the field, keeps what was typed, decides nothing',
    async (_l, form, field, message) => {
      const inst = await createInstitution(p.db, { status: 'pending' });
      const item = await pendingItem('institution', `${applicationWorkflowId(inst.id)}:t`, inst.id, inst.id);
      // A reason worth keeping carries a script, which must come back as text.
      const reason = form.reason?.trim() && form.reason !== LONG ? `${form.reason}${SCRIPT}` : form.reason;
      const res = await ra.post(`/review/items/${item.id}/decide`, { ...form, ...(reason === undefined ? {} : { reason }) });
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      if (form.decision === 'reject') expect(res.text).toContain('value="reject" checked');
      if (reason !== form.reason) {
        expect(res.text).toContain(`>${esc(reason!)}</textarea>`);
        expectEscaped(res.text);
      }
      expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
      expect((await p.db('institutions').where({ id: inst.id }).first()).status).toBe('pending');
      expect(await count('audit_log', { event: 'review_decision', user_id: reviewer.id })).toBe(0);
    },
  );

  async function baseOf(status: string) {
    const inst = await createInstitution(p.db, { isBase: status === 'approved' });
    const [app] = await p.db('base_applications')
      .insert({
        workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: orgId, name: `${inst.name}基地`, base_type: '综合类', field: '工程', facilities: '教室', full_time_teachers: 1,
        part_time_teachers: 1, annual_capacity: 100, recent_training: '有', status, applied_by: inst.admin.id, submitted_at: new Date(),
        approved_at: status === 'approved' ? new Date() : null,
      })
      .returning('*');
    return { inst, app };
  }

  it.each([...DECISIONS, ['an over-long reason', { decision: 'reject', reason: LONG }, 'reason', '审核意见不能超过500个字']])(
    '基地申请: refuses %s beside the field, keeps what was typed, decides nothing',
    async (_l, form, field, message) => {
      const { inst, app } = await baseOf('pending');
      const item = await pendingItem('base', baseWorkflowId(inst.id), app.id, inst.id);
      const res = await ra.post(`/bases/review/${app.id}/decide`, form);
      expect(res.status).toBe(422);
      expect(fieldError(res.text, field)).toBe(message);
      if (form.decision === 'reject') expect(res.text).toContain('value="reject" checked');
      if (form.reason && form.reason.trim() && form.reason !== LONG) expect(res.text).toContain(`>${form.reason}</textarea>`);
      expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
      expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
    },
  );

  it.each([
    ['no reason', '', '请填写撤销原因'],
    ['a blank reason', '   ', '请填写撤销原因'],
    ['an over-long reason', '撤'.repeat(501), '撤销原因不能超过500个字'],
  ])('撤销基地: refuses %s beside the field, keeps what was typed, revokes nothing', async (_l, reason, message) => {
    const { inst, app } = await baseOf('approved');
    const res = await ra.post(`/bases/review/${app.id}/revoke`, { reason });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'reason')).toBe(message);
    if (reason.trim()) expect(res.text).toContain(`>${reason}</textarea>`);
    expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
    expect((await p.db('institutions').where({ id: inst.id }).first()).is_base).toBe(true);
  });

  it.each([
    ['no reason', '', '请填写保留理由'],
    ['a blank reason', '   ', '请填写保留理由'],
    ['an over-long reason', '留'.repeat(501), '保留理由不能超过500个字'],
  ])('保留基地资格: refuses %s beside the field, keeps what was typed, keeps the flag', async (_l, keepReason, message) => {
    const { app: plain } = await baseOf('approved');
    const [app] = await p.db('base_applications').where({ id: plain.id }).update({ flagged: true, flag_reason: '2024、2025年度年审连续不合格', flagged_at: new Date() }).returning('*');
    const res = await ra.post(`/bases/review/${app.id}/keep`, { keepReason });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'keepReason')).toBe(message);
    if (keepReason.trim()) expect(res.text).toContain(`>${keepReason}</textarea>`);
    expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
  });

  async function submittedReport() {
    const { inst, app } = await baseOf('approved');
    const year = 2024;
    const [row] = await p.db('annual_reviews')
      .insert({
        institution_id: inst.id, application_id: app.id, org_id: orgId, year, status: 'pending', opened_at: new Date(), deadline_at: new Date(Date.now() + 86400_000),
        conditions_change: '无', problems: '无', submitted_at: new Date(),
      })
      .returning('*');
    const item = await pendingItem('annual_review', annualReviewWorkflowId(inst.id, year), row.id, inst.id);
    return { row, item };
  }

  it.each<[string, Record<string, string>, string, string]>([
    ['no grade', { grade: '' }, 'grade', '请选择评定等级'],
    ['a grade outside the list', { grade: 'great', reason: '很好' }, 'grade', '请选择评定等级'],
    ['不合格 without a reason', { grade: 'fail', reason: ' ' }, 'reason', '评定为不合格时请填写不合格原因'],
    ['an over-long opinion', { grade: 'pass', reason: '评'.repeat(501) }, 'reason', '评定意见不能超过500个字'],
  ])('年审评定: refuses %s beside the field, keeps what was typed, grades nothing', async (_l, form, field, message) => {
    const { row, item } = await submittedReport();
    const res = await ra.post(`/annual-reviews/review/${row.id}/grade`, form);
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    if (['excellent', 'pass', 'fail'].includes(form.grade)) expect(res.text).toContain(`value="${form.grade}" checked`);
    if (form.reason?.trim()) expect(res.text).toContain(`>${form.reason}</textarea>`);
    expect(await p.db('annual_reviews').where({ id: row.id }).first()).toEqual(row);
    expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
  });

  it.each([
    ['no reason', '', '请填写退回原因'],
    ['a blank reason', '  ', '请填写退回原因'],
    ['an over-long reason', '退'.repeat(501), '退回原因不能超过500个字'],
  ])('年审退回修改: refuses %s beside the field, keeps what was typed, returns nothing', async (_l, returnReason, message) => {
    const { row, item } = await submittedReport();
    const res = await ra.post(`/annual-reviews/review/${row.id}/return`, { returnReason });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'returnReason')).toBe(message);
    if (returnReason.trim()) expect(res.text).toContain(`>${returnReason}</textarea>`);
    expect(await p.db('annual_reviews').where({ id: row.id }).first()).toEqual(row);
    expect(await p.db('review_items').where({ id: item.id }).first()).toEqual(item);
  });
});
