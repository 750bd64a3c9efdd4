/**
 * Webhook events for ingestion tests, and the reference answer computed from them straight
 * from domain.md by brute force (no indexes, no frontiers, no batches): the importer must
 * agree with it whatever the order, duplication or batching of the archive.
 */

export type EventSpec =
  | { kind: 'echo'; pageId: string; psid: string; mid: string; at: number; metadata?: string }
  | { kind: 'inbound'; pageId: string; psid: string; mid: string; at: number }
  | { kind: 'delivery'; pageId: string; psid: string; at: number | null; watermark: number | null; mids: string[]; entryTime: number }
  | { kind: 'read'; pageId: string; psid: string; at: number | null; watermark: number; entryTime: number }
  | { kind: 'other'; pageId: string; psid: string; at: number; type: 'postback' | 'reaction' | 'optin' };

export const T0 = Date.UTC(2026, 2, 2, 11, 0, 0);
export const PAGE_A = '111000000000001';
export const PAGE_B = '111000000000002';

/** The Messenger JSON of one event, as it sits in `messaging`. */
export function messagingJson(e: EventSpec): Record<string, unknown> {
  switch (e.kind) {
    case 'echo': {
      const message: Record<string, unknown> = { mid: e.mid, is_echo: true, app_id: 1517, text: 'Menu du jour' };
      if (e.metadata !== undefined) message.metadata = e.metadata;
      return { sender: { id: e.pageId }, recipient: { id: e.psid }, timestamp: e.at, message };
    }
    case 'inbound':
      return { sender: { id: e.psid }, recipient: { id: e.pageId }, timestamp: e.at, message: { mid: e.mid, text: 'Bonjour !' } };
    case 'delivery': {
      const delivery: Record<string, unknown> = {};
      if (e.mids.length > 0) delivery.mids = e.mids;
      if (e.watermark !== null) delivery.watermark = e.watermark;
      const ev: Record<string, unknown> = { sender: { id: e.psid }, recipient: { id: e.pageId }, delivery };
      if (e.at !== null) ev.timestamp = e.at;
      return ev;
    }
    case 'read': {
      const ev: Record<string, unknown> = { sender: { id: e.psid }, recipient: { id: e.pageId }, read: { watermark: e.watermark } };
      if (e.at !== null) ev.timestamp = e.at;
      return ev;
    }
    case 'other': {
      const payload = e.type === 'postback' ? { postback: { title: 'Réserver', payload: 'BOOK' } } : e.type === 'reaction' ? { reaction: { mid: 'm_x', action: 'react', emoji: '👍' } } : { optin: { type: 'notification_messages' } };
      return { sender: { id: e.psid }, recipient: { id: e.pageId }, timestamp: e.at, ...payload };
    }
  }
}

/** The entry time an event travels with (deliveries and reads without a timestamp fall back to it). */
export function entryTimeOf(e: EventSpec): number {
  if (e.kind === 'delivery' || e.kind === 'read') return e.entryTime;
  return e.at + 5;
}

/** One webhook body per event: the usual shape of an archive line. */
export function bodyLine(e: EventSpec): string {
  return JSON.stringify({ object: 'page', entry: [{ id: e.pageId, time: entryTimeOf(e), messaging: [messagingJson(e)] }] });
}

/** One body holding several events of one Page (Meta batches them). */
export function batchedBodyLine(events: EventSpec[]): string {
  const pageId = events[0]!.pageId;
  const time = entryTimeOf(events[0]!);
  return JSON.stringify({ object: 'page', entry: [{ id: pageId, time, messaging: events.map(messagingJson) }] });
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export const campaignMetadata = (campaign: string, variant: string) =>
  JSON.stringify({ relais: { campaign, campaignName: `Campaign ${campaign}`, kind: 'flash_promo', variant } });

/**
 * A random but plausible history: threads on two Pages, messages, and receipts that cover
 * them by watermark, by mid, by both, late, early, out of order; reads that come before any
 * delivery (inferred delivery) and deliveries that come after a read.
 */
export function randomScenario(seed: number, opts: { threads?: number; messagesPerThread?: number } = {}): EventSpec[] {
  const random = mulberry32(seed);
  const threads = opts.threads ?? 12;
  const perThread = opts.messagesPerThread ?? 6;
  const events: EventSpec[] = [];
  let midNo = 0;
  // Mids sent in earlier threads: a delivery may (wrongly) name one, or one that never comes.
  const elsewhere: string[] = [];
  for (let th = 0; th < threads; th++) {
    const pageId = th % 3 === 2 ? PAGE_B : PAGE_A;
    const psid = String(9100000000000000 + th * 7919);
    let t = T0 + Math.floor(random() * 3_600_000);
    const sent: { mid: string; at: number }[] = [];
    for (let k = 0; k < perThread; k++) {
      t += 1 + Math.floor(random() * 600_000);
      if (random() < 0.2) {
        events.push({ kind: 'inbound', pageId, psid, mid: `m_in_${seed}_${++midNo}`, at: t });
        continue;
      }
      const mid = `m_${seed}_${++midNo}`;
      const metadata = random() < 0.5 ? campaignMetadata(random() < 0.5 ? 'promo' : 'news', random() < 0.5 ? 'A' : 'B') : undefined;
      events.push({ kind: 'echo', pageId, psid, mid, at: t, ...(metadata ? { metadata } : {}) });
      sent.push({ mid, at: t });
    }
    const receipts = 1 + Math.floor(random() * perThread);
    for (let r = 0; r < receipts; r++) {
      const target = sent[Math.floor(random() * Math.max(1, sent.length))];
      const base = target?.at ?? t;
      const at = base + Math.floor((random() - 0.1) * 3_000_000);
      const watermark = base + (random() < 0.3 ? 0 : Math.floor((random() - 0.5) * 600_000));
      const roll = random();
      if (roll < 0.35) {
        events.push({ kind: 'delivery', pageId, psid, at: random() < 0.8 ? at : null, watermark, mids: [], entryTime: at + 40 });
      } else if (roll < 0.5) {
        // mids only: covers exactly the listed messages, whatever their time.
        const mids = target ? [target.mid] : [];
        if (mids.length > 0) events.push({ kind: 'delivery', pageId, psid, at, watermark: null, mids, entryTime: at + 40 });
      } else if (roll < 0.6) {
        const mids = sent.filter(() => random() < 0.4).map((s) => s.mid);
        if (random() < 0.3 && elsewhere.length > 0) mids.push(elsewhere[Math.floor(random() * elsewhere.length)]!);
        if (random() < 0.2) mids.push(`m_never_${seed}_${th}`);
        events.push({ kind: 'delivery', pageId, psid, at, watermark: watermark - 900_000, mids, entryTime: at + 40 });
      } else if (roll < 0.95) {
        events.push({ kind: 'read', pageId, psid, at: random() < 0.8 ? at : null, watermark, entryTime: at + 40 });
      } else {
        events.push({ kind: 'other', pageId, psid, at, type: random() < 0.5 ? 'postback' : 'reaction' });
      }
    }
    elsewhere.push(...sent.map((x) => x.mid));
  }
  return events;
}

export interface ExpectedMessage {
  mid: string;
  pageId: string;
  psid: string;
  direction: 'out' | 'in';
  sentAt: number;
  deliveredAt: number | null;
  inferred: 0 | 1;
  readAt: number | null;
  campaign: string | null;
  variant: string | null;
}

export interface ExpectedContact {
  pageId: string;
  psid: string;
  firstInbound: number | null;
  lastInbound: number | null;
}

const timeOf = (e: Extract<EventSpec, { kind: 'delivery' | 'read' }>) => e.at ?? e.entryTime;
const minOf = (xs: number[]) => (xs.length === 0 ? null : Math.min(...xs));

/**
 * domain.md, literally: delivered_at(m) = min time(d) over deliveries of m's thread with
 * watermark ≥ sent_at(m) or m ∈ mids(d); read_at likewise over reads; a read earlier than any
 * covering delivery (or with none) gives delivered_at = read_at, inferred.
 */
export function expectedStore(events: readonly EventSpec[]): { messages: ExpectedMessage[]; contacts: ExpectedContact[] } {
  const messages = new Map<string, ExpectedMessage>();
  const contacts = new Map<string, ExpectedContact>();
  const contact = (pageId: string, psid: string) => {
    const key = `${pageId}/${psid}`;
    let c = contacts.get(key);
    if (!c) {
      c = { pageId, psid, firstInbound: null, lastInbound: null };
      contacts.set(key, c);
    }
    return c;
  };
  for (const e of events) {
    contact(e.pageId, e.psid);
    if (e.kind === 'inbound') {
      const c = contact(e.pageId, e.psid);
      c.firstInbound = c.firstInbound === null ? e.at : Math.min(c.firstInbound, e.at);
      c.lastInbound = c.lastInbound === null ? e.at : Math.max(c.lastInbound, e.at);
      if (!messages.has(e.mid)) {
        messages.set(e.mid, { mid: e.mid, pageId: e.pageId, psid: e.psid, direction: 'in', sentAt: e.at, deliveredAt: null, inferred: 0, readAt: null, campaign: null, variant: null });
      }
    }
  }
  for (const e of events) {
    if (e.kind !== 'echo' || messages.has(e.mid)) continue;
    const tag = e.metadata ? (JSON.parse(e.metadata) as { relais: { campaign: string; variant: string } }).relais : null;
    const sameThread = (r: EventSpec) => r.pageId === e.pageId && r.psid === e.psid;
    const deliveries = events.filter((r): r is Extract<EventSpec, { kind: 'delivery' }> => r.kind === 'delivery' && sameThread(r));
    const reads = events.filter((r): r is Extract<EventSpec, { kind: 'read' }> => r.kind === 'read' && sameThread(r));
    const d = minOf(deliveries.filter((r) => (r.watermark !== null && r.watermark >= e.at) || r.mids.includes(e.mid)).map(timeOf));
    const r = minOf(reads.filter((x) => x.watermark >= e.at).map(timeOf));
    const inferred = r !== null && (d === null || d > r);
    messages.set(e.mid, {
      mid: e.mid,
      pageId: e.pageId,
      psid: e.psid,
      direction: 'out',
      sentAt: e.at,
      deliveredAt: inferred ? r : d,
      inferred: inferred ? 1 : 0,
      readAt: r,
      campaign: tag?.campaign ?? null,
      variant: tag?.variant ?? null,
    });
  }
  return {
    messages: [...messages.values()].sort((a, b) => (a.mid < b.mid ? -1 : a.mid > b.mid ? 1 : 0)),
    contacts: [...contacts.values()].sort((a, b) => `${a.pageId}/${a.psid}`.localeCompare(`${b.pageId}/${b.psid}`)),
  };
}
