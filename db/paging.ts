import type { Knex } from 'knex';
import { MAX_PAGE, PAGE_SIZE } from '../domain/paging';

/**
 * One page of a query without an exact count(*): fetch one row more than shown to know
 * whether a next page exists.
 */
export async function fetchPage<T>(query: Knex.QueryBuilder, page: number, size = PAGE_SIZE): Promise<{ rows: T[]; page: number; hasNext: boolean }> {
  const rows = (await query.clone().limit(size + 1).offset((page - 1) * size)) as T[];
  return { rows: rows.slice(0, size), page, hasNext: rows.length > size && page < MAX_PAGE };
}
