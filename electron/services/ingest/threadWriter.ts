import type { Database, Statement } from 'better-sqlite3';
import { parseCampaignTag, type CampaignTag, type MessagingEvent } from '../../../shared/domain/webhook';
import { BatchReceipts, resolveReceipts } from './batchReceipts';

/**
 * Writes webhook events into threads, following domain.md:
 *
 *   delivered_at(m) = min time(d) over deliveries d of m's thread with watermark(d) ≥ sent_at(m) or m ∈ mids(d)
 *   read_at(m)      = the same over reads
 *
 * and a read implies delivery: when a read is earlier than every delivery covering m (or none
 * covers it), delivered_at = that read's time, marked inferred; a delivery at or before it
 * later replaces the inferred value. Every write is a `min`, so the result depends only on the
 * set of events, not their order or repetition. That freedom is used to work a batch at a time:
 *
 *  1. messages of the batch are inserted with their times already resolved from the batch's
 *     receipts (in memory) and from receipts stored earlier (by the INSERT, only when some
 *     could cover them);
 *  2. the batch's receipts are stored, and applied with one indexed range UPDATE only to the
 *     messages that existed before the batch and that no earlier receipt already settled.
 *
 * In a time-ordered archive a message and its receipts usually share a batch, so most rows are
 * written once with their final values.
 */

/**
 * A message the Graph history sync brought in first (sent_at_source 'graph', second precision)
 * takes the webhook's ms time, its receipt times resolved for that time and its campaign; any
 * other existing row stays as it is. One row per mid whoever saw it first (issue #5).
 */
const REFINE_GRAPH_ROW = `ON CONFLICT (mid) DO UPDATE SET
        sent_at = excluded.sent_at, sent_at_source = excluded.sent_at_source,
        delivered_at = excluded.delivered_at, delivered_inferred = excluded.delivered_inferred, read_at = excluded.read_at,
        campaign_id = coalesce(messages.campaign_id, excluded.campaign_id), variant_id = coalesce(messages.variant_id, excluded.variant_id)
      WHERE messages.sent_at_source = 'graph' AND messages.contact_ref = excluded.contact_ref AND messages.direction = excluded.direction`;

/** Lower bound meaning "no lower bound" for sent_at. */
const NO_FRONTIER = Number.MIN_SAFE_INTEGER;

interface ThreadState {
  contactId: number;
  firstInbound: number | null;
  lastInbound: number | null;
  /**
   * Highest watermark of the thread's stored deliveries and reads, and how many deliveries by
   * mid wait for their message: an echo sent after both, with nothing waiting, cannot be
   * covered by any stored receipt, so its INSERT need not look them up.
   */
  storedDeliveryW: number;
  storedReadW: number;
  pendingMids: number;
  /** Latest sent_at of the thread's messages (an upper bound), and its value before the current batch. */
  maxSentAt: number;
  maxSentAtBeforeBatch: number;
  batch: number;
  /** This batch's receipts of the thread, valid while receiptsBatch is the current batch. */
  receipts: BatchReceipts | null;
  receiptsBatch: number;
  /**
   * Frontiers: a receipt (w, t) already applied in this run, so every outbound message sent at
   * or before w has its time ≤ t. A later receipt with time ≥ t need only look at messages
   * sent after w.
   */
  deliveryW: number;
  deliveryT: number;
  readW: number;
  readT: number;
}

interface RecentSend {
  contactId: number;
  sentAt: number;
  batch: number;
}

const RECENT_SENDS_PER_GENERATION = 50_000;

type Echo = Extract<MessagingEvent, { kind: 'echo' }>;
type Delivery = Extract<MessagingEvent, { kind: 'delivery' }>;
type Read = Extract<MessagingEvent, { kind: 'read' }>;

/** Sorted and unique, so two copies of a delivery listing the same mids store the same text. */
function canonicalMids(mids: string[]): string | null {
  if (mids.length === 0) return null;
  if (mids.length === 1) return JSON.stringify(mids);
  return JSON.stringify([...new Set(mids)].sort());
}

export interface ThreadWriterOptions {
  /** Threads remembered across batches; past this the cache starts over at the next batch, keeping memory flat. */
  maxCachedThreads?: number;
}

export class ThreadWriter {
  private readonly threads = new Map<number, Map<string, ThreadState>>();
  private cachedThreads = 0;
  private readonly maxCachedThreads: number;
  private readonly campaigns = new Map<string, { id: number; createdAt: number }>();
  private readonly variants = new Map<string, number>();
  private readonly tags = new Map<string, CampaignTag | null>();
  /**
   * Messages inserted lately in this run (mid → thread, sent_at, batch), to skip mids already
   * accounted for. Two generations: when the young one fills up the old one is dropped whole.
   */
  private recentSends = new Map<string, RecentSend>();
  private olderSends = new Map<string, RecentSend>();
  private batch = 0;

  private readonly selectContact: Statement;
  private readonly insertContact: Statement;
  private readonly insertEcho: Statement;
  private readonly insertEchoResolved: Statement;
  private readonly dropPendingMid: Statement;
  private readonly insertInbound: Statement;
  private readonly touchInbound: Statement;
  private readonly insertReceipt: Statement;
  private readonly deliverRange: Statement;
  private readonly deliverMid: Statement;
  private readonly keepPendingMid: Statement;
  private readonly readRange: Statement;
  private readonly selectCampaign: Statement;
  private readonly insertCampaign: Statement;
  private readonly moveCampaignEarlier: Statement;
  private readonly selectVariant: Statement;
  private readonly insertVariant: Statement;

  constructor(
    db: Database,
    private readonly workspaceId: number,
    /** Page id → pages.id, for the Pages this import may write to. */
    private readonly pageRefs: ReadonlyMap<string, number>,
    opts: ThreadWriterOptions = {},
  ) {
    this.maxCachedThreads = opts.maxCachedThreads ?? 200_000;
    this.selectContact = db.prepare(`
      SELECT id, first_inbound_at AS firstInbound, last_inbound_at AS lastInbound,
        (SELECT max(watermark) FROM receipt_events WHERE contact_ref = contacts.id AND kind = 'delivery') AS storedDeliveryW,
        (SELECT max(watermark) FROM receipt_events WHERE contact_ref = contacts.id AND kind = 'read') AS storedReadW,
        (SELECT count(*) FROM receipt_mids WHERE contact_ref = contacts.id) AS pendingMids,
        (SELECT max(sent_at) FROM messages WHERE contact_ref = contacts.id) AS maxSentAt
      FROM contacts WHERE page_ref = ? AND psid = ?`);
    this.insertContact = db.prepare('INSERT INTO contacts (page_ref, psid) VALUES (?, ?)');
    // Receipts stored before this message (by watermark or by mid), and the batch's own
    // (passed in), give its times as it is created.
    this.insertEcho = db.prepare(`
      INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, delivered_inferred, read_at, campaign_id, variant_id)
      SELECT ?, ?, 'out', ?, 'echo',
        CASE WHEN r IS NOT NULL AND (d IS NULL OR d > r) THEN r ELSE d END,
        CASE WHEN r IS NOT NULL AND (d IS NULL OR d > r) THEN 1 ELSE 0 END,
        r, ?, ?
      FROM (SELECT
        (SELECT min(t) FROM (
          SELECT min(event_time) AS t FROM receipt_events WHERE contact_ref = ? AND kind = 'delivery' AND watermark >= ?
          UNION ALL SELECT event_time FROM receipt_mids WHERE mid = ? AND contact_ref = ?
          UNION ALL SELECT ?)) AS d,
        (SELECT min(t) FROM (
          SELECT min(event_time) AS t FROM receipt_events WHERE contact_ref = ? AND kind = 'read' AND watermark >= ?
          UNION ALL SELECT ?)) AS r)
      WHERE true
      ${REFINE_GRAPH_ROW}`);
    this.insertEchoResolved = db.prepare(`
      INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, delivered_inferred, read_at, campaign_id, variant_id)
      VALUES (?, ?, 'out', ?, 'echo', ?, ?, ?, ?, ?)
      ${REFINE_GRAPH_ROW}`);
    this.dropPendingMid = db.prepare('DELETE FROM receipt_mids WHERE mid = ? AND contact_ref = ?');
    this.insertInbound = db.prepare(
      `INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound') ${REFINE_GRAPH_ROW}`,
    );
    this.touchInbound = db.prepare(`
      UPDATE contacts SET
        first_inbound_at = CASE WHEN first_inbound_at IS NULL OR first_inbound_at > ? THEN ? ELSE first_inbound_at END,
        last_inbound_at = CASE WHEN last_inbound_at IS NULL OR last_inbound_at < ? THEN ? ELSE last_inbound_at END
      WHERE id = ?`);
    // A replayed receipt is the same row. The earliest reception and the union of mids (sorted)
    // are kept, so the row is the same whatever order the copies came in.
    this.insertReceipt = db.prepare(`
      INSERT INTO receipt_events (contact_ref, kind, watermark, event_time, mids, received_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (contact_ref, kind, watermark, event_time) DO UPDATE SET
        received_at = min(receipt_events.received_at, excluded.received_at),
        mids = CASE
          WHEN excluded.mids IS NULL THEN receipt_events.mids
          WHEN receipt_events.mids IS NULL THEN excluded.mids
          ELSE (SELECT json_group_array(value ORDER BY value) FROM
                 (SELECT value FROM json_each(receipt_events.mids) UNION SELECT value FROM json_each(excluded.mids)))
        END
      WHERE excluded.received_at < receipt_events.received_at
         OR (excluded.mids IS NOT NULL AND (receipt_events.mids IS NULL OR excluded.mids <> receipt_events.mids))`);
    this.deliverRange = db.prepare(`
      UPDATE messages SET delivered_at = ?, delivered_inferred = 0
      WHERE contact_ref = ? AND direction = 'out' AND sent_at > ? AND sent_at <= ?
        AND (delivered_at IS NULL OR delivered_at > ? OR (delivered_at = ? AND delivered_inferred = 1))`);
    this.deliverMid = db.prepare(`
      UPDATE messages SET delivered_at = ?, delivered_inferred = 0
      WHERE mid = ? AND contact_ref = ? AND direction = 'out'
        AND (delivered_at IS NULL OR delivered_at > ? OR (delivered_at = ? AND delivered_inferred = 1))`);
    // Kept only while its thread has no such message; the message's INSERT reads it and then it
    // goes. A mid naming another thread's message never applies (domain.md: d in thread(m)) and
    // stays, whichever came first, so the store does not depend on arrival order.
    this.keepPendingMid = db.prepare(`
      INSERT INTO receipt_mids (mid, contact_ref, event_time)
      SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE mid = ? AND contact_ref = ?)
      ON CONFLICT (mid, contact_ref) DO UPDATE SET event_time = excluded.event_time WHERE excluded.event_time < receipt_mids.event_time`);
    // One pass sets read_at and, where the read comes first, the inferred delivery.
    this.readRange = db.prepare(`
      UPDATE messages SET
        read_at = CASE WHEN read_at IS NULL OR read_at > ? THEN ? ELSE read_at END,
        delivered_inferred = CASE WHEN delivered_at IS NULL OR delivered_at > ? THEN 1 ELSE delivered_inferred END,
        delivered_at = CASE WHEN delivered_at IS NULL OR delivered_at > ? THEN ? ELSE delivered_at END
      WHERE contact_ref = ? AND direction = 'out' AND sent_at > ? AND sent_at <= ?
        AND (read_at IS NULL OR read_at > ? OR delivered_at IS NULL OR delivered_at > ?)`);
    this.selectCampaign = db.prepare('SELECT id, created_at AS createdAt FROM campaigns WHERE workspace_id = ? AND external_ref = ?');
    this.insertCampaign = db.prepare('INSERT INTO campaigns (workspace_id, name, kind, external_ref, created_at) VALUES (?, ?, ?, ?, ?)');
    this.moveCampaignEarlier = db.prepare('UPDATE campaigns SET created_at = ? WHERE id = ? AND created_at > ?');
    this.selectVariant = db.prepare('SELECT id FROM variants WHERE campaign_id = ? AND name = ?');
    this.insertVariant = db.prepare('INSERT INTO variants (campaign_id, name, external_ref) VALUES (?, ?, ?)');
  }

  /**
   * Applies a batch of events; call inside a transaction. The result does not depend on their
   * order. If the transaction rolls back, drop this writer: its caches name rows that are gone.
   */
  applyBatch(events: readonly MessagingEvent[]): void {
    this.batch++;
    // Only between batches: within one, a thread must stay one object (its batch receipts and
    // "sent before this batch" live on it). A batch adds at most its own threads past the cap.
    if (this.cachedThreads >= this.maxCachedThreads) {
      this.threads.clear();
      this.cachedThreads = 0;
    }
    const batch = this.batch;
    const receiptThreads: ThreadState[] = [];
    const receipts: (Delivery | Read)[] = [];
    for (const e of events) {
      if (e.kind !== 'delivery' && e.kind !== 'read') continue;
      const thread = this.thread(e.pageId, e.psid);
      receiptThreads.push(thread);
      receipts.push(e);
      if (thread.receiptsBatch !== batch || thread.receipts === null) {
        thread.receipts = new BatchReceipts();
        thread.receiptsBatch = batch;
      }
      if (e.kind === 'delivery') thread.receipts.addDelivery(e.watermark, e.time, e.mids);
      else thread.receipts.addRead(e.watermark, e.time);
    }
    for (const e of events) {
      if (e.kind === 'echo') {
        const thread = this.thread(e.pageId, e.psid);
        this.applyEcho(thread, e, thread.receiptsBatch === batch ? thread.receipts : null);
      } else if (e.kind === 'inbound') {
        this.applyInbound(this.thread(e.pageId, e.psid), e.mid, e.sentAt);
      }
    }
    for (let i = 0; i < receipts.length; i++) {
      const event = receipts[i]!;
      const thread = receiptThreads[i]!;
      if (event.kind === 'delivery') this.applyDelivery(thread, event);
      else this.applyRead(thread, event);
    }
    // Drop the batch's receipts so they do not outlive it in the thread cache.
    for (const thread of receiptThreads) thread.receipts = null;
  }

  private thread(pageId: string, psid: string): ThreadState {
    const pageRef = this.pageRefs.get(pageId);
    if (pageRef === undefined) throw new Error(`Page ${pageId} is not in workspace ${this.workspaceId}`);
    let byPsid = this.threads.get(pageRef);
    if (byPsid === undefined) {
      byPsid = new Map();
      this.threads.set(pageRef, byPsid);
    }
    const known = byPsid.get(psid);
    if (known !== undefined) return known;
    const row = this.selectContact.get(pageRef, psid) as
      | {
          id: number;
          firstInbound: number | null;
          lastInbound: number | null;
          storedDeliveryW: number | null;
          storedReadW: number | null;
          pendingMids: number;
          maxSentAt: number | null;
        }
      | undefined;
    const state: ThreadState = {
      contactId: row ? row.id : Number(this.insertContact.run(pageRef, psid).lastInsertRowid),
      firstInbound: row ? row.firstInbound : null,
      lastInbound: row ? row.lastInbound : null,
      storedDeliveryW: row?.storedDeliveryW ?? NO_FRONTIER,
      storedReadW: row?.storedReadW ?? NO_FRONTIER,
      pendingMids: row ? row.pendingMids : 0,
      maxSentAt: row?.maxSentAt ?? NO_FRONTIER,
      maxSentAtBeforeBatch: row?.maxSentAt ?? NO_FRONTIER,
      batch: this.batch,
      receipts: null,
      receiptsBatch: 0,
      deliveryW: NO_FRONTIER,
      deliveryT: 0,
      readW: NO_FRONTIER,
      readT: 0,
    };
    byPsid.set(psid, state);
    this.cachedThreads++;
    return state;
  }

  /** Latest sent_at among the thread's messages that existed before this batch. */
  private sentBeforeBatch(thread: ThreadState): number {
    return thread.batch === this.batch ? thread.maxSentAtBeforeBatch : thread.maxSentAt;
  }

  private noteSent(thread: ThreadState, sentAt: number): void {
    if (thread.batch !== this.batch) {
      thread.batch = this.batch;
      thread.maxSentAtBeforeBatch = thread.maxSentAt;
    }
    if (sentAt > thread.maxSentAt) thread.maxSentAt = sentAt;
  }

  private applyEcho(thread: ThreadState, e: Echo, batchReceipts: BatchReceipts | null): void {
    let campaignId: number | null = null;
    let variantId: number | null = null;
    const tag = e.metadata === null ? null : this.campaignTag(e.metadata);
    if (tag) {
      campaignId = this.campaign(tag, e.sentAt);
      variantId = tag.variant === null ? null : this.variant(campaignId, tag.variant);
    }
    const c = thread.contactId;
    const s = e.sentAt;
    const batchDelivered = batchReceipts?.deliveredAt(e.mid, s) ?? null;
    const batchRead = batchReceipts?.readAt(s) ?? null;
    let inserted: number;
    if (s > thread.storedDeliveryW && s > thread.storedReadW && thread.pendingMids === 0) {
      const r = resolveReceipts(batchDelivered, batchRead);
      inserted = this.insertEchoResolved.run(e.mid, c, s, r.deliveredAt, r.inferred ? 1 : 0, r.readAt, campaignId, variantId).changes;
    } else {
      inserted = this.insertEcho.run(e.mid, c, s, campaignId, variantId, c, s, e.mid, c, batchDelivered, c, s, batchRead).changes;
      if (inserted > 0 && thread.pendingMids > 0) thread.pendingMids -= this.dropPendingMid.run(e.mid, c).changes;
    }
    if (inserted > 0) {
      this.noteSent(thread, s);
      if (this.recentSends.size >= RECENT_SENDS_PER_GENERATION) {
        this.olderSends = this.recentSends;
        this.recentSends = new Map();
      }
      this.recentSends.set(e.mid, { contactId: c, sentAt: s, batch: this.batch });
    }
  }

  private applyInbound(thread: ThreadState, mid: string, sentAt: number): void {
    this.insertInbound.run(mid, thread.contactId, sentAt);
    // The 24-hour window opens at the last inbound message: keep the first and last ever seen.
    if (thread.firstInbound !== null && thread.lastInbound !== null && sentAt >= thread.firstInbound && sentAt <= thread.lastInbound) return;
    this.touchInbound.run(sentAt, sentAt, sentAt, sentAt, thread.contactId);
    thread.firstInbound = thread.firstInbound === null ? sentAt : Math.min(thread.firstInbound, sentAt);
    thread.lastInbound = thread.lastInbound === null ? sentAt : Math.max(thread.lastInbound, sentAt);
  }

  private applyDelivery(thread: ThreadState, e: Delivery): void {
    const c = thread.contactId;
    const t = e.time;
    // A delivery that lists mids only covers no message by watermark: 0 is below every sent_at.
    const w = e.watermark ?? 0;
    this.insertReceipt.run(c, 'delivery', w, t, canonicalMids(e.mids), e.receivedAt);
    if (w > thread.storedDeliveryW) thread.storedDeliveryW = w;
    if (e.watermark !== null && !(w <= thread.deliveryW && t >= thread.deliveryT)) {
      const from = thread.deliveryW !== NO_FRONTIER && t >= thread.deliveryT ? thread.deliveryW : NO_FRONTIER;
      // Messages of this batch already have this receipt; only older ones may need it.
      const upTo = Math.min(w, this.sentBeforeBatch(thread));
      if (upTo > from) this.deliverRange.run(t, c, from, upTo, t, t);
      if (w >= thread.deliveryW) {
        thread.deliveryW = w;
        thread.deliveryT = t;
      }
    }
    for (const mid of e.mids) {
      const sent = this.recentSends.get(mid) ?? this.olderSends.get(mid);
      if (sent !== undefined && sent.contactId === c) {
        // Inserted in this run in this thread: already given this receipt if inserted in this
        // batch or covered by the watermark; otherwise it exists, so update it.
        if (sent.batch === this.batch || (e.watermark !== null && sent.sentAt <= w)) continue;
        this.deliverMid.run(t, mid, c, t, t);
        continue;
      }
      if (this.deliverMid.run(t, mid, c, t, t).changes > 0) continue;
      if (this.keepPendingMid.run(mid, c, t, mid, c).changes > 0) thread.pendingMids++;
    }
  }

  private applyRead(thread: ThreadState, e: Read): void {
    const c = thread.contactId;
    const t = e.time;
    const w = e.watermark;
    this.insertReceipt.run(c, 'read', w, t, null, e.receivedAt);
    if (w > thread.storedReadW) thread.storedReadW = w;
    if (w <= thread.readW && t >= thread.readT) return;
    const from = thread.readW !== NO_FRONTIER && t >= thread.readT ? thread.readW : NO_FRONTIER;
    const upTo = Math.min(w, this.sentBeforeBatch(thread));
    if (upTo > from) this.readRange.run(t, t, t, t, t, c, from, upTo, t, t);
    if (w >= thread.readW) {
      thread.readW = w;
      thread.readT = t;
    }
  }

  private campaignTag(metadata: string): CampaignTag | null {
    let tag = this.tags.get(metadata);
    if (tag === undefined) {
      tag = parseCampaignTag(metadata);
      if (this.tags.size >= 10_000) this.tags.clear();
      this.tags.set(metadata, tag);
    }
    return tag;
  }

  /** Campaigns are found by their external ref; an imported one is dated by its first send. */
  private campaign(tag: CampaignTag, sentAt: number): number {
    let known = this.campaigns.get(tag.campaign);
    if (known === undefined) {
      const row = this.selectCampaign.get(this.workspaceId, tag.campaign) as { id: number; createdAt: number } | undefined;
      known = row ?? {
        id: Number(this.insertCampaign.run(this.workspaceId, tag.campaignName, tag.kind, tag.campaign, sentAt).lastInsertRowid),
        createdAt: sentAt,
      };
      this.campaigns.set(tag.campaign, known);
    }
    if (sentAt < known.createdAt) {
      this.moveCampaignEarlier.run(sentAt, known.id, sentAt);
      known.createdAt = sentAt;
    }
    return known.id;
  }

  private variant(campaignId: number, name: string): number {
    const key = `${campaignId}\u0000${name}`;
    let id = this.variants.get(key);
    if (id === undefined) {
      const row = this.selectVariant.get(campaignId, name) as { id: number } | undefined;
      id = row ? row.id : Number(this.insertVariant.run(campaignId, name, name).lastInsertRowid);
      this.variants.set(key, id);
    }
    return id;
  }
}
