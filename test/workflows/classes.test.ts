import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { makeIdNumber, createUser } from '../helpers/fixtures';
import { createReviewer, decide, insertClass, institutionWithCatalogue, thisYear, type Catalogue } from '../helpers/classes';
import { waitFor } from '../helpers/waitFor';
import type { TestUser } from '../helpers/fixtures';
import { sendUpdate, startPlatformWorkflow, workflowHandle } from '../../web/workflows';
import { createWorker } from '../../bin/worker-runtime';
import { createActivities } from '../../activities';
import { createClassActivities } from '../../activities/classes';
import { resubmitUpdate, withdrawUpdate, reviewStateQuery, Refusal } from '../../workflows/messages/review';
import { classStateQuery, closeClassUpdate, outcomesImportedSignal, reportOutcomesUpdate } from '../../workflows/messages/classDeclaration';
import type { ClassDeclarationInput } from '../../workflows/messages/classDeclaration';
import type { classDeclaration } from '../../workflows/classDeclaration';
import type { AppDeps } from '../../app/deps';
import { temporal } from '@temporalio/proto';

let p: TestPlatform;
let c: Catalogue;
let reviewer: TestUser;
beforeAll(async () => {
  p = await startPlatform();
  c = await institutionWithCatalogue(p.db);
  reviewer = await createReviewer(p.db, '350100');
});
afterAll(() => p.close());

const HISTORIES = path.resolve(__dirname, 'histories');
/** RECORD_HISTORIES=1 refreshes the recorded histories the replay test reads. */
async function keepHistory(name: string, workflowId: string, runId?: string) {
  if (!process.env.RECORD_HISTORIES) return;
  // protobufjs' own JSON form: the SDK's historyFromJSON cannot read the CLI's export in
  // this install (its protobufjs 8 against @temporalio/proto's 7), and fromObject reads this back.
  const history = await p.deps.temporal!.workflow.getHandle(workflowId, runId).fetchHistory();
  const json = JSON.stringify(temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, { longs: String, enums: String, bytes: String }));
  fs.mkdirSync(HISTORIES, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES, `class-declaration-${name}.json`), json);
}

function inputFor(classId: number, over: Partial<ClassDeclarationInput> = {}): ClassDeclarationInput {
  return {
    classId,
    institutionId: c.inst.id,
    orgId: c.bureau.id,
    title: `培训班${classId}`,
    outcomeMode: 'after_approval',
    trainingYear: thisYear(),
    overdueAfterMs: 60_000,
    closeAfterYearEndMs: 180 * 24 * 3600_000,
    maxReportsPerRun: 200,
    ...over,
  };
}

async function start(classId: number, over: Partial<ClassDeclarationInput> = {}, deps: AppDeps = p.deps) {
  await startPlatformWorkflow<typeof classDeclaration>(deps, {
    type: 'class_declaration',
    workflow: 'classDeclaration',
    workflowId: `class-declaration:${classId}`,
    args: [inputFor(classId, over)],
    institutionId: c.inst.id,
    businessKey: String(classId),
  });
  await waitFor('review round', async () => (await p.db('review_items').where({ workflow_id: `class-declaration:${classId}`, status: 'pending' }).first()), 20000);
}

const statusOf = async (id: number) => (await p.db('training_classes').where({ id }).first('status')).status as string;
const waitStatus = (id: number, s: string) => waitFor(`status ${s}`, async () => (await statusOf(id)) === s, 20000);
const actor = () => ({ userId: c.admin.id, orgId: null, institutionId: c.inst.id });

async function addMembers(classId: number, n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({ class_id: classId, institution_id: c.inst.id, name: `学员${i}`, id_number: makeIdNumber() }));
  await p.db('class_members').insert(rows);
  return rows;
}

/** A report as the web layer makes it: rows waiting in PostgreSQL under the report id. */
async function report(classId: number, people: Array<{ name: string; id_number: string }>, hours = 6) {
  const id = randomUUID();
  await p.db('outcome_reports').insert({ id, class_id: classId, institution_id: c.inst.id, rows: people.length, created_by: c.admin.id });
  await p.db('outcomes').insert(people.map((m) => ({ class_id: classId, institution_id: c.inst.id, id_number: m.id_number, name: m.name, hours, result: 'pass', report_id: id })));
  return sendUpdate(p.deps, `class-declaration:${classId}`, reportOutcomesUpdate, { reportId: id, actorUserId: c.admin.id, institutionId: c.inst.id });
}

const records = async (classId: number) => Number((await p.db('training_records').where({ class_id: classId }).count('* as n'))[0].n);

describe('class declaration workflow', () => {
  it('暂不上报: approved, then outcome reports go to 培训档案 at once, several times, until 结班', async () => {
    const id = await insertClass(p.db, c);
    await start(id);
    await waitStatus(id, 'pending');
    const early = await report(id, await addMembers(id, 1));
    expect(early).toMatchObject({ ok: false, message: '培训班审核通过后才能上报培训成果' });
    await p.db('outcomes').where({ class_id: id }).delete();
    await p.db('outcome_reports').where({ class_id: id }).delete();

    expect((await decide(p.deps, id, reviewer, 'approve')).ok).toBe(true);
    await waitStatus(id, 'approved');
    const cls = await p.db('training_classes').where({ id }).first();
    expect(cls.approved_at).not.toBeNull();
    expect(cls.outcomes_reported).toBe(false);

    const first = await report(id, await p.db('class_members').where({ class_id: id }));
    expect(first).toEqual({ ok: true, result: { written: 1 } });
    const second = await report(id, await addMembers(id, 2), 4);
    expect(second).toEqual({ ok: true, result: { written: 2 } });
    expect(await records(id)).toBe(3);
    const rec = await p.db('training_records').where({ class_id: id }).first();
    expect(rec).toMatchObject({ delivery: 'onsite', subject_type: 'public', training_year: thisYear(), source_key: `class:${id}:${rec.id_number}` });
    expect((await p.db('training_classes').where({ id }).first()).outcomes_reported).toBe(true);

    const closed = await sendUpdate(p.deps, `class-declaration:${id}`, closeClassUpdate, { actorUserId: c.admin.id, institutionId: c.inst.id });
    expect(closed.ok).toBe(true);
    expect(await statusOf(id)).toBe('closed');
    expect(await workflowHandle(p.deps, `class-declaration:${id}`).result()).toBe('closed');
    await keepHistory('after-approval-closed', `class-declaration:${id}`);
  });

  it('同步上报: approval writes the attached outcomes to 培训档案 exactly once', async () => {
    const id = await insertClass(p.db, c, { outcome_mode: 'with_declaration' });
    const people = await addMembers(id, 3);
    await p.db('outcomes').insert(people.map((m, i) => ({ class_id: id, institution_id: c.inst.id, id_number: m.id_number, name: m.name, hours: 10, result: i === 2 ? 'fail' : 'pass' })));
    await start(id, { outcomeMode: 'with_declaration' });
    expect((await decide(p.deps, id, reviewer, 'approve')).ok).toBe(true);
    await waitFor('outcomes reported', async () => (await p.db('training_classes').where({ id }).first()).outcomes_reported, 20000);
    expect(await records(id)).toBe(3);
    expect(await p.db('training_records').where({ class_id: id, result: 'fail' }).count('* as n')).toEqual([{ n: 1 }]);
    // The activity run again (a retry after a crash) writes nothing new.
    const again = await createClassActivities(p.deps).copyDeclarationOutcomes({ classId: id });
    expect(again.written).toBe(0);
    expect(await records(id)).toBe(3);
    const audits = await p.db('audit_log').where({ event: 'outcomes_recorded' }).whereRaw("(detail->>'classId')::bigint = ?", [id]);
    expect(audits).toHaveLength(1);
    await keepHistory('with-declaration-approved', `class-declaration:${id}`);
  });

  it('同步上报: a first attempt that fails after writing is retried without writing twice', async () => {
    const deps2: AppDeps = { ...p.deps, taskQueue: `test-${randomUUID()}` };
    const real = createActivities(deps2);
    let attempts = 0;
    const { worker, connection } = await createWorker(deps2, process.env.TEST_TEMPORAL_ADDRESS!, {
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
      activities: {
        ...real,
        async copyDeclarationOutcomes(i: { classId: number }) {
          const r = await real.copyDeclarationOutcomes(i);
          if (++attempts === 1) throw new Error('worker lost after the write');
          return r;
        },
      },
    });
    try {
      await worker.runUntil(async () => {
        const id = await insertClass(p.db, c, { outcome_mode: 'with_declaration' });
        const people = await addMembers(id, 4);
        await p.db('outcomes').insert(people.map((m) => ({ class_id: id, institution_id: c.inst.id, id_number: m.id_number, name: m.name, hours: 8, result: 'pass' })));
        await start(id, { outcomeMode: 'with_declaration' }, deps2);
        expect((await decide(deps2, id, reviewer, 'approve')).ok).toBe(true);
        await waitFor('retried copy', async () => attempts >= 2 && (await p.db('training_classes').where({ id }).first()).outcomes_reported, 30000);
        expect(await records(id)).toBe(4);
        const state = await workflowHandle(deps2, `class-declaration:${id}`).query(classStateQuery);
        expect(state.phase).toBe('collecting_outcomes');
      });
    } finally {
      await connection.close();
    }
  });

  it('退回 → amended → 重新提交 → approved, in the same workflow; stale decisions are refused', async () => {
    const id = await insertClass(p.db, c);
    await start(id);
    const rejected = await decide(p.deps, id, reviewer, 'reject', '课程安排不完整');
    expect(rejected.ok).toBe(true);
    await waitStatus(id, 'rejected');
    const again = await decide(p.deps, id, reviewer, 'approve');
    expect(again).toMatchObject({ ok: false, type: Refusal.notPending });
    const noReason = await sendUpdate(p.deps, `class-declaration:${id}`, resubmitUpdate, { actor: { ...actor(), institutionId: c.inst.id + 100000 } });
    expect(noReason).toMatchObject({ ok: false, type: Refusal.notApplicant });

    const other = await p.db('reviewer_orgs').insert({ name: `行业主管部门${id}`, kind: 'industry_authority', industry: '建筑' }).returning('id');
    const resub = await sendUpdate(p.deps, `class-declaration:${id}`, resubmitUpdate, { actor: actor(), orgId: other[0].id });
    expect(resub.ok).toBe(true);
    await waitStatus(id, 'pending');
    const round2 = await p.db('review_items').where({ workflow_id: `class-declaration:${id}`, round: 2 }).first();
    expect(round2).toMatchObject({ status: 'pending', org_id: other[0].id });
    expect(await decide(p.deps, id, reviewer, 'approve')).toMatchObject({ ok: false, type: Refusal.outOfJurisdiction });
    const industryReviewer = await createUser(p.db, { role: 'reviewer', orgId: other[0].id });
    expect((await decide(p.deps, id, industryReviewer, 'approve')).ok).toBe(true);
    await waitStatus(id, 'approved');
    const rounds = await p.db('review_items').where({ workflow_id: `class-declaration:${id}` }).orderBy('round');
    expect(rounds.map((r) => [r.round, r.status, r.reason])).toEqual([
      [1, 'rejected', '课程安排不完整'],
      [2, 'approved', null],
    ]);
    // Approved: no more review messages.
    expect(await sendUpdate(p.deps, `class-declaration:${id}`, withdrawUpdate, { actor: actor() })).toMatchObject({ ok: false, type: Refusal.notPending });
    await keepHistory('reject-resubmit-approve', `class-declaration:${id}`);
  });

  it('撤回 before a decision; the reviewer is then refused; resubmission opens the next round', async () => {
    const id = await insertClass(p.db, c);
    await start(id);
    const w = await sendUpdate(p.deps, `class-declaration:${id}`, withdrawUpdate, { actor: actor() });
    expect(w.ok).toBe(true);
    expect(await statusOf(id)).toBe('withdrawn');
    expect(await decide(p.deps, id, reviewer, 'approve')).toMatchObject({ ok: false, type: Refusal.notPending, message: '该事项已被申请机构撤回' });
    expect((await sendUpdate(p.deps, `class-declaration:${id}`, resubmitUpdate, { actor: actor() })).ok).toBe(true);
    await waitStatus(id, 'pending');
    expect(await p.db('review_items').where({ workflow_id: `class-declaration:${id}` }).orderBy('round').pluck('status')).toEqual(['withdrawn', 'pending']);
  });

  it('many outcome reports force continue-as-new; nothing is lost across it', async () => {
    const id = await insertClass(p.db, c);
    const wid = `class-declaration:${id}`;
    await start(id, { maxReportsPerRun: 3 });
    expect((await decide(p.deps, id, reviewer, 'approve')).ok).toBe(true);
    await waitStatus(id, 'approved');
    const firstRun = (await workflowHandle(p.deps, wid).describe()).runId;
    let written = 0;
    for (let i = 0; i < 8; i++) {
      const r = await report(id, await addMembers(id, 2));
      expect(r.ok).toBe(true);
      if (r.ok) written += r.result.written;
      if (i === 3) await workflowHandle(p.deps, wid).signal(outcomesImportedSignal, { jobId: randomUUID(), rows: 0 });
    }
    expect(written).toBe(16);
    expect(await records(id)).toBe(16);
    expect(await p.db('outcome_reports').where({ class_id: id, status: 'written' }).count('* as n')).toEqual([{ n: 8 }]);
    const desc = await workflowHandle(p.deps, wid).describe();
    expect(desc.runId).not.toBe(firstRun);
    const state = await workflowHandle(p.deps, wid).query(classStateQuery);
    expect(state.phase).toBe('collecting_outcomes');
    expect(state.reportsInThisRun).toBeLessThan(3);
    // A continued run still answers the reviewer's query and refuses late decisions.
    expect((await workflowHandle(p.deps, wid).query(reviewStateQuery)).status).toBe('approved');
    expect(await decide(p.deps, id, reviewer, 'reject', 'late')).toMatchObject({ ok: false, type: Refusal.notPending });
    await keepHistory('continued-as-new-first-run', wid, firstRun);
    expect((await sendUpdate(p.deps, wid, closeClassUpdate, { actorUserId: c.admin.id, institutionId: c.inst.id })).ok).toBe(true);
    expect(await workflowHandle(p.deps, wid).result()).toBe('closed');
    await keepHistory('continued-as-new-last-run', wid);
  });

  it('closes by itself a set time after the training year ends', async () => {
    const year = thisYear() - 1;
    const yearEnd = Date.UTC(year + 1, 0, 1) - 8 * 3600_000;
    const id = await insertClass(p.db, c, { training_year: year, start_date: `${year}-05-01`, end_date: `${year}-05-03` });
    await start(id, { trainingYear: year, closeAfterYearEndMs: Date.now() - yearEnd + 6000 });
    expect((await decide(p.deps, id, reviewer, 'approve')).ok).toBe(true);
    expect(await workflowHandle(p.deps, `class-declaration:${id}`).result()).toBe('expired');
    expect(await statusOf(id)).toBe('closed');
    // The workflow is over: the web layer answers a late 结班 with 404.
    await expect(sendUpdate(p.deps, `class-declaration:${id}`, closeClassUpdate, { actorUserId: c.admin.id, institutionId: c.inst.id })).rejects.toMatchObject({ status: 404 });
  });
});
