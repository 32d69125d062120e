import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { managedClassesQuery, type ManagedFilters } from '../../db/classes';
import { CLASS_AREA, institutionOf, type ClassArea } from './context';
import { mountDeclarationForm } from './declarationForm.routes';
import { mountDetail } from './detail';
import { mountMembers } from './members';
import './reviewSubject';

/** Everything about one class, under the menu it was reached from. */
export function mountClassPages(r: SecureRouter, deps: AppDeps, area: ClassArea) {
  mountDeclarationForm(r, deps, area);
  mountDetail(r, deps, area);
  mountMembers(r, deps, area);
}

const yearOf = (v: unknown) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 2000 && n <= 2100 ? n : undefined;
};

export function managedFilters(req: Request): ManagedFilters {
  const q = req.query;
  return {
    year: yearOf(q.year),
    subject: q.subject === 'public' || q.subject === 'professional' ? q.subject : undefined,
    reported: q.reported === 'yes' || q.reported === 'no' ? q.reported : undefined,
    status: q.status === 'approved' || q.status === 'closed' ? q.status : undefined,
  };
}

/** 培训管理 — 培训班管理 (manual 3.1): the institution's approved and closed classes. */
export function registerClasses(r: SecureRouter, deps: AppDeps) {
  r.get('/classes', 'classes.view', async (req, res) => {
    const f = managedFilters(req);
    const page = await fetchPage(managedClassesQuery(deps.db, institutionOf(req), f), pageOf(req.query.page));
    const view = { f, page, pager: pagerBase('/classes', { ...f }), canDeclare: req.user!.permissions.has('classes.declare') };
    res.render(wantsFragment(req) ? 'classes/_list.njk' : 'classes/list.njk', view);
  });
  mountClassPages(r, deps, CLASS_AREA);
}
