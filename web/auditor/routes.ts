import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { idsIn, lookupNames, timelineOf } from './timeline';
import { loadHistories, rawJson } from './history';
import { checkConsistency, REVIEW_TYPES } from './consistency';
import { temporalUiBase } from '../../app/config';

/**
 * The auditor's pages (read only): every workflow the platform ran, each one's history as
 * a timeline from Temporal or, once closed, from the PostgreSQL archive, the raw history
 * download, and the consistency check. Every route here is a GET.
 */
export const TYPE_LABELS: Record<string, string> = {
  institution_application: '继续教育机构申请',
  class_declaration: '培训班申报',
  base_application: '继续教育基地申请',
  annual_review: '年审报告',
  import: '导入任务',
  export: '导出任务',
};
export const RUN_STATUS_LABELS: Record<string, string> = {
  running: '运行中',
  completed: '已完成',
  failed: '失败',
  cancelled: '已取消',
  terminated: '已终止',
  timed_out: '已超时',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown) => (typeof v === 'string' && DAY.test(v) && !Number.isNaN(Date.parse(v)) ? v : '');
const beijing = (d: string) => new Date(`${d}T00:00:00+08:00`);
/** Events a few milliseconds apart need the seconds and milliseconds to read in order. */
const beijingTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);

function listFilter(q: Record<string, unknown>) {
  const status = String(q.status ?? '');
  return {
    type: typeof q.type === 'string' ? q.type.slice(0, 60) : '',
    status: status in RUN_STATUS_LABELS ? status : '',
    q: String(q.q ?? '').trim().slice(0, 100),
    from: day(q.from),
    to: day(q.to),
  };
}

export function registerAuditor(r: SecureRouter, deps: AppDeps) {
  r.get('/audit', 'audit.view', async (req, res) => {
    const f = listFilter(req.query as Record<string, unknown>);
    const q = deps.db('workflow_runs as w')
      .leftJoin('institutions as i', 'i.id', 'w.institution_id')
      .select('w.*', 'i.name as institution_name')
      .orderBy([{ column: 'w.started_at', order: 'desc' }, { column: 'w.workflow_id', order: 'desc' }]);
    if (f.type) q.where('w.type', f.type);
    if (f.status) q.where('w.status', f.status);
    if (f.from) q.where('w.started_at', '>=', beijing(f.from));
    if (f.to) q.where('w.started_at', '<', new Date(beijing(f.to).getTime() + 86_400_000));
    if (f.q) q.where((w) => w.whereILike('w.workflow_id', `%${f.q}%`).orWhere('w.business_key', f.q).orWhereILike('i.name', `%${f.q}%`));
    const result = await fetchPage<Record<string, unknown>>(q, pageOf(req.query.page));
    const types: string[] = await deps.db('workflow_runs').distinct('type').orderBy('type').pluck('type');
    res.render(wantsFragment(req) ? 'auditor/_list.njk' : 'auditor/index.njk', {
      filter: f,
      rows: result.rows,
      page: result.page,
      hasNext: result.hasNext,
      pagerBase: pagerBase('/audit', req.query as Record<string, unknown>),
      typeOptions: types.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t })),
      statusOptions: Object.entries(RUN_STATUS_LABELS).map(([value, label]) => ({ value, label })),
      TYPE_LABELS,
      RUN_STATUS_LABELS,
    });
  });

  async function runOf(req: Request) {
    const id = String(req.params.id);
    const run = await deps.db('workflow_runs as w').leftJoin('institutions as i', 'i.id', 'w.institution_id').where('w.workflow_id', id).first('w.*', 'i.name as institution_name');
    if (!run) throw notFound();
    return run;
  }

  r.get('/audit/workflows/:id', 'audit.view', async (req, res) => {
    const run = await runOf(req);
    const { runs, live } = await loadHistories(deps, run.workflow_id);
    const conv = deps.temporal!.options.loadedDataConverter.payloadConverter;
    const ids = { users: [] as number[], orgs: [] as number[] };
    for (const h of runs) {
      const x = idsIn(h.history, conv);
      ids.users.push(...x.users);
      ids.orgs.push(...x.orgs);
    }
    const names = await lookupNames(deps.db, ids);
    const ns = deps.config.TEMPORAL_NAMESPACE;
    res.render('auditor/detail.njk', {
      run,
      live,
      runs: runs.map((h) => ({
        runId: h.runId,
        source: h.source,
        keepUntil: h.keepUntil,
        timeline: timelineOf(h.history, conv, names).map((e) => ({ ...e, atText: e.at ? beijingTime(e.at) : '' })),
      })),
      typeLabel: TYPE_LABELS[run.type] ?? run.type,
      statusLabel: RUN_STATUS_LABELS[run.status] ?? run.status,
      uiUrl: `${temporalUiBase(deps.config)}/namespaces/${encodeURIComponent(ns)}/workflows/${encodeURIComponent(run.workflow_id)}`,
      encodedId: encodeURIComponent(run.workflow_id),
    });
  });

  r.get('/audit/workflows/:id/history.json', 'audit.view', async (req, res) => {
    const run = await runOf(req);
    const { runs } = await loadHistories(deps, run.workflow_id);
    const wanted = typeof req.query.run === 'string' ? runs.find((h) => h.runId === req.query.run) : runs[runs.length - 1];
    if (!wanted) throw notFound();
    const safe = run.workflow_id.replace(/[^A-Za-z0-9_-]+/g, '_');
    res.set('Content-Type', 'application/json; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${safe}_${wanted.runId}.json"`);
    res.send(rawJson(wanted.history));
  });

  r.get('/audit/consistency', 'audit.view', async (req, res) => {
    const page = pageOf(req.query.page);
    const f = listFilter(req.query as Record<string, unknown>);
    const result = await checkConsistency(deps, { page, size: 50, type: f.type, q: f.q });
    const types: string[] = (await deps.db('workflow_runs').distinct('type').orderBy('type').pluck('type')).filter((t: string) => REVIEW_TYPES.includes(t));
    res.render('auditor/consistency.njk', {
      ...result,
      page,
      filter: f,
      typeOptions: types.map((t) => ({ value: t, label: TYPE_LABELS[t] ?? t })),
      pagerBase: pagerBase('/audit/consistency', req.query as Record<string, unknown>),
      TYPE_LABELS,
    });
  });
}
