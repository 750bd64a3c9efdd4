import { beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/time/zones';
import { createSimulation } from '../../../electron/services/simulator/simulation';
import { deriveFromEvents, flatten, isEcho, isInbound, loadScenario, runInMemory, type InMemoryRun } from './support';

// One busy run shared by the invariant checks: shuffling, duplicates, late echoes,
// watermark-only deliveries and an outage are all switched on in small-test.json.
let run: InMemoryRun;
beforeAll(() => {
  run = runInMemory(loadScenario('small-test'));
});

describe('simulated world: receipts and ground truth', () => {
  it('produces a busy, messy stream (so the invariants below are not vacuous)', () => {
    const c = run.sim.counters;
    expect(c).not.toBeNull();
    const w = c!.world;
    const t = c!.transport;
    expect(w.outbound).toBeGreaterThan(2000);
    expect(w.campaignMessages).toBeGreaterThan(500);
    expect(t.shuffledBodies).toBeGreaterThan(100);
    expect(t.duplicateBodies).toBeGreaterThan(50);
    expect(t.eventRepeats).toBeGreaterThan(50);
    // Bodies are not in send order.
    let inversions = 0;
    for (let i = 1; i < run.deliveries.length; i++) {
      const a = Math.max(...run.deliveries[i - 1]!.body.entry.map((e) => e.time));
      const b = Math.max(...run.deliveries[i]!.body.entry.map((e) => e.time));
      if (b < a) inversions++;
    }
    expect(inversions).toBeGreaterThan(100);
    // Arrival order is what the iterator promises.
    for (let i = 1; i < run.deliveries.length; i++) expect(run.deliveries[i]!.receivedAt).toBeGreaterThanOrEqual(run.deliveries[i - 1]!.receivedAt);
  });

  it('the watermark rule applied to the emitted events gives every message its true times, to the ms', () => {
    const derived = deriveFromEvents(run.deliveries);
    const outbound = run.truth.filter((m) => m.direction === 'out');
    expect(outbound.length).toBeGreaterThan(2000);
    expect(derived.size).toBe(outbound.length);
    let delivered = 0;
    let read = 0;
    for (const m of outbound) {
      const d = derived.get(m.mid);
      expect(d, m.mid).toBeDefined();
      expect(d!.sentAt).toBe(m.sentAt);
      expect(d!.psid).toBe(m.psid);
      expect(d!.deliveredAt, `delivered ${m.mid}`).toBe(m.deliveredAt);
      expect(d!.readAt, `read ${m.mid}`).toBe(m.readAt);
      if (m.deliveredAt !== null) delivered++;
      if (m.readAt !== null) read++;
    }
    expect(delivered).toBeGreaterThan(outbound.length * 0.8);
    expect(read).toBeGreaterThan(outbound.length * 0.5);
  });

  it('reads come at or after deliveries, deliveries after sending', () => {
    for (const m of run.truth) {
      if (m.direction === 'in') {
        expect(m.deliveredAt).toBeNull();
        expect(m.readAt).toBeNull();
        continue;
      }
      if (m.deliveredAt !== null) expect(m.deliveredAt).toBeGreaterThan(m.sentAt);
      if (m.readAt !== null) {
        expect(m.deliveredAt).not.toBeNull();
        expect(m.readAt).toBeGreaterThanOrEqual(m.deliveredAt!);
      }
    }
  });

  it('every message appears exactly once in the ground truth, with unique well-formed mids and numeric ids', () => {
    const mids = new Set<string>();
    for (const m of run.truth) {
      expect(mids.has(m.mid)).toBe(false);
      mids.add(m.mid);
      expect(m.mid).toMatch(/^m_[A-Za-z0-9_-]{20,}$/);
      expect(m.psid).toMatch(/^[1-9]\d{9,19}$/);
      expect(m.pageId).toBe('104857600012345');
    }
    const events = flatten(run.deliveries).map((f) => f.event);
    const echoed = new Set(events.filter(isEcho).map((e) => e.message.mid));
    const inbound = new Set(events.filter(isInbound).map((e) => e.message.mid));
    expect(echoed.size + inbound.size).toBe(run.truth.length);
    for (const m of run.truth) expect(m.direction === 'out' ? echoed.has(m.mid) : inbound.has(m.mid)).toBe(true);
  });

  it('blocked contacts are never delivered (nor read)', () => {
    const blocked = new Set(run.sim.population.contacts.filter((c) => c.blocked).map((c) => c.psid));
    expect(blocked.size).toBeGreaterThan(5);
    const toBlocked = run.truth.filter((m) => m.direction === 'out' && blocked.has(m.psid));
    expect(toBlocked.length).toBeGreaterThan(10);
    for (const m of toBlocked) {
      expect(m.deliveredAt).toBeNull();
      expect(m.readAt).toBeNull();
    }
    for (const { event } of flatten(run.deliveries)) {
      if ('delivery' in event || 'read' in event) expect(blocked.has(event.sender.id)).toBe(false);
    }
  });

  it('campaign messages only go to contacts inside their 24-hour window, with the attribution metadata', () => {
    const events = flatten(run.deliveries).map((f) => f.event);
    const inboundTimes = new Map<string, number[]>();
    for (const e of events) if (isInbound(e)) inboundTimes.set(e.sender.id, [...(inboundTimes.get(e.sender.id) ?? []), e.timestamp]);
    let campaignEchoes = 0;
    const seen = new Set<string>();
    for (const e of events) {
      if (!isEcho(e) || seen.has(e.message.mid)) continue;
      seen.add(e.message.mid);
      const lastInbound = Math.max(-Infinity, ...(inboundTimes.get(e.recipient.id) ?? []).filter((t) => t <= e.timestamp));
      // Page replies and campaigns alike: never outside the standard window.
      expect(e.timestamp, e.message.mid).toBeLessThan(lastInbound + DAY_MS);
      if (e.message.metadata === undefined) continue;
      campaignEchoes++;
      const meta = JSON.parse(e.message.metadata) as { relais: Record<string, string> };
      expect(Object.keys(meta)).toEqual(['relais']);
      expect(Object.keys(meta.relais)).toEqual(['campaign', 'campaignName', 'kind', 'variant']);
      expect(meta.relais.campaign).toMatch(/^(lunch|news)-\d{4}-\d{2}-\d{2}$/);
      expect(['flash_promo', 'newsletter']).toContain(meta.relais.kind);
      const truth = run.truth.find((m) => m.mid === e.message.mid);
      expect(truth?.campaignRef).toBe(meta.relais.campaign);
      expect(truth?.variantRef).toBe(meta.relais.variant);
    }
    expect(campaignEchoes).toBe(run.sim.counters!.world.campaignMessages);
  });

  it('emits the Messenger webhook shapes exactly', () => {
    for (const d of run.deliveries.slice(0, 400)) {
      expect(JSON.parse(d.raw)).toEqual(d.body);
      expect(JSON.stringify(d.body)).toBe(d.raw);
      expect(d.body.object).toBe('page');
      for (const entry of d.body.entry) {
        expect(Object.keys(entry)).toEqual(['id', 'time', 'messaging']);
        expect(entry.id).toBe('104857600012345');
        for (const e of entry.messaging) {
          expect(e.timestamp).toBeLessThanOrEqual(entry.time);
          if (isEcho(e)) {
            expect(e.sender.id).toBe(entry.id);
            expect(e.message.app_id).toBe(1517776481860111);
          } else expect(e.recipient.id).toBe(entry.id);
          if ('delivery' in e) expect(String(e.delivery.watermark)).toMatch(/^\d{13}$/);
        }
      }
    }
    const deliveries = flatten(run.deliveries).flatMap((f) => ('delivery' in f.event ? [f.event] : []));
    const withoutMids = deliveries.filter((d) => d.delivery.mids === undefined).length;
    expect(withoutMids / deliveries.length).toBeGreaterThan(0.3);
    expect(withoutMids / deliveries.length).toBeLessThan(0.5);
  });

  it('some receipts reach the receiver before the echo of the message they acknowledge', () => {
    const echoArrival = new Map<string, number>();
    const flat = flatten(run.deliveries);
    for (const f of flat) if (isEcho(f.event) && !echoArrival.has(f.event.message.mid)) echoArrival.set(f.event.message.mid, f.receivedAt);
    let early = 0;
    const seenMids = new Set<string>();
    for (const f of flat) {
      if (!('delivery' in f.event)) continue;
      for (const mid of f.event.delivery.mids ?? []) {
        if (!seenMids.has(mid) && f.receivedAt < (echoArrival.get(mid) ?? Infinity)) early++;
        seenMids.add(mid);
      }
    }
    expect(early).toBeGreaterThan(10);
  });
});

describe('platform incidents and congestion', () => {
  it('no device receives anything during an outage; messages sent then are delivered after it, in a burst', () => {
    const incidents = run.sim.incidents.filter((i) => i.start < run.sim.endAt);
    const stated = incidents.find((i) => i.source === 'scenario');
    expect(stated).toBeDefined();
    expect(new Date(stated!.start).toISOString()).toBe('2026-03-26T10:50:00.000Z');
    const deliveries = flatten(run.deliveries).flatMap((f) => ('delivery' in f.event ? [f.event.timestamp] : []));
    for (const t of deliveries) for (const i of incidents) expect(t >= i.start && t < i.end, new Date(t).toISOString()).toBe(false);
    const sentDuring = run.truth.filter((m) => m.direction === 'out' && m.sentAt >= stated!.start && m.sentAt < stated!.end && m.deliveredAt !== null);
    // The lunch promo of that day went out in the middle of the outage.
    expect(sentDuring.length).toBeGreaterThan(30);
    for (const m of sentDuring) expect(m.deliveredAt).toBeGreaterThanOrEqual(stated!.end);
    const inFirstMinutes = deliveries.filter((t) => t >= stated!.end && t < stated!.end + 5 * 60_000).length;
    const sameWindowDayBefore = deliveries.filter((t) => t >= stated!.end - 86_400_000 && t < stated!.end - 86_400_000 + 5 * 60_000).length;
    expect(inFirstMinutes).toBeGreaterThan(3 * Math.max(1, sameWindowDayBefore));
  });

  it('peak hours slow the platform down', () => {
    // small-test adds 60 s of mean hand-off latency at 12:00–13:00 (Paris).
    const delays = (hour: number) =>
      run.truth
        .filter((m) => m.direction === 'out' && m.deliveredAt !== null && new Date(m.sentAt).getUTCHours() === hour - 1 && m.sentAt < Date.UTC(2026, 2, 29))
        .filter((m) => !run.sim.incidents.some((i) => m.sentAt < i.end && m.deliveredAt! > i.start))
        .map((m) => m.deliveredAt! - m.sentAt)
        .sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    const noon = delays(12);
    const afternoon = delays(16);
    expect(noon.length).toBeGreaterThan(50);
    expect(afternoon.length).toBeGreaterThan(20);
    expect(median(noon)).toBeGreaterThan(median(afternoon) + 20_000);
  });
});

describe('streaming', () => {
  it('yields day by day and keeps its working set flat as days go by', () => {
    const pending = (days: number) => {
      const { sim } = runInMemory({ ...loadScenario('small-test'), days, population: { size: 150, inboundPerWeek: { mean: 3, shape: 1 } } }, { expectedRates: false });
      return sim.counters!.world.maxPending;
    };
    const short = pending(12);
    const long = pending(48);
    expect(long).toBeLessThan(short * 1.6);
  });

  it('hands out each day’s bodies as soon as the day is simulated (23-hour DST day included)', () => {
    const sim = createSimulation({ ...loadScenario('small-test'), startDate: '2026-03-28', days: 3 }, { expectedRates: false });
    const days = [...sim.days()].map((d) => ({ day: d.day, length: d.dayEnd - d.dayStart, bodies: d.deliveries.length, last: d.last, start: d.dayStart }));
    expect(days.map((d) => d.day)).toEqual([0, 1, 2]);
    expect(days.map((d) => d.length / 3_600_000)).toEqual([24, 23, 24]);
    expect(days.map((d) => d.last)).toEqual([false, false, true]);
    expect(days[0]!.start).toBe(sim.startAt);
    for (const d of days) expect(d.bodies).toBeGreaterThan(0);
  });
});
