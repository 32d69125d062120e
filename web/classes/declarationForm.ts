import { z } from 'zod';
import type { Knex } from 'knex';
import type { AppDeps } from '../../app/deps';
import { asArray, parseForm, type FieldErrors } from '../forms';
import { zContactPhone, zOptionalText, zText } from '../../domain/validation';
import { reviewerOptions, type TrainingClass } from '../../db/classes';
import { listCourses } from '../../db/courses';
import { listEnabledSites } from '../../db/connections';
import { yearClosesAt } from '../../workflows/messages/calendar';

/**
 * The 培训班申报 form (manual 2.1): 基本信息, 添加培训课程, and what the chosen 科目类型
 * needs. Field rules here; rules that depend on the institution's own data (its sites,
 * courses, reviewer organisations) in checkAgainstCatalogue.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const zDate = (label: string) =>
  z
    .string({ error: `请选择${label}` })
    .trim()
    .min(1, `请选择${label}`)
    .regex(DAY, `${label}格式应为 年-月-日`)
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    }, `${label}不是有效日期`);

const NOT_OUR_COURSE = '所选课程不在本机构的面授课程中';

const zId = (message: string) => z.coerce.number({ error: message }).int(message).min(1, message);

export const declarationSchema = z
  .object({
    name: zText('培训班名称', 100),
    trainingYear: z.coerce.number({ error: '请选择培训年度' }).int('请选择培训年度').min(2000, '请选择培训年度').max(2100, '请选择培训年度'),
    subjectType: z.enum(['public', 'professional'], { error: '请选择科目类型' }),
    specialty: zOptionalText('专业', 100),
    series: zOptionalText('系列', 100),
    startDate: zDate('培训开始日期'),
    endDate: zDate('培训结束日期'),
    siteId: zId('请选择面授点'),
    plannedCount: z.coerce.number({ error: '请填写计划人数' }).int('计划人数应为整数').min(1, '请填写计划人数,至少1人').max(100000, '计划人数过大'),
    contactName: zText('联系人', 50),
    contactPhone: zContactPhone,
    reviewerOrgId: zId('请选择审核单位'),
    outcomeMode: z.enum(['with_declaration', 'after_approval'], { error: '请选择培训成果上报方式' }),
    // A value that is no course id is answered like an id of no course of ours.
    courseIds: z.preprocess(
      asArray,
      z.array(z.coerce.number({ error: NOT_OUR_COURSE }).int(NOT_OUR_COURSE).positive(NOT_OUR_COURSE)).min(1, '请至少添加一门培训课程'),
    ),
    intro: zOptionalText('培训简介', 2000),
  })
  .superRefine((v, ctx) => {
    if (v.subjectType === 'professional') {
      if (!v.specialty) ctx.addIssue({ code: 'custom', path: ['specialty'], message: '专业科目请填写专业' });
      if (!v.series) ctx.addIssue({ code: 'custom', path: ['series'], message: '专业科目请填写系列' });
    }
    // These run even when a field above failed; each compares only values that passed, so a
    // missing 培训年度 is reported once, not again as "应在培训年度 0 年内".
    const day = (s: unknown) => typeof s === 'string' && DAY.test(s);
    const yearOk = Number.isInteger(v.trainingYear) && v.trainingYear >= 2000 && v.trainingYear <= 2100;
    if (day(v.startDate) && day(v.endDate) && v.endDate < v.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: '培训结束日期不能早于培训开始日期' });
    }
    // Hours count toward the year they are earned in (培训年度 is a calendar year).
    if (yearOk && day(v.startDate) && Number(v.startDate.slice(0, 4)) !== v.trainingYear) {
      ctx.addIssue({ code: 'custom', path: ['startDate'], message: `培训开始日期应在培训年度 ${v.trainingYear} 年内` });
    }
    if (yearOk && day(v.endDate) && Number(v.endDate.slice(0, 4)) !== v.trainingYear) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: `培训结束日期应在培训年度 ${v.trainingYear} 年内` });
    }
  });

export type Declaration = z.infer<typeof declarationSchema>;

/**
 * What the form offers: the institution's catalogue, sites and reviewer organisations,
 * and the training years still open (a year whose outcome period has ended would give a
 * class that closes the moment it is approved).
 */
export async function formOptions(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, institutionId: number) {
  const { db } = deps;
  const now = deps.clock.now();
  const closeAfterYearEndMs = deps.config.CLASS_CLOSE_AFTER_YEAR_SECONDS * 1000;
  const [courses, sites, orgs] = await Promise.all([
    listCourses(db, institutionId, { delivery: 'onsite' }),
    listEnabledSites(db, institutionId),
    reviewerOptions(db, institutionId),
  ]);
  const year = Number(now.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
  return {
    courses,
    sites,
    orgs,
    currentYear: year,
    yearOptions: [year - 1, year, year + 1]
      .filter((y) => yearClosesAt(y, closeAfterYearEndMs) > now.getTime())
      .map((y) => ({ value: y, label: `${y}年` })),
    siteOptions: sites.map((s: { id: number; name: string; capacity: number }) => ({ value: s.id, label: `${s.name}(可容纳${s.capacity}人)` })),
    orgOptions: orgs.map((o: { id: number; name: string; kind: string }) => ({
      value: o.id,
      label: o.kind === 'hr_bureau' ? `${o.name}(属地人社局)` : `${o.name}(行业主管部门)`,
    })),
  };
}
export type FormOptions = Awaited<ReturnType<typeof formOptions>>;

/** Checks against the institution's own data; returns the total 学时 of the chosen courses. */
export function checkAgainstCatalogue(d: Declaration, o: FormOptions, errors: FieldErrors): number {
  if (!o.yearOptions.some((y) => y.value === d.trainingYear)) {
    errors.trainingYear ??= d.trainingYear < o.currentYear
      ? `${d.trainingYear}年度的培训成果上报期限已过,不能再申报该年度的培训班`
      : '请选择可申报的培训年度';
  }
  const site = o.sites.find((s: { id: number }) => s.id === d.siteId);
  if (!site) errors.siteId ??= '请选择本机构已启用的面授点';
  else if (d.plannedCount > site.capacity) errors.plannedCount ??= `计划人数不能超过面授点可容纳人数 ${site.capacity} 人`;
  if (!o.orgs.some((g: { id: number }) => g.id === d.reviewerOrgId)) errors.reviewerOrgId ??= '请选择属地人社局或行业主管部门';
  let total = 0;
  for (const id of new Set(d.courseIds)) {
    const c = o.courses.find((x: { id: number }) => x.id === id);
    if (!c) {
      errors.courseIds ??= NOT_OUR_COURSE;
      continue;
    }
    if (c.subject_type !== d.subjectType) {
      errors.courseIds ??= `课程「${c.name}」的科目类型与培训班不一致`;
    }
    total += Number(c.hours);
  }
  return Math.round(total * 10) / 10;
}

export function parseDeclaration(body: unknown, o: FormOptions): { ok: true; data: Declaration; totalHours: number } | { ok: false; errors: FieldErrors } {
  const form = parseForm(declarationSchema, body);
  if (!form.ok) return form;
  const errors: FieldErrors = {};
  const totalHours = checkAgainstCatalogue(form.data, o, errors);
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: form.data, totalHours };
}

/** The form's values from a stored class (edit, and re-checking a draft before it is submitted). */
export function valuesOf(c: TrainingClass, courseIds: number[]): Record<string, unknown> {
  return {
    name: c.name,
    trainingYear: c.training_year,
    subjectType: c.subject_type,
    specialty: c.specialty,
    series: c.series,
    startDate: c.start_date,
    endDate: c.end_date,
    siteId: c.site_id ?? '',
    plannedCount: c.planned_count,
    contactName: c.contact_name,
    contactPhone: c.contact_phone,
    reviewerOrgId: c.reviewer_org_id ?? '',
    outcomeMode: c.outcome_mode,
    courseIds: courseIds.map(String),
    intro: c.intro,
  };
}

/**
 * 培训年度 and 成果上报方式 are fixed once a declaration has been submitted: the class's
 * workflow was started with them (its closing deadline, whether approval copies the
 * outcomes) and a resubmission cannot change what it holds.
 */
export const fixedSinceSubmitted = (c: TrainingClass) => c.status !== 'draft';

export const FIXED_MESSAGE = '已提交过的申报不能更改培训年度和成果上报方式;如需更改,请新建申报';

/**
 * The posted form with the stored 培训年度 and 成果上报方式 in place of whatever came in;
 * a value that differs from the stored one is an error (the page shows them disabled, so
 * only a crafted or stale form sends one), an absent one is not.
 */
export function keepFixedFields(c: TrainingClass, body: Record<string, unknown>): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const differs = (v: unknown, stored: unknown) => v !== undefined && String(v).trim() !== '' && String(v).trim() !== String(stored);
  if (differs(body.trainingYear, c.training_year)) errors.trainingYear = '已提交过的申报不能更改培训年度;如需更改,请新建申报';
  if (differs(body.outcomeMode, c.outcome_mode)) errors.outcomeMode = '已提交过的申报不能更改培训成果上报方式;如需更改,请新建申报';
  return { body: { ...body, trainingYear: c.training_year, outcomeMode: c.outcome_mode }, errors };
}

/** The row to store; `keepFixed` leaves out what is fixed since the first submission. */
export const rowOf = (d: Declaration, totalHours: number, keepFixed = false) => ({
  name: d.name,
  subject_type: d.subjectType,
  specialty: d.subjectType === 'professional' ? d.specialty : '',
  series: d.subjectType === 'professional' ? d.series : '',
  intro: d.intro,
  start_date: d.startDate,
  end_date: d.endDate,
  site_id: d.siteId,
  planned_count: d.plannedCount,
  contact_name: d.contactName,
  contact_phone: d.contactPhone,
  reviewer_org_id: d.reviewerOrgId,
  total_hours: totalHours,
  ...(keepFixed ? {} : { training_year: d.trainingYear, outcome_mode: d.outcomeMode }),
});

export async function replaceCourses(trx: Knex.Transaction, classId: number, courseIds: number[]) {
  await trx('class_courses').where({ class_id: classId }).delete();
  const ids = [...new Set(courseIds)];
  if (ids.length) await trx('class_courses').insert(ids.map((course_id) => ({ class_id: classId, course_id })));
}
