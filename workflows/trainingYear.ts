/**
 * 培训年度 is a calendar year in Beijing time. A year stays open for declarations and
 * outcome reports until a configured time after it ends; the class workflow closes on
 * the same instant, so the form and the workflow share this rule. Pure, so workflow code
 * may import it.
 */
const yearEndsAt = (year: number): number => Date.UTC(year + 1, 0, 1) - 8 * 3600_000;

export const yearClosesAt = (year: number, closeAfterYearEndMs: number): number => yearEndsAt(year) + closeAfterYearEndMs;
