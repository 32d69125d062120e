import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import { sendUpdate, startPlatformWorkflow, workflowHandle } from '../workflows';
import { audit } from '../../db/audit';
import { classCourses, type TrainingClass } from '../../db/classes';
import { classWorkflowId } from '../../workflows/messages/classDeclaration';
import { resubmitUpdate, reviewStateQuery, withdrawUpdate } from '../../workflows/messages/review';
import type { classDeclaration } from '../../workflows/classDeclaration';
import type { ClassDeclarationInput } from '../../workflows/messages/classDeclaration';
import { formOptions, parseDeclaration, valuesOf } from './declarationForm';
import { actorOf, institutionOf } from './context';

export type SubmitOutcome = { ok: true; resubmitted: boolean } | { ok: false; message: string };

/**
 * 提交审核: the stored declaration is checked again as a whole (a site may have been
 * disabled since the draft was saved), then the first submission starts the class's
 * workflow and a later one (after 退回 or 撤回) opens the next round of the same workflow.
 */
export async function submitDeclaration(deps: AppDeps, req: Request, cls: TrainingClass): Promise<SubmitOutcome> {
  const inst = institutionOf(req);
  if (!['draft', 'rejected', 'withdrawn'].includes(cls.status)) return { ok: false, message: '该申报当前状态不能提交' };
  const courseIds = (await classCourses(deps.db, cls.id)).map((c: { id: number }) => c.id);
  const parsed = parseDeclaration(valuesOf(cls, courseIds), await formOptions(deps, inst));
  if (!parsed.ok) return { ok: false, message: `申报信息不完整:${Object.values(parsed.errors)[0]},请先修改` };
  if (cls.outcome_mode === 'with_declaration') {
    const any = await deps.db('outcomes').where({ class_id: cls.id }).whereNull('report_id').first('id');
    if (!any) return { ok: false, message: '选择“同步上报”时,须先录入报名人员的培训成果再提交' };
  }
  const workflowId = classWorkflowId(cls.id);

  if (cls.status !== 'draft') {
    // Marked pending here, with the total, before the workflow hears of it: from then on
    // the courses are declared and fixed. A refused resubmission puts the status back.
    const locked = await markPending(deps, cls, ['rejected', 'withdrawn']);
    if (locked !== true) return { ok: false, message: locked || '该申报当前状态不能提交' };
    const restore = () => deps.db('training_classes').where({ id: cls.id, status: 'pending' }).update({ status: cls.status, submitted_at: cls.submitted_at });
    let sent;
    try {
      sent = await sendUpdate(deps, workflowId, resubmitUpdate, { actor: actorOf(req), orgId: cls.reviewer_org_id ?? undefined, title: cls.name });
    } catch (e) {
      // Not answered (a timeout, a lost connection): the workflow may still have taken it.
      if (!(await workflowPending(deps, workflowId))) await restore();
      throw e;
    }
    if (!sent.ok) {
      await restore();
      return { ok: false, message: sent.message };
    }
    await audit(deps.db, { event: 'class_declaration_submit', result: 'success', userId: req.user!.id, institutionId: inst, ip: req.ip, detail: { classId: cls.id, resubmit: true } });
    return { ok: true, resubmitted: true };
  }

  const locked = await markPending(deps, cls, ['draft']);
  if (locked !== true) return { ok: false, message: locked || '该申报已提交' };
  const input: ClassDeclarationInput = {
    classId: cls.id,
    institutionId: inst,
    orgId: cls.reviewer_org_id!,
    title: cls.name,
    outcomeMode: cls.outcome_mode,
    trainingYear: cls.training_year,
    overdueAfterMs: deps.config.REVIEW_OVERDUE_SECONDS * 1000,
    closeAfterYearEndMs: deps.config.CLASS_CLOSE_AFTER_YEAR_SECONDS * 1000,
    maxReportsPerRun: deps.config.CLASS_REPORTS_PER_RUN,
  };
  try {
    await startPlatformWorkflow<typeof classDeclaration>(deps, {
      type: 'class_declaration',
      workflow: 'classDeclaration',
      workflowId,
      args: [input],
      institutionId: inst,
      businessKey: String(cls.id),
      review: true,
    });
  } catch (e) {
    await deps.db('training_classes').where({ id: cls.id, status: 'pending' }).update({ status: 'draft', submitted_at: null });
    throw e;
  }
  await audit(deps.db, { event: 'class_declaration_submit', result: 'success', userId: req.user!.id, institutionId: inst, ip: req.ip, detail: { classId: cls.id } });
  return { ok: true, resubmitted: false };
}

/** 撤回: only before a decision; the workflow refuses a late one with the decision's news. */
export async function withdrawDeclaration(deps: AppDeps, req: Request, cls: TrainingClass): Promise<{ ok: true } | { ok: false; message: string }> {
  if (cls.status !== 'pending') return { ok: false, message: '只有待审核的申报可以撤回' };
  const sent = await sendUpdate(deps, classWorkflowId(cls.id), withdrawUpdate, { actor: actorOf(req) });
  if (!sent.ok) return { ok: false, message: sent.message };
  await audit(deps.db, { event: 'class_declaration_withdraw', result: 'success', userId: req.user!.id, institutionId: cls.institution_id, ip: req.ip, detail: { classId: cls.id } });
  return { ok: true };
}

/**
 * Marks the class pending with its 合计学时 summed from its courses as they are now. The
 * courses are share-locked while they are read, so a course edit in flight either commits
 * first (and its 学时 count) or waits and then finds the class declared and is refused.
 * Outcomes reported with the declaration must still fit that total (a course may have lost
 * 学时 since they were entered). Answers true, a reason to refuse, or '' when the class is
 * no longer in one of the `from` states.
 */
async function markPending(deps: AppDeps, cls: TrainingClass, from: string[]): Promise<true | string> {
  return deps.db.transaction(async (trx) => {
    const courses: Array<{ hours: string | number }> = await trx('courses as c')
      .join('class_courses as cc', 'cc.course_id', 'c.id')
      .where('cc.class_id', cls.id)
      .forShare('c')
      .select('c.hours');
    const total = courses.reduce((sum, c) => sum + Number(c.hours), 0);
    if (cls.outcome_mode === 'with_declaration') {
      const over = await trx('outcomes').where({ class_id: cls.id }).whereNull('report_id').where('hours', '>', total).orderBy('id').select('name');
      if (over.length) {
        const names = over.slice(0, 3).map((o: { name: string }) => o.name).join('、') + (over.length > 3 ? ` 等${over.length}人` : '');
        return `${names}的学时超过培训班总学时 ${total}(所选课程的学时已变更),请先修改培训成果`;
      }
    }
    const now = deps.clock.now();
    const n = await trx('training_classes').where({ id: cls.id }).whereIn('status', from).update({ status: 'pending', submitted_at: now, updated_at: now, total_hours: total });
    return n > 0 ? true : '';
  });
}

/** Whether the class's review is pending as far as its workflow knows; false when that cannot be told. */
async function workflowPending(deps: AppDeps, workflowId: string): Promise<boolean> {
  try {
    return (await workflowHandle(deps, workflowId).query(reviewStateQuery)).status === 'pending';
  } catch {
    return false;
  }
}
