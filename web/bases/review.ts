import { z } from 'zod';
import type { Request, Response } from 'express';
import type { UpdateDefinition } from '@temporalio/common';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { notFound } from '../errors';
import { sendUpdate } from '../workflows';
import { decide, decisionSchema } from '../review/decide';
import { audit } from '../../db/audit';
import { decisionsOf, filesOf, findForOrg, BASE_STATUS_LABELS } from '../../db/bases';
import { ANNUAL_STATUS_LABELS } from '../../db/annualReviews';
import { GRADE_LABELS } from '../../domain/grades';
import { revokeBaseUpdate, keepBaseUpdate } from '../../workflows/messages/baseApplication';
import { sendListed } from '../attachments';
import type { Actor } from '../../workflows/messages/review';
import * as reviewItems from '../../db/reviewItems';

/**
 * 基地管理 for a reviewer of an HR bureau: the bases and applications of their own
 * bureau, each with its annual reviews; approve or return a pending application (the
 * shared review step decides), revoke a base with a reason or keep one flagged for
 * revocation. Another bureau's base is 404.
 */
const revokeSchema = z.object({ reason: z.string({ error: '请填写撤销原因' }).trim().min(1, '请填写撤销原因').max(500, '撤销原因不能超过500个字') });

const keepSchema = z.object({ keepReason: z.string({ error: '请填写保留理由' }).trim().min(1, '请填写保留理由').max(500, '保留理由不能超过500个字') });

const STATUS_FILTERS = ['pending', 'approved', 'rejected', 'withdrawn', 'revoked'];
const DONE: Record<string, string> = { approve: '已审核通过,该机构成为继续教育基地。', reject: '已退回申请。', revoked: '已撤销该基地资格。', kept: '已保留基地资格,撤销建议已解除。' };

export function registerBaseReview(r: SecureRouter, deps: AppDeps) {
  r.get('/bases/review', 'review.view', async (req, res) => {
    const orgId = req.user!.orgId!;
    const status = STATUS_FILTERS.includes(String(req.query.status)) ? String(req.query.status) : '';
    const flagged = req.query.flagged === '1';
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 50) : '';
    const query = deps.db('base_applications as b')
      .join('institutions as i', 'i.id', 'b.institution_id')
      .where('b.org_id', orgId)
      .orderBy([{ column: 'b.flagged', order: 'desc' }, { column: 'b.id', order: 'desc' }])
      .select('b.id', 'b.name', 'b.status', 'b.flagged', 'b.flag_reason', 'b.submitted_at', 'b.approved_at', 'i.name as institution_name');
    if (status) query.andWhere('b.status', status);
    if (flagged) query.andWhere('b.flagged', true).andWhere('b.status', 'approved');
    if (q) query.andWhere((w) => w.whereILike('b.name', `%${q}%`).orWhereILike('i.name', `%${q}%`));
    const page = await fetchPage(query, pageOf(req.query.page));
    const view = {
      ...page,
      filters: { status, flagged, q },
      base: pagerBase('/bases/review', { status, flagged: flagged ? '1' : '', q }),
      STATUS: BASE_STATUS_LABELS,
      statusOptions: STATUS_FILTERS.map((s) => ({ value: s, label: BASE_STATUS_LABELS[s] })),
    };
    res.render(wantsFragment(req) ? 'bases/_review_list.njk' : 'bases/review_index.njk', view);
  });

  async function load(req: Request) {
    const b = await findForOrg(deps.db, req.user!.orgId!, req.params.id);
    if (!b) throw notFound();
    return b;
  }

  async function renderDetail(req: Request, res: Response, o: { errors?: FieldErrors; values?: Record<string, unknown>; problem?: string; status?: number } = {}) {
    const b = await load(req);
    const [files, decisions, years, pendingItem] = await Promise.all([
      filesOf(deps.db, b.id),
      decisionsOf(deps.db, b.institution_id),
      deps.db('annual_reviews').where({ institution_id: b.institution_id, org_id: b.org_id }).orderBy('year', 'desc').limit(20),
      pendingItemOf(b.workflow_id, b.org_id),
    ]);
    res.status(o.status ?? 200).render('bases/review_detail.njk', {
      b,
      files,
      decisions,
      years,
      pendingItem: pendingItem ?? null,
      errors: o.errors ?? {},
      values: o.values ?? {},
      problem: o.problem ?? null,
      done: DONE[String(req.query.done)] ?? null,
      STATUS: BASE_STATUS_LABELS,
      ANNUAL_STATUS: ANNUAL_STATUS_LABELS,
      GRADES: GRADE_LABELS,
    });
  }

  const pendingItemOf = (workflowId: string, orgId: number) => reviewItems.pendingRoundFor(deps.db, workflowId, orgId);

  r.get('/bases/review/:id', 'review.view', (req, res) => renderDetail(req, res));

  r.post('/bases/review/:id/decide', 'review.decide', async (req, res) => {
    const b = await load(req);
    const item = await pendingItemOf(b.workflow_id, b.org_id);
    if (!item) return renderDetail(req, res, { problem: '该申请当前没有待审核的事项', status: 409 });
    const parsed = parseForm(decisionSchema, req.body);
    if (!parsed.ok) return renderDetail(req, res, { errors: parsed.errors, values: req.body, status: 422 });
    const outcome = await decide(deps, req.user!, item, parsed.data, req.ip);
    if (!outcome.ok) return renderDetail(req, res, { problem: outcome.message, values: req.body, status: 409 });
    res.redirect(303, `/bases/review/${b.id}?done=${parsed.data.decision}`);
  });

  /**
   * Sends the bureau's decision on an approved base (撤销 or 保留) to its workflow; a
   * refusal is audited and shown on the detail page (then null is returned).
   */
  async function sendBaseDecision<R>(req: Request, res: Response, b: { id: number; institution_id: number; workflow_id: string }, def: UpdateDefinition<R, [{ reason: string; actor: Actor }]>, reason: string, event: string) {
    const sent = await sendUpdate(deps, b.workflow_id, def, {
      reason,
      actor: { userId: req.user!.id, orgId: req.user!.orgId, institutionId: null },
    });
    if (sent.ok) return sent.result;
    await audit(deps.db, { event, result: 'refused', userId: req.user!.id, orgId: req.user!.orgId, ip: req.ip, institutionId: b.institution_id, detail: { applicationId: b.id, refusal: sent.type } });
    await renderDetail(req, res, { problem: sent.message, values: req.body, status: 409 });
    return null;
  }

  r.post('/bases/review/:id/revoke', 'review.decide', async (req, res) => {
    const b = await load(req);
    const parsed = parseForm(revokeSchema, req.body);
    if (!parsed.ok) return renderDetail(req, res, { errors: parsed.errors, values: req.body, status: 422 });
    if (!(await sendBaseDecision(req, res, b, revokeBaseUpdate, parsed.data.reason, 'base_revoke'))) return;
    res.redirect(303, `/bases/review/${b.id}?done=revoked`);
  });

  r.post('/bases/review/:id/keep', 'review.decide', async (req, res) => {
    const b = await load(req);
    if (!(b.flagged && b.status === 'approved')) return renderDetail(req, res, { problem: '该基地没有撤销建议,无需处理', status: 409 });
    const parsed = parseForm(keepSchema, req.body);
    if (!parsed.ok) return renderDetail(req, res, { errors: parsed.errors, values: req.body, status: 422 });
    const kept = await sendBaseDecision(req, res, b, keepBaseUpdate, parsed.data.keepReason, 'base_keep');
    if (!kept) return;
    if (!kept.cleared) return renderDetail(req, res, { problem: '该基地的撤销建议已由他人处理', status: 409 });
    res.redirect(303, `/bases/review/${b.id}?done=kept`);
  });

  r.get('/bases/review/:id/files/:fileId', 'review.view', async (req, res) => {
    const b = await load(req);
    await sendListed(deps, res, await filesOf(deps.db, b.id), String(req.params.fileId), b.institution_id, req.query.inline === '1');
  });
}
