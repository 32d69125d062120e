export { PAGE_SIZE, MAX_PAGE, pageOf } from '../domain/paging';
export { fetchPage } from '../db/paging';

/** The current query string minus `page`, ending in '&' or '?', for pager links. */
export function pagerBase(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'page' && v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return `${path}?${s}${s ? '&' : ''}`;
}
