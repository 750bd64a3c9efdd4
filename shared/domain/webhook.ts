import { z } from 'zod';

/**
 * Messenger webhook bodies as they reach a Page's webhook, and the archive line that may wrap
 * one with its signature. Pure: the importer, the receiver and the relay all validate with
 * these, so a body accepted by one is accepted by all.
 */

/** Why a line of an archive was set aside. Stable codes: the report and the UI translate them. */
export const BadLineReason = z.enum([
  'invalid_json',
  'truncated_json',
  'line_too_long',
  'not_a_webhook',
  'wrong_object',
  'invalid_wrapper',
  'signature_missing',
  'signature_mismatch',
  'invalid_event',
  'page_mismatch',
  'page_not_in_workspace',
  'watermark_in_seconds',
  'timestamp_in_seconds',
  'implausible_time',
]);
export type BadLineReason = z.infer<typeof BadLineReason>;

/**
 * Webhook times are UTC milliseconds: 13 digits. Ten digits is the known producer bug of
 * sending seconds; it is reported, never multiplied by 1000, because a guess would put
 * receipts on the wrong message without anyone noticing.
 */
export function timeUnitProblem(value: number): 'in_seconds' | 'implausible' | null {
  if (value >= 1e12 && value < 1e13) return null;
  if (value >= 1e9 && value < 1e10) return 'in_seconds';
  return 'implausible';
}

const msTime = (secondsReason: 'watermark_in_seconds' | 'timestamp_in_seconds') =>
  z
    .number()
    .int()
    .superRefine((v, ctx) => {
      const problem = timeUnitProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem === 'in_seconds' ? secondsReason : 'implausible_time' });
    });

/**
 * Page ids and PSIDs are strings in Meta's payloads; some exporters write them as numbers.
 * A number beyond 2^53 has already lost digits in JSON.parse, so it cannot name a thread.
 */
export const WebhookId = z.union([z.string().min(1).max(128), z.number().int().nonnegative()]).transform(String);

const Mid = z.string().min(1).max(512);
const Party = z.looseObject({ id: WebhookId });

export const EchoEvent = z.looseObject({
  sender: Party,
  recipient: Party,
  timestamp: msTime('timestamp_in_seconds'),
  message: z.looseObject({ mid: Mid, is_echo: z.literal(true), metadata: z.string().optional() }),
});

export const InboundMessageEvent = z.looseObject({
  sender: Party,
  recipient: Party,
  timestamp: msTime('timestamp_in_seconds'),
  message: z.looseObject({ mid: Mid, is_echo: z.literal(false).optional() }),
});

export const DeliveryEvent = z.looseObject({
  sender: Party,
  recipient: Party,
  timestamp: msTime('timestamp_in_seconds').optional(),
  delivery: z
    .looseObject({ mids: z.array(Mid).optional(), watermark: msTime('watermark_in_seconds').optional() })
    .refine((d) => d.watermark !== undefined || (d.mids !== undefined && d.mids.length > 0), 'a delivery needs a watermark or mids'),
});

export const ReadEvent = z.looseObject({
  sender: Party,
  recipient: Party,
  timestamp: msTime('timestamp_in_seconds').optional(),
  read: z.looseObject({ watermark: msTime('watermark_in_seconds') }),
});

export const WebhookEntry = z.looseObject({
  id: WebhookId,
  time: msTime('timestamp_in_seconds'),
  messaging: z.array(z.unknown()).optional(),
});

export const WebhookBody = z.looseObject({
  object: z.literal('page'),
  entry: z.array(WebhookEntry),
});
export type WebhookBody = z.infer<typeof WebhookBody>;

/** One archive line as a relay or bot server keeps it: the exact body, its signature header, when it came. */
export const ArchiveLineWrapper = z.looseObject({
  raw: z.string(),
  signature: z
    .string()
    .regex(/^sha256=[0-9a-fA-F]{64}$/)
    .optional(),
  received_at: msTime('timestamp_in_seconds').optional(),
});
export type ArchiveLineWrapper = z.infer<typeof ArchiveLineWrapper>;

export const CampaignKind = z.enum(['flash_promo', 'notice', 'newsletter', 'other']);
export type CampaignKind = z.infer<typeof CampaignKind>;

/** What Relais puts in `message.metadata` when it sends, so echoes name their campaign and variant. */
export const RelaisMessageMetadata = z.looseObject({
  relais: z.looseObject({
    campaign: z.string().min(1).max(200),
    campaignName: z.string().min(1).max(200).optional(),
    kind: CampaignKind.optional(),
    variant: z.string().min(1).max(200).optional(),
  }),
});

export interface CampaignTag {
  campaign: string;
  campaignName: string;
  kind: CampaignKind;
  variant: string | null;
}

/** Metadata is free text owned by whatever app sent the message: anything not ours is simply no tag. */
export function parseCampaignTag(metadata: string): CampaignTag | null {
  if (!metadata.includes('"relais"')) return null;
  let value: unknown;
  try {
    value = JSON.parse(metadata);
  } catch {
    return null;
  }
  const parsed = RelaisMessageMetadata.safeParse(value);
  if (!parsed.success) return null;
  const r = parsed.data.relais;
  return { campaign: r.campaign, campaignName: r.campaignName ?? r.campaign, kind: r.kind ?? 'other', variant: r.variant ?? null };
}

/** A thread is (Page id, PSID); every event below names both. */
export type MessagingEvent =
  | { kind: 'echo'; pageId: string; psid: string; mid: string; sentAt: number; metadata: string | null }
  | { kind: 'inbound'; pageId: string; psid: string; mid: string; sentAt: number }
  /**
   * `time` is the event's own time (its timestamp, else the entry's), never the watermark.
   * `watermark` is null for a delivery that lists mids only.
   */
  | { kind: 'delivery'; pageId: string; psid: string; time: number; watermark: number | null; mids: string[]; receivedAt: number }
  | { kind: 'read'; pageId: string; psid: string; time: number; watermark: number; receivedAt: number }
  | { kind: 'ignored'; pageId: string; type: string };

export interface WebhookProblem {
  ok: false;
  reason: BadLineReason;
  detail: string;
}
export type ParsedWebhook = { ok: true; events: MessagingEvent[] } | WebhookProblem;
type ParsedEvent = { ok: true; event: MessagingEvent } | WebhookProblem;

const timeReasons = new Set<string>(['watermark_in_seconds', 'timestamp_in_seconds', 'implausible_time']);

function problem(error: z.ZodError, where: string): WebhookProblem {
  // A time-unit problem is the actionable one; report it even when other fields are also wrong.
  const issue = error.issues.find((i) => timeReasons.has(i.message)) ?? error.issues[0];
  const path = [where, ...(issue?.path.map(String) ?? [])].filter((p) => p !== '').join('.');
  if (issue && timeReasons.has(issue.message)) return { ok: false, reason: issue.message as BadLineReason, detail: path };
  return { ok: false, reason: 'invalid_event', detail: `${path}: ${issue?.message ?? 'invalid'}` };
}

const mismatch = (detail: string): WebhookProblem => ({ ok: false, reason: 'page_mismatch', detail });

/** Event types Relais does not analyse (postbacks, reactions, optins, referrals, …), named by their payload key. */
function ignoredType(event: Record<string, unknown>): string {
  for (const key of Object.keys(event)) {
    if (key !== 'sender' && key !== 'recipient' && key !== 'timestamp') return key;
  }
  return 'unknown';
}

/*
 * Fast checks. An archive has millions of events and nearly all are well-formed, so each kind
 * is first checked by hand; only when that check has any doubt does the zod schema decide
 * (and say what is wrong). The hand check accepts a subset of what the schema accepts and
 * returns the same event, so the schema stays the definition (a property test holds them
 * together).
 */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fastMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1e12 && v < 1e13;
const fastOptionalMs = (v: unknown): boolean => v === undefined || fastMs(v);
const fastMid = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 512;

function fastId(party: unknown): string | null {
  if (!isRecord(party)) return null;
  const id = party.id;
  if (typeof id === 'string') return id.length >= 1 && id.length <= 128 ? id : null;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id);
  return null;
}

function fastMessagingEvent(event: Record<string, unknown>, ctx: EntryContext): MessagingEvent | null {
  const sender = fastId(event.sender);
  const recipient = fastId(event.recipient);
  if (sender === null || recipient === null) return null;
  const { pageId } = ctx;
  const timestamp = event.timestamp;
  if (event.message !== undefined) {
    const message = event.message;
    if (!isRecord(message) || !fastMs(timestamp) || !fastMid(message.mid)) return null;
    if (message.is_echo === true) {
      const metadata = message.metadata;
      if ((metadata !== undefined && typeof metadata !== 'string') || sender !== pageId) return null;
      return { kind: 'echo', pageId, psid: recipient, mid: message.mid, sentAt: timestamp, metadata: metadata ?? null };
    }
    if ((message.is_echo !== undefined && message.is_echo !== false) || recipient !== pageId) return null;
    return { kind: 'inbound', pageId, psid: sender, mid: message.mid, sentAt: timestamp };
  }
  if (!fastOptionalMs(timestamp) || recipient !== pageId) return null;
  const time = (timestamp as number | undefined) ?? ctx.time;
  if (event.delivery !== undefined) {
    const delivery = event.delivery;
    if (!isRecord(delivery) || !fastOptionalMs(delivery.watermark)) return null;
    const mids = delivery.mids;
    if (mids !== undefined && !(Array.isArray(mids) && mids.every(fastMid))) return null;
    const watermark = (delivery.watermark as number | undefined) ?? null;
    if (watermark === null && (mids === undefined || mids.length === 0)) return null;
    return { kind: 'delivery', pageId, psid: sender, time, watermark, mids: (mids as string[] | undefined) ?? [], receivedAt: ctx.receivedAt };
  }
  if (event.read !== undefined) {
    const read = event.read;
    if (!isRecord(read) || !fastMs(read.watermark)) return null;
    return { kind: 'read', pageId, psid: sender, time, watermark: read.watermark, receivedAt: ctx.receivedAt };
  }
  return null;
}

interface EntryContext {
  schemaOnly: boolean;
  pageId: string;
  time: number;
  receivedAt: number;
  entry: number;
  event: number;
}

/** Where an event sits in its body, for the bad-line report (built only when something is wrong). */
const whereOf = (ctx: EntryContext) => `entry.${ctx.entry}.messaging.${ctx.event}`;

function parseMessagingEvent(raw: unknown, ctx: EntryContext): ParsedEvent {
  if (!isRecord(raw)) return { ok: false, reason: 'invalid_event', detail: `${whereOf(ctx)}: not an object` };
  const event = raw;
  const fast = ctx.schemaOnly ? null : fastMessagingEvent(event, ctx);
  if (fast !== null) return { ok: true, event: fast };
  const { pageId } = ctx;
  const where = whereOf(ctx);

  if (event.message !== undefined) {
    if ((event.message as { is_echo?: unknown } | null)?.is_echo === true) {
      const p = EchoEvent.safeParse(event);
      if (!p.success) return problem(p.error, where);
      // The Page speaks in an echo: it is the sender and the PSID is the recipient.
      if (p.data.sender.id !== pageId) return mismatch(`${where}.sender.id`);
      const { recipient, message, timestamp } = p.data;
      return { ok: true, event: { kind: 'echo', pageId, psid: recipient.id, mid: message.mid, sentAt: timestamp, metadata: message.metadata ?? null } };
    }
    const p = InboundMessageEvent.safeParse(event);
    if (!p.success) return problem(p.error, where);
    if (p.data.recipient.id !== pageId) return mismatch(`${where}.recipient.id`);
    return { ok: true, event: { kind: 'inbound', pageId, psid: p.data.sender.id, mid: p.data.message.mid, sentAt: p.data.timestamp } };
  }
  if (event.delivery !== undefined) {
    const p = DeliveryEvent.safeParse(event);
    if (!p.success) return problem(p.error, where);
    if (p.data.recipient.id !== pageId) return mismatch(`${where}.recipient.id`);
    const { delivery, timestamp, sender } = p.data;
    return {
      ok: true,
      event: {
        kind: 'delivery',
        pageId,
        psid: sender.id,
        time: timestamp ?? ctx.time,
        watermark: delivery.watermark ?? null,
        mids: delivery.mids ?? [],
        receivedAt: ctx.receivedAt,
      },
    };
  }
  if (event.read !== undefined) {
    const p = ReadEvent.safeParse(event);
    if (!p.success) return problem(p.error, where);
    if (p.data.recipient.id !== pageId) return mismatch(`${where}.recipient.id`);
    const { read, timestamp, sender } = p.data;
    return {
      ok: true,
      event: { kind: 'read', pageId, psid: sender.id, time: timestamp ?? ctx.time, watermark: read.watermark, receivedAt: ctx.receivedAt },
    };
  }
  return { ok: true, event: { kind: 'ignored', pageId, type: ignoredType(event) } };
}

type Entry = { id: string; time: number; messaging?: unknown[] | undefined };

/** The envelope as the schema would return it, or null when the schema must look at it. */
function fastEntries(body: Record<string, unknown>): Entry[] | null {
  const entry = body.entry;
  if (!Array.isArray(entry)) return null;
  for (const e of entry) {
    if (!isRecord(e) || !fastMs(e.time) || fastId(e) === null || (e.messaging !== undefined && !Array.isArray(e.messaging))) return null;
    // Ids are compared as strings; a numeric one needs the schema's conversion.
    if (typeof e.id !== 'string') return null;
  }
  return entry as Entry[];
}

/**
 * Validates a whole webhook body. All or nothing: one malformed event sets the line aside,
 * so a line is either applied completely or reported, never half-applied. `receivedAt` comes
 * from the archive wrapper; without one, each entry's own time stands in for it.
 * `schemaOnly` skips the hand checks (tests hold the two paths together with it).
 */
export function parseWebhookBody(value: unknown, receivedAt?: number, opts: { schemaOnly?: boolean } = {}): ParsedWebhook {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not_a_webhook', detail: 'not a JSON object' };
  }
  const object = (value as { object?: unknown }).object;
  if (object === undefined) return { ok: false, reason: 'not_a_webhook', detail: 'no "object" field' };
  if (object !== 'page') return { ok: false, reason: 'wrong_object', detail: `object is ${JSON.stringify(object)}, expected "page"` };
  const schemaOnly = opts.schemaOnly === true;
  let entries = schemaOnly ? null : fastEntries(value as Record<string, unknown>);
  if (entries === null) {
    const body = WebhookBody.safeParse(value);
    if (!body.success) {
      const p = problem(body.error, '');
      return p.reason === 'invalid_event' ? { ...p, reason: 'not_a_webhook' } : p;
    }
    entries = body.data.entry;
  }
  const events: MessagingEvent[] = [];
  const ctx: EntryContext = { schemaOnly, pageId: '', time: 0, receivedAt: 0, entry: 0, event: 0 };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const messaging = entry.messaging ?? [];
    ctx.pageId = entry.id;
    ctx.time = entry.time;
    ctx.receivedAt = receivedAt ?? entry.time;
    ctx.entry = i;
    for (let j = 0; j < messaging.length; j++) {
      ctx.event = j;
      const parsed = parseMessagingEvent(messaging[j], ctx);
      if (!parsed.ok) return parsed;
      events.push(parsed.event);
    }
  }
  return { ok: true, events };
}

export type ParsedWrapper = { ok: true; wrapper: ArchiveLineWrapper } | WebhookProblem;

/** An archive line that carries `raw` is a wrapper; anything wrong in it other than a time unit makes it invalid. */
export function parseArchiveWrapper(value: unknown): ParsedWrapper {
  const p = ArchiveLineWrapper.safeParse(value);
  if (p.success) return { ok: true, wrapper: p.data };
  const found = problem(p.error, '');
  return found.reason === 'invalid_event' ? { ...found, reason: 'invalid_wrapper' } : found;
}

/** True when a parsed archive value is a wrapper rather than a bare webhook body. */
export function isArchiveWrapper(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { raw?: unknown }).raw === 'string' && (value as { object?: unknown }).object === undefined;
}
