import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { HttpError, notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { sendFile } from '../uploads';
import { startPlatformWorkflow } from '../workflows';
import { audit } from '../../db/audit';
import { createFileStore } from '../../db/files';
import { exportJobsQuery, findExportJob } from '../../db/exports';
import { exportWorkflowId } from '../../workflows/messages/exportJob';
import { findClassTarget } from '../../activities/imports';
import type { exportJob } from '../../workflows/exportJob';
import { jobAccess } from '../imports/access';

const retentionText = (s: number) => (s % 86400 === 0 ? `${s / 86400}天` : s % 3600 === 0 ? `${s / 3600}小时` : `${s}秒`);

/** 导出任务查看 (manual 6.2) and 班级人员导出, started from a class's 报名人员. */
export function registerExports(r: SecureRouter, deps: AppDeps) {
  const { db } = deps;
  const files = createFileStore(db);
  const inst = (req: Request) => req.user!.institutionId!;

  r.post('/exports/class/:classId', 'classes.export', async (req, res) => {
    const cls = await findClassTarget(db, inst(req), req.params.classId);
    if (!cls) throw notFound();
    const jobId = randomUUID();
    await db.transaction(async (trx) => {
      await trx('export_jobs').insert({ id: jobId, institution_id: inst(req), type: 'class_members', class_id: cls.id, created_by: req.user!.id });
      await audit(trx, { event: 'export_requested', result: 'success', userId: req.user!.id, institutionId: inst(req), ip: req.ip, detail: { jobId, type: 'class_members', classId: cls.id } });
    });
    try {
      await startPlatformWorkflow<typeof exportJob>(deps, {
        type: 'export',
        workflow: 'exportJob',
        workflowId: exportWorkflowId(jobId),
        args: [{ jobId, retentionMs: deps.config.EXPORT_RETENTION_SECONDS * 1000 }],
        institutionId: inst(req),
        businessKey: jobId,
      });
    } catch (e) {
      await db('export_jobs').where({ id: jobId }).update({ status: 'failed', error: '导出任务未能启动,请稍后重试', finished_at: deps.clock.now() });
      throw e;
    }
    res.redirect(303, `/exports/${jobId}`);
  });

  r.get('/exports', 'jobs.view', async (req, res) => {
    const page = await fetchPage(exportJobsQuery(db, inst(req)), pageOf(req.query.page));
    res.render(wantsFragment(req) ? 'exports/_list.njk' : 'exports/index.njk', {
      title: '导出任务查看',
      jobs: page.rows,
      page: page.page,
      hasNext: page.hasNext,
      pager: pagerBase('/exports', {}),
      retention: retentionText(deps.config.EXPORT_RETENTION_SECONDS),
    });
  });

  /** As import jobs: 导出任务查看 (jobs.view) or the permission that starts the export (classes.export). */
  const loadJob = async (req: Request) => {
    const access = jobAccess(req, (p) => p.has('jobs.view') || p.has('classes.export'));
    const job = await findExportJob(db, access.institutionId, req.params.id);
    if (!job) throw notFound();
    return job;
  };

  r.get('/exports/:id', 'signed_in', async (req, res) => {
    res.render('exports/job.njk', { title: '班级人员导出', job: await loadJob(req) });
  });

  r.get('/exports/:id/progress', 'signed_in', async (req, res) => {
    res.render('exports/_progress.njk', { job: await loadJob(req) });
  });

  r.get('/exports/:id/file', 'signed_in', async (req, res) => {
    const job = await loadJob(req);
    if (job.status === 'expired') throw new HttpError(410);
    const f = job.file_id ? await files.read(job.file_id, inst(req)) : null;
    if (!f) throw notFound();
    sendFile(res, f);
  });
}
