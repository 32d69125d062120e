import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { notFound } from '../errors';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { sendFile } from '../uploads';
import { createFileStore } from '../../db/files';
import { findImportJob, importJobsQuery } from '../../db/imports';
import { canImport, IMPORT_SPECS, IMPORT_TYPES, isImportType } from '../../activities/imports';
import { jobAccess } from './access';
import { mountUpload } from './upload';

/** 导入任务查看 (manual 6.1): the six types, each job's progress and its downloads. */
export function registerImports(r: SecureRouter, deps: AppDeps) {
  const { db } = deps;
  const files = createFileStore(db);
  const inst = (req: Request) => req.user!.institutionId!;

  // Upload entries first: '/imports/new' must not be taken for a job id.
  mountUpload(r, deps, { path: '/imports/new', guard: 'jobs.import', types: [...IMPORT_TYPES] });
  mountUpload(r, deps, {
    path: '/imports/class/:classId/new',
    guard: 'classes.import',
    types: ['class_members', 'onsite_outcomes', 'declaration_outcomes'],
    classInPath: true,
  });
  mountUpload(r, deps, { path: '/imports/courses/new', guard: 'courses.import', types: ['courses'] });
  mountUpload(r, deps, { path: '/imports/teachers/new', guard: 'teachers.import', types: ['teachers'] });

  r.get('/imports', 'jobs.view', async (req, res) => {
    const type = isImportType(req.query.type) ? req.query.type : 'class_members';
    const page = await fetchPage(importJobsQuery(db, inst(req), type), pageOf(req.query.page));
    const view = {
      title: '导入任务查看',
      type,
      specs: IMPORT_TYPES.map((t) => IMPORT_SPECS[t]),
      jobs: page.rows,
      page: page.page,
      hasNext: page.hasNext,
      pager: pagerBase('/imports', { type }),
      canImport: req.user!.permissions.has('jobs.import'),
    };
    res.render(wantsFragment(req) ? 'imports/_list.njk' : 'imports/index.njk', view);
  });

  /**
   * A job is seen by 导入任务查看 (jobs.view) and by whoever may start its type: the
   * sub-admin who uploads from a class page watches the job and takes its files without
   * the task views. The routes are 'signed_in' and this decides per job (its type is only
   * known once it is read); another institution's job is not found.
   */
  const loadJob = async (req: Request) => {
    const access = jobAccess(req, (p) => p.has('jobs.view') || p.has('jobs.import') || IMPORT_TYPES.some((t) => canImport(p, t)));
    const job = await findImportJob(db, access.institutionId, req.params.id);
    if (!job) throw notFound();
    const type = job.type as keyof typeof IMPORT_SPECS;
    access.require((p) => p.has('jobs.view') || canImport(p, type));
    return { ...job, spec: IMPORT_SPECS[type] };
  };

  r.get('/imports/:id', 'signed_in', async (req, res) => {
    const job = await loadJob(req);
    res.render('imports/job.njk', { title: `${job.spec.label} · 导入任务`, job });
  });

  // The progress fragment polls itself (every 1s) until the job reaches a final state.
  r.get('/imports/:id/progress', 'signed_in', async (req, res) => {
    res.render('imports/_progress.njk', { job: await loadJob(req) });
  });

  r.get('/imports/:id/files/:kind', 'signed_in', async (req, res) => {
    const job = await loadJob(req);
    if (job.files_expired_at) {
      return res.status(410).render('errors/error.njk', { title: '文件已过期', message: '导入文件及成功数据、失败数据保存期满后已自动删除;导入的数据不受影响。' });
    }
    const id = { source: job.file_id, success: job.success_file_id, failure: job.failure_file_id }[String(req.params.kind)];
    const f = id ? await files.read(id, inst(req)) : null;
    if (!f) throw notFound();
    sendFile(res, f);
  });
}
