/** Small helpers the base-data stores (courses, teachers, connections) share. */

/** An id from a URL or form, or null when it is not a positive integer. */
export function positiveId(v: unknown): number | null {
  const n = typeof v === 'number' ? v : /^\d{1,15}$/.test(String(v ?? '')) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A LIKE pattern matching the text anywhere, with LIKE's own characters taken literally. */
export const likeAny = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** PostgreSQL's unique_violation, raised when a race gets past the checks before an insert. */
export const isUniqueViolation = (e: unknown, constraint?: string) =>
  (e as { code?: string }).code === '23505' && (!constraint || (e as { constraint?: string }).constraint === constraint);
