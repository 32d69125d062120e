import { z } from 'zod';
import { idNumberProblem, normalizeIdNumber, zOptionalText, zText } from '../../domain/validation';
import { zOptionalPhone } from '../baseData';
import type { TeacherInput } from '../../db/teachers';

/** 师资 fields (manual 3.5). Exported so the teachers import checks rows by the same rules. */
export const teacherSchema = z.object({
  name: zText('姓名', 50),
  gender: z.enum(['male', 'female'], { error: '请选择性别' }),
  idNumber: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? normalizeIdNumber(v) : null))
    .superRefine((v, ctx) => {
      const p = v ? idNumberProblem(v) : null;
      if (p) ctx.addIssue({ code: 'custom', message: p });
    }),
  title: zOptionalText('职称', 50),
  employer: zOptionalText('工作单位', 100),
  field: zOptionalText('专业领域', 100),
  phone: zOptionalPhone,
  intro: zOptionalText('简介', 1000),
}) satisfies z.ZodType<TeacherInput, unknown>;

export const TEACHER_FIELDS = ['name', 'gender', 'idNumber', 'title', 'employer', 'field', 'phone', 'intro'] as const;

export const GENDER_OPTIONS = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
];
