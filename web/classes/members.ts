import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { hoursProblem, zIdNumber, zOptionalText, zText, PHONE_RE } from '../../domain/validation';
import { sendUpdate } from '../workflows';
import { audit } from '../../db/audit';
import { classWorkflowId, reportOutcomesUpdate } from '../../workflows/messages/classDeclaration';
import { type TrainingClass } from '../../db/classes';
import { LOCKED_MESSAGE, loadClass, type ClassArea } from './context';
import { classState, confirmed, renderDetail } from './detail';

/**
 * 报名人员 and 培训成果 of one class (manual 2.2). With 同步上报 the outcomes entered before
 * submitting travel with the declaration; once approved, each batch of outcomes is an
 * outcome report the class's workflow writes to 培训档案 at once, without review.
 */
const memberSchema = z.object({
  name: zText('姓名', 50),
  idNumber: zIdNumber,
  phone: z
    .string()
    .trim()
    .optional()
    .transform((v) => v ?? '')
    .refine((v) => v === '' || PHONE_RE.test(v), '手机号格式不正确,应为11位手机号码'),
  employer: zOptionalText('工作单位', 100),
});

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

export function mountMembers(r: SecureRouter, deps: AppDeps, area: ClassArea) {
  const { base } = area;
  const back = (res: Response, cls: TrainingClass, done: string, extra = '') => res.redirect(303, `${base}/${cls.id}?done=${done}${extra}#members`);
  const locked = (req: Request, res: Response, cls: TrainingClass, key: 'memberErrors' | 'outcomeErrors') =>
    renderDetail(deps, req, res, area, cls.id, { status: 409, [key]: { _form: LOCKED_MESSAGE[cls.status] ?? '当前状态不能修改' } });

  r.post(`${base}/:id/members`, area.members, async (req, res) => {
    const cls = await loadClass(deps, req);
    if (!classState(cls).membersOpen) return locked(req, res, cls, 'memberErrors');
    const form = parseForm(memberSchema, req.body);
    const values = { name: req.body.name ?? '', idNumber: req.body.idNumber ?? '', phone: req.body.phone ?? '', employer: req.body.employer ?? '' };
    if (!form.ok) return renderDetail(deps, req, res, area, cls.id, { status: 422, memberErrors: form.errors, memberValues: values });
    const m = form.data;
    try {
      await deps.db.transaction(async (trx) => {
        await trx('class_members').insert({ class_id: cls.id, institution_id: cls.institution_id, name: m.name, id_number: m.idNumber, phone: m.phone, employer: m.employer });
        await audit(trx, { event: 'class_member_added', result: 'success', userId: req.user!.id, institutionId: cls.institution_id, ip: req.ip, detail: { classId: cls.id } });
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return renderDetail(deps, req, res, area, cls.id, { status: 422, memberErrors: { idNumber: '该身份证号码已在本班报名人员中' }, memberValues: values });
    }
    back(res, cls, 'member_added');
  });

  r.post(`${base}/:id/members/:memberId/delete`, area.members, async (req, res) => {
    const cls = await loadClass(deps, req);
    const member = await deps.db('class_members').where({ id: Number(req.params.memberId) || 0, class_id: cls.id }).first();
    if (!member) return renderDetail(deps, req, res, area, cls.id, { status: 404, memberErrors: { _form: '该人员不在本班报名人员中' } });
    if (!classState(cls).membersOpen) return locked(req, res, cls, 'memberErrors');
    if (!confirmed(req, res, { title: '移除报名人员', message: `确定将「${member.name}」移出本班报名人员吗?`, action: `${base}/${cls.id}/members/${member.id}/delete`, back: `${base}/${cls.id}#members` })) return;
    const removed = await deps.db.transaction(async (trx) => {
      const outcome = await trx('outcomes').where({ class_id: cls.id, id_number: member.id_number }).forUpdate().first('id');
      if (outcome) return false;
      await trx('class_members').where({ id: member.id }).delete();
      await audit(trx, { event: 'class_member_removed', result: 'success', userId: req.user!.id, institutionId: cls.institution_id, ip: req.ip, detail: { classId: cls.id } });
      return true;
    });
    if (!removed) return renderDetail(deps, req, res, area, cls.id, { status: 409, memberErrors: { _form: `「${member.name}」已有培训成果,不能移除` } });
    back(res, cls, 'member_removed');
  });

  r.post(`${base}/:id/outcomes`, area.members, async (req, res) => {
    const cls = await loadClass(deps, req);
    const state = classState(cls);
    if (!state.declarationOutcomes && !state.reporting) {
      const message =
        cls.outcome_mode === 'after_approval' && state.editable ? '选择“暂不上报”的培训班,审核通过后再上报培训成果' : LOCKED_MESSAGE[cls.status] ?? '当前状态不能录入培训成果';
      return renderDetail(deps, req, res, area, cls.id, { status: 409, outcomeErrors: { _form: message } });
    }
    const hours: Record<string, string> = objectOf(req.body.hours);
    const result: Record<string, string> = objectOf(req.body.result);
    const keys = [...new Set([...Object.keys(hours), ...Object.keys(result)])].filter((k) => (hours[k] ?? '').trim() || (result[k] ?? '').trim());
    const errors: FieldErrors = {};
    if (keys.length === 0) errors._form = '请至少为一名报名人员填写学时和考核结果';
    const ids = keys.map((k) => Number(k.replace(/^m/, ''))).filter((n) => Number.isSafeInteger(n) && n > 0);
    const members = ids.length ? await deps.db('class_members').where({ class_id: cls.id }).whereIn('id', ids) : [];
    const existing = new Set<string>(
      members.length ? await deps.db('outcomes').where({ class_id: cls.id }).whereIn('id_number', members.map((m) => m.id_number)).pluck('id_number') : [],
    );
    const rows: Array<{ class_id: number; institution_id: number; id_number: string; name: string; hours: number; result: string; source: string }> = [];
    for (const k of keys) {
      const member = members.find((m) => `m${m.id}` === k);
      const h = (hours[k] ?? '').trim();
      const res2 = (result[k] ?? '').trim();
      const hoursIssue = hoursProblem(h);
      if (!member) {
        errors._form ??= '所填人员不在本班报名人员中,请先添加报名人员';
        continue;
      }
      if (existing.has(member.id_number)) errors[k] = `${member.name}:已有培训成果,不能重复录入`;
      else if (hoursIssue) errors[k] = `${member.name}:${hoursIssue}`;
      else if (Number(h) > Number(cls.total_hours)) errors[k] = `${member.name}:学时不能超过培训班总学时 ${cls.total_hours}`;
      else if (res2 !== 'pass' && res2 !== 'fail') errors[k] = `${member.name}:请选择考核结果`;
      else rows.push({ class_id: cls.id, institution_id: cls.institution_id, id_number: member.id_number, name: member.name, hours: Number(h), result: res2, source: 'manual' });
    }
    if (Object.keys(errors).length) return renderDetail(deps, req, res, area, cls.id, { status: 422, outcomeErrors: errors, outcomeValues: { hours, result } });

    if (state.declarationOutcomes) {
      const saved = await saveOutcomes(rows, null, req, cls);
      if (!saved) return renderDetail(deps, req, res, area, cls.id, { status: 409, outcomeErrors: { _form: '有人员的培训成果已被录入,请刷新后重试' } });
      return back(res, cls, 'outcomes_saved');
    }
    const reportId = randomUUID();
    const saved = await saveOutcomes(rows, reportId, req, cls);
    if (!saved) return renderDetail(deps, req, res, area, cls.id, { status: 409, outcomeErrors: { _form: '有人员的培训成果已被录入,请刷新后重试' } });
    const sent = await sendUpdate(deps, classWorkflowId(cls.id), reportOutcomesUpdate, { reportId, actorUserId: req.user!.id, institutionId: cls.institution_id });
    if (!sent.ok) {
      // Refused (e.g. closed meanwhile): the report never happened.
      await deps.db.transaction(async (trx) => {
        await trx('outcomes').where({ report_id: reportId }).delete();
        await trx('outcome_reports').where({ id: reportId }).delete();
      });
      return renderDetail(deps, req, res, area, cls.id, { status: 409, outcomeErrors: { _form: sent.message } });
    }
    back(res, cls, 'reported', `&n=${sent.result.written}`);
  });

  // A report whose workflow call failed mid-way is sent again; writing it twice is a no-op.
  r.post(`${base}/:id/reports/:reportId/retry`, area.members, async (req, res) => {
    const cls = await loadClass(deps, req);
    const report = await deps.db('outcome_reports').where({ id: uuidOr(req.params.reportId), class_id: cls.id }).first();
    if (!report) return renderDetail(deps, req, res, area, cls.id, { status: 404, outcomeErrors: { _form: '该成果上报不存在' } });
    const sent = await sendUpdate(deps, classWorkflowId(cls.id), reportOutcomesUpdate, { reportId: report.id, actorUserId: req.user!.id, institutionId: cls.institution_id });
    if (!sent.ok) return renderDetail(deps, req, res, area, cls.id, { status: 409, outcomeErrors: { _form: sent.message } });
    back(res, cls, 'reported', `&n=${sent.result.written}`);
  });

  r.post(`${base}/:id/outcomes/:outcomeId/delete`, area.members, async (req, res) => {
    const cls = await loadClass(deps, req);
    const outcome = await deps.db('outcomes').where({ id: Number(req.params.outcomeId) || 0, class_id: cls.id }).first();
    if (!outcome) return renderDetail(deps, req, res, area, cls.id, { status: 404, outcomeErrors: { _form: '该培训成果不存在' } });
    if (!classState(cls).declarationOutcomes || outcome.report_id) {
      return renderDetail(deps, req, res, area, cls.id, { status: 409, outcomeErrors: { _form: '已上报的培训成果已记入培训档案,不能删除' } });
    }
    if (!confirmed(req, res, { title: '删除培训成果', message: `确定删除「${outcome.name}」的培训成果吗?`, action: `${base}/${cls.id}/outcomes/${outcome.id}/delete`, back: `${base}/${cls.id}#members` })) return;
    await deps.db.transaction(async (trx) => {
      const n = await trx('outcomes').where({ id: outcome.id, report_id: null }).delete();
      if (n) await audit(trx, { event: 'outcome_removed', result: 'success', userId: req.user!.id, institutionId: cls.institution_id, ip: req.ip, detail: { classId: cls.id } });
    });
    back(res, cls, 'outcome_removed');
  });

  /** Inserts the rows (and their report) together or not at all; false if one already existed. */
  async function saveOutcomes(rows: Array<Record<string, unknown>>, reportId: string | null, req: Request, cls: TrainingClass) {
    try {
      await deps.db.transaction(async (trx) => {
        if (reportId) {
          await trx('outcome_reports').insert({ id: reportId, class_id: cls.id, institution_id: cls.institution_id, rows: rows.length, created_by: req.user!.id, created_at: deps.clock.now() });
        }
        await trx('outcomes').insert(rows.map((r) => ({ ...r, report_id: reportId })));
        await audit(trx, {
          event: reportId ? 'outcome_report' : 'declaration_outcomes_saved',
          result: 'success',
          userId: req.user!.id,
          institutionId: cls.institution_id,
          ip: req.ip,
          detail: { classId: cls.id, reportId, rows: rows.length },
        });
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
}

const objectOf = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x ?? '')])) : {};

const uuidOr = (s: unknown) => (typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) ? s : '00000000-0000-0000-0000-000000000000');
