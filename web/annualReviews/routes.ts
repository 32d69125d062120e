import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { asArray, parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { sendUpdate, whenStarted } from '../workflows';
import { deleteRemovedFiles } from '../../db/files';
import { audit } from '../../db/audit';
import { yearFigures } from '../../db/dashboard';
import { filesOf, findByYear, forInstitution, isEditable, ANNUAL_STATUS_LABELS, type AnnualReviewRow } from '../../db/annualReviews';
import { resubmitUpdate } from '../../workflows/messages/review';
import { GRADE_LABELS } from '../../domain/grades';
import { annualReviewWorkflowId, submitReportUpdate } from '../../workflows/messages/annualReview';
import { checkFiles } from '../bases/attachments';
import { isUuid, receiveAttachments, sendListed, storeFiles } from '../attachments';
import { actorOf } from '../bases/submit';
import { reportSchema } from './form';
import { registerAnnualReviewGrading } from './review';

/**
 * 年审报告 (manual 4.1), open only while the institution is a base: the guards are the
 * base-only permissions, so a revoked base loses the menu and the routes on its next
 * request. One page per year; the figures are counted from the platform's own records.
 */
const DONE: Record<string, string> = {
  saved: '年审报告已保存,尚未提交。',
  submitted: '年审报告已提交,等待属地人社部门评定。',
  resubmitted: '年审报告已修改并重新提交。',
};

export function registerAnnualReviews(r: SecureRouter, deps: AppDeps) {
  // The reviewer's pages first: /annual-reviews/review is not a year.
  registerAnnualReviewGrading(r, deps);
  const inst = (req: Request) => req.user!.institutionId!;

  r.get('/annual-reviews', 'annual_reviews.view', async (req, res) => {
    const rows = await forInstitution(deps.db, inst(req)).orderBy('year', 'desc').limit(30);
    res.render('annualReviews/index.njk', { rows, STATUS: ANNUAL_STATUS_LABELS, GRADES: GRADE_LABELS, now: deps.clock.now() });
  });

  async function load(req: Request): Promise<AnnualReviewRow> {
    const row = await findByYear(deps.db, inst(req), req.params.year);
    if (!row) throw notFound();
    return row;
  }

  async function renderReport(req: Request, res: Response, row: AnnualReviewRow, o: { values?: Record<string, unknown>; errors?: FieldErrors; status?: number; problem?: string } = {}) {
    const editable = isEditable(row.status) && req.user!.permissions.has('annual_reviews.declare');
    res.status(o.status ?? 200).render('annualReviews/report.njk', {
      row,
      editable,
      figures: editable ? (await yearFigures(deps.db, row.institution_id, row.year)).total : null,
      values: o.values ?? { trainingComment: row.training_comment ?? '', conditionsChange: row.conditions_change ?? '', problems: row.problems ?? '' },
      errors: o.errors ?? {},
      files: await filesOf(deps.db, row.id),
      done: DONE[String(req.query.done)] ?? null,
      problem: o.problem ?? (typeof req.query.problem === 'string' ? req.query.problem.slice(0, 200) : null),
      STATUS: ANNUAL_STATUS_LABELS,
      GRADES: GRADE_LABELS,
      maxMb: Math.round(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024),
      now: deps.clock.now(),
    });
  }

  r.get('/annual-reviews/:year', 'annual_reviews.view', async (req, res) => renderReport(req, res, await load(req)));

  r.post('/annual-reviews/:year', 'annual_reviews.declare', receiveAttachments(deps), async (req, res) => {
    const row = await load(req);
    if (!isEditable(row.status)) return renderReport(req, res, row, { status: 409, problem: '该年度年审报告当前不能修改' });
    const parsed = parseForm(reportSchema, req.body);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    const files = checkFiles(req, res, errors);
    if (!parsed.ok || Object.keys(errors).length) return renderReport(req, res, row, { values: req.body, errors, status: 422 });
    const removed = asArray(req.body.removeFiles).filter(isUuid);
    const figures = (await yearFigures(deps.db, row.institution_id, row.year)).total;
    const userId = req.user!.id;
    const saved = await deps.db.transaction(async (trx) => {
      const n = await trx('annual_reviews')
        .where({ id: row.id })
        .whereIn('status', ['open', 'returned'])
        .update({
          training_comment: parsed.data.trainingComment,
          conditions_change: parsed.data.conditionsChange,
          problems: parsed.data.problems,
          classes_count: figures.classes,
          trainees_count: figures.trainees,
          person_times: figures.personTimes,
          hours_total: figures.hours,
          updated_at: deps.clock.now(),
        });
      if (n === 0) return false;
      if (removed.length) {
        const gone = await trx('annual_review_files').where({ annual_review_id: row.id }).whereIn('file_id', removed).delete().returning('file_id');
        await deleteRemovedFiles(trx, row.institution_id, gone.map((g: { file_id: string }) => g.file_id));
      }
      await storeFiles(trx, row.institution_id, userId, files, (fileId) => trx('annual_review_files').insert({ annual_review_id: row.id, file_id: fileId }));
      return true;
    });
    if (!saved) return renderReport(req, res, await load(req), { status: 409, problem: '该年度年审报告当前不能修改' });
    if (req.body.action !== 'submit') return res.redirect(303, `/annual-reviews/${row.year}?done=saved`);

    const workflowId = annualReviewWorkflowId(row.institution_id, row.year);
    if (!(await whenStarted(deps, workflowId))) {
      return res.redirect(303, `/annual-reviews/${row.year}?problem=${encodeURIComponent('该年度年审刚刚开放,系统仍在准备中,报告内容已保存,请稍后再提交')}`);
    }
    const resubmit = row.status === 'returned';
    const sent = resubmit
      ? await sendUpdate(deps, workflowId, resubmitUpdate, { actor: actorOf(req) })
      : await sendUpdate(deps, workflowId, submitReportUpdate, { actor: actorOf(req) });
    if (!sent.ok) return res.redirect(303, `/annual-reviews/${row.year}?problem=${encodeURIComponent(sent.message)}`);
    await deps.db('annual_reviews').where({ id: row.id }).update({ submitted_at: deps.clock.now(), submitted_by: userId });
    if (resubmit) await deps.db('annual_reviews').where({ id: row.id, status: 'returned' }).update({ status: 'pending' });
    await audit(deps.db, { event: 'annual_review_submit', result: 'success', userId, institutionId: row.institution_id, ip: req.ip, detail: { annualReviewId: row.id, year: row.year, resubmit } });
    res.redirect(303, `/annual-reviews/${row.year}?done=${resubmit ? 'resubmitted' : 'submitted'}`);
  });

  r.get('/annual-reviews/:year/files/:fileId', 'annual_reviews.view', async (req, res) => {
    const row = await load(req);
    await sendListed(deps, res, await filesOf(deps.db, row.id), String(req.params.fileId), row.institution_id, req.query.inline === '1');
  });
}
