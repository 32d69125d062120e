import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import type { FieldErrors } from '../forms';
import { notFound } from '../errors';
import { pageOf, fetchPage, pagerBase } from '../paging';
import { sendFile } from '../uploads';
import { isUuid } from '../attachments';
import { wantsFragment } from '../render';
import { sendUpdate } from '../workflows';
import { createFileStore } from '../../db/files';
import { audit } from '../../db/audit';
import { classAttachments, classCourses, classWithNames, isEditable, reviewRounds, type TrainingClass } from '../../db/classes';
import { classWorkflowId, closeClassUpdate } from '../../workflows/messages/classDeclaration';
import { memberCounts, membersQuery, pendingReports } from '../../db/members';
import { DONE, institutionOf, loadClass, type ClassArea } from './context';
import { submitDeclaration, withdrawDeclaration } from './submit';

export const MEMBERS_PAGE = 50;

export interface DetailExtra {
  status?: number;
  problem?: string;
  memberErrors?: FieldErrors;
  memberValues?: Record<string, unknown>;
  outcomeErrors?: FieldErrors;
  outcomeValues?: { hours?: Record<string, string>; result?: Record<string, string> };
}

/** The class as declared, its review rounds, and its 报名人员 with their outcomes. */
export async function renderDetail(deps: AppDeps, req: Request, res: Response, area: ClassArea, id: number, extra: DetailExtra = {}) {
  const inst = institutionOf(req);
  const cls = await classWithNames(deps.db, inst, id);
  if (!cls) throw notFound();
  const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 18) : '';
  const outcome = req.query.outcome === 'with' || req.query.outcome === 'without' ? req.query.outcome : undefined;
  const members = await fetchPage(membersQuery(deps.db, cls.id, { q, outcome }), pageOf(req.query.page), MEMBERS_PAGE);
  const view = {
    base: area.base,
    cls,
    members,
    memberFilter: { q, outcome: outcome ?? '' },
    membersPager: pagerBase(`${area.base}/${cls.id}`, { q, outcome }),
    can: {
      declare: req.user!.permissions.has(area.declare),
      members: req.user!.permissions.has(area.members),
      close: req.user!.permissions.has('classes.edit'),
    },
    state: classState(cls),
    memberErrors: extra.memberErrors ?? {},
    memberValues: extra.memberValues ?? {},
    outcomeErrors: extra.outcomeErrors ?? {},
    outcomeValues: extra.outcomeValues ?? {},
  };
  if (wantsFragment(req) && req.get('HX-Target') === 'members') return res.status(extra.status ?? 200).render('classes/_members.njk', view);
  const [courses, attachments, rounds, counts, reports] = await Promise.all([
    classCourses(deps.db, cls.id),
    classAttachments(deps.db, cls.id),
    reviewRounds(deps.db, classWorkflowId(cls.id)),
    memberCounts(deps.db, cls.id),
    pendingReports(deps.db, cls.id),
  ]);
  const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
  const problem = extra.problem ?? (typeof req.query.problem === 'string' ? req.query.problem.slice(0, 200) : undefined);
  res.status(extra.status ?? 200).render('classes/detail.njk', { ...view, courses, attachments, rounds, counts, reports, done, problem, written: req.query.n });
}

/** What may be done with the class now, for the page's buttons. */
export function classState(c: TrainingClass) {
  const approved = c.status === 'approved';
  return {
    editable: isEditable(c.status),
    submittable: isEditable(c.status),
    resubmit: c.status === 'rejected' || c.status === 'withdrawn',
    withdrawable: c.status === 'pending',
    deletable: c.status === 'draft',
    membersOpen: isEditable(c.status) || approved,
    // 同步上报: outcomes go with the declaration; afterwards (either mode) they are reports.
    declarationOutcomes: c.outcome_mode === 'with_declaration' && isEditable(c.status),
    reporting: approved,
    closable: approved,
  };
}

/** Destructive steps ask first: htmx sends confirm=1 after hx-confirm; without JS a page asks. */
export function confirmed(req: Request, res: Response, o: { title: string; message: string; action: string; back: string }): boolean {
  if (req.body?.confirm === '1') return true;
  res.render('classes/confirm.njk', o);
  return false;
}

export function mountDetail(r: SecureRouter, deps: AppDeps, area: ClassArea) {
  const { base } = area;

  r.get(`${base}/:id`, area.view, async (req, res) => {
    const cls = await loadClass(deps, req);
    await renderDetail(deps, req, res, area, cls.id);
  });

  r.get(`${base}/:id/attachments/:fileId`, area.view, async (req, res) => {
    const cls = await loadClass(deps, req);
    const fileId = String(req.params.fileId);
    if (!isUuid(fileId)) throw notFound();
    const link = await deps.db('class_attachments').where({ class_id: cls.id, file_id: fileId }).first();
    if (!link) throw notFound();
    const f = await createFileStore(deps.db).read(fileId, cls.institution_id);
    if (!f) throw notFound();
    sendFile(res, f);
  });

  r.post(`${base}/:id/submit`, area.declare, async (req, res) => {
    const cls = await loadClass(deps, req);
    const out = await submitDeclaration(deps, req, cls);
    if (!out.ok) return renderDetail(deps, req, res, area, cls.id, { status: 409, problem: out.message });
    res.redirect(303, `${base}/${cls.id}?done=${out.resubmitted ? 'resubmitted' : 'submitted'}`);
  });

  r.post(`${base}/:id/withdraw`, area.declare, async (req, res) => {
    const cls = await loadClass(deps, req);
    const out = await withdrawDeclaration(deps, req, cls);
    if (!out.ok) return renderDetail(deps, req, res, area, cls.id, { status: 409, problem: out.message });
    res.redirect(303, `${base}/${cls.id}?done=withdrawn`);
  });

  r.post(`${base}/:id/delete`, area.declare, async (req, res) => {
    const cls = await loadClass(deps, req);
    if (cls.status !== 'draft') return renderDetail(deps, req, res, area, cls.id, { status: 409, problem: '只有草稿可以删除' });
    if (!confirmed(req, res, { title: '删除草稿', message: `确定删除培训班申报草稿「${cls.name}」吗?删除后不可恢复。`, action: `${base}/${cls.id}/delete`, back: `${base}/${cls.id}` })) return;
    const deleted = await deps.db.transaction(async (trx) => {
      const still = await trx('training_classes').where({ id: cls.id, status: 'draft' }).forUpdate().first('id');
      if (!still) return false;
      const files = await trx('class_attachments').where({ class_id: cls.id }).pluck('file_id');
      await trx('outcomes').where({ class_id: cls.id }).delete();
      await trx('class_members').where({ class_id: cls.id }).delete();
      await trx('training_classes').where({ id: cls.id }).delete();
      if (files.length) await trx('files').whereIn('id', files).delete();
      await audit(trx, { event: 'class_declaration_deleted', result: 'success', userId: req.user!.id, institutionId: cls.institution_id, ip: req.ip, detail: { classId: cls.id, name: cls.name } });
      return true;
    });
    if (!deleted) return renderDetail(deps, req, res, area, cls.id, { status: 409, problem: '只有草稿可以删除' });
    res.redirect(303, '/declarations');
  });

  if (base === '/classes') {
    // 结班: the institution ends the class; no more members or outcomes afterwards.
    r.post(`${base}/:id/close`, 'classes.edit', async (req, res) => {
      const cls = await loadClass(deps, req);
      if (cls.status !== 'approved') return renderDetail(deps, req, res, area, cls.id, { status: 409, problem: '只有审核通过的培训班可以结班' });
      if (!confirmed(req, res, { title: '结班', message: `确定对培训班「${cls.name}」结班吗?结班后不能再添加报名人员和上报培训成果。`, action: `${base}/${cls.id}/close`, back: `${base}/${cls.id}` })) return;
      const sent = await sendUpdate(deps, classWorkflowId(cls.id), closeClassUpdate, { actorUserId: req.user!.id, institutionId: cls.institution_id });
      if (!sent.ok) return renderDetail(deps, req, res, area, cls.id, { status: 409, problem: sent.message });
      res.redirect(303, `${base}/${cls.id}?done=closed`);
    });
  }
}
