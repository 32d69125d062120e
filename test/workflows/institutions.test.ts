import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJson } from '../../app/historyJson';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createReviewer, type TestUser } from '../helpers/fixtures';
import { pendingApplication, roundOpened, startApplication } from '../helpers/institutions';
import { waitFor } from '../helpers/waitFor';
import { workflowHandle } from '../../web/workflows';
import { decide } from '../../web/review/decide';
import { decideUpdate, resubmitUpdate, reviewStateQuery, withdrawUpdate, Refusal, type Actor } from '../../workflows/messages/review';
import type { CurrentUser } from '../../app/deps';

let p: TestPlatform;
let reviewer: TestUser;
let reviewer2: TestUser;
let xiamen: TestUser;
beforeAll(async () => {
  p = await startPlatform();
  reviewer = await createReviewer(p.db, '350100');
  reviewer2 = await createReviewer(p.db, '350100');
  xiamen = await createReviewer(p.db, '350200');
});
afterAll(() => p.close());

const HISTORIES = path.resolve(__dirname, 'histories');
/** RECORD_HISTORIES=1 refreshes the recorded histories institutionsReplay.test.ts replays. */
async function keepHistory(name: string, workflowId: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await workflowHandle(p.deps, workflowId).fetchHistory();
  fs.mkdirSync(HISTORIES, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES, `institution-application-${name}.json`), historyToJson(history));
}

const asReviewer = (u: TestUser): Actor => ({ userId: u.id, orgId: u.orgId, institutionId: null });
const asApplicant = (u: TestUser): Actor => ({ userId: u.id, orgId: null, institutionId: u.institutionId });
const handle = (id: string) => workflowHandle(p.deps, id);

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await promise.then(
    () => null,
    (err) => err,
  );
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(e.cause).toBeInstanceOf(ApplicationFailure);
  return e.cause as ApplicationFailure;
}

describe('institution application workflow', () => {
  it('approve: institution active, applicant promoted, decision recorded, audited and sent by SMS', async () => {
    const a = await pendingApplication(p.db);
    const id = await startApplication(p.deps, a);
    await roundOpened(p.db, id, 1);
    const state = await handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'approve', actor: asReviewer(reviewer), round: 1 }] });
    expect(state).toMatchObject({ status: 'approved', decidedBy: reviewer.id, round: 1 });
    // The answer comes after the records: no waiting needed here.
    const inst = await p.db('institutions').where({ id: a.institutionId }).first();
    expect(inst.status).toBe('active');
    expect(inst.approved_at).not.toBeNull();
    const user = await p.db('users').where({ id: a.applicant.id }).first();
    expect(user).toMatchObject({ role: 'institution_admin', institution_id: a.institutionId });
    const item = await p.db('review_items').where({ workflow_id: id, round: 1 }).first();
    expect(item).toMatchObject({ status: 'approved', decided_by: reviewer.id, kind: 'institution', org_id: a.orgId });
    const logged = await p.db('audit_log').where({ event: 'review_decision', user_id: reviewer.id, institution_id: a.institutionId }).first();
    expect(logged.result).toBe('approved');
    expect(await handle(id).result()).toBe('approved');
    const sms = await waitFor('sms', () => p.db('sms_outbox').where({ phone: a.applicant.phone }).first());
    expect(sms.text).toContain('已审核通过');
    expect(sms.text).toContain(a.name);
    await keepHistory('approved', id);
  });

  it('reject → resubmit (amended name, same workflow) → approve', async () => {
    const a = await pendingApplication(p.db);
    const id = await startApplication(p.deps, a);
    await roundOpened(p.db, id, 1);
    const rejected = await handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'reject', reason: '  营业执照扫描件不清晰 ', actor: asReviewer(reviewer) }] });
    expect(rejected).toMatchObject({ status: 'rejected', reason: '营业执照扫描件不清晰' });
    expect((await p.db('institutions').where({ id: a.institutionId }).first()).status).toBe('rejected');
    const sms = await waitFor('sms', () => p.db('sms_outbox').where({ phone: a.applicant.phone }).first());
    expect(sms.text).toContain('营业执照扫描件不清晰');

    const again = await handle(id).executeUpdate(resubmitUpdate, { args: [{ actor: asApplicant(a.applicant), title: `${a.name}(修改)` }] });
    expect(again).toMatchObject({ round: 2, status: 'pending' });
    const round2 = await roundOpened(p.db, id, 2);
    expect(round2.title).toBe(`${a.name}(修改)`);
    await waitFor('pending again', async () => (await p.db('institutions').where({ id: a.institutionId }).first()).status === 'pending');

    // A second resubmission and a decision carrying the old round are refused.
    expect((await refusal(handle(id).executeUpdate(resubmitUpdate, { args: [{ actor: asApplicant(a.applicant) }] }))).type).toBe(Refusal.notResubmittable);
    expect((await refusal(handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'approve', actor: asReviewer(reviewer), round: 1 }] }))).type).toBe(Refusal.notPending);

    await handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'approve', actor: asReviewer(reviewer2), round: 2 }] });
    expect(await handle(id).result()).toBe('approved');
    const rounds = await p.db('review_items').where({ workflow_id: id }).orderBy('round').select('round', 'status', 'reason', 'decided_by');
    expect(rounds).toEqual([
      { round: 1, status: 'rejected', reason: '营业执照扫描件不清晰', decided_by: reviewer.id },
      { round: 2, status: 'approved', reason: null, decided_by: reviewer2.id },
    ]);
    await keepHistory('reject-resubmit-approve', id);
  });

  it('withdraw before a decision; a decision after it is refused; resubmission opens round 2', async () => {
    const a = await pendingApplication(p.db);
    const id = await startApplication(p.deps, a);
    await roundOpened(p.db, id, 1);
    // Only the applicant's institution may withdraw.
    expect((await refusal(handle(id).executeUpdate(withdrawUpdate, { args: [{ actor: { userId: reviewer.id, orgId: null, institutionId: a.institutionId + 100000 } }] }))).type).toBe(Refusal.notApplicant);
    const w = await handle(id).executeUpdate(withdrawUpdate, { args: [{ actor: asApplicant(a.applicant) }] });
    expect(w.status).toBe('withdrawn');
    expect((await p.db('institutions').where({ id: a.institutionId }).first()).status).toBe('withdrawn');
    const late = await refusal(handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'approve', actor: asReviewer(reviewer) }] }));
    expect(late.type).toBe(Refusal.notPending);
    expect(late.message).toContain('撤回');
    expect((await p.db('review_items').where({ workflow_id: id, round: 1 }).first()).status).toBe('withdrawn');
    await handle(id).executeUpdate(resubmitUpdate, { args: [{ actor: asApplicant(a.applicant) }] });
    await roundOpened(p.db, id, 2);
    await handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'approve', actor: asReviewer(reviewer) }] });
    await keepHistory('withdraw-resubmit-approve', id);
  });

  it('becomes overdue after the duration passed in, and can still be decided', async () => {
    const a = await pendingApplication(p.db);
    const id = await startApplication(p.deps, a, { overdueAfterMs: 1500 });
    const item = await roundOpened(p.db, id, 1);
    expect(item.overdue).toBe(false);
    await waitFor('overdue', async () => (await p.db('review_items').where({ id: item.id }).first()).overdue);
    expect((await handle(id).query(reviewStateQuery)).overdue).toBe(true);
    await handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'reject', reason: '材料不全', actor: asReviewer(reviewer) }] });
    expect((await p.db('review_items').where({ id: item.id }).first())).toMatchObject({ status: 'rejected', overdue: true });
    await keepHistory('overdue-rejected', id);
    await handle(id).terminate('test done');
  });

  it('refuses a reviewer of another bureau and a rejection without a reason', async () => {
    const a = await pendingApplication(p.db);
    const id = await startApplication(p.deps, a);
    await roundOpened(p.db, id, 1);
    const outside = await refusal(handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'approve', actor: asReviewer(xiamen) }] }));
    expect(outside.type).toBe(Refusal.outOfJurisdiction);
    for (const reason of [undefined, '', '   ']) {
      const r = await refusal(handle(id).executeUpdate(decideUpdate, { args: [{ decision: 'reject', reason, actor: asReviewer(reviewer) }] }));
      expect(r.type).toBe(Refusal.reasonRequired);
    }
    // Nothing was decided by the refused messages.
    expect((await handle(id).query(reviewStateQuery)).status).toBe('pending');
    expect((await p.db('review_items').where({ workflow_id: id }).first()).status).toBe('pending');
    await handle(id).terminate('test done');
  });

  it('50 trials of simultaneous approve and reject: exactly one decision each, the other told who decided', async () => {
    const user = (u: TestUser, name: string) => ({ id: u.id, orgId: u.orgId, name }) as unknown as CurrentUser;
    const names = await p.db('users').whereIn('id', [reviewer.id, reviewer2.id]).pluck('name');
    expect(names.length).toBe(2);
    const trial = async () => {
      const a = await pendingApplication(p.db);
      const id = await startApplication(p.deps, a);
      const item = await roundOpened(p.db, id, 1);
      const [x, y] = await Promise.all([
        decide(p.deps, user(reviewer, 'a'), item, { decision: 'approve', reason: '' }, '127.0.0.1'),
        decide(p.deps, user(reviewer2, 'b'), item, { decision: 'reject', reason: '同时退回' }, '127.0.0.1'),
      ]);
      const won = [x, y].filter((o) => o.ok);
      const lost = [x, y].filter((o) => !o.ok) as Array<{ ok: false; message: string }>;
      expect(won.length).toBe(1);
      expect(lost.length).toBe(1);
      const rows = await p.db('review_items').where({ workflow_id: id }).select('status', 'decided_by');
      expect(rows.length).toBe(1);
      const winner = x.ok ? reviewer : reviewer2;
      expect(rows[0].decided_by).toBe(winner.id);
      const winnerName = (await p.db('users').where({ id: winner.id }).first()).name;
      expect(lost[0].message).toContain(winnerName);
      expect(lost[0].message).toContain(x.ok ? '审核通过' : '退回');
      const decisions = await p.db('audit_log').where({ event: 'review_decision', institution_id: a.institutionId }).whereNot({ result: 'refused' });
      expect(decisions.length).toBe(1);
      if (!x.ok) {
        // A rejected application waits for its resubmission: end it once its SMS is out.
        await waitFor('sms', () => p.db('sms_outbox').where({ phone: a.applicant.phone }).first());
        await handle(id).terminate('trial done');
      }
      return x.ok ? 'approve' : 'reject';
    };
    const winners: string[] = [];
    for (let batch = 0; batch < 5; batch++) winners.push(...(await Promise.all(Array.from({ length: 10 }, trial))));
    expect(winners.length).toBe(50);
    // Report how the races fell (both outcomes are legitimate).
    console.log(`50 trials: approve won ${winners.filter((w) => w === 'approve').length}, reject won ${winners.filter((w) => w === 'reject').length}`);
  });
});
