import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage } from '../paging';
import { doneMessage, FormRefused, institutionOf, listParams, renderList, typedValues } from '../baseData';
import { isUniqueViolation } from '../../db/baseData';
import {
  GENDER_LABELS, deleteTeacher, findTeacher, idNumberTaken, insertTeacher, teachersQuery, teacherUse, updateTeacher, type Teacher,
} from '../../db/teachers';
import { GENDER_OPTIONS, TEACHER_FIELDS, teacherSchema } from './form';

/** 师资管理 (manual 3.5): list with search, new, edit, delete when nothing uses the teacher. */
export function registerTeachers(r: SecureRouter, deps: AppDeps) {
  const { db } = deps;

  async function load(req: Request): Promise<Teacher> {
    const t = await findTeacher(db, institutionOf(req), req.params.id);
    if (!t) throw notFound();
    return t;
  }

  const valuesOf = (t: Teacher) => ({
    name: t.name, gender: t.gender, idNumber: t.id_number ?? '', title: t.title, employer: t.employer, field: t.field, phone: t.phone, intro: t.intro,
  });

  function renderForm(res: Response, o: { teacher?: Teacher; values: Record<string, string>; errors?: FieldErrors; status?: number }) {
    res.status(o.status ?? 200).render('teachers/form.njk', {
      teacher: o.teacher ?? null, values: o.values, errors: o.errors ?? {}, genderOptions: GENDER_OPTIONS,
    });
  }

  /** Validates, then checks the ID number is free in this institution, inside the write's transaction. */
  async function save(req: Request, res: Response, teacher?: Teacher) {
    const inst = institutionOf(req);
    const values = typedValues(req.body, TEACHER_FIELDS);
    const form = parseForm(teacherSchema, req.body);
    if (!form.ok) return renderForm(res, { teacher, values, errors: form.errors, status: 422 });
    const data = form.data;
    try {
      await db.transaction(async (trx) => {
        if (data.idNumber && (await idNumberTaken(trx, inst, data.idNumber, teacher?.id))) {
          throw new FormRefused({ idNumber: '本机构已有该身份证号码的教师' });
        }
        if (teacher) await updateTeacher(trx, inst, teacher.id, data, deps.clock.now());
        else await insertTeacher(trx, inst, data);
      });
    } catch (e) {
      if (e instanceof FormRefused) return renderForm(res, { teacher, values, errors: e.errors, status: 422 });
      if (isUniqueViolation(e)) return renderForm(res, { teacher, values, errors: { idNumber: '本机构已有该身份证号码的教师' }, status: 422 });
      throw e;
    }
    res.redirect(303, `/teachers?done=${teacher ? 'saved' : 'created'}`);
  }

  r.get('/teachers', 'teachers.view', async (req, res) => {
    const { filters, page, pagerUrl } = listParams(req, '/teachers', ['q', 'gender'] as const);
    const result = await fetchPage<Teacher>(teachersQuery(db, institutionOf(req), filters), page);
    renderList(req, res, 'teachers/index.njk', 'teachers/_list.njk', {
      ...result, filters, pagerUrl, genderOptions: GENDER_OPTIONS, genderLabels: GENDER_LABELS, done: doneMessage(req),
      canEdit: req.user!.permissions.has('teachers.edit'),
    });
  });

  r.get('/teachers/new', 'teachers.edit', (req, res) => renderForm(res, { values: {} }));
  r.post('/teachers/new', 'teachers.edit', (req, res) => save(req, res));

  r.get('/teachers/:id/edit', 'teachers.edit', async (req, res) => {
    const teacher = await load(req);
    renderForm(res, { teacher, values: valuesOf(teacher) });
  });
  r.post('/teachers/:id/edit', 'teachers.edit', async (req, res) => save(req, res, await load(req)));

  r.get('/teachers/:id/delete', 'teachers.edit', async (req, res) => {
    const teacher = await load(req);
    res.render('teachers/delete.njk', { teacher, use: await teacherUse(db, institutionOf(req), teacher.id) });
  });

  r.post('/teachers/:id/delete', 'teachers.edit', async (req, res) => {
    const inst = institutionOf(req);
    const teacher = await load(req);
    // The check and the delete in one transaction with the teacher locked, so a course
    // saved meanwhile either sees the teacher gone or keeps it from going.
    const use = await db.transaction(async (trx) => {
      await trx('teachers').where({ id: teacher.id }).forUpdate().first('id');
      const u = await teacherUse(trx, inst, teacher.id);
      if (u.courses.length === 0) await deleteTeacher(trx, inst, teacher.id);
      return u;
    });
    if (use.courses.length > 0) return res.status(409).render('teachers/delete.njk', { teacher, use, refused: true });
    res.redirect(303, '/teachers?done=deleted');
  });
}
