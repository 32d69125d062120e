import { z } from 'zod';
import { asArray } from '../forms';
import { REGION_OPTIONS, isRegionCode } from '../../domain/regions';
import { zContactPhone, zCreditCode, zText } from '../../domain/validation';
import type { ApplicationFields, ProfileFields } from '../../db/institutions';

/** 机构类型 as the province classifies continuing-education providers. */
export const INSTITUTION_TYPES = ['普通高等学校', '职业院校', '科研院所', '党校(行政学院)', '企业', '行业协会(学会)', '社会培训机构', '其他'];
export const TYPE_OPTIONS = INSTITUTION_TYPES.map((t) => ({ value: t, label: t }));
export { REGION_OPTIONS };
export const SUBJECT_OPTIONS = [
  { value: 'public', label: '公需科目' },
  { value: 'professional', label: '专业科目' },
];

export const zEmail = z
  .string({ error: '请填写电子邮箱' })
  .trim()
  .min(1, '请填写电子邮箱')
  .max(100, '电子邮箱不能超过100个字')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, '电子邮箱格式不正确');

export const profileShape = {
  headName: zText('机构负责人', 50),
  contactName: zText('联系人', 50),
  contactPhone: zContactPhone,
  email: zEmail,
  address: zText('机构地址', 200),
};

const specialtiesOf = (raw: string) =>
  raw
    .split(/[,,、;;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export const applicationSchema = z
  .object({
    name: zText('机构名称', 100),
    creditCode: zCreditCode,
    type: z.string({ error: '请选择机构类型' }).refine((v) => INSTITUTION_TYPES.includes(v), '请选择机构类型'),
    regionCode: z.string({ error: '请选择所属地区' }).refine(isRegionCode, '请选择所属地区'),
    ...profileShape,
    subjects: z.preprocess(
      asArray,
      z.array(z.enum(['public', 'professional'], { error: '培训范围只能是公需科目或专业科目' })).min(1, '请选择培训范围'),
    ),
    specialties: z.string().trim().max(500, '专业不能超过500个字').optional().transform((v) => specialtiesOf(v ?? '')),
  })
  .refine((v) => !v.subjects.includes('professional') || v.specialties.length > 0, {
    path: ['specialties'],
    message: '培训范围含专业科目时,请填写专业',
  })
  .transform(
    (v): ApplicationFields => ({
      name: v.name,
      creditCode: v.creditCode,
      type: v.type,
      regionCode: v.regionCode,
      address: v.address,
      headName: v.headName,
      contactName: v.contactName,
      contactPhone: v.contactPhone,
      email: v.email,
      trainingScope: { subjects: [...new Set(v.subjects)], specialties: v.subjects.includes('professional') ? v.specialties : [] },
    }),
  );

export const profileSchema = z.object(profileShape) satisfies z.ZodType<ProfileFields>;

/** The typed values, as the form shows them again after an error. */
export function formValues(body: Record<string, unknown>) {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  return {
    name: s('name'),
    creditCode: s('creditCode'),
    type: s('type'),
    regionCode: s('regionCode'),
    address: s('address'),
    headName: s('headName'),
    contactName: s('contactName'),
    contactPhone: s('contactPhone'),
    email: s('email'),
    specialties: s('specialties'),
    subjects: asArray(body.subjects),
  };
}

export function valuesOf(f: ApplicationFields) {
  return {
    name: f.name,
    creditCode: f.creditCode,
    type: f.type,
    regionCode: f.regionCode,
    address: f.address,
    headName: f.headName,
    contactName: f.contactName,
    contactPhone: f.contactPhone,
    email: f.email,
    specialties: f.trainingScope.specialties.join('、'),
    subjects: f.trainingScope.subjects,
  };
}
