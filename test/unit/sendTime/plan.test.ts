import { describe, expect, it } from 'vitest';
import { buildSendPlan, type PlanContact, type PlanOptions } from '../../../shared/sendTime/plan';
import { zonedParts, zonedTimeToUtc } from '../../../shared/time/zones';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PARIS = 'Europe/Paris';
const at = (day: string, hour: number, minute = 0) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedTimeToUtc({ year: y, month: m, day: d, hour, minute }, PARIS);
};

/** A contact whose predicted chance peaks at local hour `best`. */
function person(id: number, lastInboundAt: number | null, best: number, extra: Partial<PlanContact> = {}): PlanContact {
  return {
    contactId: id,
    psid: `psid-${id}`,
    zone: PARIS,
    lastInboundAt,
    recentSends: 0,
    reason: 'workspace',
    estimate: (cell) => {
      const r = 0.8 - 0.1 * Math.abs((cell % 24) - best);
      return { rate: r, low: r - 0.1, high: r + 0.1 };
    },
    ...extra,
  };
}

const DAY = '2026-06-10';
const base: PlanOptions = { start: at(DAY, 11), end: at(DAY, 14), horizonMinutes: 60, workspaceZone: PARIS, usualHour: 12, holdoutShare: 0 };
const openAllDay = at(DAY, 9);

describe('24-hour window', () => {
  it('a contact whose window closes at 11:30 is scheduled before it, marked as cut', () => {
    const plan = buildSendPlan([person(1, at(DAY, 11, 30) - 24 * HOUR, 13)], base);
    const s = plan.sends[0];
    expect(s).toBeDefined();
    expect(s?.sendAt).toBeLessThan(at(DAY, 11, 30));
    expect(s?.sendAt).toBeGreaterThanOrEqual(base.start);
    expect(s?.cutByWindow).toBe(true);
  });

  it('contacts with no open window are listed apart, never scheduled', () => {
    const plan = buildSendPlan([person(1, null, 12), person(2, at(DAY, 10) - 24 * HOUR, 12), person(3, openAllDay, 13)], base);
    expect(plan.sends.map((s) => s.contactId)).toEqual([3]);
    expect(plan.leftOut.map((l) => [l.contactId, l.reason])).toEqual([
      [1, 'outside_window'],
      [2, 'outside_window'],
    ]);
    expect(plan.sends[0]?.cutByWindow).toBe(false);
    expect(zonedParts(plan.sends[0]?.sendAt ?? 0, PARIS).hour).toBe(13);
  });
});

describe('constraints', () => {
  it('quiet hours are respected in local time', () => {
    const plan = buildSendPlan([person(1, openAllDay, 12)], { ...base, quietHours: { startHour: 12, endHour: 13 } });
    const hour = zonedParts(plan.sends[0]?.sendAt ?? 0, PARIS).hour;
    expect(hour).not.toBe(12);
    const allQuiet = buildSendPlan([person(1, openAllDay, 12)], { ...base, quietHours: { startHour: 22, endHour: 15 } });
    expect(allQuiet.leftOut[0]?.reason).toBe('quiet_hours');
  });

  it('the per-minute cap is never exceeded, and those it cannot fit are named', () => {
    const many = Array.from({ length: 50 }, (_, i) => person(i + 1, openAllDay, 12));
    const plan = buildSendPlan(many, { ...base, perMinuteCap: 3 });
    const perMinute = new Map<number, number>();
    for (const s of plan.sends) perMinute.set(s.sendAt, (perMinute.get(s.sendAt) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(3);
    expect(plan.sends).toHaveLength(50);
    for (const s of plan.sends) expect(zonedParts(s.sendAt, PARIS).hour).toBe(12);

    const tight = buildSendPlan(many.slice(0, 3), { ...base, end: base.start + 2 * MINUTE, perMinuteCap: 1 });
    expect(tight.sends).toHaveLength(2);
    expect(tight.leftOut.map((l) => l.reason)).toEqual(['send_cap']);
  });

  it('the frequency cap leaves out contacts already messaged enough', () => {
    const plan = buildSendPlan([person(1, openAllDay, 12, { recentSends: 2 }), person(2, openAllDay, 12)], { ...base, frequencyCapMax: 2 });
    expect(plan.sends.map((s) => s.contactId)).toEqual([2]);
    expect(plan.leftOut[0]?.reason).toBe('frequency_cap');
  });

  it('a holdout goes at the usual time, chosen by a seeded hash', () => {
    const many = Array.from({ length: 400 }, (_, i) => person(i + 1, openAllDay, 13));
    const plan = buildSendPlan(many, { ...base, holdoutShare: 0.1, holdoutSeed: 's1' });
    const held = plan.sends.filter((s) => s.holdout);
    expect(held.length).toBeGreaterThan(20);
    expect(held.length).toBeLessThan(60);
    for (const s of held) expect(s.sendAt).toBe(at(DAY, 12));
    expect(plan.predictedRate).toBeGreaterThan(plan.usualTimeRate);
    const again = buildSendPlan(many, { ...base, holdoutShare: 0.1, holdoutSeed: 's1' });
    expect(again.sends.filter((s) => s.holdout).map((s) => s.contactId)).toEqual(held.map((s) => s.contactId));
  });

  it('bad input gives clear errors', () => {
    expect(() => buildSendPlan([], base)).toThrow('The audience is empty.');
    expect(() => buildSendPlan([person(1, openAllDay, 12)], { ...base, end: base.start })).toThrow(/validity window is empty/);
  });
});

describe('DST days in Europe/Paris', () => {
  it('spring forward 2026-03-29: 01:00–04:00 local has two real hours and no 02:xx send', () => {
    const start = at('2026-03-29', 1);
    const end = at('2026-03-29', 4);
    expect(end - start).toBe(2 * HOUR);
    const plan = buildSendPlan([person(1, start - HOUR, 2), person(2, start - HOUR, 3)], { ...base, start, end });
    for (const s of plan.sends) expect(zonedParts(s.sendAt, PARIS).hour).not.toBe(2);
    const p2 = plan.sends.find((s) => s.contactId === 2);
    expect(p2?.sendAt).toBe(Date.parse('2026-03-29T01:00:00Z'));
  });

  it('fall back 2026-10-25: 01:00–04:00 local has four real hours; the 02:00 hour is used once, first', () => {
    const start = at('2026-10-25', 1);
    const end = at('2026-10-25', 4);
    expect(end - start).toBe(4 * HOUR);
    const plan = buildSendPlan([person(1, start - HOUR, 2)], { ...base, start, end });
    expect(plan.sends[0]?.sendAt).toBe(Date.parse('2026-10-25T00:00:00Z'));
  });
});

describe('minutes within an hour (the H-window slides into the next hour)', () => {
  /** Rate 0.2 in every hour but 0.8 from 20:00: a send at 19:m is judged over 19:m–20:m. */
  const evening = (id: number, lastInboundAt: number): PlanContact => ({
    contactId: id,
    psid: `psid-${id}`,
    zone: PARIS,
    lastInboundAt,
    recentSends: 0,
    reason: 'own_history',
    estimate: (cell, fraction = 0) => {
      const here = cell % 24 === 20 ? 0.8 : 0.2;
      const next = (cell + 1) % 24 === 20 ? 0.8 : 0.2;
      const r = (1 - fraction) * here + fraction * next;
      return { rate: r, low: r - 0.05, high: r + 0.05 };
    },
  });
  const opts: PlanOptions = { ...base, start: at(DAY, 18), end: at(DAY, 21), usualHour: 18 };

  it('when the window closes at 19:40, the last open minute is taken (most of the evening hour), not 19:00', () => {
    const plan = buildSendPlan([evening(1, at(DAY, 19, 40) - 24 * HOUR)], opts);
    const s = plan.sends[0];
    expect(s?.sendAt).toBe(at(DAY, 19, 39));
    expect(s?.predicted).toBeCloseTo(0.2 + 0.6 * (39 / 60), 9);
    expect(s?.cutByWindow).toBe(true);
  });

  it('under a cap of one a minute, the next contact takes the minute before', () => {
    const closes = at(DAY, 19, 40) - 24 * HOUR;
    const plan = buildSendPlan([evening(1, closes), evening(2, closes)], { ...opts, perMinuteCap: 1 });
    expect(plan.sends.map((s) => s.sendAt).sort((a, b) => a - b)).toEqual([at(DAY, 19, 38), at(DAY, 19, 39)]);
  });

  it('when the evening hour itself is open, its first minute wins', () => {
    const plan = buildSendPlan([evening(1, openAllDay)], opts);
    expect(plan.sends[0]?.sendAt).toBe(at(DAY, 20));
    expect(plan.sends[0]?.predicted).toBeCloseTo(0.8, 9);
  });
});
