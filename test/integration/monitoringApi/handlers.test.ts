import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api/contract';
import { monitoringContract } from '../../../shared/api/contracts/monitoring';
import type { ApiReply } from '../../../shared/api/errors';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { migrate } from '../../../electron/services/db/migrate';
import { makeTempDir } from '../../support/tempDir';
import { Fixture, HOUR_MS, MIN, DAY_MS, monitoringMigrations } from '../monitoring/support';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let f: Fixture;

beforeEach(() => {
  tmp = makeTempDir();
  ctx = createContext({ dataDir: tmp.dir });
  // Until migration 004 is registered, this test's store is brought up to it by hand.
  migrate(ctx.store.db, monitoringMigrations(), { dbPath: null, backupDir: null });
  f = new Fixture(ctx.store.db);
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

async function call<T = unknown>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}
const failure = async (method: string, input: unknown) => {
  const reply: ApiReply<unknown> = await dispatch(ctx, method, input);
  if (reply.ok) throw new Error(`${method} should have failed`);
  return reply.error;
};

const T0 = Date.UTC(2026, 0, 12, 11, 0); // Monday 12 January 2026, 12:00 in Paris
const NOW = T0 + 30 * DAY_MS;

/**
 * One Paris workspace: a lunch promo to four contacts on Page A, computed by hand —
 * m1 delivered in 1 min and read in 4, with a reply; m2 delivered in 2 min and read after
 * 2 h; m3 delivered in 30 min, never read; m4 never delivered. Page B has one newsletter
 * send outside the promo. A second workspace holds data that must never show.
 */
function bistro() {
  const ws = f.workspace('Europe/Paris', 'fr-FR', 'Bistro');
  const pageA = f.page(ws);
  const pageB = f.page(ws);
  const promo = f.campaign(ws, 'flash_promo', 'Déjeuner lundi');
  const letter = f.campaign(ws, 'newsletter', 'Lettre');
  const alice = f.contact(pageA, { psid: 'alice', name: 'Alice' });
  const bob = f.contact(pageA, { psid: 'bob' });
  const chloe = f.contact(pageA, { psid: 'chloe' });
  const dan = f.contact(pageA, { psid: 'dan', name: 'Dan' });
  const eve = f.contact(pageB, { psid: 'eve' });
  const m1 = f.out(alice, T0, { delivered: T0 + MIN, read: T0 + 4 * MIN, campaign: promo });
  f.in(alice, T0 + 10 * MIN);
  const m2 = f.out(bob, T0, { delivered: T0 + 2 * MIN, read: T0 + 2 * HOUR_MS, campaign: promo });
  const m3 = f.out(chloe, T0, { delivered: T0 + 30 * MIN, campaign: promo });
  const m4 = f.out(dan, T0, { campaign: promo });
  f.out(eve, T0 + 3 * DAY_MS, { delivered: T0 + 3 * DAY_MS + MIN, campaign: letter });
  const other = f.workspace('America/Toronto', 'en-CA', 'Elsewhere');
  const otherPage = f.page(other);
  f.out(f.contact(otherPage, { psid: 'zed' }), T0, { campaign: f.campaign(other) });
  return { ws, pageA, pageB, promo, letter, m1, m2, m3, m4, dan, other };
}

describe('monitoring API through dispatch', () => {
  it('registers every monitoring entry in the one contract', () => {
    const names = Object.keys(monitoringContract);
    expect(names).toHaveLength(16);
    for (const m of names) expect(Object.keys(contract)).toContain(m);
  });

  it('monitoring:campaigns lists the Pages, the campaigns latest first with their spans, and the workspace span', async () => {
    const b = bistro();
    const options = await call<{
      pages: { id: number }[];
      campaigns: { id: number; name: string; kind: string; messages: number; firstSentAt: number | null; lastSentAt: number | null }[];
      messages: number;
      firstSentAt: number | null;
      lastSentAt: number | null;
    }>('monitoring:campaigns', { workspaceId: b.ws });
    expect(options.pages.map((p) => p.id).sort()).toEqual([b.pageA, b.pageB].sort());
    expect(options.campaigns).toEqual([
      { id: b.letter, name: 'Lettre', kind: 'newsletter', messages: 1, firstSentAt: T0 + 3 * DAY_MS, lastSentAt: T0 + 3 * DAY_MS },
      { id: b.promo, name: 'Déjeuner lundi', kind: 'flash_promo', messages: 4, firstSentAt: T0, lastSentAt: T0 },
    ]);
    expect(options).toMatchObject({ messages: 5, firstSentAt: T0, lastSentAt: T0 + 3 * DAY_MS });
    expect((await failure('monitoring:campaigns', { workspaceId: 999 })).code).toBe('NOT_FOUND');
  });

  it('an empty workspace answers empty options, not an error', async () => {
    const ws = f.workspace();
    expect(await call('monitoring:campaigns', { workspaceId: ws })).toEqual({ pages: [], campaigns: [], messages: 0, firstSentAt: null, lastSentAt: null });
  });

  it('monitoring:funnel counts the hand-computed steps, and the drill-down names the messages behind a step', async () => {
    const b = bistro();
    const scope = { workspaceId: b.ws, campaignId: b.promo, from: T0 - DAY_MS, to: T0 + DAY_MS, now: NOW };
    const funnel = await call<{ steps: { step: string; count: number; drop: number | null }[]; total: number; pending: number }>('monitoring:funnel', scope);
    expect(funnel.total).toBe(4);
    expect(funnel.pending).toBe(0);
    expect(funnel.steps.map((s) => [s.step, s.count, s.drop])).toEqual([
      ['sent', 4, null],
      ['delivered', 3, 1],
      ['seen', 2, 1],
      ['replied', 1, 1],
    ]);
    const notDelivered = await call<{ basis: string; total: number; items: { messageId: number; psid: string; name: string | null }[] }>('monitoring:drilldown', {
      ...scope,
      segment: 'not_delivered',
    });
    expect(notDelivered).toMatchObject({ basis: 'messages', total: 1 });
    expect(notDelivered.items.map((i) => [i.messageId, i.psid, i.name])).toEqual([[b.m4, 'dan', 'Dan']]);
    const page2 = await call<{ total: number; offset: number; items: unknown[] }>('monitoring:drilldown', { ...scope, segment: 'sent', limit: 3, offset: 3 });
    expect(page2).toMatchObject({ total: 4, offset: 3 });
    expect(page2.items).toHaveLength(1);
  });

  it('monitoring:latency and monitoring:seenCurve give the percentiles and the campaign curve', async () => {
    const b = bistro();
    const latency = await call<{ sentToDelivered: { overall: { count: number; p50: number; shareWithin5m: number; shareWithin1h: number } } }>('monitoring:latency', {
      workspaceId: b.ws,
      campaignId: b.promo,
      now: NOW,
    });
    // Deliveries in 1, 2 and 30 minutes: nearest-rank median 2 min, two of three within 5 min, all within 1 h.
    expect(latency.sentToDelivered.overall).toMatchObject({ count: 3, p50: 2 * MIN, shareWithin1h: 1 });
    expect(latency.sentToDelivered.overall.shareWithin5m).toBeCloseTo(2 / 3, 12);
    const curve = await call<{ messages: number; points: { offsetMs: number; seenShare: number | null }[] }>('monitoring:seenCurve', {
      workspaceId: b.ws,
      campaignId: b.promo,
      stepMs: HOUR_MS,
      now: NOW,
    });
    expect(curve.messages).toBe(4);
    const at = (h: number) => curve.points.find((p) => p.offsetMs === h * HOUR_MS)?.seenShare;
    expect(at(1)).toBeCloseTo(1 / 4, 12);
    expect(at(3)).toBeCloseTo(2 / 4, 12);
  });

  it('monitoring:stuck lists the undelivered and unseen sends past their threshold', async () => {
    const b = bistro();
    const stuck = await call<{ notDelivered: number; deliveredNotSeen: number; items: { messageId: number; status: string; hints: unknown[] }[] }>('monitoring:stuck', {
      workspaceId: b.ws,
      campaignId: b.promo,
      from: T0 - DAY_MS,
      to: T0 + DAY_MS,
      now: NOW,
    });
    expect(stuck).toMatchObject({ notDelivered: 1, deliveredNotSeen: 1 });
    expect(stuck.items.map((i) => [i.messageId, i.status]).sort()).toEqual(
      [
        [b.m3, 'delivered_not_seen'],
        [b.m4, 'not_delivered'],
      ].sort(),
    );
  });

  it('monitoring:recurring flags a contact by the rule, and the CSV keeps only consenting, not opted-out contacts', async () => {
    const ws = f.workspace('Europe/Paris', 'fr-FR');
    const page = f.page(ws);
    const consenting = f.contact(page, { psid: 'p-ok', name: 'Zoé', sms: true, phone: '+33600000001' });
    const noConsent = f.contact(page, { psid: 'p-no', phone: '+33600000002' });
    const optedOut = f.contact(page, { psid: 'p-out', sms: true, phone: '+33600000003', optedOutAt: T0 });
    const fine = f.contact(page, { psid: 'p-fine', sms: true, phone: '+33600000004' });
    for (const c of [consenting, noConsent, optedOut]) {
      for (let i = 0; i < 5; i++) f.out(c, T0 + i * DAY_MS, i < 3 ? {} : { delivered: T0 + i * DAY_MS + MIN, read: T0 + i * DAY_MS + 2 * MIN });
    }
    for (let i = 0; i < 5; i++) f.out(fine, T0 + i * DAY_MS, { delivered: T0 + i * DAY_MS + MIN, read: T0 + i * DAY_MS + 2 * MIN });

    const recurring = await call<{ total: number; items: { psid: string; summary: string; problem: { notDelivered: number } }[] }>('monitoring:recurring', { workspaceId: ws, now: NOW });
    expect(recurring.total).toBe(3);
    expect(recurring.items.map((i) => i.psid).sort()).toEqual(['p-no', 'p-ok', 'p-out']);
    expect(recurring.items[0]?.problem.notDelivered).toBe(3);
    expect(recurring.items[0]?.summary).toContain('non remis');

    const csv = await call<{ csv: string; rows: number; leftOut: { noConsent: number; optedOut: number; noAddress: number }; fileName: string }>('monitoring:recurringCsv', {
      workspaceId: ws,
      channel: 'sms',
      now: NOW,
    });
    expect(csv.rows).toBe(1);
    expect(csv.leftOut).toEqual({ noConsent: 1, optedOut: 1, noAddress: 0 });
    const lines = csv.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('psid,name,phone,last_seen,problem_summary');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual([['p-ok', 'Zoé', "'+33600000001"]]);
  });

  it('settings and alert rules round-trip, with validation messages as catalog keys', async () => {
    const b = bistro();
    const saved = await call<{ stuckThresholds: { flash_promo: number } }>('monitoring:saveSettings', { workspaceId: b.ws, stuckThresholds: { flash_promo: 2 * HOUR_MS } });
    expect(saved.stuckThresholds.flash_promo).toBe(2 * HOUR_MS);
    expect(await call('monitoring:settings', { workspaceId: b.ws })).toEqual(saved);
    const bad = await failure('monitoring:saveSettings', {
      workspaceId: b.ws,
      recurringRule: { lastN: 2, notDelivered: { min: 3, withinMs: DAY_MS }, unseen: { min: 1, withinMs: DAY_MS } },
    });
    expect(bad.code).toBe('BAD_INPUT');
    expect(bad.issues?.map((i) => i.message)).toContain('monitoring.error.ruleMinAboveN');

    const rule = await call<{ id: number; condition: { kind: string; minRate: number } }>('monitoring:saveAlertRule', {
      workspaceId: b.ws,
      condition: { kind: 'delivery_rate_below', minRate: 0.9, lastN: 10 },
    });
    expect(rule.condition).toMatchObject({ kind: 'delivery_rate_below', minRate: 0.9 });
    expect((await call<{ id: number }[]>('monitoring:alertRules', { workspaceId: b.ws })).map((r) => r.id)).toContain(rule.id);
    expect(await call('monitoring:deleteAlertRule', { workspaceId: b.ws, id: rule.id })).toEqual({ deleted: true });
  });

  it('an alert opens on evaluation, shows in the centre, and is acknowledged', async () => {
    const ws = f.workspace();
    const page = f.page(ws);
    const now = T0 + 10 * DAY_MS;
    // Twenty recent sends, none delivered: the delivery-rate rule must fire.
    for (let i = 0; i < 20; i++) f.out(f.contact(page), now - 3 * DAY_MS + i * MIN);
    await call('monitoring:alertRules', { workspaceId: ws });
    await call('monitoring:saveAlertRule', { workspaceId: ws, condition: { kind: 'delivery_rate_below', lastN: 10, minRate: 0.5 }, now });
    const evaluation = await call<{ opened: { id: number; kind: string }[]; active: number }>('monitoring:evaluateAlerts', { workspaceId: ws, now });
    const fired = evaluation.opened.find((a) => a.kind === 'delivery_rate_below');
    expect(fired).toBeDefined();
    const open = await call<{ unacknowledged: number; items: { id: number; status: string }[] }>('monitoring:alerts', { workspaceId: ws, status: 'open' });
    expect(open.items.map((a) => a.id)).toContain(fired!.id);
    const acked = await call<{ status: string; acknowledgedAt: number }>('monitoring:ackAlert', { workspaceId: ws, alertId: fired!.id, now: now + MIN });
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: now + MIN });
    const after = await call<{ unacknowledged: number }>('monitoring:alerts', { workspaceId: ws, status: 'active' });
    expect(after.unacknowledged).toBe(open.unacknowledged - 1);
  });

  it('refuses a campaign of another workspace and a bad page size', async () => {
    const b = bistro();
    const foreign = ctx.store.db.prepare('SELECT id FROM campaigns WHERE workspace_id = ?').pluck().get(b.other) as number;
    expect((await failure('monitoring:funnel', { workspaceId: b.ws, campaignId: foreign })).code).toBe('NOT_FOUND');
    expect((await failure('monitoring:drilldown', { workspaceId: b.ws, segment: 'sent', limit: 0 })).code).toBe('BAD_INPUT');
  });
});
