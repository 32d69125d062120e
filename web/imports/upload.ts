import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { Permission } from '../../domain/permissions';
import type { SecureRouter } from '../router';
import type { FieldErrors } from '../forms';
import { HttpError } from '../errors';
import { fileName, sniff, uploader } from '../uploads';
import { startPlatformWorkflow } from '../workflows';
import { audit } from '../../db/audit';
import { createFileStore } from '../../db/files';
import { importWorkflowId } from '../../workflows/messages/importJob';
import { jobByUploadKey } from '../../db/imports';
import { IMPORT_SPECS, isImportType, type ImportType } from '../../activities/imports';
import { classProblem, findClassTarget, findPlatformTarget, platformProblem } from '../../activities/imports';
import { templateXlsx } from '../../activities/imports';
import type { importJob } from '../../workflows/importJob';

/**
 * Upload pages. Each import starts from the page it belongs to, with that area's
 * permission (a class's 报名人员, 培训课程, 师资管理), and any of them from 导入任务查看
 * with jobs.import. One handler set serves every entry.
 */
export interface UploadEntry {
  path: string;
  guard: Permission;
  types: ImportType[];
  /** The class comes from the URL (:classId) rather than from a picker. */
  classInPath?: boolean;
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const KEY_RE = /^[0-9a-f-]{36}$/;

export function mountUpload(r: SecureRouter, deps: AppDeps, entry: UploadEntry) {
  const { db } = deps;
  const upload = uploader(deps.config.UPLOAD_MAX_BYTES, 1).single('file');
  const inst = (req: Request) => req.user!.institutionId!;
  const pathFor = (req: Request) => entry.path.replace(':classId', String(req.params.classId ?? ''));

  const typeOf = (req: Request): ImportType => {
    const t = req.method === 'POST' ? req.body?.type ?? req.query.type : req.query.type;
    if (t === undefined || t === '') return entry.types[0];
    if (!isImportType(t) || !entry.types.includes(t)) throw new HttpError(404);
    return t;
  };

  /** The class of a class entry, within the institution, or 404. */
  const pathClass = async (req: Request) => {
    if (!entry.classInPath) return null;
    const c = await findClassTarget(db, inst(req), req.params.classId);
    if (!c) throw new HttpError(404);
    return c;
  };

  /** Classes and platforms the pickers of the generic page offer for this type. */
  async function choices(req: Request, type: ImportType) {
    const spec = IMPORT_SPECS[type];
    if (entry.classInPath || spec.target === 'none') return { classes: [], platforms: [] };
    if (spec.target === 'platform') {
      const platforms = await db('online_platforms').where({ institution_id: inst(req), enabled: true }).whereNotNull('access_key_hash').orderBy('name').select('id', 'name');
      return { classes: [], platforms: platforms.map((p) => ({ value: p.id, label: p.name })) };
    }
    const rows = await db('training_classes')
      .where({ institution_id: inst(req) })
      .orderBy('id', 'desc')
      .limit(500)
      .select('id', 'name', 'status', 'outcome_mode', 'training_year', 'subject_type', 'total_hours');
    const ok = rows.filter((c) => !classProblem(type, c));
    return { classes: ok.map((c) => ({ value: c.id, label: `${c.name}(${c.training_year}年)` })), platforms: [] };
  }

  async function render(req: Request, res: Response, type: ImportType, o: { status?: number; errors?: FieldErrors; values?: Record<string, string> } = {}) {
    const cls = await pathClass(req);
    const base = pathFor(req);
    res.status(o.status ?? 200).render('imports/new.njk', {
      title: IMPORT_SPECS[type].label,
      spec: IMPORT_SPECS[type],
      specs: entry.types.map((t) => IMPORT_SPECS[t]),
      type,
      base,
      cls,
      ...(await choices(req, type)),
      classProblem: cls ? classProblem(type, cls) : null,
      values: { classId: req.query.classId ?? '', platformId: req.query.platformId ?? '', ...o.values },
      errors: o.errors ?? {},
      uploadKey: randomUUID(),
      maxMb: Math.round(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024),
    });
  }

  r.get(entry.path, entry.guard, async (req, res) => {
    await render(req, res, typeOf(req));
  });

  r.get(`${entry.path}/template`, entry.guard, async (req, res) => {
    await pathClass(req);
    const spec = IMPORT_SPECS[typeOf(req)];
    const data = await templateXlsx(spec);
    res.set('Content-Type', XLSX_MIME);
    res.set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${spec.label}模板.xlsx`)}`);
    res.send(data);
  });

  r.post(entry.path, entry.guard, upload, async (req, res) => {
    const type = typeOf(req);
    const spec = IMPORT_SPECS[type];
    const institutionId = inst(req);
    const values = { classId: String(req.body.classId ?? ''), platformId: String(req.body.platformId ?? '') };
    const errors: FieldErrors = {};

    let classId: number | null = null;
    let platformId: number | null = null;
    if (spec.target === 'class') {
      const cls = entry.classInPath ? await pathClass(req) : await findClassTarget(db, institutionId, values.classId);
      const problem = cls ? classProblem(type, cls) : '请选择培训班';
      if (problem) errors[entry.classInPath ? '_form' : 'classId'] = problem;
      else classId = cls!.id;
    } else if (spec.target === 'platform') {
      const p = await findPlatformTarget(db, institutionId, values.platformId);
      const problem = p ? platformProblem(p) : '请选择网授平台';
      if (problem) errors.platformId = problem;
      else platformId = p!.id;
    }
    const file = req.file;
    if (!file || file.size === 0) errors.file = '请选择要上传的Excel文件';
    else if (sniff(file.buffer) !== 'zip') errors.file = '文件不是Excel(xlsx)格式,请下载导入模板填写后上传';
    const key = String(req.body.uploadKey ?? '');
    if (!KEY_RE.test(key)) errors._form = '页面已过期,请刷新后重新上传';
    if (Object.keys(errors).length) return render(req, res, type, { status: 422, errors, values });

    const uploadKey = `${req.user!.id}:${key}`;
    const name = fileName(file!.originalname).slice(0, 200) || '导入文件.xlsx';
    const jobId = randomUUID();
    const created = await db.transaction(async (trx) => {
      if (await jobByUploadKey(trx, institutionId, uploadKey)) return false;
      const fileId = await createFileStore(trx).put({ name, mime: XLSX_MIME, data: file!.buffer, institutionId, ownerUserId: req.user!.id });
      const rows = await trx('import_jobs')
        .insert({ id: jobId, institution_id: institutionId, type, file_id: fileId, file_name: name, class_id: classId, platform_id: platformId, upload_key: uploadKey, created_by: req.user!.id })
        .onConflict('upload_key')
        .ignore()
        .returning('id');
      // The other click won: its transaction committed first, this one leaves nothing behind.
      if (rows.length === 0) throw new DoubleClick();
      await audit(trx, {
        event: 'import_uploaded',
        result: 'success',
        userId: req.user!.id,
        institutionId,
        ip: req.ip,
        detail: { jobId, type, classId, platformId, bytes: file!.size },
      });
      return true;
    }).catch((e) => (e instanceof DoubleClick ? false : Promise.reject(e)));

    if (!created) {
      const existing = await jobByUploadKey(db, institutionId, uploadKey);
      if (!existing) throw new HttpError(409);
      return res.redirect(303, `/imports/${existing.id}`);
    }
    try {
      await startPlatformWorkflow<typeof importJob>(deps, {
        type: 'import',
        workflow: 'importJob',
        workflowId: importWorkflowId(jobId),
        args: [{ jobId, type, classId, retentionMs: deps.config.IMPORT_RETENTION_SECONDS * 1000 }],
        institutionId,
        businessKey: jobId,
      });
    } catch (e) {
      await db('import_jobs').where({ id: jobId }).update({ status: 'failed', error: '导入任务未能启动,请稍后重新上传', finished_at: deps.clock.now() });
      throw e;
    }
    res.redirect(303, `/imports/${jobId}`);
  });
}

class DoubleClick extends Error {}
