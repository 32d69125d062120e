import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import type { Permission } from '../../domain/permissions';
import { notFound } from '../errors';
import { findClass, type TrainingClass } from '../../db/classes';
import type { Actor } from '../../workflows/messages/review';

/**
 * The class pages are reached from two menus — 我申报的 (/declarations) and 培训班管理
 * (/classes) — with the permissions of each; one set of handlers serves both.
 */
export interface ClassArea {
  base: '/classes' | '/declarations';
  view: Permission;
  declare: Permission;
  /** Members and outcomes. */
  members: Permission;
}

export const CLASS_AREA: ClassArea = { base: '/classes', view: 'classes.view', declare: 'classes.declare', members: 'classes.edit' };
export const DECLARATION_AREA: ClassArea = {
  base: '/declarations',
  view: 'declarations.view',
  declare: 'declarations.declare',
  members: 'declarations.declare',
};

export const institutionOf = (req: Request) => req.user!.institutionId!;

export const actorOf = (req: Request): Actor => ({ userId: req.user!.id, orgId: null, institutionId: req.user!.institutionId });

/** The class named in the URL, within the signed-in user's institution; else 404. */
export async function loadClass(deps: AppDeps, req: Request): Promise<TrainingClass> {
  const c = await findClass(deps.db, institutionOf(req), req.params.id);
  if (!c) throw notFound();
  return c;
}

/** Messages shown after a redirect (?done=...). */
export const DONE: Record<string, string> = {
  saved: '草稿已保存。',
  submitted: '已提交审核,审核结果可在“我申报的”中查看。',
  resubmitted: '已重新提交审核。',
  withdrawn: '已撤回申报,修改后可重新提交。',
  member_added: '已添加报名人员。',
  member_removed: '已移除报名人员。',
  outcomes_saved: '培训成果已录入,将随申报一起审核。',
  outcome_removed: '已删除该条培训成果。',
  reported: '培训成果已上报并记入培训档案。',
  closed: '培训班已结班。',
};

export const LOCKED_MESSAGE: Record<string, string> = {
  pending: '培训班申报正在审核中,不能修改;如需修改请先撤回。',
  approved: '培训班申报审核通过后不可修改,只能添加报名人员和培训成果。',
  closed: '培训班已结班,不能再修改。',
};

