import { z } from 'zod';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { zText } from '../../domain/validation';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { regionName } from '../../domain/regions';
import { audit } from '../../db/audit';
import { orgsQuery, regionsWithoutBureau, type OrgListItem } from '../../db/platform';

export const ORG_KIND_LABELS: Record<string, string> = { hr_bureau: '属地人社局', industry_authority: '行业主管部门' };

const orgSchema = z
  .object({
    kind: z.enum(['industry_authority', 'hr_bureau'], { error: '请选择单位类型' }),
    name: zText('单位名称', 100),
    industry: z.string().trim().max(50, '所属行业不能超过50个字').optional().default(''),
    regionCode: z.string().trim().optional().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'industry_authority' && !v.industry) ctx.addIssue({ code: 'custom', path: ['industry'], message: '请填写所属行业' });
    if (v.kind === 'hr_bureau' && !v.regionCode) ctx.addIssue({ code: 'custom', path: ['regionCode'], message: '请选择所辖地区' });
  });

const KEPT = ['kind', 'name', 'industry', 'regionCode'] as const;

export function registerOrgs(r: SecureRouter, deps: AppDeps) {
  r.get('/platform/orgs', 'platform.admin', async (req, res) => {
    const q = String(req.query.q ?? '').trim().slice(0, 50);
    const kind = String(req.query.kind ?? '');
    const page = await fetchPage<OrgListItem>(orgsQuery(deps.db, { q, kind }), pageOf(req.query.page));
    const view = {
      q,
      kind,
      ...page,
      rows: page.rows.map((o) => ({ ...o, kindLabel: ORG_KIND_LABELS[o.kind], regionLabel: o.region_code ? regionName(o.region_code) : '' })),
      base: pagerBase('/platform/orgs', { q, kind }),
      created: req.query.done === 'created',
    };
    res.render(wantsFragment(req) ? 'platform/_orgs_list.njk' : 'platform/orgs.njk', view);
  });

  const renderNew = async (res: Response, values: Record<string, string>, errors: FieldErrors, status = 200) => {
    const free = await regionsWithoutBureau(deps.db);
    res.status(status).render('platform/org_new.njk', {
      values: { kind: 'industry_authority', ...values },
      errors,
      regions: free.map((r) => ({ value: r.code, label: r.name })),
    });
  };

  r.get('/platform/orgs/new', 'platform.admin', (_req, res) => renderNew(res, {}, {}));

  r.post('/platform/orgs', 'platform.admin', async (req: Request, res) => {
    const values = Object.fromEntries(KEPT.map((k) => [k, String(req.body[k] ?? '')]));
    const form = parseForm(orgSchema, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    if (form.ok) {
      const d = form.data;
      if (await deps.db('reviewer_orgs').where({ name: d.name }).first('id')) errors.name = '该单位名称已存在';
      if (d.kind === 'hr_bureau' && !(await regionsWithoutBureau(deps.db)).some((x) => x.code === d.regionCode)) {
        errors.regionCode = '该地区已有属地人社局,请选择其他地区';
      }
    }
    if (!form.ok || Object.keys(errors).length) return renderNew(res, values, errors, 422);
    const d = form.data;
    const created = await deps.db
      .transaction(async (trx) => {
        const [row] = await trx('reviewer_orgs')
          .insert({
            name: d.name,
            kind: d.kind,
            industry: d.kind === 'industry_authority' ? d.industry : null,
            region_code: d.kind === 'hr_bureau' ? d.regionCode : null,
          })
          .returning('id');
        await audit(trx, { event: 'platform.org_create', result: 'success', userId: req.user!.id, ip: req.ip, orgId: row.id, detail: { name: d.name, kind: d.kind } });
        return true;
      })
      .catch((e) => {
        // A second admin saving the same name or region at the same moment: the unique indexes decide.
        if ((e as { code?: string }).code !== '23505') throw e;
        if (d.kind === 'hr_bureau' && /region/.test((e as { constraint?: string }).constraint ?? '')) errors.regionCode = '该地区已有属地人社局,请选择其他地区';
        else errors.name = '该单位名称已存在';
        return false;
      });
    if (!created) return renderNew(res, values, errors, 422);
    res.redirect(303, '/platform/orgs?done=created');
  });
}
