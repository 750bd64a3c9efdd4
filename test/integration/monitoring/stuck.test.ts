import { describe, expect, it } from 'vitest';
import { monitoringSettings, saveMonitoringSettings, stuckMessages } from '../../../electron/services/monitoring';
import type { LikelyCause, StuckOutput } from '../../../shared/domain/monitoring';
import { DAY_MS, Fixture, HOUR_MS, MIN, openDb } from './support';

const NOW = Date.UTC(2025, 5, 20, 14); // Friday 20 June 2025, 16:00 in Paris

function thresholdFixture() {
  const db = openDb();
  const f = new Fixture(db);
  const ws = f.workspace('Europe/Paris');
  const page = f.page(ws);
  const flash = f.campaign(ws, 'flash_promo', 'Flash');
  const notice = f.campaign(ws, 'notice', 'Notice');
  const news = f.campaign(ws, 'newsletter', 'News');
  const c = () => f.contact(page);
  const m = {
    flash61: f.out(c(), NOW - 61 * MIN, { campaign: flash }),
    flash60: f.out(c(), NOW - 60 * MIN, { campaign: flash }), // exactly the threshold: stuck
    flash59: f.out(c(), NOW - 59 * MIN, { campaign: flash }),
    notice7h: f.out(c(), NOW - 7 * HOUR_MS, { delivered: NOW - 7 * HOUR_MS + 1000, campaign: notice }),
    notice5h: f.out(c(), NOW - 5 * HOUR_MS, { campaign: notice }),
    news47h: f.out(c(), NOW - 47 * HOUR_MS, { campaign: news }),
    news49h: f.out(c(), NOW - 49 * HOUR_MS, { delivered: NOW - 48 * HOUR_MS, campaign: news }),
    manual25h: f.out(c(), NOW - 25 * HOUR_MS),
    manual23h: f.out(c(), NOW - 23 * HOUR_MS),
    seen: f.out(c(), NOW - 30 * HOUR_MS, { delivered: NOW - 30 * HOUR_MS + 1, read: NOW - 29 * HOUR_MS }),
    inferred: f.out(c(), NOW - 30 * HOUR_MS, { read: NOW - 29 * HOUR_MS }),
    eightDays: f.out(c(), NOW - 8 * DAY_MS),
  };
  const other = f.workspace('UTC');
  f.out(f.contact(f.page(other)), NOW - 3 * DAY_MS);
  return { db, f, ws, page, m, campaigns: { flash, notice, news } };
}

const ids = (out: StuckOutput) => out.items.map((i) => i.messageId);

describe('stuck messages', () => {
  it('holds messages past their campaign kind’s threshold (1 h, 6 h, 48 h, 24 h outside campaigns)', () => {
    const { db, ws, m, campaigns } = thresholdFixture();
    const out = stuckMessages(db, { workspaceId: ws, now: NOW, withHints: false });
    expect(out.thresholds).toEqual({ flash_promo: HOUR_MS, notice: 6 * HOUR_MS, newsletter: 48 * HOUR_MS, other: 24 * HOUR_MS });
    expect(ids(out)).toEqual([m.flash60, m.flash61, m.notice7h, m.manual25h, m.news49h]);
    expect(out).toMatchObject({ total: 5, notDelivered: 3, deliveredNotSeen: 2, from: NOW - 7 * DAY_MS, to: NOW });
    const flash61 = out.items.find((i) => i.messageId === m.flash61)!;
    expect(flash61).toMatchObject({ status: 'not_delivered', campaignKind: 'flash_promo', campaignName: 'Flash', thresholdMs: HOUR_MS, stuckForMs: 61 * MIN, deliveredAt: null, readAt: null });
    expect(out.items.find((i) => i.messageId === m.manual25h)).toMatchObject({ campaignId: null, campaignKind: 'other', thresholdMs: DAY_MS });
    expect(out.items.find((i) => i.messageId === m.notice7h)).toMatchObject({ status: 'delivered_not_seen', deliveredAt: NOW - 7 * HOUR_MS + 1000 });
    expect(out.byCampaign).toEqual([
      { campaignId: campaigns.flash, campaignName: 'Flash', kind: 'flash_promo', notDelivered: 2, deliveredNotSeen: 0 },
      { campaignId: null, campaignName: null, kind: 'other', notDelivered: 1, deliveredNotSeen: 0 },
      { campaignId: campaigns.notice, campaignName: 'Notice', kind: 'notice', notDelivered: 0, deliveredNotSeen: 1 },
      { campaignId: campaigns.news, campaignName: 'News', kind: 'newsletter', notDelivered: 0, deliveredNotSeen: 1 },
    ]);
  });

  it('filters by status, pages, and takes an explicit period', () => {
    const { db, ws, m } = thresholdFixture();
    const notDelivered = stuckMessages(db, { workspaceId: ws, now: NOW, status: 'not_delivered', withHints: false });
    expect(ids(notDelivered)).toEqual([m.flash60, m.flash61, m.manual25h]);
    expect(notDelivered.total).toBe(3);
    const page2 = stuckMessages(db, { workspaceId: ws, now: NOW, withHints: false, limit: 2, offset: 2 });
    expect(ids(page2)).toEqual([m.notice7h, m.manual25h]);
    expect(page2.total).toBe(5);
    const wide = stuckMessages(db, { workspaceId: ws, now: NOW, withHints: false, from: NOW - 10 * DAY_MS });
    expect(ids(wide)).toContain(m.eightDays);
    expect(wide.total).toBe(6);
  });

  it('uses the thresholds the workspace stored', () => {
    const { db, ws, m } = thresholdFixture();
    expect(monitoringSettings(db, { workspaceId: ws }).stuckThresholds.flash_promo).toBe(HOUR_MS);
    const saved = saveMonitoringSettings(db, { workspaceId: ws, stuckThresholds: { flash_promo: 2 * HOUR_MS, newsletter: 24 * HOUR_MS } });
    expect(saved.stuckThresholds).toEqual({ flash_promo: 2 * HOUR_MS, notice: 6 * HOUR_MS, newsletter: 24 * HOUR_MS, other: 24 * HOUR_MS });
    const out = stuckMessages(db, { workspaceId: ws, now: NOW, withHints: false });
    expect(ids(out)).toEqual([m.notice7h, m.manual25h, m.news47h, m.news49h]);
    expect(() => saveMonitoringSettings(db, { workspaceId: ws, stuckThresholds: { notice: 0 } })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('likely causes of stuck messages, with their evidence', () => {
  const hintKinds = (out: StuckOutput, id: number) => out.items.find((i) => i.messageId === id)!.hints.map((h) => h.kind);
  const hint = <K extends LikelyCause['kind']>(out: StuckOutput, id: number, kind: K) =>
    out.items.find((i) => i.messageId === id)!.hints.find((h): h is Extract<LikelyCause, { kind: K }> => h.kind === kind);

  it('a contact that never delivers', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const gone = f.contact(f.page(ws));
    f.out(gone, NOW - 30 * DAY_MS, { delivered: NOW - 30 * DAY_MS + 2000 });
    for (const d of [6, 5, 4]) f.out(gone, NOW - d * DAY_MS);
    const stuck = f.out(gone, NOW - 30 * HOUR_MS);
    const out = stuckMessages(db, { workspaceId: ws, now: NOW });
    expect(hint(out, stuck, 'contact_never_delivers')).toEqual({
      kind: 'contact_never_delivers',
      evidence: { recentSends: 3, delivered: 0, firstOfThoseAt: NOW - 6 * DAY_MS, lastDeliveredAt: NOW - 30 * DAY_MS + 2000 },
    });
  });

  it('a contact that reads rarely, for a delivered message left unseen', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const silent = f.contact(f.page(ws));
    for (const d of [9, 8, 7]) f.out(silent, NOW - d * DAY_MS, { delivered: NOW - d * DAY_MS + 1000 });
    const stuck = f.out(silent, NOW - 2 * DAY_MS, { delivered: NOW - 2 * DAY_MS + 1000 });
    const out = stuckMessages(db, { workspaceId: ws, now: NOW });
    expect(hintKinds(out, stuck)).toEqual(['contact_rarely_reads']);
  });

  it('a phone that only comes online late at night, in the contact’s own zone', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    // The contact lives in Montréal: deliveries after 23:00 there are 05:00 in Paris.
    const owl = f.contact(f.page(ws), { timeZone: 'America/Toronto' });
    for (const d of [12, 10, 8, 6]) {
      const sent = NOW - d * DAY_MS - 4 * HOUR_MS; // 06:00 in Toronto
      f.out(owl, sent, { delivered: sent + 17 * HOUR_MS + (d % 4) * 10 * MIN }); // 23:00–23:20 in Toronto
    }
    const stuck = f.out(owl, NOW - 26 * HOUR_MS - 30 * MIN); // a day ago at 07:30 in Toronto… the night has passed
    const fresh = f.out(owl, NOW - 3 * HOUR_MS, { campaign: f.campaign(ws, 'flash_promo') }); // 07:00 in Toronto, now 10:00 there
    const out = stuckMessages(db, { workspaceId: ws, now: NOW });
    expect(hintKinds(out, stuck)).not.toContain('offline_pattern');
    expect(hint(out, fresh, 'offline_pattern')).toEqual({
      kind: 'offline_pattern',
      evidence: { timeZone: 'America/Toronto', deliveryHours: [23, 23, 23, 23], window: { fromHour: 23, toHour: 23 }, shareInWindow: 1 },
    });
  });

  it('a whole campaign late during a platform incident, and one sent at a usually slow hour', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const page = f.page(ws);
    const regulars = Array.from({ length: 40 }, () => f.contact(page));
    // Four weeks of ordinary traffic: delivered in seconds, except sends at 19:00 Paris, slow for hours.
    for (let day = 28; day >= 1; day--) {
      for (let k = 0; k < 24; k++) {
        const sent = NOW - day * DAY_MS + k * HOUR_MS + 5 * MIN;
        const slowHour = new Date(sent).getUTCHours() === 17; // 19:00 in Paris in June
        for (let j = 0; j < 3; j++) f.out(regulars[(k * 3 + j) % 40]!, sent + j * 1000, { delivered: sent + j * 1000 + (slowHour ? 3 * HOUR_MS : 3000) });
      }
    }
    // Today 12:00 Paris: an incident campaign, nobody delivered for two hours.
    const incident = f.campaign(ws, 'flash_promo', 'Midi');
    const audience = Array.from({ length: 30 }, () => f.contact(page));
    const incidentSends = audience.map((c, i) => f.out(c, NOW - 4 * HOUR_MS + i * 1000, { campaign: incident }));
    const out = stuckMessages(db, { workspaceId: ws, now: NOW, limit: 100 });
    const first = hint(out, incidentSends[0]!, 'platform_incident');
    // The window also holds three ordinary sends of 10:05 UTC, delivered in seconds.
    expect(first?.evidence).toMatchObject({ contactsAffected: 30, contactsInWindow: 33, messagesInWindow: 33 });
    expect(first!.evidence.windowMedianMs).toBeGreaterThanOrEqual(4 * HOUR_MS - 30 * 1000);
    expect(first!.evidence.baselineMedianMs).toBeLessThan(10_000);
    expect(hintKinds(out, incidentSends[0]!)).not.toContain('peak_hour');

    // Yesterday 19:00 Paris: a campaign that went out at the slow hour, still undelivered for most.
    const evening = f.campaign(ws, 'flash_promo', 'Soirée');
    const eveningAt = NOW - DAY_MS + 3 * HOUR_MS; // 19:00 Paris yesterday
    const eveningSends = audience.map((c, i) => f.out(c, eveningAt + 10 * MIN + i * 1000, { campaign: evening }));
    const later = stuckMessages(db, { workspaceId: ws, now: NOW, limit: 100 });
    const peak = hint(later, eveningSends[0]!, 'peak_hour');
    expect(peak?.evidence).toMatchObject({ timeZone: 'Europe/Paris', hourOfDay: 19, hourShareWithin1h: 0, hourSends: expect.any(Number) });
    expect(peak!.evidence.overallShareWithin1h).toBeGreaterThan(0.9);
    expect(peak!.evidence.hourSends).toBeGreaterThanOrEqual(30);
  });

  it('gives no hint where the data supports none', () => {
    const db = openDb();
    const f = new Fixture(db);
    const ws = f.workspace('Europe/Paris');
    const lonely = f.out(f.contact(f.page(ws)), NOW - 30 * HOUR_MS);
    const out = stuckMessages(db, { workspaceId: ws, now: NOW });
    expect(hintKinds(out, lonely)).toEqual([]);
  });
});
