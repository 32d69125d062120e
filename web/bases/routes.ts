import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { asArray, parseForm, type FieldErrors } from '../forms';
import { deleteRemovedFiles } from '../../db/files';
import { audit } from '../../db/audit';
import { applicationOf, decisionsOf, filesOf, BASE_STATUS_LABELS, type BaseApplicationRow } from '../../db/bases';
import { forInstitution, ANNUAL_STATUS_LABELS } from '../../db/annualReviews';
import { GRADE_LABELS } from '../../domain/grades';
import { baseWorkflowId } from '../../workflows/messages/baseApplication';
import { isUniqueViolation } from '../../db/baseData';
import { baseApplicationSchema, BASE_TYPE_OPTIONS, rowOf, valuesOf } from './form';
import { checkFiles } from './attachments';
import { isUuid, receiveAttachments, sendListed, storeFiles } from '../attachments';
import { bureauFor, resubmitBaseApplication, startBaseApplication, withdrawBaseApplication } from './submit';
import { registerBaseReview } from './review';
import './subjects';

/**
 * 继续教育基地 for an institution (manual 四.1 / 4.1): apply from 工作桌面, follow the
 * review, amend and resubmit after a return, withdraw while pending. Everything is the
 * signed-in user's own institution; applying needs 机构信息管理·编辑 (profile.edit).
 */
const DONE: Record<string, string> = {
  submitted: '基地申请已提交,等待属地人社部门审核。',
  resubmitted: '基地申请已修改并重新提交。',
  withdrawn: '基地申请已撤回,修改后可重新提交。',
};

const AMENDABLE = ['rejected', 'withdrawn'];
/** After a revocation the institution may apply again: a new application, its own workflow. */
const reapplying = (app: BaseApplicationRow | undefined) => app?.status === 'revoked';

export function registerBases(r: SecureRouter, deps: AppDeps) {
  const inst = (req: Request) => req.user!.institutionId!;

  async function renderForm(req: Request, res: Response, o: { app?: BaseApplicationRow; values: Record<string, unknown>; errors?: FieldErrors; status?: number }) {
    res.status(o.status ?? 200).render('bases/apply.njk', {
      app: o.app ?? null,
      values: o.values,
      errors: o.errors ?? {},
      typeOptions: BASE_TYPE_OPTIONS,
      files: o.app ? await filesOf(deps.db, o.app.id) : [],
      maxMb: Math.round(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024),
    });
  }

  r.get('/bases', 'profile.edit', async (req, res) => {
    const app = await applicationOf(deps.db, inst(req));
    const years = app ? await forInstitution(deps.db, inst(req)).orderBy('year', 'desc').limit(20) : [];
    res.render('bases/status.njk', {
      app: app ?? null,
      files: app ? await filesOf(deps.db, app.id) : [],
      decisions: app ? await decisionsOf(deps.db, inst(req)) : [],
      years,
      amendable: !!app && AMENDABLE.includes(app.status),
      canReapply: reapplying(app),
      done: DONE[String(req.query.done)] ?? null,
      problem: typeof req.query.problem === 'string' ? req.query.problem.slice(0, 200) : null,
      STATUS: BASE_STATUS_LABELS,
      ANNUAL_STATUS: ANNUAL_STATUS_LABELS,
      GRADES: GRADE_LABELS,
    });
  });

  r.get('/bases/apply', 'profile.edit', async (req, res) => {
    const app = await applicationOf(deps.db, inst(req));
    // A new application after a revocation starts from what the last one said, without its files.
    if (reapplying(app)) return renderForm(req, res, { values: valuesOf(app!) });
    if (app && !AMENDABLE.includes(app.status)) return res.redirect(303, '/bases');
    await renderForm(req, res, { app, values: app ? valuesOf(app) : { name: req.user!.institution!.name } });
  });

  r.post('/bases/apply', 'profile.edit', receiveAttachments(deps), async (req, res) => {
    const id = inst(req);
    const latest = await applicationOf(deps.db, id);
    const app = reapplying(latest) ? undefined : latest;
    if (app && !AMENDABLE.includes(app.status)) return res.redirect(303, '/bases');
    const parsed = parseForm(baseApplicationSchema, req.body);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    const files = checkFiles(req, res, errors);
    const removed = asArray(req.body.removeFiles).filter(isUuid);
    const kept = app ? (await filesOf(deps.db, app.id)).filter((f) => !removed.includes(f.id)).length : 0;
    if (!errors.attachments && kept + files.length === 0) errors.attachments = '请上传申请材料';
    if (!parsed.ok || Object.keys(errors).length) return renderForm(req, res, { app, values: req.body, errors, status: 422 });
    const data = parsed.data;
    const userId = req.user!.id;

    if (!app) {
      const orgId = await bureauFor(deps, id);
      let created: { id: number; workflowId: string } | null;
      try {
        created = await deps.db.transaction(async (trx) => {
          const { rows } = await trx.raw("select nextval(pg_get_serial_sequence('base_applications', 'id'))::int as id");
          const newId: number = rows[0].id;
          // The first application keeps the id institutions always had; one after a revocation is told apart by its own id.
          const workflowId = latest ? baseWorkflowId(id, newId) : baseWorkflowId(id);
          await trx('base_applications').insert({ ...rowOf(data), id: newId, workflow_id: workflowId, institution_id: id, org_id: orgId, status: 'pending', applied_by: userId, submitted_at: deps.clock.now() });
          await storeFiles(trx, id, userId, files, (fileId) => trx('base_application_files').insert({ application_id: newId, file_id: fileId }));
          await audit(trx, { event: 'base_application_submit', result: 'success', userId, institutionId: id, ip: req.ip, detail: { applicationId: newId, reapplication: !!latest } });
          return { id: newId, workflowId };
        });
      } catch (e) {
        // A second click raced the first (one live application per institution): the first one stands.
        if (isUniqueViolation(e)) created = null;
        else throw e;
      }
      if (created === null) return res.redirect(303, '/bases');
      try {
        await startBaseApplication(deps, { id: created.id, institutionId: id, orgId, name: data.name, workflowId: created.workflowId });
      } catch (e) {
        await removeApplication(created.id);
        throw e;
      }
      return res.redirect(303, '/bases?done=submitted');
    }

    const saved = await deps.db.transaction(async (trx) => {
      const n = await trx('base_applications')
        .where({ id: app.id })
        .whereIn('status', AMENDABLE)
        .update({ ...rowOf(data), updated_at: deps.clock.now() });
      if (n === 0) return false;
      if (removed.length) {
        const gone = await trx('base_application_files').where({ application_id: app.id }).whereIn('file_id', removed).delete().returning('file_id');
        await deleteRemovedFiles(trx, id, gone.map((g: { file_id: string }) => g.file_id));
      }
      await storeFiles(trx, id, userId, files, (fileId) => trx('base_application_files').insert({ application_id: app.id, file_id: fileId }));
      return true;
    });
    if (!saved) return res.redirect(303, '/bases');
    const sent = await resubmitBaseApplication(deps, req, app.workflow_id, data.name);
    if (!sent.ok) return res.redirect(303, `/bases?problem=${encodeURIComponent(sent.message)}`);
    await deps.db('base_applications').where({ id: app.id }).whereIn('status', AMENDABLE).update({ status: 'pending', submitted_at: deps.clock.now() });
    await audit(deps.db, { event: 'base_application_submit', result: 'success', userId, institutionId: id, ip: req.ip, detail: { applicationId: app.id, resubmit: true } });
    res.redirect(303, '/bases?done=resubmitted');
  });

  r.post('/bases/withdraw', 'profile.edit', async (req, res) => {
    const app = await applicationOf(deps.db, inst(req));
    if (!app || app.status !== 'pending') return res.redirect(303, `/bases?problem=${encodeURIComponent('只有审核中的申请可以撤回')}`);
    const sent = await withdrawBaseApplication(deps, req, app.workflow_id);
    if (!sent.ok) return res.redirect(303, `/bases?problem=${encodeURIComponent(sent.message)}`);
    await audit(deps.db, { event: 'base_application_withdraw', result: 'success', userId: req.user!.id, institutionId: inst(req), ip: req.ip, detail: { applicationId: app.id } });
    res.redirect(303, '/bases?done=withdrawn');
  });

  r.get('/bases/files/:fileId', 'profile.edit', async (req, res) => {
    const app = await applicationOf(deps.db, inst(req));
    await sendListed(deps, res, app ? await filesOf(deps.db, app.id) : [], String(req.params.fileId), inst(req), req.query.inline === '1');
  });

  async function removeApplication(applicationId: number) {
    await deps.db.transaction(async (trx) => {
      const files = await trx('base_application_files').where({ application_id: applicationId }).delete().returning('file_id');
      await trx('base_applications').where({ id: applicationId }).delete();
      if (files.length) await trx('files').whereIn('id', files.map((f: { file_id: string }) => f.file_id)).delete();
    });
  }

  registerBaseReview(r, deps);
}
