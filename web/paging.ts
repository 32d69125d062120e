import type { Knex } from 'knex';

export const PAGE_SIZE = 20;
/** Deep offsets are slow on big tables (DESIGN.md); lists stop at this page. */
export const MAX_PAGE = 500;

export function pageOf(q: unknown): number {
  const n = Number(q);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE) : 1;
}

/**
 * One page of a query without an exact count(*): fetch one row more than shown to know
 * whether a next page exists.
 */
export async function fetchPage<T>(query: Knex.QueryBuilder, page: number, size = PAGE_SIZE): Promise<{ rows: T[]; page: number; hasNext: boolean }> {
  const rows = (await query.clone().limit(size + 1).offset((page - 1) * size)) as T[];
  return { rows: rows.slice(0, size), page, hasNext: rows.length > size && page < MAX_PAGE };
}

/** The current query string minus `page`, ending in '&' or '?', for pager links. */
export function pagerBase(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'page' && v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return `${path}?${s}${s ? '&' : ''}`;
}
