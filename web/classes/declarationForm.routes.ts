import type { Request, Response, RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import type { FieldErrors } from '../forms';
import { asArray } from '../forms';
import { checkKind, DOCUMENT_KINDS, fileName, uploader } from '../uploads';
import { HttpError } from '../errors';
import { isUuid, storeFiles, type CheckedFile } from '../attachments';
import { deleteRemovedFiles } from '../../db/files';
import { audit } from '../../db/audit';
import { classCourses, hasTeachers, isEditable, type TrainingClass } from '../../db/classes';
import { listCourses } from '../../db/courses';
import { fixedSinceSubmitted, FIXED_MESSAGE, formOptions, keepFixedFields, parseDeclaration, replaceCourses, rowOf, valuesOf, type FormOptions } from './declarationForm';
import { institutionOf, loadClass, LOCKED_MESSAGE, type ClassArea } from './context';
import { submitDeclaration } from './submit';

/**
 * 培训班申报: new declaration and amending a draft or a returned one. Attachments come
 * in the same multipart form; a form with errors keeps every typed value (files must be
 * chosen again, which the page says).
 */
export function mountDeclarationForm(r: SecureRouter, deps: AppDeps, area: ClassArea) {
  const upload = uploader(deps.config.UPLOAD_MAX_BYTES, 10).array('attachments', 10);
  const withUploads: RequestHandler = (req, res, next) =>
    upload(req, res, (err: unknown) => {
      const code = (err as { code?: string } | undefined)?.code;
      if (err && code !== 'LIMIT_FILE_SIZE' && code?.startsWith('LIMIT_')) return next(new HttpError(400, '附件过多'));
      next(err as Error | undefined);
    });
  const { base } = area;

  async function render(req: Request, res: Response, o: {
    status?: number;
    cls?: TrainingClass | null;
    values: Record<string, unknown>;
    errors?: FieldErrors;
    options?: FormOptions;
    attachments?: unknown[];
  }) {
    const inst = institutionOf(req);
    const options = o.options ?? (await formOptions(deps, inst));
    const teachers = await hasTeachers(deps.db, inst);
    const chosen = new Set(asArray(o.values.courseIds).map(Number));
    const total = options.courses.filter((c: { id: number }) => chosen.has(c.id)).reduce((s: number, c: { hours: number }) => s + Number(c.hours), 0);
    res.status(o.status ?? 200).render('classes/form.njk', {
      base,
      cls: o.cls ?? null,
      fixed: o.cls && fixedSinceSubmitted(o.cls) ? { message: FIXED_MESSAGE, yearLabel: `${o.cls.training_year}年` } : null,
      values: o.values,
      errors: o.errors ?? {},
      options,
      chosen: [...chosen].map(String),
      total: Math.round(total * 10) / 10,
      attachments: o.attachments ?? [],
      missing: { courses: options.courses.length === 0, teachers: !teachers, sites: options.sites.length === 0 },
      uploadLimitMb: Math.floor(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024),
    });
  }

  /** Stores the uploaded files; a file that is not a document is an error on the field. */
  function checkFiles(req: Request, errors: FieldErrors) {
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    const out: CheckedFile[] = [];
    for (const f of files) {
      if (f.size === 0) continue;
      const kind = checkKind(f.buffer, DOCUMENT_KINDS);
      const name = fileName(f.originalname);
      if (!kind) errors.attachments ??= `附件「${name}」不是PDF、Office文档或图片`;
      else out.push({ name, mime: kind.mime, data: f.buffer });
    }
    return out;
  }

  r.get(`${base}/new`, area.declare, async (req, res) => {
    await render(req, res, { values: { outcomeMode: 'after_approval', subjectType: 'public' } });
  });

  r.post(`${base}/new`, area.declare, withUploads, async (req, res) => {
    const inst = institutionOf(req);
    const options = await formOptions(deps, inst);
    const parsed = parseDeclaration(req.body, options);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    const files = checkFiles(req, errors);
    if (!parsed.ok || Object.keys(errors).length) {
      return render(req, res, { status: 422, values: req.body, errors: withFileNote(errors, files.length), options });
    }
    const id = await deps.db.transaction(async (trx) => {
      const [row] = await trx('training_classes')
        .insert({ ...rowOf(parsed.data, parsed.totalHours), institution_id: inst, status: 'draft', created_by: req.user!.id })
        .returning('id');
      await replaceCourses(trx, row.id, parsed.data.courseIds);
      await attach(trx, row.id, inst, req.user!.id, files);
      await audit(trx, { event: 'class_declaration_saved', result: 'success', userId: req.user!.id, institutionId: inst, ip: req.ip, detail: { classId: row.id } });
      return row.id as number;
    });
    if (req.body.action === 'submit') {
      const cls = (await loadClassById(id, inst))!;
      const outcome = await submitDeclaration(deps, req, cls);
      if (!outcome.ok) return res.redirect(303, `${base}/${id}?problem=${encodeURIComponent(outcome.message)}`);
      return res.redirect(303, `${base}/${id}?done=submitted`);
    }
    res.redirect(303, `${base}/${id}?done=saved`);
  });

  const loadClassById = (id: number, inst: number) => deps.db<TrainingClass>('training_classes').where({ id, institution_id: inst }).first();

  r.get(`${base}/:id/edit`, area.declare, async (req, res) => {
    const cls = await loadClass(deps, req);
    if (!isEditable(cls.status)) return lockedPage(res, cls, base);
    const courseIds = (await classCourses(deps.db, cls.id)).map((c: { id: number }) => c.id);
    await render(req, res, { cls, values: valuesOf(cls, courseIds), attachments: await attachmentsOf(cls.id) });
  });

  r.post(`${base}/:id/edit`, area.declare, withUploads, async (req, res) => {
    const cls = await loadClass(deps, req);
    if (!isEditable(cls.status)) return lockedPage(res, cls, base, 409);
    const inst = institutionOf(req);
    const options = await formOptions(deps, inst);
    const fixed = fixedSinceSubmitted(cls);
    const kept = fixed ? keepFixedFields(cls, req.body) : { body: req.body, errors: {} };
    const parsed = parseDeclaration(kept.body, options);
    const errors: FieldErrors = { ...(parsed.ok ? {} : parsed.errors), ...kept.errors };
    const files = checkFiles(req, errors);
    if (!parsed.ok || Object.keys(errors).length) {
      return render(req, res, { status: 422, cls, values: req.body, errors: withFileNote(errors, files.length), options, attachments: await attachmentsOf(cls.id) });
    }
    const removed = asArray(req.body.removeAttachments);
    const saved = await deps.db.transaction(async (trx) => {
      // Only while still in the status the form was checked for: a submit racing this save
      // wins, nothing is half-written, and a draft that was submitted meanwhile does not get
      // a new 培训年度 or 成果上报方式 behind its workflow's back.
      const n = await trx('training_classes')
        .where({ id: cls.id, institution_id: inst })
        .whereIn('status', fixed ? ['rejected', 'withdrawn'] : ['draft'])
        .update({ ...rowOf(parsed.data, parsed.totalHours, fixed), updated_at: deps.clock.now() });
      if (n === 0) return false;
      await replaceCourses(trx, cls.id, parsed.data.courseIds);
      if (removed.length) {
        const gone = await trx('class_attachments').where({ class_id: cls.id }).whereIn('file_id', removed.filter(isUuid)).delete().returning('file_id');
        await deleteRemovedFiles(trx, inst, gone.map((g: { file_id: string }) => g.file_id));
      }
      await attach(trx, cls.id, inst, req.user!.id, files);
      await audit(trx, { event: 'class_declaration_saved', result: 'success', userId: req.user!.id, institutionId: inst, ip: req.ip, detail: { classId: cls.id } });
      return true;
    });
    if (!saved) return lockedPage(res, (await loadClass(deps, req)), base, 409);
    if (req.body.action === 'submit') {
      const outcome = await submitDeclaration(deps, req, (await loadClass(deps, req)));
      if (!outcome.ok) return res.redirect(303, `${base}/${cls.id}?problem=${encodeURIComponent(outcome.message)}`);
      return res.redirect(303, `${base}/${cls.id}?done=${outcome.resubmitted ? 'resubmitted' : 'submitted'}`);
    }
    res.redirect(303, `${base}/${cls.id}?done=saved`);
  });

  // The running total of 学时 beside the course picker (htmx).
  r.post(`${base}/course-total`, area.declare, async (req, res) => {
    const chosen = new Set(asArray(req.body.courseIds).map(Number));
    const courses = await listCourses(deps.db, institutionOf(req), { delivery: 'onsite' });
    const picked = courses.filter((c: { id: number }) => chosen.has(c.id));
    const total = Math.round(picked.reduce((s: number, c: { hours: number }) => s + Number(c.hours), 0) * 10) / 10;
    res.render('classes/_course_total.njk', { total, count: picked.length });
  });

  async function attachmentsOf(classId: number) {
    return deps.db('class_attachments as a').join('files as f', 'f.id', 'a.file_id').where('a.class_id', classId).select('f.id', 'f.name', 'f.size');
  }

  function attach(trx: import('knex').Knex.Transaction, classId: number, inst: number, userId: number, files: CheckedFile[]) {
    return storeFiles(trx, inst, userId, files, (fileId) => trx('class_attachments').insert({ class_id: classId, file_id: fileId }));
  }
}

function withFileNote(errors: FieldErrors, fileCount: number): FieldErrors {
  if (fileCount > 0 && !errors.attachments) return { ...errors, attachments: '表单有误未保存,请重新选择要上传的附件' };
  return errors;
}

function lockedPage(res: Response, cls: TrainingClass, base: string, status = 409) {
  res.status(status).render('classes/locked.njk', { cls, base, message: LOCKED_MESSAGE[cls.status] ?? '当前状态不能修改' });
}
