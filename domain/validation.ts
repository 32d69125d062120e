import { z } from 'zod';

/** GB 11643-1999: 17 digits, a birth date, and a mod-11 check character (0-9 or X). */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idNumberProblem(raw: string, today: Date = new Date()): string | null {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码应为18位,最后一位可以是数字或X';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth > today) {
    return '身份证号码中的出生日期无效';
  }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if (ID_CHECK[sum % 11] !== id[17]) return '身份证号码校验位不正确';
  return null;
}

export const normalizeIdNumber = (raw: string) => raw.trim().toUpperCase();

/** GB 32100-2015: 18 characters from a 31-letter alphabet, mod-31 check character. */
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + CREDIT_ALPHABET.indexOf(ch) * CREDIT_WEIGHTS[i], 0);
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31];
}

export function creditCodeProblem(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return '统一社会信用代码应为18位';
  if (![...code].every((ch) => CREDIT_ALPHABET.includes(ch))) return '统一社会信用代码含有无效字符';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return '统一社会信用代码校验位不正确';
  return null;
}

/** More 学时 than this on one course or outcome is a typing mistake (a year's requirement is 90). */
export const MAX_HOURS = 200;

/**
 * 学时 wherever it is entered — a course, an outcome by hand, an outcome by import — by one
 * rule: positive, in half-hour steps, at most MAX_HOURS. Excel's binary fractions are allowed
 * their rounding error.
 */
export function hoursProblem(v: string | number, label = '学时'): string | null {
  const n = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n)) return `${label}应为数字`;
  if (n <= 0) return `${label}应大于0`;
  if (Math.abs(n * 2 - Math.round(n * 2)) > 1e-9) return `${label}应为0.5的整数倍(如1、1.5、2)`;
  if (n > MAX_HOURS) return `${label}不能超过${MAX_HOURS}`;
  return null;
}

export const PHONE_RE = /^1[3-9]\d{9}$/;

/** 8–20 characters with at least three of: upper case, lower case, digit, symbol. */
export function passwordProblem(pw: string): string | null {
  if (pw.length < 8 || pw.length > 20) return '密码长度应为8-20位';
  const kinds = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (kinds < 3) return '密码需至少包含大写字母、小写字母、数字、符号中的三种';
  return null;
}

// zod pieces with the Chinese messages the pages show beside each field.
export const zText = (label: string, max = 100) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过${max}个字`);

export const zOptionalText = (label: string, max = 500) =>
  z
    .string()
    .trim()
    .max(max, `${label}不能超过${max}个字`)
    .optional()
    .transform((v) => v ?? '');

export const zIdNumber = z
  .string({ error: '请填写身份证号码' })
  .trim()
  .min(1, '请填写身份证号码')
  .transform(normalizeIdNumber)
  .superRefine((v, ctx) => {
    const p = idNumberProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const zPhone = z
  .string({ error: '请填写手机号' })
  .trim()
  .min(1, '请填写手机号')
  .regex(PHONE_RE, '手机号格式不正确,应为11位手机号码');

/** A landline with its area code is as good as a mobile for a 联系电话. */
const LANDLINE_RE = /^0\d{2,3}-?\d{7,8}$/;

/** 联系电话 of an institution, a class or a training site: a mobile or a landline. */
export const zContactPhone = z
  .string({ error: '请填写联系电话' })
  .trim()
  .min(1, '请填写联系电话')
  .refine((v) => PHONE_RE.test(v) || LANDLINE_RE.test(v), '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)');

export const zCreditCode = z
  .string({ error: '请填写统一社会信用代码' })
  .trim()
  .min(1, '请填写统一社会信用代码')
  .transform((v) => v.toUpperCase())
  .superRefine((v, ctx) => {
    const p = creditCodeProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const zPassword = z
  .string({ error: '请设定密码' })
  .min(1, '请设定密码')
  .superRefine((v, ctx) => {
    const p = passwordProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

/** The 登录账号 rule of registration, shared by every form that creates an account. */
export const zLoginName = z
  .string({ error: '请填写登录账号' })
  .trim()
  .min(1, '请填写登录账号')
  .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, '登录账号应为4-32位字母、数字或下划线,以字母开头');

/** Masks for lists: 350102********1234 and 138****5678. */
export const maskIdNumber = (id: string | null | undefined) => (id ? `${id.slice(0, 6)}********${id.slice(-4)}` : '');
export const maskPhone = (p: string | null | undefined) => (p && p.length === 11 ? `${p.slice(0, 3)}****${p.slice(-4)}` : p ?? '');
