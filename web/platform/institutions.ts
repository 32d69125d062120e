import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { STATUS_LABELS, wantsFragment } from '../render';
import { regionName } from '../../domain/regions';
import { audit } from '../../db/audit';
import type { Db } from '../../db/knex';
import { institutionAdminQuery, type InstitutionAdminListItem } from '../../db/institutions';

/**
 * 机构管理: the platform admin sets the flag that makes an institution's admin complete its
 * information at the next request (manual 二, last paragraph: after the change to the
 * online-training connection, connected institutions must complete it), one institution
 * at a time or all connected ones at once.
 */
const EVENT = 'institution_completion_flag';

const DONE: Record<string, string> = {
  required: '已要求该机构完善信息,其管理员登录后须先完善机构信息。',
  already: '该机构已在待完善信息状态。',
  cancelled: '已取消对该机构完善信息的要求。',
};

const notActive = (status: string) => ({
  title: '不能要求完善信息',
  message: `只能要求已审核通过(状态正常)的机构完善信息;该机构当前状态为“${STATUS_LABELS[status] ?? status}”,未作更改。`,
});

/**
 * The institutions the bulk action is for: active, at least one enabled online platform,
 * and not flagged yet (the flagged ones need nothing). Locked when asked in a transaction,
 * so the count confirmed is the count changed.
 */
function connectedUnflagged(db: Db | Knex.Transaction, lock = false) {
  const q = db('institutions as i')
    .where({ 'i.status': 'active', 'i.needs_completion': false })
    .whereExists((w) => w.select(db.raw('1')).from('online_platforms as p').whereRaw('p.institution_id = i.id').andWhere('p.enabled', true))
    .orderBy('i.id')
    .pluck('i.id');
  return (lock ? q.forUpdate() : q) as Promise<number[]>;
}

async function connectedFlagged(db: Db): Promise<number> {
  const row = await db('institutions as i')
    .where({ 'i.status': 'active', 'i.needs_completion': true })
    .whereExists((w) => w.select(db.raw('1')).from('online_platforms as p').whereRaw('p.institution_id = i.id').andWhere('p.enabled', true))
    .count<{ n: string }>('* as n')
    .first();
  return Number(row?.n ?? 0);
}

const validId = (id: unknown) => (/^\d{1,15}$/.test(String(id)) ? Number(id) : null);

export function registerInstitutions(r: SecureRouter, deps: AppDeps) {
  r.get('/platform/institutions', 'platform.admin', async (req, res) => {
    const q = String(req.query.q ?? '').trim().slice(0, 50);
    const status = String(req.query.status ?? '');
    const completion = String(req.query.completion ?? '');
    const page = await fetchPage<InstitutionAdminListItem>(institutionAdminQuery(deps.db, { q, status, completion }), pageOf(req.query.page));
    const bulkCount = /^\d{1,9}$/.test(String(req.query.count ?? '')) ? Number(req.query.count) : null;
    const view = {
      q,
      status,
      completion,
      ...page,
      rows: page.rows.map((i) => ({ ...i, regionLabel: regionName(i.region_code) })),
      base: pagerBase('/platform/institutions', { q, status, completion }),
      done: req.query.done === 'bulk' && bulkCount !== null ? `已要求 ${bulkCount} 个机构完善信息。` : (DONE[String(req.query.done ?? '')] ?? ''),
    };
    res.render(wantsFragment(req) ? 'platform/_institutions_list.njk' : 'platform/institutions.njk', view);
  });

  r.post('/platform/institutions/:id/completion', 'platform.admin', async (req, res) => {
    const id = validId(req.params.id);
    const inst = id === null ? undefined : await deps.db('institutions').where({ id }).first('id', 'name', 'credit_code', 'status', 'needs_completion');
    if (!inst) throw notFound();
    const action = String(req.body.action ?? '');
    if (action !== 'require' && action !== 'cancel') {
      return res.status(422).render('errors/error.njk', { title: '请求有误', message: '请选择要求完善信息或取消要求。' });
    }
    const flagged = action === 'require';
    if (flagged && inst.status !== 'active') return res.status(409).render('errors/error.njk', notActive(inst.status));
    // htmx asks in hx-confirm and then sends confirm=1; without JS a page asks instead.
    if (flagged && req.body.confirm !== '1') return res.render('platform/institution_confirm.njk', { inst });
    const back = `/platform/institutions?q=${encodeURIComponent(inst.credit_code)}`;
    const changed = await deps.db.transaction(async (trx) => {
      // Status and flag are checked in the update itself: an application withdrawn or a
      // profile completed meanwhile is not overwritten.
      const q = trx('institutions').where({ id: inst.id, needs_completion: !flagged });
      if (flagged) q.andWhere({ status: 'active' });
      const rows = await q.update({ needs_completion: flagged, updated_at: deps.clock.now() }).returning('id');
      if (!rows.length) return false;
      await audit(trx, { event: EVENT, result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst.id, detail: { institutionId: inst.id, flagged } });
      return true;
    });
    if (changed) return res.redirect(303, `${back}&done=${flagged ? 'required' : 'cancelled'}`);
    const now = await deps.db('institutions').where({ id: inst.id }).first('status', 'needs_completion');
    if (flagged && now.status !== 'active') {
      return res.status(409).render('errors/error.njk', notActive(now.status));
    }
    // Already in the state asked for: nothing to change or record.
    res.redirect(303, `${back}&done=${flagged ? 'already' : 'cancelled'}`);
  });

  r.get('/platform/institutions/completion', 'platform.admin', async (_req, res) => {
    const [ids, flagged] = await Promise.all([connectedUnflagged(deps.db), connectedFlagged(deps.db)]);
    res.render('platform/institutions_bulk.njk', { count: ids.length, flagged });
  });

  r.post('/platform/institutions/completion', 'platform.admin', async (req: Request, res) => {
    const expected = /^\d{1,9}$/.test(String(req.body.count ?? '')) ? Number(req.body.count) : null;
    const result = await deps.db.transaction(async (trx) => {
      const ids = await connectedUnflagged(trx, true);
      // The confirmation named a number of institutions; if that changed meanwhile, ask again.
      if (expected === null || expected !== ids.length || ids.length === 0) return { ids, done: false };
      await trx('institutions').whereIn('id', ids).update({ needs_completion: true, updated_at: deps.clock.now() });
      await audit(trx, { event: EVENT, result: 'success', userId: req.user!.id, ip: req.ip, detail: { institutionIds: ids, flagged: true } });
      return { ids, done: true };
    });
    if (!result.done) {
      const flagged = await connectedFlagged(deps.db);
      return res.status(409).render('platform/institutions_bulk.njk', { count: result.ids.length, flagged, changed: expected !== result.ids.length });
    }
    res.redirect(303, `/platform/institutions?completion=yes&done=bulk&count=${result.ids.length}`);
  });
}
