import { describe, expect, it } from 'vitest';
import { latencyProfile, seenCurve } from '../../../electron/services/monitoring';
import { Fixture, HOUR_MS, MIN, openDb } from './support';

const S = 1000;

describe('latency profile, bucketed in the workspace’s zone across DST', () => {
  function paris() {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const page = f.page(ws);
    const c = () => f.contact(page);
    // Spring forward, 30 March 2025: 01:30 CET is followed by 03:30 CEST one hour later.
    const a = Date.UTC(2025, 2, 29, 23, 30); // 00:30 CET on the 30th
    f.out(c(), a, { delivered: a + 30 * S });
    const b = Date.UTC(2025, 2, 30, 0, 30); // 01:30 CET
    f.out(c(), b, { delivered: b + MIN });
    const d = Date.UTC(2025, 2, 30, 1, 30); // 03:30 CEST
    f.out(c(), d, { delivered: d + 2 * MIN, read: d + 12 * MIN });
    // Fall back, 26 October 2025: 02:30 happens twice, CEST then CET.
    const e = Date.UTC(2025, 9, 26, 0, 30);
    f.out(c(), e, { delivered: e + 3 * MIN });
    const g = Date.UTC(2025, 9, 26, 1, 30);
    f.out(c(), g, { delivered: g + 5 * MIN });
    const h = Date.UTC(2025, 9, 26, 10); // 11:00 CET; only a read arrived
    f.out(c(), h, { read: h + 20 * MIN });
    f.out(c(), Date.UTC(2025, 9, 26, 12)); // never delivered
    return { db, ws };
  }

  it('gives exact nearest-rank percentiles and shares', () => {
    const { db, ws } = paris();
    const out = latencyProfile(db, { workspaceId: ws });
    expect(out.timeZone).toBe('Europe/Paris');
    expect(out.messages).toBe(7);
    // Delivered: 30 s, 1, 2, 3, 5, 20 min (the last known only from its read).
    expect(out.sentToDelivered.overall).toEqual({ count: 6, p50: 2 * MIN, p90: 20 * MIN, shareWithin5m: 5 / 6, shareWithin1h: 1, shareWithin24h: 1 });
    expect(out.sentToDelivered.inferredDeliveries).toBe(1);
    // Delivered → seen: only the message with both receipts (10 min); the read-only one is left out.
    expect(out.deliveredToSeen.overall).toMatchObject({ count: 1, p50: 10 * MIN, p90: 10 * MIN, shareWithin5m: 0, shareWithin1h: 1 });
    expect(out.deliveredToSeen.leftOutInferred).toBe(1);
  });

  it('has no 02:00 bucket on the 23-hour day and puts both 02:30s in it on the 25-hour day', () => {
    const { db, ws } = paris();
    const out = latencyProfile(db, { workspaceId: ws });
    const hour = (h: number) => out.sentToDelivered.byHourOfDay[h]!;
    expect(out.sentToDelivered.byHourOfDay).toHaveLength(24);
    expect(hour(0)).toMatchObject({ count: 1, p50: 30 * S });
    expect(hour(1)).toMatchObject({ count: 1, p50: MIN });
    expect(hour(3)).toMatchObject({ count: 1, p50: 2 * MIN });
    // Both 02:30 of 26 October (CEST and CET): 3 and 5 minutes.
    expect(hour(2)).toMatchObject({ count: 2, p50: 3 * MIN, p90: 5 * MIN });
    expect(hour(11)).toMatchObject({ count: 1, p50: 20 * MIN });
    expect(hour(13)).toMatchObject({ count: 0, p50: null });
    expect(out.sentToDelivered.byDay.map((d) => [d.date, d.count, d.p50])).toEqual([
      ['2025-03-30', 3, MIN],
      ['2025-10-26', 3, 5 * MIN], // the undelivered send lists the day without adding a latency
    ]);
  });

  it('buckets in the zone the view names', () => {
    const { db, ws } = paris();
    const utc = latencyProfile(db, { workspaceId: ws, timeZone: 'UTC' });
    expect(utc.timeZone).toBe('UTC');
    expect(utc.sentToDelivered.byHourOfDay[0]!.count).toBe(2); // 00:30 UTC on both DST days
    expect(utc.sentToDelivered.byDay.map((d) => d.date)).toEqual(['2025-03-29', '2025-03-30', '2025-10-26']);
    expect(() => latencyProfile(db, { workspaceId: ws, timeZone: 'Mars/Olympus' })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('follows Toronto’s own transition dates (9 March, 2 November 2025)', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('America/Toronto', 'en-CA');
    const page = f.page(ws);
    const sends = [
      Date.UTC(2025, 2, 9, 6, 30), // 01:30 EST
      Date.UTC(2025, 2, 9, 7, 30), // 03:30 EDT
      Date.UTC(2025, 10, 2, 5, 30), // 01:30 EDT
      Date.UTC(2025, 10, 2, 6, 30), // 01:30 EST, the second time round
    ];
    sends.forEach((t, i) => f.out(f.contact(page), t, { delivered: t + (i + 1) * MIN }));
    const out = latencyProfile(db, { workspaceId: ws, from: Date.UTC(2025, 0, 1), to: Date.UTC(2026, 0, 1) });
    const hours = out.sentToDelivered.byHourOfDay;
    expect([hours[1]!.count, hours[2]!.count, hours[3]!.count]).toEqual([3, 0, 1]);
    expect(hours[1]).toMatchObject({ p50: 3 * MIN, p90: 4 * MIN });
    expect(out.sentToDelivered.byDay.map((d) => [d.date, d.count])).toEqual([
      ['2025-03-09', 2],
      ['2025-11-02', 2],
    ]);
  });

  it('restricts to the period and the Page asked for', () => {
    const { db, ws } = paris();
    const spring = latencyProfile(db, { workspaceId: ws, from: Date.UTC(2025, 2, 29), to: Date.UTC(2025, 3, 1) });
    expect(spring.messages).toBe(3);
    expect(spring.scope).toEqual({ workspaceId: ws, pageId: null, campaignId: null, from: Date.UTC(2025, 2, 29), to: Date.UTC(2025, 3, 1) });
    const f = new Fixture(db);
    const emptyPage = f.page(ws);
    const none = latencyProfile(db, { workspaceId: ws, pageId: emptyPage });
    expect(none.messages).toBe(0);
    expect(none.sentToDelivered.overall.p50).toBeNull();
    expect(none.sentToDelivered.byDay).toEqual([]);
  });
});

describe('how fast a campaign was seen', () => {
  function campaign() {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const page = f.page(ws);
    const promo = f.campaign(ws, 'flash_promo', 'Soldes 1 h');
    const T = Date.UTC(2025, 5, 6, 10);
    f.out(f.contact(page), T, { delivered: T + MIN, read: T + 3 * MIN, campaign: promo });
    f.out(f.contact(page), T + 2 * MIN, { delivered: T + 3 * MIN, read: T + 10 * MIN, campaign: promo });
    f.out(f.contact(page), T + 4 * MIN, { delivered: T + 5 * MIN, campaign: promo });
    f.out(f.contact(page), T + 4 * MIN, { delivered: T + 110 * MIN, read: T + 120 * MIN, campaign: promo });
    return { db, ws, promo, T };
  }

  it('counts from the campaign’s first send: what share saw the promo inside its hour', () => {
    const { db, ws, promo, T } = campaign();
    const out = seenCurve(db, { workspaceId: ws, campaignId: promo, stepMs: 5 * MIN, spanMs: 3 * HOUR_MS, now: T + 10 * HOUR_MS });
    expect(out).toMatchObject({ campaignName: 'Soldes 1 h', kind: 'flash_promo', origin: 'campaign_start', startedAt: T, messages: 4 });
    expect(out.points).toHaveLength(37);
    const at = (m: number) => out.points.find((p) => p.offsetMs === m * MIN)!;
    expect(at(0)).toMatchObject({ delivered: 0, seen: 0 });
    expect(at(5)).toMatchObject({ delivered: 3, seen: 1, seenShare: 0.25 });
    expect(at(10)).toMatchObject({ seen: 2, seenShare: 0.5 });
    expect(at(60)).toMatchObject({ delivered: 3, seen: 2, deliveredShare: 0.75, seenShare: 0.5 });
    expect(at(120)).toMatchObject({ delivered: 4, seen: 3 });
  });

  it('counts from each message’s own send on request, and leaves the future blank', () => {
    const { db, ws, promo, T } = campaign();
    const out = seenCurve(db, { workspaceId: ws, campaignId: promo, origin: 'each_send', stepMs: 5 * MIN, spanMs: HOUR_MS, now: T + 30 * MIN });
    const at = (m: number) => out.points.find((p) => p.offsetMs === m * MIN)!;
    // Seen 3, 8 and 116 minutes after their own sends.
    expect(at(5)).toMatchObject({ seen: 1, delivered: 3 });
    expect(at(10)).toMatchObject({ seen: 2 });
    // The last send went out 26 minutes before now: later offsets are not observable yet.
    expect(at(25)).toMatchObject({ seen: 2 });
    expect(at(30)).toMatchObject({ seen: null, delivered: null, seenShare: null });
  });

  it('refuses a campaign of another workspace', () => {
    const { db, promo } = campaign();
    const other = new Fixture(db).workspace('UTC');
    expect(() => seenCurve(db, { workspaceId: other, campaignId: promo })).toThrow(/not in workspace/);
  });
});
