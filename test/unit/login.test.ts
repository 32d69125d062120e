import { unlockTime } from '../../web/auth/login';

describe('when a frozen account opens again (Beijing time)', () => {
  const at = (iso: string) => new Date(iso);
  it('gives the time alone on the same day', () => {
    expect(unlockTime(at('2026-03-10T12:30:00+08:00'), at('2026-03-10T10:30:00+08:00'))).toBe('12:30');
  });
  it('says 次日 when a late lock runs past midnight', () => {
    expect(unlockTime(at('2026-03-11T01:15:00+08:00'), at('2026-03-10T23:15:00+08:00'))).toBe('次日 01:15');
  });
  it('gives the date when it is further off', () => {
    expect(unlockTime(at('2026-03-14T09:00:00+08:00'), at('2026-03-10T09:00:00+08:00'))).toBe('3月14日 09:00');
  });
  it('counts days in Beijing, not UTC', () => {
    // 07:30 UTC on the 10th is 15:30 in Beijing, the same day as 09:00 Beijing.
    expect(unlockTime(at('2026-03-10T07:30:00Z'), at('2026-03-10T09:00:00+08:00'))).toBe('15:30');
  });
});
