import { z } from 'zod';
import { zText } from '../../domain/validation';
import { BASE_TYPES, type BaseApplicationRow } from '../../db/bases';

const count = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .regex(/^\d+$/, `${label}应为整数`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${label}应在${min}到${max}之间`);

/** 继续教育基地申请 (manual 4.1): the fields a bureau judges a base by. */
export const baseApplicationSchema = z
  .object({
    name: zText('基地名称', 100),
    baseType: z.enum(BASE_TYPES, { error: '请选择基地类型' }),
    field: zText('专业领域', 100),
    facilities: zText('培训场地与设施', 2000),
    fullTimeTeachers: count('专职师资数量', 0, 100000),
    partTimeTeachers: count('兼职师资数量', 0, 100000),
    annualCapacity: count('年培训能力(人次)', 1, 10000000),
    recentTraining: zText('近三年培训情况', 4000),
  })
  // Runs even when a count failed on its own: judged only on two counts that passed.
  .refine((v) => !(Number.isInteger(v.fullTimeTeachers) && Number.isInteger(v.partTimeTeachers)) || v.fullTimeTeachers + v.partTimeTeachers > 0, {
    path: ['fullTimeTeachers'],
    message: '专兼职师资数量合计至少为1人',
  });

export type BaseApplicationForm = z.infer<typeof baseApplicationSchema>;

export const BASE_TYPE_OPTIONS = BASE_TYPES.map((t) => ({ value: t, label: t }));

export const rowOf = (f: BaseApplicationForm) => ({
  name: f.name,
  base_type: f.baseType,
  field: f.field,
  facilities: f.facilities,
  full_time_teachers: f.fullTimeTeachers,
  part_time_teachers: f.partTimeTeachers,
  annual_capacity: f.annualCapacity,
  recent_training: f.recentTraining,
});

export const valuesOf = (a: BaseApplicationRow) => ({
  name: a.name,
  baseType: a.base_type,
  field: a.field,
  facilities: a.facilities,
  fullTimeTeachers: String(a.full_time_teachers),
  partTimeTeachers: String(a.part_time_teachers),
  annualCapacity: String(a.annual_capacity),
  recentTraining: a.recent_training,
});
