import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { notFound } from '../errors';
import { decide } from '../review/decide';
import { filesOf, findForOrg, ANNUAL_STATUS_LABELS } from '../../db/annualReviews';
import { GRADE_LABELS, GRADES } from '../../domain/grades';
import { annualReviewWorkflowId } from '../../workflows/messages/annualReview';
import { sendListed } from '../attachments';
import { gradeSchema, returnSchema } from './form';
import * as reviewItems from '../../db/reviewItems';

/**
 * 年审报告审核 for a reviewer: the reports of their bureau's bases by year and status
 * (overdue ones marked), and on a submitted report either a grade — an approval of the
 * shared review step carrying 优秀/合格/不合格 — or 退回修改, its rejection.
 */
const STATUS_FILTERS = ['open', 'pending', 'returned', 'graded', 'missed', 'cancelled'];
const DONE: Record<string, string> = { graded: '已评定。', returned: '已退回修改。' };

export function registerAnnualReviewGrading(r: SecureRouter, deps: AppDeps) {
  r.get('/annual-reviews/review', 'review.view', async (req, res) => {
    const orgId = req.user!.orgId!;
    const status = STATUS_FILTERS.includes(String(req.query.status)) ? String(req.query.status) : '';
    const year = /^\d{4}$/.test(String(req.query.year)) ? Number(req.query.year) : null;
    const overdue = req.query.overdue === '1';
    const query = deps.db('annual_reviews as a')
      .join('base_applications as b', 'b.id', 'a.application_id')
      .join('institutions as i', 'i.id', 'a.institution_id')
      .where('a.org_id', orgId)
      .orderBy([{ column: 'a.year', order: 'desc' }, { column: 'a.id', order: 'desc' }])
      .select('a.id', 'a.year', 'a.status', 'a.grade', 'a.overdue', 'a.deadline_at', 'a.submitted_at', 'b.name as base_name', 'i.name as institution_name');
    if (status) query.andWhere('a.status', status);
    if (year) query.andWhere('a.year', year);
    if (overdue) query.andWhere('a.overdue', true);
    const page = await fetchPage(query, pageOf(req.query.page));
    const view = {
      ...page,
      filters: { status, year: year ?? '', overdue },
      base: pagerBase('/annual-reviews/review', { status, year: year ?? '', overdue: overdue ? '1' : '' }),
      STATUS: ANNUAL_STATUS_LABELS,
      GRADES: GRADE_LABELS,
      statusOptions: STATUS_FILTERS.map((s) => ({ value: s, label: ANNUAL_STATUS_LABELS[s] })),
    };
    res.render(wantsFragment(req) ? 'annualReviews/_review_list.njk' : 'annualReviews/review_index.njk', view);
  });

  async function load(req: Request) {
    const a = await findForOrg(deps.db, req.user!.orgId!, req.params.id);
    if (!a) throw notFound();
    return a;
  }

  const pendingItemOf = (a: { institution_id: number; year: number; org_id: number }) =>
    reviewItems.pendingRoundFor(deps.db, annualReviewWorkflowId(a.institution_id, a.year), a.org_id);

  async function renderDetail(req: Request, res: Response, o: { errors?: FieldErrors; values?: Record<string, unknown>; problem?: string; status?: number } = {}) {
    const a = await load(req);
    const [files, item, history] = await Promise.all([
      filesOf(deps.db, a.id),
      pendingItemOf(a),
      reviewItems.roundsWithDecider(deps.db, annualReviewWorkflowId(a.institution_id, a.year)),
    ]);
    res.status(o.status ?? 200).render('annualReviews/review_detail.njk', {
      a,
      files,
      item: item ?? null,
      history,
      errors: o.errors ?? {},
      values: o.values ?? {},
      problem: o.problem ?? null,
      done: DONE[String(req.query.done)] ?? null,
      STATUS: ANNUAL_STATUS_LABELS,
      GRADES: GRADE_LABELS,
      gradeOptions: GRADES.map((g) => ({ value: g, label: GRADE_LABELS[g] })),
    });
  }

  r.get('/annual-reviews/review/:id', 'review.view', (req, res) => renderDetail(req, res));

  r.post('/annual-reviews/review/:id/grade', 'review.decide', async (req, res) => {
    const a = await load(req);
    const item = await pendingItemOf(a);
    if (!item) return renderDetail(req, res, { problem: '该年审报告当前没有待评定的事项', status: 409 });
    const parsed = parseForm(gradeSchema, req.body);
    if (!parsed.ok) return renderDetail(req, res, { errors: parsed.errors, values: req.body, status: 422 });
    const outcome = await decide(deps, req.user!, item, { decision: 'approve', grade: parsed.data.grade, reason: parsed.data.reason ?? '' }, req.ip);
    if (!outcome.ok) return renderDetail(req, res, { problem: outcome.message, values: req.body, status: 409 });
    res.redirect(303, `/annual-reviews/review/${a.id}?done=graded`);
  });

  r.post('/annual-reviews/review/:id/return', 'review.decide', async (req, res) => {
    const a = await load(req);
    const item = await pendingItemOf(a);
    if (!item) return renderDetail(req, res, { problem: '该年审报告当前没有待评定的事项', status: 409 });
    const parsed = parseForm(returnSchema, req.body);
    if (!parsed.ok) return renderDetail(req, res, { errors: parsed.errors, values: req.body, status: 422 });
    const outcome = await decide(deps, req.user!, item, { decision: 'reject', reason: parsed.data.returnReason }, req.ip);
    if (!outcome.ok) return renderDetail(req, res, { problem: outcome.message, values: req.body, status: 409 });
    res.redirect(303, `/annual-reviews/review/${a.id}?done=returned`);
  });

  r.get('/annual-reviews/review/:id/files/:fileId', 'review.view', async (req, res) => {
    const a = await load(req);
    await sendListed(deps, res, await filesOf(deps.db, a.id), String(req.params.fileId), a.institution_id, req.query.inline === '1');
  });
}
