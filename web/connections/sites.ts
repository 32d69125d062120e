import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage } from '../paging';
import { regionName } from '../../domain/regions';
import { doneMessage, FormRefused, institutionOf, listParams, renderList, typedValues } from '../baseData';
import { isUniqueViolation } from '../../db/baseData';
import { DECLARED_STATUSES } from '../../db/courses';
import {
  classesAtSite, deleteSite, findSite, insertSite, setSiteEnabled, siteNameTaken, sitesQuery, updateSite, type TrainingSite,
} from '../../db/connections';
import { ENABLED_OPTIONS, REGION_OPTIONS, SITE_FIELDS, siteSchema } from './form';

const NAME_TAKEN = '本机构已有同名面授点';
const BASE = '/connections/sites';

/** 培训对接管理 — 面授点: where face-to-face classes are held. */
export function registerSites(r: SecureRouter, deps: AppDeps) {
  const { db } = deps;

  async function load(req: Request): Promise<TrainingSite> {
    const s = await findSite(db, institutionOf(req), req.params.id);
    if (!s) throw notFound();
    return s;
  }

  const valuesOf = (s: TrainingSite) => ({
    name: s.name, regionCode: s.region_code, address: s.address, capacity: String(s.capacity), contactName: s.contact_name,
    contactPhone: s.contact_phone,
  });

  async function renderForm(req: Request, res: Response, o: { site?: TrainingSite; values: Record<string, string>; errors?: FieldErrors; status?: number }) {
    const classes = o.site ? await classesAtSite(db, institutionOf(req), o.site.id) : [];
    res.status(o.status ?? 200).render('connections/site_form.njk', {
      site: o.site ?? null, values: o.values, errors: o.errors ?? {}, regionOptions: REGION_OPTIONS, classes, tab: 'sites',
    });
  }

  async function save(req: Request, res: Response, site?: TrainingSite) {
    const inst = institutionOf(req);
    const values = typedValues(req.body, SITE_FIELDS);
    const form = parseForm(siteSchema, req.body);
    if (!form.ok) return renderForm(req, res, { site, values, errors: form.errors, status: 422 });
    try {
      await db.transaction(async (trx) => {
        if (await siteNameTaken(trx, inst, form.data.name, site?.id)) throw new FormRefused({ name: NAME_TAKEN });
        if (site) await updateSite(trx, inst, site.id, form.data, deps.clock.now());
        else await insertSite(trx, inst, form.data);
      });
    } catch (e) {
      if (e instanceof FormRefused) return renderForm(req, res, { site, values, errors: e.errors, status: 422 });
      if (isUniqueViolation(e)) return renderForm(req, res, { site, values, errors: { name: NAME_TAKEN }, status: 422 });
      throw e;
    }
    res.redirect(303, `${BASE}?done=${site ? 'saved' : 'created'}`);
  }

  r.get('/connections', 'connections.view', (req, res) => res.redirect(303, BASE));

  r.get(BASE, 'connections.view', async (req, res) => {
    const { filters, page, pagerUrl } = listParams(req, BASE, ['q', 'regionCode', 'enabled'] as const);
    const result = await fetchPage<TrainingSite>(sitesQuery(db, institutionOf(req), filters), page);
    renderList(req, res, 'connections/sites.njk', 'connections/_sites.njk', {
      ...result, filters, pagerUrl, regionOptions: REGION_OPTIONS, enabledOptions: ENABLED_OPTIONS, regionName,
      done: doneMessage(req), canEdit: req.user!.permissions.has('connections.edit'), tab: 'sites',
    });
  });

  r.get(`${BASE}/new`, 'connections.edit', (req, res) => renderForm(req, res, { values: {} }));
  r.post(`${BASE}/new`, 'connections.edit', (req, res) => save(req, res));

  r.get(`${BASE}/:id/edit`, 'connections.edit', async (req, res) => {
    const site = await load(req);
    await renderForm(req, res, { site, values: valuesOf(site) });
  });
  r.post(`${BASE}/:id/edit`, 'connections.edit', async (req, res) => save(req, res, await load(req)));

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    r.post(`${BASE}/:id/${action}`, 'connections.edit', async (req, res) => {
      const site = await load(req);
      await setSiteEnabled(db, institutionOf(req), site.id, enabled, deps.clock.now());
      res.redirect(303, `${BASE}?done=${action}d`);
    });
  }

  r.get(`${BASE}/:id/delete`, 'connections.edit', async (req, res) => {
    const site = await load(req);
    res.render('connections/site_delete.njk', { site, classes: await classesAtSite(db, institutionOf(req), site.id), tab: 'sites', declaredStatuses: DECLARED_STATUSES });
  });

  r.post(`${BASE}/:id/delete`, 'connections.edit', async (req, res) => {
    const inst = institutionOf(req);
    const site = await load(req);
    const classes = await db.transaction(async (trx) => {
      await trx('training_sites').where({ id: site.id }).forUpdate().first('id');
      const cs = await classesAtSite(trx, inst, site.id);
      if (cs.length === 0) await deleteSite(trx, inst, site.id);
      return cs;
    });
    if (classes.length) {
      return res.status(409).render('connections/site_delete.njk', { site, classes, refused: true, tab: 'sites', declaredStatuses: DECLARED_STATUSES });
    }
    res.redirect(303, `${BASE}?done=deleted`);
  });
}
