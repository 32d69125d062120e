import { beijingYear, reportOpensAt, yearClosesAt, type AnnualSchedule } from '../../workflows/messages/calendar';

const schedule: AnnualSchedule = { opensOn: '01-15', windowMs: 75 * 86_400_000, remindBeforeMs: 7 * 86_400_000, gradeOverdueAfterMs: 15 * 86_400_000 };

describe('annual-review calendar (Beijing time)', () => {
  it("opens year Y's report on opensOn of Y+1 at midnight in Beijing", () => {
    expect(new Date(reportOpensAt(schedule, 2026, 2026, Date.UTC(2026, 5, 1))).toISOString()).toBe('2027-01-14T16:00:00.000Z');
    expect(new Date(reportOpensAt({ ...schedule, opensOn: '03-01' }, 2027, 2026, 0)).toISOString()).toBe('2028-02-29T16:00:00.000Z');
  });

  it('in compressed years (demos, tests) opens one year-length after approval per year', () => {
    const approvedAt = 1_000_000;
    const s = { ...schedule, yearMs: 60_000 };
    expect(reportOpensAt(s, 2026, 2026, approvedAt)).toBe(approvedAt + 60_000);
    expect(reportOpensAt(s, 2028, 2026, approvedAt)).toBe(approvedAt + 3 * 60_000);
  });

  it('counts the year in Beijing: 16:00 UTC on 31 December is already the next year', () => {
    expect(beijingYear(Date.UTC(2026, 11, 31, 15, 59))).toBe(2026);
    expect(beijingYear(Date.UTC(2026, 11, 31, 16, 0))).toBe(2027);
  });

  it('closes a training year a set time after it ends in Beijing', () => {
    expect(new Date(yearClosesAt(2026, 0)).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(yearClosesAt(2026, 180 * 86_400_000) - yearClosesAt(2026, 0)).toBe(180 * 86_400_000);
  });
});
