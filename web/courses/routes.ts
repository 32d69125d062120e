import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { asArray, parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { fetchPage } from '../paging';
import { doneMessage, FormRefused, institutionOf, listParams, renderList, typedValues } from '../baseData';
import { isUniqueViolation } from '../../db/baseData';
import { listTeachers } from '../../db/teachers';
import {
  classesUsing, courseTeacherIds, coursesQuery, declaredClassesUsing, declaredFieldChanges, deleteCourse, findCourse, insertCourse,
  nameTaken, ownTeacherIds, updateCourse, type Course,
} from '../../db/courses';
import { COURSE_FIELDS, courseSchema, DECLARED_FIELD_LABELS, DELIVERY_OPTIONS, SUBJECT_OPTIONS } from './form';

const NAME_TAKEN = '本机构已有同名课程,请换一个课程名称';

type UsingClass = { id: number; name: string; status: string };
const classList = (cs: UsingClass[]) => cs.map((c) => `「${c.name}」`).join('、');

/** 培训课程 (manual 3.2): the catalogue a class declaration chooses its courses from. */
export function registerCourses(r: SecureRouter, deps: AppDeps) {
  const { db } = deps;

  async function load(req: Request): Promise<Course> {
    const c = await findCourse(db, institutionOf(req), req.params.id);
    if (!c) throw notFound();
    return c;
  }

  async function renderForm(req: Request, res: Response, o: {
    course?: Course; values: Record<string, string>; chosen: string[]; errors?: FieldErrors; status?: number;
  }) {
    const inst = institutionOf(req);
    const [teachers, declared] = await Promise.all([
      listTeachers(db, inst),
      o.course ? declaredClassesUsing(db, inst, o.course.id) : Promise.resolve([]),
    ]);
    // A locked course shows what is stored, not what a refused post asked for, and posts
    // the stored values back so that 课程简介 alone can still be saved.
    let locked: { course: Course; teacherIds: string[]; teacherNames: string[] } | null = null;
    if (o.course && declared.length) {
      const current = (await findCourse(db, inst, o.course.id)) ?? o.course;
      const ids = await courseTeacherIds(db, current.id);
      locked = {
        course: current,
        teacherIds: ids.map(String),
        teacherNames: teachers.filter((t) => ids.includes(t.id)).map((t) => t.name),
      };
    }
    res.status(o.status ?? 200).render('courses/form.njk', {
      course: o.course ?? null,
      values: o.values,
      chosen: o.chosen,
      errors: o.errors ?? {},
      declared,
      locked,
      subjectOptions: SUBJECT_OPTIONS,
      deliveryOptions: DELIVERY_OPTIONS,
      teacherOptions: teachers.map((t) => ({
        value: String(t.id),
        label: [t.name, [t.title, t.employer].filter(Boolean).join(' · ')].filter(Boolean).join(' — '),
      })),
    });
  }

  /**
   * The course and its teachers are written together or not at all. The checks that
   * depend on other rows (name free, teachers our own, declared fields not fixed by a
   * declared class) run inside the same transaction, with the course row locked on edit
   * and compared as it is now, not as it was when the request began.
   */
  async function save(req: Request, res: Response, course?: Course) {
    const inst = institutionOf(req);
    const values = typedValues(req.body, COURSE_FIELDS);
    const chosen = asArray(req.body?.teacherIds);
    const form = parseForm(courseSchema, req.body);
    if (!form.ok) return renderForm(req, res, { course, values, chosen, errors: form.errors, status: 422 });
    const data = form.data;
    try {
      await db.transaction(async (trx) => {
        const errors: FieldErrors = {};
        const current: Course | undefined = course ? await trx('courses').where({ id: course.id }).forUpdate().first() : undefined;
        if (course && !current) throw notFound();
        if (await nameTaken(trx, inst, data.name, course?.id)) errors.name = NAME_TAKEN;
        const own = await ownTeacherIds(trx, inst, data.teacherIds);
        if (own.length !== new Set(data.teacherIds).size) errors.teacherIds = '所选授课教师不存在或已被删除,请重新选择';
        if (current) {
          const changed = declaredFieldChanges(current, await courseTeacherIds(trx, current.id), data);
          const declared = changed.length ? await declaredClassesUsing(trx, inst, current.id) : [];
          for (const f of declared.length ? changed : []) {
            errors[f] = `该课程已用于已申报的培训班${classList(declared)},不能修改${DECLARED_FIELD_LABELS[f]}`;
          }
        }
        if (Object.keys(errors).length) throw new FormRefused(errors);
        if (course) await updateCourse(trx, inst, course.id, data, deps.clock.now());
        else await insertCourse(trx, inst, data);
      });
    } catch (e) {
      if (e instanceof FormRefused) return renderForm(req, res, { course, values, chosen, errors: e.errors, status: 422 });
      if (isUniqueViolation(e)) return renderForm(req, res, { course, values, chosen, errors: { name: NAME_TAKEN }, status: 422 });
      throw e;
    }
    res.redirect(303, `/courses?done=${course ? 'saved' : 'created'}`);
  }

  r.get('/courses', 'courses.view', async (req, res) => {
    const { filters, page, pagerUrl } = listParams(req, '/courses', ['q', 'subjectType', 'delivery'] as const);
    const result = await fetchPage(coursesQuery(db, institutionOf(req), filters), page);
    renderList(req, res, 'courses/index.njk', 'courses/_list.njk', {
      ...result, filters, pagerUrl, subjectOptions: SUBJECT_OPTIONS, deliveryOptions: DELIVERY_OPTIONS, done: doneMessage(req),
      canEdit: req.user!.permissions.has('courses.edit'),
    });
  });

  r.get('/courses/new', 'courses.edit', async (req, res) => {
    await renderForm(req, res, { values: { subjectType: 'public', delivery: 'onsite' }, chosen: [] });
  });
  r.post('/courses/new', 'courses.edit', (req, res) => save(req, res));

  r.get('/courses/:id/edit', 'courses.edit', async (req, res) => {
    const course = await load(req);
    const values = {
      name: course.name, subjectType: course.subject_type, specialty: course.specialty, hours: String(course.hours),
      delivery: course.delivery, intro: course.intro,
    };
    await renderForm(req, res, { course, values, chosen: (await courseTeacherIds(db, course.id)).map(String) });
  });
  r.post('/courses/:id/edit', 'courses.edit', async (req, res) => save(req, res, await load(req)));

  r.get('/courses/:id/delete', 'courses.edit', async (req, res) => {
    const course = await load(req);
    res.render('courses/delete.njk', { course, using: await classesUsing(db, institutionOf(req), course.id) });
  });

  r.post('/courses/:id/delete', 'courses.edit', async (req, res) => {
    const inst = institutionOf(req);
    const course = await load(req);
    const using = await db.transaction(async (trx) => {
      await trx('courses').where({ id: course.id }).forUpdate().first('id');
      const u = await classesUsing(trx, inst, course.id);
      if (u.length === 0) await deleteCourse(trx, inst, course.id);
      return u;
    });
    if (using.length) return res.status(409).render('courses/delete.njk', { course, using, refused: true });
    res.redirect(303, '/courses?done=deleted');
  });
}
