import { z } from 'zod';
import { hoursProblem, idNumberProblem, PHONE_RE } from '../../domain/validation';
import type { RawCell } from '../xlsx';

/**
 * zod schemas for one cell each, with the Chinese reason a failure file shows. A row is
 * checked cell by cell so that every problem of the row is reported, not just the first.
 */

const asText = (v: unknown): unknown => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v; // formula without value / error: refused below
};

const cellIssue = (v: unknown, label: string): string | null => {
  if (v && typeof v === 'object' && 'formulaWithoutValue' in v) return `${label}是公式且没有计算结果,请复制后“粘贴为数值”`;
  if (v && typeof v === 'object' && 'error' in v) return `${label}单元格是错误值(${(v as { error: string }).error})`;
  return null;
};

export const text = (label: string, max: number, required: boolean) =>
  z.preprocess(
    asText,
    z
      .string({ error: (iss) => cellIssue(iss.input, label) ?? `${label}格式不正确` })
      .max(max, `${label}不能超过${max}个字`)
      .refine((s) => !required || s.length > 0, `${label}为必填项`),
  );

/**
 * An ID number must arrive as text. Excel turns an 18-digit number into 15 significant
 * digits (350102199001011000, shown as 3.50102E+17): the real number is gone, so the row
 * fails with what to do instead of importing a wrong person.
 */
export const idNumber = (label = '身份证号码') =>
  z.custom<RawCell>().transform((v: RawCell, ctx) => {
    const bad = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const issue = cellIssue(v, label);
    if (issue) return bad(issue);
    const asNumber = `${label}被Excel当作数字保存,后几位已丢失(如显示为1.2E+17或末尾变成000);请把该列单元格格式设置为“文本”后重新输入完整号码`;
    if (typeof v === 'number') return bad(asNumber);
    const s = String(asText(v) ?? '').replace(/\s/g, '').toUpperCase();
    if (!s) return bad(`${label}为必填项`);
    if (/^\d+(\.\d+)?E\+?\d+$/.test(s)) return bad(asNumber);
    const p = idNumberProblem(s);
    if (p) return bad(p === '身份证号码应为18位,最后一位可以是数字或X' && label !== '身份证号码' ? `${label}应为18位` : p);
    return s;
  });

export const phone = (label = '手机号') =>
  z.preprocess(
    asText,
    z.string({ error: (iss) => cellIssue(iss.input, label) ?? `${label}格式不正确` }).superRefine((s, ctx) => {
      if (!s) ctx.addIssue({ code: 'custom', message: `${label}为必填项` });
      else if (!PHONE_RE.test(s)) ctx.addIssue({ code: 'custom', message: `${label}格式不正确,应为11位手机号码` });
    }),
  );

export const hours = (label = '学时') =>
  z.custom<RawCell>().transform((v: RawCell, ctx) => {
    const issue = cellIssue(v, label);
    const s = typeof v === 'number' ? v : typeof v === 'string' ? v.trim() : v === null ? '' : NaN;
    let message: string | null = issue;
    if (!message && s === '') message = `${label}为必填项`;
    else if (!message) message = hoursProblem(typeof s === 'number' && Number.isNaN(s) ? '' : s, label);
    if (message) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return Math.round(Number(s) * 2) / 2;
  });

/** A cell that must be one of a few words; maps them to the code's values. */
export const choice = <T extends string>(label: string, words: Record<string, T>, required = true) =>
  z.preprocess(
    asText,
    z.string({ error: (iss) => cellIssue(iss.input, label) ?? `${label}格式不正确` }).transform((s, ctx) => {
      if (!s && !required) return null;
      const hit = words[s];
      if (hit === undefined) {
        const list = Object.keys(words).map((w) => `“${w}”`).join('或');
        ctx.addIssue({ code: 'custom', message: s ? `${label}只能填写${list}` : `${label}为必填项,只能填写${list}` });
        return z.NEVER;
      }
      return hit;
    }),
  );

export const year = (label = '培训年度', now = new Date()) =>
  z.custom<RawCell>().transform((v: RawCell, ctx) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{4}$/.test(v.trim()) ? Number(v.trim()) : NaN;
    const max = now.getFullYear() + 1;
    if (!Number.isInteger(n) || n < 2000 || n > max) {
      ctx.addIssue({ code: 'custom', message: cellIssue(v, label) ?? (v === null || v === '' ? `${label}为必填项` : `${label}应为2000到${max}之间的四位年份`) });
      return z.NEVER;
    }
    return n;
  });

const objects = new WeakMap<object, z.ZodObject>();

/**
 * Checks a row with one zod object over its cells: every cell's problem is reported (each
 * cell schema gives one message), in column order.
 */
export function checkCells<S extends Record<string, z.ZodType>>(schemas: S, cells: Record<string, RawCell>) {
  let obj = objects.get(schemas);
  if (!obj) objects.set(schemas, (obj = z.object(schemas)));
  const r = obj.safeParse(cells);
  if (r.success) return { data: r.data as { [K in keyof S]?: z.output<S[K]> }, problems: [] as string[] };
  const byKey = new Map<string, string>();
  for (const issue of r.error.issues) {
    const k = String(issue.path[0] ?? '');
    if (!byKey.has(k)) byKey.set(k, issue.message);
  }
  const data: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(schemas)) {
    const m = byKey.get(key);
    if (m) problems.push(m);
    else data[key] = schemas[key].parse(cells[key] ?? null);
  }
  return { data: data as { [K in keyof S]?: z.output<S[K]> }, problems };
}
