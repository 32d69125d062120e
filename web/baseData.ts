import type { Request, Response } from 'express';
import { z } from 'zod';
import type { FieldErrors } from './forms';
import { forbidden } from './errors';
import { wantsFragment } from './render';
import { pageOf, pagerBase } from './paging';
import { PHONE_RE } from '../domain/validation';

/**
 * What the base-data pages (courses, teachers, connections) share: the institution in
 * scope, list query parameters, and how a list answers htmx and plain requests alike.
 */

/** The signed-in user's institution; the guards already let only institution users in. */
export function institutionOf(req: Request): number {
  const id = req.user?.institutionId;
  if (!id) throw forbidden();
  return id;
}

/** A query-string value as trimmed text of bounded length ('' when absent or repeated). */
export const queryText = (v: unknown, max = 50) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** Renders the list page, or only its table when htmx asks (search, paging). */
export function renderList(req: Request, res: Response, page: string, fragment: string, locals: Record<string, unknown>) {
  res.render(wantsFragment(req) ? fragment : page, locals);
}

export function listParams<K extends string>(req: Request, path: string, keys: readonly K[]) {
  const filters = Object.fromEntries(keys.map((k) => [k, queryText(req.query[k])])) as Record<K, string>;
  return { filters, page: pageOf(req.query.page), pagerUrl: pagerBase(path, filters) };
}

/** The typed values of a form as text, to put back in the fields after an error. */
export function typedValues(body: unknown, keys: readonly string[]): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : '']));
}

/** Thrown inside a transaction to roll it back and show these messages beside the fields. */
export class FormRefused extends Error {
  constructor(public errors: FieldErrors) {
    super('form refused');
  }
}

/** An optional mobile number, checked when given. */
export const zOptionalPhone = z
  .string()
  .trim()
  .optional()
  .transform((v) => v ?? '')
  .refine((v) => v === '' || PHONE_RE.test(v), '手机号格式不正确,应为11位手机号码');

/** A positive whole number typed into a text field. */
export const zCount = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .regex(/^\d+$/, `${label}应为正整数`)
    .transform(Number)
    .refine((n) => n >= 1, `${label}应为正整数`)
    .refine((n) => n <= max, `${label}不能超过${max}`);

/** Messages shown on a list after a redirect (?done=...). */
export const DONE_MESSAGES: Record<string, string> = {
  created: '已新增。',
  saved: '已保存修改。',
  deleted: '已删除。',
  enabled: '已启用。',
  disabled: '已停用,不再出现在可选列表中。',
};
export const doneMessage = (req: Request) => DONE_MESSAGES[queryText(req.query.done)] ?? '';
