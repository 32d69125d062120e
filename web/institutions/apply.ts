import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { sendFile } from '../uploads';
import { sendUpdate, startPlatformWorkflow } from '../workflows';
import { wantsFragment } from '../render';
import { regionName } from '../../domain/regions';
import { audit } from '../../db/audit';
import { createFileStore } from '../../db/files';
import { applicationRounds, bureauFor, createApplication, creditCodeTaken, findInstitution, hasAttachment, listAttachments, removeAttachment, updateApplication, type ApplicationFields, type Institution } from '../../db/institutions';
import { applicationWorkflowId } from '../../workflows/messages/institutionApplication';
import { resubmitUpdate, withdrawUpdate, type Actor } from '../../workflows/messages/review';
import type { institutionApplication } from '../../workflows/institutionApplication';
import { REGION_OPTIONS, SUBJECT_OPTIONS, TYPE_OPTIONS, applicationSchema, formValues, valuesOf } from './form';
import { checkAttachments, storeAttachments } from './attachments';
import { receiveAttachments, type CheckedFile } from '../attachments';
import * as reviewItems from '../../db/reviewItems';

/**
 * 申请继续教育机构 (manual 三): the form, 确认提交 (institution row + workflow), the
 * status of every round, 撤回 before a decision, and amend-and-resubmit after a
 * rejection or withdrawal. The applicant is linked to the institution at submission and
 * becomes its admin when the workflow approves it.
 */
const DONE: Record<string, string> = {
  submitted: '申请已提交,请等待属地人社部门审核。',
  withdrawn: '申请已撤回。您可以修改后重新提交。',
  resubmitted: '申请已重新提交,请等待审核。',
};

const options = { typeOptions: TYPE_OPTIONS, regionOptions: REGION_OPTIONS, subjectOptions: SUBJECT_OPTIONS };

const actorOf = (req: Request): Actor => ({ userId: req.user!.id, orgId: null, institutionId: req.user!.institutionId });

/** The signed-in applicant's institution, never one named by the request. */
async function ownApplication(deps: AppDeps, req: Request): Promise<Institution | null> {
  return req.user!.institutionId ? findInstitution(deps.db, req.user!.institutionId) : null;
}

/** Field errors that need the database: the credit code's uniqueness, the bureau. */
async function checkAgainstDb(deps: AppDeps, f: ApplicationFields, exceptId?: number): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  if (await creditCodeTaken(deps.db, f.creditCode, exceptId)) errors.creditCode = '该统一社会信用代码已有机构申请或注册';
  if (!(await bureauFor(deps.db, f.regionCode))) errors.regionCode = '所属地区暂无审核部门,请联系平台管理员';
  return errors;
}

function validate(req: Request, res: Response, requireFile: boolean) {
  const form = parseForm(applicationSchema, req.body);
  const errors: FieldErrors = form.ok ? {} : { ...form.errors };
  let files: CheckedFile[] = [];
  if (res.locals.uploadError) errors.attachments = res.locals.uploadError;
  else {
    const checked = checkAttachments(req);
    if (!checked.ok) errors.attachments = checked.message;
    else files = checked.files;
  }
  if (requireFile && !errors.attachments && files.length === 0) errors.attachments = '请上传附件(营业执照或事业单位法人证书等扫描件)';
  return { data: form.ok ? form.data : null, errors, files };
}

export function registerApplication(r: SecureRouter, deps: AppDeps) {
  const maxMb = Math.round(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024);
  const renderForm = (res: Response, status: number, values: object, errors: FieldErrors, extra: object = {}) =>
    res.status(status).render('institutions/apply.njk', { values, errors, ...options, maxMb, ...extra });

  r.get('/apply', 'institution.apply', async (req, res) => {
    if (req.user!.institutionId) return res.redirect(303, '/apply/status');
    renderForm(res, 200, { subjects: [] }, {});
  });

  r.post('/apply', 'institution.apply', receiveAttachments(deps), async (req, res) => {
    if (req.user!.institutionId) return res.redirect(303, '/apply/status');
    const values = formValues(req.body);
    const { data, errors, files } = validate(req, res, true);
    if (data) Object.assign(errors, await checkAgainstDb(deps, data));
    if (Object.keys(errors).length > 0 || !data) {
      if (!errors.attachments && files.length > 0) errors.attachments = '请重新选择附件';
      return renderForm(res, 422, values, errors);
    }
    const bureau = (await bureauFor(deps.db, data.regionCode))!;
    const userId = req.user!.id;
    let institutionId: number;
    try {
      institutionId = await deps.db.transaction(async (trx) => {
        const id = await createApplication(trx, data, userId, deps.clock.now());
        await storeAttachments(trx, id, userId, files);
        return id;
      });
    } catch (e) {
      // Two submissions racing for one credit code, or a double click: the unique indexes decide.
      if ((e as { code?: string }).code === '23505') {
        const own = await deps.db('institutions').where({ applicant_user_id: userId }).first('id');
        if (own) return res.redirect(303, '/apply/status');
        return renderForm(res, 422, values, { creditCode: '该统一社会信用代码已有机构申请或注册', attachments: '请重新选择附件' });
      }
      throw e;
    }
    try {
      await startPlatformWorkflow<typeof institutionApplication>(deps, {
        type: 'institution_application',
        workflow: 'institutionApplication',
        workflowId: applicationWorkflowId(institutionId),
        args: [{ institutionId, orgId: bureau.id, title: data.name, overdueAfterMs: deps.config.REVIEW_OVERDUE_SECONDS * 1000 }],
        institutionId,
        businessKey: String(institutionId),
        review: true,
      });
    } catch (e) {
      // Nothing half-saved: without its workflow the application is taken back whole.
      await deps.db.transaction(async (trx) => {
        await trx('workflow_runs').where({ workflow_id: applicationWorkflowId(institutionId) }).delete();
        await trx('users').where({ id: userId }).update({ institution_id: null });
        const fileIds = await trx('institution_attachments').where({ institution_id: institutionId }).pluck('file_id');
        await trx('institution_attachments').where({ institution_id: institutionId }).delete();
        await trx('files').whereIn('id', fileIds).delete();
        await trx('institutions').where({ id: institutionId }).delete();
      });
      deps.logger.error('institution application start failed', { reqId: req.id, error: String(e) });
      return renderForm(res, 503, values, { _form: '提交失败:审核服务暂时不可用,请稍后重试', attachments: '请重新选择附件' });
    }
    await audit(deps.db, { event: 'institution_apply', result: 'success', userId, ip: req.ip, institutionId, detail: { orgId: bureau.id } });
    res.redirect(303, '/apply/status?done=submitted');
  });

  async function renderStatus(req: Request, res: Response, status = 200, message: string | null = null) {
    const inst = await ownApplication(deps, req);
    if (!inst) return res.redirect(303, '/apply');
    const [rounds, attachments, bureau] = await Promise.all([
      applicationRounds(deps.db, applicationWorkflowId(inst.id)),
      listAttachments(deps.db, inst.id),
      bureauFor(deps.db, inst.regionCode),
    ]);
    const latest = rounds[0];
    res.status(status).render('institutions/status.njk', {
      inst,
      regionName: regionName(inst.regionCode),
      bureau,
      rounds,
      attachments,
      canWithdraw: inst.status === 'pending' && latest?.status === 'pending',
      canAmend: inst.status === 'rejected' || inst.status === 'withdrawn',
      seen: `${inst.status}:${latest?.round ?? 0}:${latest?.overdue ? 1 : 0}`,
      done: DONE[String(req.query.done)] ?? null,
      message,
    });
  }

  r.get('/apply/status', 'institution.apply', (req, res) => renderStatus(req, res));

  /**
   * The status page polls here while it waits: nothing when unchanged, a reload when a
   * round opened or was decided, and the profile (with the menus now open) once approved.
   * Signed in only: on approval the user holds institution permissions, not the applicant's.
   */
  r.get('/apply/poll', 'signed_in', async (req, res) => {
    const inst = await ownApplication(deps, req);
    if (!inst) return res.status(204).end();
    if (inst.status === 'active') {
      res.set('HX-Redirect', '/profile?approved=1');
      return res.status(204).end();
    }
    const latest = await reviewItems.latestRound(deps.db, applicationWorkflowId(inst.id));
    const now = `${inst.status}:${latest?.round ?? 0}:${latest?.overdue ? 1 : 0}`;
    if (now !== String(req.query.seen ?? '')) res.set('HX-Refresh', 'true');
    res.status(wantsFragment(req) ? 204 : 200).end();
  });

  r.post('/apply/withdraw', 'institution.apply', async (req, res) => {
    const inst = await ownApplication(deps, req);
    if (!inst) throw notFound();
    if (inst.status !== 'pending') return renderStatus(req, res, 409, '只有待审核的申请可以撤回');
    const sent = await sendUpdate(deps, applicationWorkflowId(inst.id), withdrawUpdate, { actor: actorOf(req) });
    if (!sent.ok) return renderStatus(req, res, 409, sent.message);
    res.redirect(303, '/apply/status?done=withdrawn');
  });

  const renderEdit = async (res: Response, inst: Institution, status: number, values: object, errors: FieldErrors) =>
    res.status(status).render('institutions/apply.njk', {
      values,
      errors,
      ...options,
      maxMb,
      amend: true,
      attachments: await listAttachments(deps.db, inst.id),
    });

  r.get('/apply/edit', 'institution.apply', async (req, res) => {
    const inst = await ownApplication(deps, req);
    if (!inst) return res.redirect(303, '/apply');
    if (inst.status !== 'rejected' && inst.status !== 'withdrawn') return res.redirect(303, '/apply/status');
    await renderEdit(res, inst, 200, valuesOf(inst), {});
  });

  r.post('/apply/edit', 'institution.apply', receiveAttachments(deps), async (req, res) => {
    const inst = await ownApplication(deps, req);
    if (!inst) throw notFound();
    if (inst.status !== 'rejected' && inst.status !== 'withdrawn') return renderStatus(req, res, 409, '只有已退回或已撤回的申请可以修改后重新提交');
    const values = formValues(req.body);
    const { data, errors, files } = validate(req, res, false);
    if (data) Object.assign(errors, await checkAgainstDb(deps, data, inst.id));
    const current = await listAttachments(deps.db, inst.id);
    const removing = new Set([req.body.removeFiles ?? []].flat().map(String));
    const kept = current.filter((a) => !removing.has(a.fileId));
    if (!errors.attachments && kept.length + files.length === 0) errors.attachments = '请至少保留或上传一个附件';
    if (Object.keys(errors).length > 0 || !data) {
      if (!errors.attachments && files.length > 0) errors.attachments = '请重新选择附件';
      return renderEdit(res, inst, 422, values, errors);
    }
    const bureau = (await bureauFor(deps.db, data.regionCode))!;
    try {
      await deps.db.transaction(async (trx) => {
        await updateApplication(trx, inst.id, data, deps.clock.now());
        for (const a of current) if (removing.has(a.fileId)) await removeAttachment(trx, inst.id, a.fileId);
        await storeAttachments(trx, inst.id, req.user!.id, files);
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        return renderEdit(res, inst, 422, values, { creditCode: '该统一社会信用代码已有机构申请或注册', attachments: files.length ? '请重新选择附件' : '' });
      }
      throw e;
    }
    const sent = await sendUpdate(deps, applicationWorkflowId(inst.id), resubmitUpdate, { actor: actorOf(req), orgId: bureau.id, title: data.name });
    if (!sent.ok) return renderStatus(req, res, 409, sent.message);
    await audit(deps.db, { event: 'institution_resubmit', result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst.id, detail: { orgId: bureau.id, round: sent.result.round } });
    res.redirect(303, '/apply/status?done=resubmitted');
  });

  r.get('/apply/files/:fileId', 'institution.apply', async (req, res) => {
    const inst = await ownApplication(deps, req);
    if (!inst || !(await hasAttachment(deps.db, inst.id, String(req.params.fileId)))) throw notFound();
    const f = await createFileStore(deps.db).read(String(req.params.fileId), inst.id);
    if (!f) throw notFound();
    sendFile(res, f, req.query.inline === '1');
  });
}
