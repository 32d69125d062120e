import { z } from 'zod';
import { asArray } from '../forms';
import { hoursProblem, zOptionalText, zText } from '../../domain/validation';
import type { CourseInput, DeclaredField } from '../../db/courses';

/** 学时: positive, in half-hour steps (1, 1.5, 2 ...). */
const zHours = z
  .string({ error: '请填写学时' })
  .trim()
  .min(1, '请填写学时')
  .superRefine((v, ctx) => {
    const problem = hoursProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(Number);

/** 培训课程 fields (manual 3.2). Exported so the courses import checks rows by the same rules. */
export const courseSchema = z
  .object({
    name: zText('课程名称', 100),
    subjectType: z.enum(['public', 'professional'], { error: '请选择科目类型' }),
    specialty: zOptionalText('专业/类别', 100),
    hours: zHours,
    delivery: z.enum(['onsite', 'online'], { error: '请选择授课方式' }),
    teacherIds: z.preprocess(
      asArray,
      z.array(z.string().regex(/^\d{1,15}$/, '所选授课教师无效').transform(Number)).min(1, '请至少选择一位授课教师'),
    ),
    intro: zOptionalText('课程简介', 2000),
  })
  .superRefine((v, ctx) => {
    if (v.subjectType === 'professional' && !v.specialty) {
      ctx.addIssue({ code: 'custom', path: ['specialty'], message: '专业科目请填写专业/类别' });
    }
  }) satisfies z.ZodType<CourseInput, unknown>;

export const COURSE_FIELDS = ['name', 'subjectType', 'specialty', 'hours', 'delivery', 'intro'] as const;

export const SUBJECT_OPTIONS = [
  { value: 'public', label: '公需科目' },
  { value: 'professional', label: '专业科目' },
];
export const DELIVERY_OPTIONS = [
  { value: 'onsite', label: '面授' },
  { value: 'online', label: '网授' },
];

/** The names the refusal of a locked course's fields uses, as the form labels them. */
export const DECLARED_FIELD_LABELS: Record<DeclaredField, string> = {
  name: '课程名称',
  subjectType: '科目类型',
  specialty: '专业/类别',
  hours: '学时',
  delivery: '授课方式',
  teacherIds: '授课教师',
};
