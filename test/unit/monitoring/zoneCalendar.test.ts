import { describe, expect, it } from 'vitest';
import { dayNumberToDate, zoneCalendar } from '../../../electron/services/monitoring/zoneCalendar';
import { zonedParts } from '../../../shared/time/zones';

const H = 3_600_000;
const dateOf = (p: { year: number; month: number; day: number }) =>
  `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;

describe('zone calendar: local hour and day of UTC instants', () => {
  // The 2025 transitions: Paris 30 March / 26 October at 01:00 UTC; Toronto 9 March 07:00 UTC / 2 November 06:00 UTC.
  const cases = [
    { zone: 'Europe/Paris', around: [Date.UTC(2025, 2, 30, 1), Date.UTC(2025, 9, 26, 1)] },
    { zone: 'America/Toronto', around: [Date.UTC(2025, 2, 9, 7), Date.UTC(2025, 10, 2, 6)] },
    { zone: 'Asia/Kolkata', around: [Date.UTC(2025, 0, 1)] },
    { zone: 'America/St_Johns', around: [Date.UTC(2025, 2, 9, 5, 30)] },
    { zone: 'Australia/Lord_Howe', around: [Date.UTC(2025, 3, 5, 15)] },
    { zone: 'UTC', around: [Date.UTC(2025, 5, 1)] },
  ];
  for (const { zone, around } of cases) {
    it(`agrees with Intl minute by minute around the changes of ${zone}`, () => {
      const cal = zoneCalendar(zone, around[0]! - 2 * 86_400_000, around[around.length - 1]! + 2 * 86_400_000);
      for (const t0 of around) {
        for (let t = t0 - 36 * H; t <= t0 + 36 * H; t += 7 * 60_000 + 13_000) {
          const p = zonedParts(t, zone);
          expect(cal.hourOfDay(t), `${zone} ${new Date(t).toISOString()}`).toBe(p.hour);
          expect(dayNumberToDate(cal.dayNumber(t))).toBe(dateOf(p));
        }
      }
    });
  }

  it('has no hour 2 on the Paris spring day and two of them on the autumn day', () => {
    const cal = zoneCalendar('Europe/Paris', Date.UTC(2025, 2, 1), Date.UTC(2025, 10, 1));
    expect(cal.hourOfDay(Date.UTC(2025, 2, 30, 0, 30))).toBe(1);
    expect(cal.hourOfDay(Date.UTC(2025, 2, 30, 0, 59, 59, 999))).toBe(1);
    expect(cal.hourOfDay(Date.UTC(2025, 2, 30, 1))).toBe(3);
    expect(cal.hourOfDay(Date.UTC(2025, 9, 26, 0, 30))).toBe(2);
    expect(cal.hourOfDay(Date.UTC(2025, 9, 26, 1, 30))).toBe(2);
    expect(dayNumberToDate(cal.dayNumber(Date.UTC(2025, 9, 26, 1, 30)))).toBe('2025-10-26');
    expect(dayNumberToDate(cal.dayNumber(Date.UTC(2025, 9, 25, 22, 0)))).toBe('2025-10-26');
    expect(dayNumberToDate(cal.dayNumber(Date.UTC(2025, 9, 25, 21, 59)))).toBe('2025-10-25');
  });

  it('answers instants outside the range it was built for', () => {
    const cal = zoneCalendar('America/Toronto', Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 2));
    const t = Date.UTC(2025, 6, 4, 16);
    expect(cal.hourOfDay(t)).toBe(zonedParts(t, 'America/Toronto').hour);
    expect(cal.hourOfDay(Date.UTC(2024, 6, 4, 16))).toBe(12);
  });
});
