import { hash32 } from './rng';

/**
 * Messenger webhook payload shapes, as Meta sends them to a Page's webhook
 * (see ../shared/docs/messenger-platform.md). Delivery events also carry the delivery
 * moment in `timestamp`, as most real payloads do.
 */
export interface EchoEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message: { is_echo: true; mid: string; app_id: number; metadata?: string; text: string };
}

export interface InboundEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message: { mid: string; text: string };
}

export interface DeliveryEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  delivery: { mids?: string[]; watermark: number };
}

export interface ReadEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  read: { watermark: number };
}

export type MessagingEvent = EchoEvent | InboundEvent | DeliveryEvent | ReadEvent;
export type MessagingKind = 'echo' | 'message' | 'delivery' | 'read';

export interface WebhookEntry {
  id: string;
  time: number;
  messaging: MessagingEvent[];
}

export interface WebhookBody {
  object: 'page';
  entry: WebhookEntry[];
}

/** One webhook call as it reaches the receiver. */
export interface WebhookDelivery {
  /** The exact JSON text sent (what the signature covers). */
  readonly raw: string;
  /** The parsed body (built on first access; the archive path never needs it). */
  readonly body: WebhookBody;
  /** When the body reaches the receiver (ms). */
  readonly receivedAt: number;
  /** A repeat of a body already sent (Meta retrying). */
  readonly duplicate: boolean;
  /** Held back beyond its natural order. */
  readonly shuffled: boolean;
}

export class BodyDelivery implements WebhookDelivery {
  private parsed: WebhookBody | null = null;

  constructor(
    readonly raw: string,
    readonly receivedAt: number,
    readonly duplicate: boolean,
    readonly shuffled: boolean,
  ) {}

  get body(): WebhookBody {
    if (!this.parsed) this.parsed = JSON.parse(this.raw) as WebhookBody;
    return this.parsed;
  }
}

/** An event produced by the world at its true moment, already serialised. */
export interface ModelEvent {
  kind: MessagingKind;
  time: number;
  json: string;
}

/**
 * Deterministic message ids: `m_` + base64url of a 128-bit hash of seed/page/psid/seq.
 * The thread part is hashed once per thread (four independent 32-bit lanes); each id
 * then only mixes in its sequence number, which keeps ids cheap at a million events.
 */
export class MidFactory {
  private readonly lanes: Uint32Array;

  constructor(seed: string, pageId: string, psid: string) {
    this.lanes = new Uint32Array([hash32(seed, pageId, psid, 'mid', 0), hash32(seed, pageId, psid, 'mid', 1), hash32(seed, pageId, psid, 'mid', 2), hash32(seed, pageId, psid, 'mid', 3)]);
  }

  mid(seq: number): string {
    const l = this.lanes;
    const hi = Math.floor(seq / 4294967296);
    return `m_${b64(mix(l[0] as number, seq, hi, 0x9e3779b1))}${b64(mix(l[1] as number, seq, hi, 0x85ebca77))}${b64(mix(l[2] as number, seq, hi, 0xc2b2ae3d))}${b64(mix(l[3] as number, seq, hi, 0x27d4eb2f))}`;
  }
}

/** Message id of the seq-th message of a thread (same value as MidFactory gives). */
export function makeMid(seed: string, pageId: string, psid: string, seq: number): string {
  return new MidFactory(seed, pageId, psid).mid(seq);
}

function mix(lane: number, lo: number, hi: number, k: number): number {
  let h = (lane ^ Math.imul(lo | 0, k)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= Math.imul(hi | 0, 0x297a2d39);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h ^= h >>> 15;
  h = Math.imul(h ^ lane, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A 32-bit value as 6 base64url characters (the top 4 bits of the last one unused). */
function b64(x: number): string {
  return (
    (B64URL[x & 63] as string) +
    (B64URL[(x >>> 6) & 63] as string) +
    (B64URL[(x >>> 12) & 63] as string) +
    (B64URL[(x >>> 18) & 63] as string) +
    (B64URL[(x >>> 24) & 63] as string) +
    (B64URL[(x >>> 30) & 3] as string)
  );
}

/** Signed as Meta signs webhooks; one implementation for the simulator, the receiver and the importer. */
export { signBody } from '../webhooks/signature';

// Texts and metadata repeat a lot (pools, one metadata string per variant): escape each once.
const jsonStrings = new Map<string, string>();
function jsonString(v: string): string {
  let j = jsonStrings.get(v);
  if (j === undefined) {
    j = JSON.stringify(v);
    if (jsonStrings.size < 10_000) jsonStrings.set(v, j);
  }
  return j;
}

// The serialisers below write exactly what JSON.stringify would for the interfaces
// above (same key order); ids and mids are digits and base64url, so need no escaping.

export function echoJson(pageId: string, psid: string, sentAt: number, mid: string, appId: number, text: string, metadata: string | null): string {
  const meta = metadata === null ? '' : `"metadata":${jsonString(metadata)},`;
  return `{"sender":{"id":"${pageId}"},"recipient":{"id":"${psid}"},"timestamp":${sentAt},"message":{"is_echo":true,"mid":"${mid}","app_id":${appId},${meta}"text":${jsonString(text)}}}`;
}

export function inboundJson(pageId: string, psid: string, at: number, mid: string, text: string): string {
  return `{"sender":{"id":"${psid}"},"recipient":{"id":"${pageId}"},"timestamp":${at},"message":{"mid":"${mid}","text":${jsonString(text)}}}`;
}

export function deliveryJson(pageId: string, psid: string, at: number, watermark: number, mids: readonly string[] | null): string {
  const m = mids === null ? '' : `"mids":["${mids.join('","')}"],`;
  return `{"sender":{"id":"${psid}"},"recipient":{"id":"${pageId}"},"timestamp":${at},"delivery":{${m}"watermark":${watermark}}}`;
}

export function readJson(pageId: string, psid: string, at: number, watermark: number): string {
  return `{"sender":{"id":"${psid}"},"recipient":{"id":"${pageId}"},"timestamp":${at},"read":{"watermark":${watermark}}}`;
}

/** A body's JSON from its entries' serialised events. */
export function bodyJson(pageId: string, entries: readonly { time: number; events: readonly string[] }[]): string {
  let out = '{"object":"page","entry":[';
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as { time: number; events: readonly string[] };
    if (i > 0) out += ',';
    out += `{"id":"${pageId}","time":${e.time},"messaging":[${e.events.join(',')}]}`;
  }
  return `${out}]}`;
}
