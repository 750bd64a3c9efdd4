import { describe, expect, it } from 'vitest';
import { isInsideStandardWindow, windowClosesAt } from '../../shared/time/window';
import { isValidLocale, isValidTimeZone, zonedParts, zonedTimeToUtc, zoneOffsetMinutes } from '../../shared/time/zones';

const utc = (iso: string) => Date.parse(iso);

describe('time zones', () => {
  it('validates zones and locales', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('America/Toronto')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidLocale('fr-CA')).toBe(true);
    expect(isValidLocale('not a locale!')).toBe(false);
  });

  it('gives wall-clock parts with ISO weekdays (Monday = 0)', () => {
    // 2026-11-25 is a Wednesday; 23:30 UTC is already Thursday 00:30 in Paris (UTC+1).
    expect(zonedParts(utc('2026-11-25T23:30:00Z'), 'Europe/Paris')).toMatchObject({ year: 2026, month: 11, day: 26, hour: 0, minute: 30, weekday: 3 });
    expect(zonedParts(utc('2026-11-25T23:30:00Z'), 'America/Toronto')).toMatchObject({ day: 25, hour: 18, weekday: 2 });
  });

  it('knows the offsets on both sides of DST changes', () => {
    // Paris: CET +60, CEST +120; 2026 changes on 29 March and 25 October at 01:00 UTC.
    expect(zoneOffsetMinutes(utc('2026-03-29T00:59:59Z'), 'Europe/Paris')).toBe(60);
    expect(zoneOffsetMinutes(utc('2026-03-29T01:00:00Z'), 'Europe/Paris')).toBe(120);
    expect(zoneOffsetMinutes(utc('2026-10-25T00:59:59Z'), 'Europe/Paris')).toBe(120);
    expect(zoneOffsetMinutes(utc('2026-10-25T01:00:00Z'), 'Europe/Paris')).toBe(60);
    // Toronto: EST -300, EDT -240; 2026 changes on 8 March and 1 November at 2:00 local.
    expect(zoneOffsetMinutes(utc('2026-03-08T06:59:59Z'), 'America/Toronto')).toBe(-300);
    expect(zoneOffsetMinutes(utc('2026-03-08T07:00:00Z'), 'America/Toronto')).toBe(-240);
    expect(zoneOffsetMinutes(utc('2026-11-01T06:00:00Z'), 'America/Toronto')).toBe(-300);
  });

  it('converts local wall-clock times to UTC across DST', () => {
    expect(zonedTimeToUtc({ year: 2026, month: 7, day: 1, hour: 12 }, 'Europe/Paris')).toBe(utc('2026-07-01T10:00:00Z'));
    expect(zonedTimeToUtc({ year: 2026, month: 12, day: 1, hour: 12 }, 'Europe/Paris')).toBe(utc('2026-12-01T11:00:00Z'));
    expect(zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 12 }, 'America/Toronto')).toBe(utc('2026-03-08T16:00:00Z'));
    // 02:30 does not exist in Paris on 29 March 2026: resolved to just after the gap (03:30 CEST = 01:30 UTC).
    expect(zonedTimeToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris')).toBe(utc('2026-03-29T01:30:00Z'));
    // 02:30 happens twice on 25 October 2026: the first one (CEST, 00:30 UTC).
    expect(zonedTimeToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris')).toBe(utc('2026-10-25T00:30:00Z'));
  });

  it('a local day can last 23 or 25 hours', () => {
    const dayLength = (y: number, m: number, d: number, zone: string) =>
      (zonedTimeToUtc({ year: y, month: m, day: d + 1, hour: 0 }, zone) - zonedTimeToUtc({ year: y, month: m, day: d, hour: 0 }, zone)) / 3_600_000;
    expect(dayLength(2026, 3, 29, 'Europe/Paris')).toBe(23);
    expect(dayLength(2026, 10, 25, 'Europe/Paris')).toBe(25);
    expect(dayLength(2026, 11, 1, 'America/Toronto')).toBe(25);
    expect(dayLength(2026, 6, 15, 'America/Toronto')).toBe(24);
  });
});

describe('the 24-hour window', () => {
  const last = utc('2026-11-25T10:00:00Z');
  it('closes 24 h after the last inbound message', () => {
    expect(windowClosesAt(last)).toBe(utc('2026-11-26T10:00:00Z'));
    expect(windowClosesAt(null)).toBeNull();
  });
  it('is open strictly before it closes, never without an inbound message', () => {
    expect(isInsideStandardWindow(last, utc('2026-11-26T09:59:59.999Z'))).toBe(true);
    expect(isInsideStandardWindow(last, utc('2026-11-26T10:00:00Z'))).toBe(false);
    expect(isInsideStandardWindow(last, utc('2026-11-25T09:00:00Z'))).toBe(false);
    expect(isInsideStandardWindow(null, last)).toBe(false);
  });
});
