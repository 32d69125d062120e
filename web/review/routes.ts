import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, asArray, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { REGION_OPTIONS, regionName } from '../../domain/regions';
import { wantsFragment } from '../render';
import { sendFile } from '../uploads';
import { createFileStore } from '../../db/files';
import { alreadyDecided, decide, decisionSchema } from './decide';
import { findItem, queueFilter, queueQuery, roundsOf } from './queue';
import { DEFAULT_SUBJECT_TEMPLATE, KIND_LABELS, KIND_OPTIONS, reviewSubject, toReviewItem, type ReviewItem, type SubjectDetail } from './subjects';
import './institutionSubject';

/**
 * 审核工作台: the queue of the reviewer's organisation, an item's detail with its
 * submitted fields, attachments and decision history, approve / reject, and bulk
 * approval. Every item is looked up within the reviewer's organisation: another
 * organisation's item is a 404, before any message reaches a workflow.
 */
const DONE: Record<string, string> = { approved: '已审核通过。', rejected: '已退回。' };

export function registerReview(r: SecureRouter, deps: AppDeps) {
  r.get('/review', 'review.view', async (req, res) => {
    const filter = queueFilter(req.query as Record<string, unknown>);
    const page = pageOf(req.query.page);
    const result = await fetchPage<Record<string, any>>(queueQuery(deps.db, req.user!.orgId!, filter), page);
    const rows = result.rows.map((row) => ({ ...row, kind_label: KIND_LABELS[row.kind as keyof typeof KIND_LABELS] ?? row.kind, region_name: regionName(row.region_code) }));
    const bulk =
      req.query.approved !== undefined ? { approved: Number(req.query.approved) || 0, refused: Number(req.query.refused) || 0 } : null;
    res.render(wantsFragment(req) ? 'review/_list.njk' : 'review/index.njk', {
      filter,
      rows,
      page: result.page,
      hasNext: result.hasNext,
      pagerBase: pagerBase('/review', req.query as Record<string, unknown>),
      kindOptions: KIND_OPTIONS,
      regionOptions: REGION_OPTIONS,
      canDecide: req.user!.permissions.has('review.decide'),
      bulk,
      refusals: asArray(req.query.why).slice(0, 20),
    });
  });

  /** A decided round shows what was decided (its snapshot); a pending one, the subject as it is now. */
  async function loadItem(req: Request): Promise<{ item: ReviewItem; detail: SubjectDetail | null; row: Record<string, any>; asDecided: boolean }> {
    const row = await findItem(deps.db, req.user!.orgId!, req.params.id);
    if (!row) throw notFound();
    const item = toReviewItem(row);
    if (item.status !== 'pending' && row.snapshot) return { item, detail: row.snapshot as SubjectDetail, row, asDecided: true };
    const subject = reviewSubject(item.kind);
    const detail = subject ? await subject.loadDetail(deps, item) : null;
    return { item, detail, row, asDecided: false };
  }

  async function renderDetail(req: Request, res: Response, o: { status?: number; errors?: FieldErrors; values?: object; message?: string } = {}) {
    const { item, detail, asDecided } = await loadItem(req);
    const inst = await deps.db('institutions').where({ id: item.institutionId }).first('name', 'region_code');
    res.status(o.status ?? 200).render('review/detail.njk', {
      item,
      kindLabel: KIND_LABELS[item.kind] ?? item.kind,
      institution: { name: inst?.name ?? '', region: regionName(inst?.region_code) },
      detail,
      asDecided,
      subjectTemplate: reviewSubject(item.kind)?.template ?? DEFAULT_SUBJECT_TEMPLATE,
      rounds: await roundsOf(deps.db, item.workflowId),
      canDecide: item.status === 'pending' && req.user!.permissions.has('review.decide'),
      errors: o.errors ?? {},
      values: o.values ?? {},
      message: o.message ?? null,
      done: DONE[String(req.query.done)] ?? null,
    });
  }

  r.get('/review/items/:id', 'review.view', (req, res) => renderDetail(req, res));

  r.post('/review/items/:id/decide', 'review.decide', async (req, res) => {
    const { item, row } = await loadItem(req);
    const form = parseForm(decisionSchema, req.body);
    if (!form.ok) return renderDetail(req, res, { status: 422, errors: form.errors, values: req.body });
    if (item.status !== 'pending') {
      return renderDetail(req, res, { status: 409, message: await alreadyDecided(deps, item.status, item.decidedBy), values: req.body });
    }
    const out = await decide(deps, req.user!, row as never, form.data, req.ip);
    if (!out.ok) return renderDetail(req, res, { status: 409, message: out.message, values: req.body });
    res.redirect(303, `/review/items/${item.id}?done=${out.state.status}`);
  });

  /** 批量通过: each selected item is its own decision; refusals are counted and named. */
  r.post('/review/bulk-approve', 'review.decide', async (req, res) => {
    const ids = asArray(req.body.ids).slice(0, 100);
    let approved = 0;
    const why: string[] = [];
    for (const id of ids) {
      const row = await findItem(deps.db, req.user!.orgId!, id);
      if (!row) {
        why.push(`编号 ${id}:未找到`);
        continue;
      }
      if (row.status !== 'pending') {
        why.push(`${row.title}:${await alreadyDecided(deps, row.status, row.decided_by)}`);
        continue;
      }
      const out = await decide(deps, req.user!, row, { decision: 'approve', reason: '' }, req.ip);
      if (out.ok) approved++;
      else why.push(`${row.title}:${out.message}`);
    }
    const params = new URLSearchParams({ approved: String(approved), refused: String(why.length) });
    for (const w of why.slice(0, 20)) params.append('why', w);
    res.redirect(303, `/review?${params}`);
  });

  r.get('/review/items/:id/files/:fileId', 'review.view', async (req, res) => {
    const { item, detail } = await loadItem(req);
    const fileId = String(req.params.fileId);
    if (!detail?.attachments.some((a) => a.fileId === fileId)) throw notFound();
    const f = await createFileStore(deps.db).read(fileId, item.institutionId);
    if (!f) throw notFound();
    sendFile(res, f, req.query.inline === '1');
  });
}
