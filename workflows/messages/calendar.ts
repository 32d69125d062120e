/**
 * Calendar rules shared by workflows and pages, pure so workflow code may import them:
 * both sides must compute the same instants.
 */

const BEIJING_MS = 8 * 3600_000;

/**
 * When annual reviews open. In calendar mode year Y's report opens on `opensOn` of year
 * Y+1 (Beijing time); demos and tests compress a year to `yearMs`, the first opening
 * one such year after the approval.
 */
export interface AnnualSchedule {
  opensOn: string;
  yearMs?: number;
  windowMs: number;
  remindBeforeMs: number;
  /** A graded report waiting this long for its grade shows as overdue to the reviewer. */
  gradeOverdueAfterMs: number;
}


export const beijingYear = (epochMs: number) => new Date(epochMs + BEIJING_MS).getUTCFullYear();

export function reportOpensAt(s: AnnualSchedule, year: number, firstYear: number, approvedAt: number): number {
  if (s.yearMs) return approvedAt + (year - firstYear + 1) * s.yearMs;
  const [month, day] = s.opensOn.split('-').map(Number);
  return Date.UTC(year + 1, month - 1, day) - BEIJING_MS;
}

/**
 * 培训年度 is a calendar year in Beijing time. A year stays open for declarations and
 * outcome reports until a configured time after it ends; the class workflow closes on
 * the same instant, so the form and the workflow share this rule. Pure, so workflow code
 * may import it.
 */
const yearEndsAt = (year: number): number => Date.UTC(year + 1, 0, 1) - BEIJING_MS;

export const yearClosesAt = (year: number, closeAfterYearEndMs: number): number => yearEndsAt(year) + closeAfterYearEndMs;
