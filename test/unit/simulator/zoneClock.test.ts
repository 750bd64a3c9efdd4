import { describe, expect, it } from 'vitest';
import { HOUR_MS, zonedParts } from '../../../shared/time/zones';
import { Rng } from '../../../electron/services/simulator/rng';
import { ZoneClock, localDayStart } from '../../../electron/services/simulator/zoneClock';

const zones = ['Europe/Paris', 'America/Toronto', 'America/St_Johns', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];

describe('ZoneClock (fast local hours for the behaviour model)', () => {
  for (const zone of zones) {
    it(`agrees with Intl on the local weekday and hour in ${zone}, across DST`, () => {
      const clock = new ZoneClock(zone);
      const rng = new Rng('clock', zone);
      const from = Date.UTC(2025, 9, 1);
      const span = 400 * 24 * HOUR_MS;
      for (let i = 0; i < 1500; i++) {
        // Random order on purpose: the clock must also move backwards.
        const t = from + Math.floor(rng.next() * span);
        clock.locate(t);
        const p = zonedParts(t, zone);
        expect(clock.cell, new Date(t).toISOString()).toBe(p.weekday * 24 + p.hour);
        // The segment ends at the next local hour change, never later.
        expect(clock.end).toBeGreaterThan(t);
        expect(clock.end - t).toBeLessThanOrEqual(HOUR_MS);
        const before = zonedParts(clock.end - 1, zone);
        const after = zonedParts(clock.end, zone);
        expect(before.weekday * 24 + before.hour).toBe(p.weekday * 24 + p.hour);
        expect(after.hour !== p.hour || after.day !== p.day || after.minute === 0).toBe(true);
      }
    });
  }

  it('knows Paris loses an hour on the last Sunday of March and gains one on the last Sunday of October', () => {
    const spring = localDayStart('2026-03-29', 0, 'Europe/Paris');
    const springNext = localDayStart('2026-03-29', 1, 'Europe/Paris');
    expect(springNext - spring).toBe(23 * HOUR_MS);
    const autumn = localDayStart('2026-10-25', 0, 'Europe/Paris');
    expect(localDayStart('2026-10-25', 1, 'Europe/Paris') - autumn).toBe(25 * HOUR_MS);

    const clock = new ZoneClock('Europe/Paris');
    // 2026-03-29 01:00Z: 02:00 CET does not exist, the clock jumps to 03:00 CEST.
    clock.locate(Date.UTC(2026, 2, 29, 0, 59));
    expect(clock.cell % 24).toBe(1);
    expect(clock.end).toBe(Date.UTC(2026, 2, 29, 1));
    clock.locate(Date.UTC(2026, 2, 29, 1));
    expect(clock.cell).toBe(6 * 24 + 3);
    // 2026-10-25: 02:00–03:00 local happens twice (CEST then CET).
    clock.locate(Date.UTC(2026, 9, 25, 0, 30));
    expect(clock.cell % 24).toBe(2);
    expect(clock.end).toBe(Date.UTC(2026, 9, 25, 1));
    clock.locate(Date.UTC(2026, 9, 25, 1, 30));
    expect(clock.cell % 24).toBe(2);
    expect(clock.nextTransition(Date.UTC(2026, 9, 20), 10 * 24 * HOUR_MS)).toBe(Date.UTC(2026, 9, 25, 1));
    expect(clock.nextTransition(Date.UTC(2026, 5, 1), 30 * 24 * HOUR_MS)).toBe(Infinity);
  });

  it('knows Toronto springs forward on the second Sunday of March and falls back on the first Sunday of November', () => {
    expect(localDayStart('2026-03-08', 1, 'America/Toronto') - localDayStart('2026-03-08', 0, 'America/Toronto')).toBe(23 * HOUR_MS);
    expect(localDayStart('2026-11-01', 1, 'America/Toronto') - localDayStart('2026-11-01', 0, 'America/Toronto')).toBe(25 * HOUR_MS);
    const clock = new ZoneClock('America/Toronto');
    expect(clock.offsetMs(Date.UTC(2026, 2, 8, 6, 59))).toBe(-5 * HOUR_MS);
    expect(clock.offsetMs(Date.UTC(2026, 2, 8, 7))).toBe(-4 * HOUR_MS);
    expect(clock.offsetMs(Date.UTC(2026, 10, 1, 5, 59))).toBe(-4 * HOUR_MS);
    expect(clock.offsetMs(Date.UTC(2026, 10, 1, 6))).toBe(-5 * HOUR_MS);
  });
});
