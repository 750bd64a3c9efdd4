import fs from 'node:fs';
import { signWebhookBody } from './signature';

/**
 * A plain generator of valid webhook archives for benchmarks and tests: sends, their
 * deliveries and reads after random delays, and some inbound messages, emitted in time order
 * like a real archive. It models no behaviour (that is the simulator's job), only volume and shape.
 */
export interface SyntheticArchiveOptions {
  events: number;
  contacts?: number;
  pageIds?: string[];
  seed?: number;
  /** First send time, UTC ms. */
  start?: number;
  format?: 'ndjson' | 'json_array';
  /** Wrap each body with its signature, as a relay stores it. */
  appSecret?: string;
  /** Length of each message text; longer texts make a larger file for the same number of events. */
  textLength?: number;
}

export interface SyntheticArchiveStats {
  events: number;
  values: number;
  bytes: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pending {
  at: number;
  seq: number;
  pageId: string;
  event: object;
}

/** Min-heap on (time, creation order): ties keep a stable order so a seed always gives the same file. */
class EventQueue {
  private readonly items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  private less(a: Pending, b: Pending): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  push(p: Pending): void {
    const h = this.items;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  pop(): Pending | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const CAMPAIGNS = [
  { ref: 'lunch-week', name: 'Lunch of the week', kind: 'flash_promo', variants: ['A', 'B'] },
  { ref: 'opening-hours', name: 'Opening hours', kind: 'notice', variants: ['A'] },
  { ref: 'monthly-news', name: 'Monthly news', kind: 'newsletter', variants: ['short', 'long', 'emoji'] },
] as const;

/** The archive's values (webhook bodies, or wrappers), in time order. */
export function* syntheticArchiveValues(opts: SyntheticArchiveOptions): Generator<{ value: string; events: number }> {
  const random = mulberry32(opts.seed ?? 1);
  const contacts = opts.contacts ?? Math.max(10, Math.round(opts.events / 15));
  const pageIds = opts.pageIds ?? ['100000000000001'];
  const queue = new EventQueue();
  let seq = 0;
  let now = opts.start ?? Date.UTC(2026, 0, 5, 9, 0, 0);
  let generated = 0;
  let emitted = 0;
  let messageNo = 0;
  const psidOf = (c: number) => String(7000000000000000 + c);
  const baseText = 'Aujourd’hui : plat du jour à 12 €. ';
  const text = opts.textLength === undefined ? baseText : baseText.repeat(Math.ceil(opts.textLength / baseText.length)).slice(0, opts.textLength);

  const schedule = (at: number, pageId: string, event: object) => {
    queue.push({ at, seq: seq++, pageId, event });
    generated++;
  };

  while (emitted < opts.events) {
    // Keep a few sends ahead of what is emitted so receipts interleave with later sends.
    while (generated < opts.events && (queue.size < 64 || (queue.peek()?.at ?? Infinity) > now)) {
      now += 1 + Math.floor(random() * 2000);
      const c = Math.floor(random() * contacts);
      const pageId = pageIds[c % pageIds.length]!;
      const psid = psidOf(c);
      if (random() < 0.1) {
        schedule(now, pageId, { sender: { id: psid }, recipient: { id: pageId }, timestamp: now, message: { mid: `m_in_${++messageNo}`, text: 'Bonjour, une table pour deux ?' } });
        continue;
      }
      const mid = `m_${++messageNo}_${Math.floor(random() * 1e9).toString(36)}`;
      const message: Record<string, unknown> = { mid, is_echo: true, app_id: 1517, text };
      if (random() < 0.6) {
        const campaign = CAMPAIGNS[Math.floor(random() * CAMPAIGNS.length)]!;
        const variant = campaign.variants[Math.floor(random() * campaign.variants.length)]!;
        message.metadata = JSON.stringify({ relais: { campaign: campaign.ref, campaignName: campaign.name, kind: campaign.kind, variant } });
      }
      schedule(now, pageId, { sender: { id: pageId }, recipient: { id: psid }, timestamp: now, message });
      if (generated >= opts.events) continue;
      const deliveredAt = now + 200 + Math.floor(random() * random() * 3_600_000);
      const delivery: Record<string, unknown> = { watermark: now };
      if (random() < 0.5) delivery.mids = [mid];
      schedule(deliveredAt, pageId, { sender: { id: psid }, recipient: { id: pageId }, timestamp: deliveredAt, delivery });
      if (generated >= opts.events || random() < 0.3) continue;
      const readAt = deliveredAt + Math.floor(random() * random() * 7_200_000);
      schedule(readAt, pageId, { sender: { id: psid }, recipient: { id: pageId }, timestamp: readAt, read: { watermark: readAt } });
    }
    const next = queue.pop();
    if (next === undefined) break;
    emitted++;
    const body = JSON.stringify({ object: 'page', entry: [{ id: next.pageId, time: next.at + 30, messaging: [next.event] }] });
    if (opts.appSecret === undefined) yield { value: body, events: 1 };
    else yield { value: JSON.stringify({ raw: body, signature: signWebhookBody(body, opts.appSecret), received_at: next.at + 45 }), events: 1 };
  }
}

/** Writes an archive to disk in 1 MiB writes, so even a multi-GB file costs no memory. */
export function writeSyntheticArchive(file: string, opts: SyntheticArchiveOptions): SyntheticArchiveStats {
  const fd = fs.openSync(file, 'w');
  const stats: SyntheticArchiveStats = { events: 0, values: 0, bytes: 0 };
  const array = opts.format === 'json_array';
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    const chunk = Buffer.from(pending.join(''), 'utf8');
    fs.writeSync(fd, chunk);
    stats.bytes += chunk.length;
    pending = [];
    pendingLength = 0;
  };
  const write = (s: string) => {
    pending.push(s);
    pendingLength += s.length;
    if (pendingLength >= 1024 * 1024) flush();
  };
  try {
    if (array) write('[\n');
    for (const { value, events } of syntheticArchiveValues(opts)) {
      if (array) write(stats.values === 0 ? `  ${value}` : `,\n  ${value}`);
      else write(`${value}\n`);
      stats.values++;
      stats.events += events;
    }
    if (array) write('\n]\n');
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return stats;
}
