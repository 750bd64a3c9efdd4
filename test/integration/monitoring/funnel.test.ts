import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryFunnel, funnelDrilldown } from '../../../electron/services/monitoring';
import { createRandom } from '../../../shared/stats/random';
import { makeTempDir } from '../../support/tempDir';
import { DAY_MS, Fixture, HOUR_MS, MIN, openDb, randomWorld, referenceFunnel, referenceReply, type Msg, type RefCounts } from './support';

const T0 = Date.UTC(2025, 5, 2, 8); // Monday 2 June 2025, 10:00 in Paris
const NOW = T0 + 10 * DAY_MS;

/**
 * Eleven messages to six contacts, every number below computed by hand (see the comments):
 * receipts applied out of order, a delivery known only from a read, a pending message,
 * replies before and after the next send, at the send's very millisecond, and two bubbles
 * sent in the same millisecond.
 */
function handFixture(db: Database.Database) {
  const f = new Fixture(db);
  const ws = f.workspace('Europe/Paris');
  const page = f.page(ws);
  const [a, b, c, d, e, g] = [1, 2, 3, 4, 5, 6].map(() => f.contact(page));
  const c1 = f.campaign(ws, 'newsletter');
  const c2 = f.campaign(ws, 'notice');
  const c3 = f.campaign(ws, 'flash_promo');
  const m: Record<number, number> = {};
  m[1] = f.out(a!, T0, { delivered: T0 + MIN, read: T0 + 10 * MIN, campaign: c1 });
  f.in(a!, T0 + 30 * MIN); // replies to 1
  // 2: the read arrives before the delivery (first inferred from it, then corrected); seen after 30 h.
  m[2] = f.out(b!, T0, { campaign: c1 });
  f.read(m[2], T0 + 30 * HOUR_MS);
  f.deliver(m[2], T0 + 2 * HOUR_MS);
  m[3] = f.out(c!, T0, { read: T0 + 3 * HOUR_MS, campaign: c1 }); // only a read: inferred delivery
  f.in(c!, T0 + 25 * HOUR_MS); // outside the 24 h reply window
  m[4] = f.out(d!, T0, { campaign: c1 }); // never delivered
  m[5] = f.out(e!, T0, { delivered: T0 + 5 * MIN, campaign: c1 });
  f.in(e!, T0 + HOUR_MS); // a reply without a read receipt
  m[6] = f.out(a!, T0 + 2 * DAY_MS, { delivered: T0 + 2 * DAY_MS + 1000, read: T0 + 2 * DAY_MS + MIN, campaign: c2 });
  m[7] = f.out(a!, T0 + 2 * DAY_MS + HOUR_MS, { delivered: T0 + 2 * DAY_MS + HOUR_MS + 1000, campaign: c2 });
  f.in(a!, T0 + 2 * DAY_MS + 2 * HOUR_MS); // after 7 was sent: replies to 7, not to 6
  m[8] = f.out(b!, T0 + 3 * DAY_MS, { delivered: T0 + 3 * DAY_MS + 1000, read: T0 + 3 * DAY_MS + 5 * MIN, campaign: c3 });
  m[9] = f.out(b!, T0 + 3 * DAY_MS, { delivered: T0 + 3 * DAY_MS + 1000, read: T0 + 3 * DAY_MS + 5 * MIN, campaign: c3 });
  f.in(b!, T0 + 3 * DAY_MS + 10 * MIN); // replies to both bubbles
  m[10] = f.out(d!, NOW - 2 * HOUR_MS); // pending
  m[11] = f.out(g!, T0 + 4 * DAY_MS, { delivered: T0 + 4 * DAY_MS + 1000, read: T0 + 4 * DAY_MS + 1000 });
  f.in(g!, T0 + 4 * DAY_MS); // same millisecond as the send: not after it
  return { f, ws, page, m, campaigns: { c1, c2, c3 } };
}

const stepCounts = (out: ReturnType<typeof deliveryFunnel>) => Object.fromEntries(out.steps.map((s) => [s.step, s.count]));

describe('delivery funnel on a hand-computed fixture', () => {
  let db: Database.Database;
  let fx: ReturnType<typeof handFixture>;
  beforeEach(() => {
    db = openDb();
    fx = handFixture(db);
  });

  it('counts messages per step, pending apart (H = 24 h)', () => {
    const out = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW });
    expect(out.basis).toBe('messages');
    expect(out.total).toBe(11);
    expect(out.pending).toBe(1);
    expect(out.settledBefore).toBe(NOW - DAY_MS);
    // delivered: all but 4; seen: 1, 3, 6, 8, 9, 11; replied: 1, 5, 7, 8, 9 (of which 1, 8, 9 seen).
    expect(stepCounts(out)).toEqual({ sent: 10, delivered: 9, seen: 6, replied: 5 });
    const replied = out.steps[3]!;
    expect(replied).toMatchObject({ drop: 3, reachedWithoutPrevious: 2, rate: 0.5, fromPrevious: 0.5 });
    expect(out.steps[1]).toMatchObject({ drop: 1, rate: 0.9, fromPrevious: 0.9, reachedWithoutPrevious: 0 });
    expect(out.steps[2]).toMatchObject({ drop: 3, rate: 0.6 });
    expect(out.steps[2]!.fromPrevious).toBeCloseTo(6 / 9, 12);
  });

  it('gives the same numbers from the rollup (H = 1 h) and from the messages (H = 2 h, 12 h reply window)', () => {
    const oneHour = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW, horizonMs: HOUR_MS });
    // within 1 h: delivered 1, 5, 6, 7, 8, 9, 11; seen 1, 6, 8, 9, 11.
    expect(stepCounts(oneHour)).toEqual({ sent: 10, delivered: 7, seen: 5, replied: 5 });
    const twoHours = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW, horizonMs: 2 * HOUR_MS, replyWindowMs: 12 * HOUR_MS });
    // within 2 h: delivered adds 2 (exactly 2 h); seen unchanged; replies unchanged (all within 2 h).
    expect(stepCounts(twoHours)).toEqual({ sent: 10, delivered: 8, seen: 5, replied: 5 });
    expect(twoHours.settledBefore).toBe(NOW - 12 * HOUR_MS);
  });

  it('counts people when asked, and says so', () => {
    const out = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW, basis: 'contacts' });
    expect(out.basis).toBe('contacts');
    // 6 contacts with a settled message; d never delivered; e replied without a read.
    expect(stepCounts(out)).toEqual({ sent: 6, delivered: 5, seen: 4, replied: 3 });
    expect(out.pending).toBe(0);
    expect(out.steps[3]).toMatchObject({ drop: 2, reachedWithoutPrevious: 1 });
  });

  it('compares with the previous period of equal length (edges off the hour)', () => {
    const from = T0 + 2 * DAY_MS - 30 * MIN;
    const to = T0 + 4 * DAY_MS - 1;
    const out = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW, from, to });
    expect(stepCounts(out)).toEqual({ sent: 4, delivered: 4, seen: 3, replied: 3 });
    expect(out.previous).toMatchObject({ from: from - (to - from), to: from, sent: 5, pending: 0, rates: { delivered: 0.8, seen: 0.4, replied: 0.4 } });
    expect(out.previous!.change.delivered).toBeCloseTo(0.2, 12);
    expect(out.previous!.change.seen).toBeCloseTo(0.35, 12);
  });

  it("compares with the workspace's normal: the median of its past campaigns", () => {
    // Campaign rates: c1 (0.8, 0.4, 0.4), c2 (1, 0.5, 0.5), c3 (1, 1, 1).
    const all = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW });
    expect(all.normal).toMatchObject({ campaigns: 3, rates: { delivered: 1, seen: 0.5, replied: 0.5 } });
    const c3 = deliveryFunnel(db, { workspaceId: fx.ws, now: NOW, campaignId: fx.campaigns.c3 });
    expect(stepCounts(c3)).toEqual({ sent: 2, delivered: 2, seen: 2, replied: 2 });
    // Before c3 started: c1 and c2 only.
    expect(c3.normal!.campaigns).toBe(2);
    expect(c3.normal!.rates.delivered).toBeCloseTo(0.9, 12);
    expect(c3.normal!.rates.seen).toBeCloseTo(0.45, 12);
    expect(c3.normal!.change.replied).toBeCloseTo(0.55, 12);
    expect(c3.previous).toBeNull();
  });

  it('lists the messages behind each step, newest first, with the reply that counts', () => {
    const ids = (segment: Parameters<typeof funnelDrilldown>[1]['segment'], extra = {}) => {
      const out = funnelDrilldown(db, { workspaceId: fx.ws, now: NOW, segment, ...extra });
      if (out.basis !== 'messages') throw new Error('expected messages');
      return { total: out.total, ids: out.items.map((i) => i.messageId), items: out.items };
    };
    const m = fx.m;
    expect(ids('not_delivered')).toMatchObject({ total: 1, ids: [m[4]] });
    expect(ids('delivered_not_seen')).toMatchObject({ total: 3, ids: [m[7], m[5], m[2]] });
    expect(ids('seen_not_replied')).toMatchObject({ total: 3, ids: [m[11], m[6], m[3]] });
    expect(ids('replied_not_seen')).toMatchObject({ total: 2, ids: [m[7], m[5]] });
    expect(ids('pending')).toMatchObject({ total: 1, ids: [m[10]] });
    const replied = ids('replied');
    expect(replied.ids).toEqual([m[9], m[8], m[7], m[5], m[1]]);
    expect(replied.items.map((i) => i.repliedAt)).toEqual([
      T0 + 3 * DAY_MS + 10 * MIN,
      T0 + 3 * DAY_MS + 10 * MIN,
      T0 + 2 * DAY_MS + 2 * HOUR_MS,
      T0 + HOUR_MS,
      T0 + 30 * MIN,
    ]);
    const inferred = ids('seen').items.find((i) => i.messageId === m[3])!;
    expect(inferred).toMatchObject({ deliveredAt: T0 + 3 * HOUR_MS, deliveredInferred: true, readAt: T0 + 3 * HOUR_MS });
    const corrected = ids('delivered_not_seen').items.find((i) => i.messageId === m[2])!;
    expect(corrected).toMatchObject({ deliveredAt: T0 + 2 * HOUR_MS, deliveredInferred: false });
    // Paging keeps the total.
    const page2 = funnelDrilldown(db, { workspaceId: fx.ws, now: NOW, segment: 'sent', limit: 4, offset: 4 });
    expect(page2.total).toBe(10);
    expect(page2.items.map((i) => (i as { messageId: number }).messageId)).toEqual([m[6], m[5], m[4], m[3]]);
  });

  it('lists the contacts behind a step on the contacts basis', () => {
    const out = funnelDrilldown(db, { workspaceId: fx.ws, now: NOW, basis: 'contacts', segment: 'replied_not_seen' });
    expect(out.basis).toBe('contacts');
    expect(out.total).toBe(1);
    expect(out.items).toEqual([expect.objectContaining({ messages: 1, delivered: 1, seen: 0, replied: 1, pendingMessages: 0 })]);
    const notDelivered = funnelDrilldown(db, { workspaceId: fx.ws, now: NOW, basis: 'contacts', segment: 'not_delivered' });
    // d: one settled message never delivered, one pending.
    expect(notDelivered.items).toEqual([expect.objectContaining({ messages: 1, pendingMessages: 1, delivered: 0 })]);
  });

  it('refuses a Page or campaign of another workspace, and a reversed period', () => {
    const f = new Fixture(db);
    const other = f.workspace('UTC');
    const otherPage = f.page(other);
    const otherCampaign = f.campaign(other);
    expect(() => deliveryFunnel(db, { workspaceId: fx.ws, pageId: otherPage })).toThrow(/not in workspace/);
    expect(() => deliveryFunnel(db, { workspaceId: fx.ws, campaignId: otherCampaign })).toThrow(/not in workspace/);
    expect(() => deliveryFunnel(db, { workspaceId: 999 })).toThrow(/does not exist/);
    expect(() => deliveryFunnel(db, { workspaceId: fx.ws, from: 10, to: 5 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('delivery funnel against the domain definitions on seeded random data', () => {
  const filters = (w: ReturnType<typeof randomWorld>, rnd: () => number) => {
    const pageId = rnd() < 0.3 ? w.pages[Math.floor(rnd() * w.pages.length)] : undefined;
    const campaignId = rnd() < 0.3 ? w.campaigns[Math.floor(rnd() * w.campaigns.length)] : undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (rnd() < 0.7) {
      from = w.start + Math.floor(rnd() * 10 * DAY_MS);
      to = from + 1 + Math.floor(rnd() * 12 * DAY_MS);
      if (rnd() < 0.3) from = Math.floor(from / HOUR_MS) * HOUR_MS;
    }
    const keep = (m: Msg) =>
      (pageId === undefined || m.page === pageId) && (campaignId === undefined || m.campaign === campaignId) && (from === undefined || m.sentAt >= from) && (to === undefined || m.sentAt < to);
    return { pageId, campaignId, from, to, keep };
  };
  const asCounts = (out: ReturnType<typeof deliveryFunnel>): RefCounts => {
    const s = Object.fromEntries(out.steps.map((x) => [x.step, x]));
    return {
      sent: s.sent!.count,
      delivered: s.delivered!.count,
      seen: s.seen!.count,
      replied: s.replied!.count,
      seenReplied: s.replied!.count - s.replied!.reachedWithoutPrevious,
      pending: out.pending,
    };
  };

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches the reference for many scopes (seed ${seed})`, () => {
      const db = openDb();
      const f = new Fixture(db);
      const w = randomWorld(f, seed);
      const rnd = createRandom(seed * 7919);
      for (let k = 0; k < 25; k++) {
        const q = filters(w, rnd);
        const horizonMs = [HOUR_MS, 6 * HOUR_MS, DAY_MS, 3 * DAY_MS, 2 * HOUR_MS, 90 * MIN][Math.floor(rnd() * 6)]!;
        const replyWindowMs = rnd() < 0.7 ? DAY_MS : 12 * HOUR_MS;
        const now = w.start + Math.floor(rnd() * 26 * DAY_MS);
        const basis = rnd() < 0.25 ? ('contacts' as const) : ('messages' as const);
        const out = deliveryFunnel(db, { workspaceId: w.workspaceId, pageId: q.pageId, campaignId: q.campaignId, from: q.from, to: q.to, now, horizonMs, replyWindowMs, basis });
        expect(asCounts(out), JSON.stringify({ ...q, keep: undefined, horizonMs, replyWindowMs, now, basis })).toEqual(
          referenceFunnel(w.messages, q.keep, { horizonMs, replyWindowMs, now, basis }),
        );
        if (q.from !== undefined && q.to !== undefined) {
          const prevFrom = q.from - (q.to - q.from);
          const prev = referenceFunnel(w.messages, (m) => q.keep({ ...m, sentAt: q.from! }) && m.sentAt >= prevFrom && m.sentAt < q.from!, { horizonMs, replyWindowMs, now, basis });
          expect(out.previous).toMatchObject({ sent: prev.sent, pending: prev.pending });
        }
      }
    });
  }

  it('stays exact while receipts, messages, contacts and campaigns change after the rollup was built', () => {
    const db = openDb();
    const f = new Fixture(db);
    const w = randomWorld(f, 42);
    const rnd = createRandom(4242);
    const now = w.end + 3 * DAY_MS;
    const check = () => {
      for (const horizonMs of [DAY_MS, HOUR_MS]) {
        const out = deliveryFunnel(db, { workspaceId: w.workspaceId, now, horizonMs });
        expect(asCounts(out)).toEqual(referenceFunnel(w.messages, () => true, { horizonMs, replyWindowMs: DAY_MS, now }));
      }
    };
    check();
    const outs = () => w.messages.filter((m) => m.direction === 'out');
    for (let round = 0; round < 6; round++) {
      // A late delivery, a late read, a new send, a new reply: the importer's everyday writes.
      const undelivered = outs().filter((m) => m.deliveredAt === null);
      const target = undelivered[Math.floor(rnd() * undelivered.length)];
      if (target) {
        const at = target.sentAt + Math.floor(rnd() * 2 * DAY_MS);
        f.deliver(target.id, at);
        target.deliveredAt = at;
      }
      const unread = outs().filter((m) => m.readAt === null && m.deliveredAt !== null);
      const toRead = unread[Math.floor(rnd() * unread.length)];
      if (toRead) {
        const at = toRead.deliveredAt! + Math.floor(rnd() * DAY_MS);
        f.read(toRead.id, at);
        toRead.readAt = at;
      }
      const contact = w.contacts[Math.floor(rnd() * w.contacts.length)]!;
      const page = w.messages.find((m) => m.contact === contact)?.page ?? w.pages[0]!;
      const sentAt = w.start + Math.floor(rnd() * 20 * DAY_MS);
      const id = f.out(contact, sentAt, { delivered: sentAt + 1000 });
      w.messages.push({ id, contact, page, direction: 'out', sentAt, deliveredAt: sentAt + 1000, readAt: null, campaign: null });
      // A reply just after an older send changes that send's "replied".
      const older = outs()[Math.floor(rnd() * outs().length)]!;
      const replyAt = older.sentAt + 1 + Math.floor(rnd() * HOUR_MS);
      const inId = f.in(older.contact, replyAt);
      w.messages.push({ id: inId, contact: older.contact, page: older.page, direction: 'in', sentAt: replyAt, deliveredAt: null, readAt: null, campaign: null });
      check();
    }
    // Deleting a message, a contact, and a campaign (its messages keep existing, outside any campaign).
    const gone = outs()[0]!;
    db.prepare('DELETE FROM messages WHERE id = ?').run(gone.id);
    w.messages.splice(w.messages.indexOf(gone), 1);
    check();
    const contact = w.contacts[3]!;
    db.prepare('DELETE FROM contacts WHERE id = ?').run(contact);
    w.messages = w.messages.filter((m) => m.contact !== contact);
    check();
    db.prepare('DELETE FROM campaigns WHERE id = ?').run(w.campaigns[0]);
    for (const m of w.messages) if (m.campaign === w.campaigns[0]) m.campaign = null;
    check();
    const c1 = deliveryFunnel(db, { workspaceId: w.workspaceId, now, campaignId: w.campaigns[1] });
    expect(asCounts(c1)).toEqual(referenceFunnel(w.messages, (m) => m.campaign === w.campaigns[1], { horizonMs: DAY_MS, replyWindowMs: DAY_MS, now }));
  });

  it('answers from the messages alone on a read-only store, with the same numbers', () => {
    const tmp = makeTempDir();
    try {
      const file = path.join(tmp.dir, 'relais.sqlite');
      const db = openDb(file);
      const w = db.transaction(() => randomWorld(new Fixture(db), 9))();
      const now = w.end + DAY_MS;
      const writable = deliveryFunnel(db, { workspaceId: w.workspaceId, now });
      // A stale rollup must not be read where it cannot be refreshed.
      db.prepare("UPDATE messages SET read_at = NULL WHERE direction = 'out' AND id % 2 = 0").run();
      const changed = deliveryFunnel(db, { workspaceId: w.workspaceId, now });
      db.prepare("UPDATE monitoring_hourly SET sent = 0").run();
      db.prepare('INSERT INTO monitoring_changes (contact_ref, hour) VALUES (?, 0)').run(w.contacts[0]);
      db.close();
      const readonly = new Database(file, { readonly: true });
      expect(deliveryFunnel(readonly, { workspaceId: w.workspaceId, now })).toEqual(changed);
      expect(changed.steps[2]!.count).toBeLessThan(writable.steps[2]!.count);
      readonly.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('finds the reply the domain defines', () => {
    // Guard the reference itself on the hand fixture's trickiest cases.
    const msgs: Msg[] = [
      { id: 1, contact: 1, page: 1, direction: 'out', sentAt: 0, deliveredAt: null, readAt: null, campaign: null },
      { id: 2, contact: 1, page: 1, direction: 'out', sentAt: 0, deliveredAt: null, readAt: null, campaign: null },
      { id: 3, contact: 1, page: 1, direction: 'in', sentAt: 0, deliveredAt: null, readAt: null, campaign: null },
      { id: 4, contact: 1, page: 1, direction: 'in', sentAt: 5, deliveredAt: null, readAt: null, campaign: null },
    ];
    expect(referenceReply(msgs, msgs[0]!, DAY_MS)).toBe(5);
    expect(referenceReply(msgs, msgs[1]!, DAY_MS)).toBe(5);
    expect(referenceReply(msgs, msgs[0]!, 4)).toBeNull();
  });
});
