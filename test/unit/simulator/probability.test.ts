import { describe, expect, it } from 'vitest';
import { type ScenarioInput } from '../../../shared/domain/scenario';
import type { Contact } from '../../../electron/services/simulator/population';
import { Rng } from '../../../electron/services/simulator/rng';
import { createSimulation } from '../../../electron/services/simulator/simulation';

const input: ScenarioInput = {
  name: 'Oracle',
  seed: 'oracle-check',
  startDate: '2026-03-23',
  days: 14,
  page: { id: '987654321000', name: 'Oracle Page', timeZone: 'Europe/Paris', locale: 'fr-FR' },
  population: {
    size: 400,
    timeZones: [
      { zone: 'America/St_Johns', share: 0.1 },
      { zone: 'Asia/Kolkata', share: 0.1 },
    ],
    multiDevice: 0.4,
    appClosedHabit: 0.3,
    nightOffline: 0.4,
    inboundPerWeek: { mean: 2, shape: 1 },
  },
  platform: {
    peakHours: { '12': 240, '13': 120 },
    incidents: { perMonth: 0 },
    incidentList: [{ start: '2026-03-25T11:40:00+01:00', minutes: 45 }],
  },
};
const sim = createSimulation(input);
const contacts = sim.population.contacts;
const pick = (what: string, f: (c: Contact) => boolean): Contact => {
  const c = contacts.find((x) => !x.blocked && f(x));
  if (!c) throw new Error(`no contact is ${what}`);
  return c;
};

const at = (iso: string) => Date.parse(iso);
const cases: { name: string; contact: Contact; sentAt: number; horizon: number; seenMultiplier?: number }[] = [
  { name: 'office worker at noon, notifications on', contact: pick('office/notif', (c) => c.archetype === 'office_worker' && c.notifications), sentAt: at('2026-03-24T12:00:00+01:00'), horizon: 60 },
  { name: 'lunch-break checker, notifications off', contact: pick('lunch/no notif', (c) => c.archetype === 'lunch_break' && !c.notifications), sentAt: at('2026-03-24T12:10:00+01:00'), horizon: 90 },
  { name: '3 am, phone offline at night', contact: pick('night offline', (c) => c.nightOffline && c.archetype !== 'night_owl' && c.timeZone === 'Europe/Paris'), sentAt: at('2026-03-26T03:00:00+01:00'), horizon: 600 },
  { name: 'app-closed habit, evening', contact: pick('app closed', (c) => c.appClosedHabit), sentAt: at('2026-03-26T19:30:00+01:00'), horizon: 240 },
  { name: 'second device with sync lag', contact: pick('multi-device', (c) => c.multiDevice && c.notifications), sentAt: at('2026-03-27T20:00:00+01:00'), horizon: 45 },
  { name: 'sent during an outage', contact: pick('any', (c) => c.notifications), sentAt: at('2026-03-25T11:50:00+01:00'), horizon: 60 },
  { name: 'Newfoundland contact, Sunday', contact: pick('St Johns', (c) => c.timeZone === 'America/St_Johns'), sentAt: at('2026-03-29T15:00:00Z'), horizon: 1440 },
  { name: 'Kolkata contact across the Paris DST night', contact: pick('Kolkata', (c) => c.timeZone === 'Asia/Kolkata'), sentAt: at('2026-03-29T00:30:00Z'), horizon: 300 },
  { name: 'Paris contact across the DST night', contact: pick('Paris', (c) => c.timeZone === 'Europe/Paris' && c.archetype === 'night_owl'), sentAt: at('2026-03-29T00:15:00Z'), horizon: 180 },
  { name: 'phone offline at night, short horizon', contact: pick('night offline', (c) => c.nightOffline && c.archetype !== 'night_owl' && c.timeZone === 'Europe/Paris'), sentAt: at('2026-03-26T02:00:00+01:00'), horizon: 90 },
  { name: 'peak-hour congestion, minutes after sending', contact: pick('online', (c) => !c.nightOffline), sentAt: at('2026-03-24T12:30:00+01:00'), horizon: 4 },
  { name: 'right after an outage ends', contact: pick('any', (c) => c.notifications), sentAt: at('2026-03-25T11:50:00+01:00'), horizon: 35.5 },
  { name: 'a variant that lifts being seen', contact: pick('office', (c) => c.archetype === 'office_worker' && c.readPropensity < 0.7), sentAt: at('2026-03-31T18:00:00+02:00'), horizon: 120, seenMultiplier: 1.3 },
];

describe('ground-truth probability of delivered / seen within H', () => {
  it.each(cases)('agrees with Monte Carlo draws of the sampler: $name', ({ contact, sentAt, horizon, seenMultiplier }) => {
    const p = sim.oracle.probability(contact, sentAt, horizon, { seenMultiplier });
    const pi = Math.min(1, contact.readPropensity * (seenMultiplier ?? 1));
    const rng = new Rng('mc', contact.psid, sentAt);
    const n = 12_000;
    const limit = sentAt + horizon * 60_000;
    let delivered = 0;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      const f = sim.model.sampleFate(contact, sentAt, pi, rng, limit);
      if (f.deliveredAt <= limit) delivered++;
      if (f.readAt <= limit) seen++;
    }
    const tol = (q: number) => 4.5 * Math.sqrt(Math.max(q * (1 - q), 1e-4) / n) + 0.002;
    if (horizon <= 90) expect(p.delivered + p.seen).toBeGreaterThan(0.01);
    expect(Math.abs(delivered / n - p.delivered), `delivered ${delivered / n} vs ${p.delivered}`).toBeLessThan(tol(p.delivered));
    expect(Math.abs(seen / n - p.seen), `seen ${seen / n} vs ${p.seen}`).toBeLessThan(tol(p.seen));
  });

  it('is deterministic, monotone in H, and never says seen more often than delivered', () => {
    const c = cases[0]!.contact;
    const t = cases[0]!.sentAt;
    const hs = [0, 1, 5, 15, 30, 60, 120, 240, 720, 1440, 2880];
    const ps = sim.oracle.probabilities(c, t, hs);
    expect(ps).toEqual(sim.oracle.probabilities(c, t, hs));
    expect(ps[0]).toEqual({ delivered: 0, seen: 0 });
    for (let i = 1; i < ps.length; i++) {
      expect(ps[i]!.delivered).toBeGreaterThanOrEqual(ps[i - 1]!.delivered - 1e-12);
      expect(ps[i]!.seen).toBeGreaterThanOrEqual(ps[i - 1]!.seen - 1e-12);
      expect(ps[i]!.seen).toBeLessThanOrEqual(ps[i]!.delivered + 1e-12);
    }
    // One integration with several horizons equals separate ones.
    expect(sim.oracle.probability(c, t, 120).seen).toBeCloseTo(ps[6]!.seen, 12);
    expect(sim.oracle.probability(c.psid, t, 120)).toEqual(sim.oracle.probability(c, t, 120));
  });

  it('says never for a contact who blocked the Page, and nothing before an outage ends', () => {
    const blocked = contacts.find((c) => c.blocked)!;
    expect(sim.oracle.probability(blocked, at('2026-03-24T12:00:00+01:00'), 1440)).toEqual({ delivered: 0, seen: 0 });
    const during = sim.oracle.probability(cases[5]!.contact, at('2026-03-25T11:50:00+01:00'), 34);
    expect(during.delivered).toBe(0);
    expect(sim.oracle.probability(cases[5]!.contact, at('2026-03-25T11:50:00+01:00'), 40).delivered).toBeGreaterThan(0.5);
  });

  it('a seen multiplier scales the message’s own chance of being opened', () => {
    const c = cases[12]!.contact;
    const t = cases[12]!.sentAt;
    const base = sim.oracle.probability(c, t, 120);
    const lifted = sim.oracle.probability(c, t, 120, { seenMultiplier: 1.3 });
    expect(lifted.delivered).toBeCloseTo(base.delivered, 12);
    expect(lifted.seen).toBeGreaterThan(base.seen * 1.1);
    expect(lifted.seen).toBeLessThan(base.seen * 1.3 + 1e-9);
  });

  it('the oracle returns the best send time of the window', () => {
    const c = cases[1]!.contact;
    const ws = at('2026-03-24T09:00:00+01:00');
    const we = at('2026-03-24T21:00:00+01:00');
    const best = sim.oracle.optimalSendTime(c, ws, we, 60, { stepMinutes: 15 });
    expect(best.sendAt).toBeGreaterThanOrEqual(ws);
    expect(best.sendAt).toBeLessThanOrEqual(we);
    for (let t = ws; t <= we; t += 15 * 60_000) expect(sim.oracle.probability(c, t, 60).seen).toBeLessThanOrEqual(best.seen + 1e-12);
    // A lunch-break checker is best reached around lunch, not in the middle of the afternoon.
    expect(best.seen).toBeGreaterThan(sim.oracle.probability(c, at('2026-03-24T15:30:00+01:00'), 60).seen);
  });

  it('answers by the contact’s local hour: the same local time a week apart across DST gives the same delivery odds', () => {
    // Same Paris wall-clock time (Tuesday 12:00) before and after the March change, no outage either day.
    const c = pick('Paris office', (x) => x.timeZone === 'Europe/Paris' && x.archetype === 'office_worker');
    const before = sim.oracle.probability(c, at('2026-03-24T12:00:00+01:00'), 60);
    const after = sim.oracle.probability(c, at('2026-03-31T12:00:00+02:00'), 60);
    expect(after.seen).toBeCloseTo(before.seen, 9);
    expect(after.delivered).toBeCloseTo(before.delivered, 9);
    // Same UTC instant instead lands an hour later locally after the change: different odds.
    const sameUtc = sim.oracle.probability(c, at('2026-03-31T12:00:00+01:00'), 60);
    expect(Math.abs(sameUtc.seen - before.seen)).toBeGreaterThan(1e-4);
  });
});
