import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage } from '../paging';
import { doneMessage, FormRefused, institutionOf, listParams, renderList, typedValues } from '../baseData';
import { isUniqueViolation } from '../../db/baseData';
import { audit } from '../../db/audit';
import {
  deletePlatform, findPlatform, insertPlatform, platformNameTaken, platformsQuery, platformUse, rotateAccessKey, setPlatformEnabled,
  updatePlatform, type OnlinePlatform,
} from '../../db/connections';
import { ENABLED_OPTIONS, PLATFORM_FIELDS, platformSchema } from './form';

const NAME_TAKEN = '本机构已有同名网授平台';
const BASE = '/connections/platforms';

/** 培训对接管理 — 网授平台: online systems whose outcomes come in by import or push. */
export function registerOnlinePlatforms(r: SecureRouter, deps: AppDeps) {
  const { db } = deps;

  async function load(req: Request): Promise<OnlinePlatform> {
    const p = await findPlatform(db, institutionOf(req), req.params.id);
    if (!p) throw notFound();
    return p;
  }

  const valuesOf = (p: OnlinePlatform) => ({
    name: p.name, url: p.url, operator: p.operator, contactName: p.contact_name, contactPhone: p.contact_phone,
  });

  function renderForm(res: Response, o: { platform?: OnlinePlatform; values: Record<string, string>; errors?: FieldErrors; status?: number }) {
    res.status(o.status ?? 200).render('connections/platform_form.njk', {
      platform: o.platform ?? null, values: o.values, errors: o.errors ?? {}, tab: 'platforms',
    });
  }

  async function save(req: Request, res: Response, platform?: OnlinePlatform) {
    const inst = institutionOf(req);
    const values = typedValues(req.body, PLATFORM_FIELDS);
    const form = parseForm(platformSchema, req.body);
    if (!form.ok) return renderForm(res, { platform, values, errors: form.errors, status: 422 });
    let id = platform?.id;
    try {
      await db.transaction(async (trx) => {
        if (await platformNameTaken(trx, inst, form.data.name, platform?.id)) throw new FormRefused({ name: NAME_TAKEN });
        if (platform) await updatePlatform(trx, inst, platform.id, form.data, deps.clock.now());
        else id = await insertPlatform(trx, inst, form.data);
      });
    } catch (e) {
      if (e instanceof FormRefused) return renderForm(res, { platform, values, errors: e.errors, status: 422 });
      if (isUniqueViolation(e)) return renderForm(res, { platform, values, errors: { name: NAME_TAKEN }, status: 422 });
      throw e;
    }
    // A new platform is of no use without its key: go straight to generating one.
    res.redirect(303, platform ? `${BASE}?done=saved` : `${BASE}/${id}/key?new=1`);
  }

  r.get(BASE, 'connections.view', async (req, res) => {
    const { filters, page, pagerUrl } = listParams(req, BASE, ['q', 'enabled'] as const);
    const result = await fetchPage<OnlinePlatform>(platformsQuery(db, institutionOf(req), filters), page);
    renderList(req, res, 'connections/platforms.njk', 'connections/_platforms.njk', {
      ...result, filters, pagerUrl, enabledOptions: ENABLED_OPTIONS, done: doneMessage(req),
      canEdit: req.user!.permissions.has('connections.edit'), tab: 'platforms',
    });
  });

  r.get(`${BASE}/new`, 'connections.edit', (req, res) => renderForm(res, { values: {} }));
  r.post(`${BASE}/new`, 'connections.edit', (req, res) => save(req, res));

  r.get(`${BASE}/:id/edit`, 'connections.edit', async (req, res) => {
    const platform = await load(req);
    renderForm(res, { platform, values: valuesOf(platform) });
  });
  r.post(`${BASE}/:id/edit`, 'connections.edit', async (req, res) => save(req, res, await load(req)));

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    r.post(`${BASE}/:id/${action}`, 'connections.edit', async (req, res) => {
      const platform = await load(req);
      await setPlatformEnabled(db, institutionOf(req), platform.id, enabled, deps.clock.now());
      res.redirect(303, `${BASE}?done=${action}d`);
    });
  }

  r.get(`${BASE}/:id/key`, 'connections.edit', async (req, res) => {
    const platform = await load(req);
    res.render('connections/platform_key.njk', { platform, created: req.query.new === '1', tab: 'platforms' });
  });

  /**
   * Answers with the new key itself rather than a redirect: the key must not travel in a
   * URL or be kept anywhere, so this response is the one place it is ever shown.
   */
  r.post(`${BASE}/:id/key`, 'connections.edit', async (req, res) => {
    const inst = institutionOf(req);
    const platform = await load(req);
    const key = await rotateAccessKey(db, inst, platform.id, deps.clock.now());
    if (!key) throw notFound();
    await audit(db, {
      event: 'platform_key_rotated', result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst,
      detail: { platformId: platform.id, replaced: !!platform.access_key_hash },
    });
    res.set('Cache-Control', 'no-store');
    res.render('connections/platform_key.njk', { platform: await findPlatform(db, inst, platform.id), key, tab: 'platforms' });
  });

  r.get(`${BASE}/:id/delete`, 'connections.edit', async (req, res) => {
    const platform = await load(req);
    res.render('connections/platform_delete.njk', { platform, use: await platformUse(db, platform.id), tab: 'platforms' });
  });

  r.post(`${BASE}/:id/delete`, 'connections.edit', async (req, res) => {
    const inst = institutionOf(req);
    const platform = await load(req);
    const use = await db.transaction(async (trx) => {
      await trx('online_platforms').where({ id: platform.id }).forUpdate().first('id');
      const u = await platformUse(trx, platform.id);
      if (!u.records && !u.imports) await deletePlatform(trx, inst, platform.id);
      return u;
    });
    if (use.records || use.imports) {
      return res.status(409).render('connections/platform_delete.njk', { platform, use, refused: true, tab: 'platforms' });
    }
    res.redirect(303, `${BASE}?done=deleted`);
  });
}
