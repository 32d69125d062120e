export const PAGE_SIZE = 20;
/** Deep offsets are slow on big tables (DESIGN.md); lists stop at this page. */
export const MAX_PAGE = 500;

export function pageOf(q: unknown): number {
  const n = Number(q);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE) : 1;
}
