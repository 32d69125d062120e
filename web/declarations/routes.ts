import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { declarationRow, declarationsQuery, otherReviewItemsQuery } from '../../db/classes';
import { DECLARATION_AREA, institutionOf } from '../classes/context';
import { mountClassPages } from '../classes/routes';

const STATUSES = ['draft', 'pending', 'approved', 'rejected', 'withdrawn', 'closed'];
const ITEM_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'];

/**
 * 申报审核管理 — 我申报的 (manual 2): every declaration of the institution with where its
 * review stands; pending rows poll themselves so they move when the workflow moves.
 * The institution's other review items (its application, base, annual reviews) sit on
 * the second tab.
 */
export function registerDeclarations(r: SecureRouter, deps: AppDeps) {
  r.get('/declarations', 'declarations.view', async (req, res) => {
    const inst = institutionOf(req);
    const tab = req.query.tab === 'other' ? 'other' : 'classes';
    const status = typeof req.query.status === 'string' ? req.query.status : '';
    if (tab === 'other') {
      const f = { status: ITEM_STATUSES.includes(status) ? status : undefined };
      const page = await fetchPage(otherReviewItemsQuery(deps.db, inst, f), pageOf(req.query.page));
      const view = { tab, f, page, pager: pagerBase('/declarations', { tab, ...f }) };
      return res.render(wantsFragment(req) ? 'declarations/_other.njk' : 'declarations/list.njk', view);
    }
    const year = Number(req.query.year);
    const f = {
      status: STATUSES.includes(status) ? status : undefined,
      year: Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : undefined,
      q: typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 50) : '',
    };
    const page = await fetchPage(declarationsQuery(deps.db, inst, f), pageOf(req.query.page));
    const view = { tab, f, page, pager: pagerBase('/declarations', { ...f }), canDeclare: req.user!.permissions.has('declarations.declare') };
    res.render(wantsFragment(req) ? 'declarations/_list.njk' : 'declarations/list.njk', view);
  });

  // One row, polled by htmx while it waits for a reviewer.
  r.get('/declarations/:id/row', 'declarations.view', async (req, res) => {
    const id = Number(req.params.id);
    const row = Number.isSafeInteger(id) && id > 0 ? await declarationRow(deps.db, institutionOf(req), id) : null;
    if (!row) throw notFound();
    res.render('declarations/_row.njk', { d: row });
  });

  mountClassPages(r, deps, DECLARATION_AREA);
}
