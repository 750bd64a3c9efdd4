import type { Scenario } from '../../../shared/domain/scenario';
import { DAY_MS, zonedTimeToUtc } from '../../../shared/time/zones';
import type { BehaviourModel } from './behaviour';
import { assignVariant, type CampaignOccurrence, type OccurrenceVariant } from './campaigns';
import { TimeHeap, type Timed } from './heap';
import type { Contact, Population } from './population';
import type { GroundTruthOracle } from './probability';
import { Rng, hashUnit } from './rng';
import { CAMPAIGN_REPLIES, INBOUND_FOLLOW_UPS, INBOUND_OPENERS, PAGE_REPLIES, languageOf, type TextLanguage } from './texts';
import type { CampaignTruth, TruthMessage } from './truth';
import { MidFactory, deliveryJson, echoJson, inboundJson, readJson, type ModelEvent } from './webhook';
import { addDays, isoDate, parseClockTime } from './zoneClock';

// Kinds of scheduled happenings, processed in time order.
const ORGANIC = 0; // the contact starts a conversation
const BURST = 1; // another message right after their previous one
const CAMPAIGN_REPLY = 2; // an answer to a campaign message just read
const FOLLOW_UP = 3; // an answer to the Page's reply just read
const PAGE_REPLY = 4;
const CAMPAIGN_START = 5;
const SEND = 6; // one campaign message
const DELIVERY = 7; // the contact's device syncs
const OPEN = 8; // the contact opens the thread (own trigger of a message)
const REPORT = 9; // a lagging device reports a read

interface Item extends Timed {
  kind: number;
  /** Contact index (or occurrence index for CAMPAIGN_START). */
  c: number;
  /** SEND: occurrence index. OPEN: report lag. REPORT: messages covered. */
  n: number;
  /** SEND: variant index. */
  v: number;
}

interface OutMsg {
  mid: string;
  sentAt: number;
  /** Moment of the device sync that delivers it (Infinity: never within the run). */
  deliverAt: number;
  deliveredAt: number;
  occurrence: number;
  variant: number;
  readPropensity: number;
  isPageReply: boolean;
}

/** Per-thread state. Receipts are watermarks, so delivered and read messages are prefixes of the thread. */
class Thread {
  mids: MidFactory | null = null;
  seq = 0;
  lastSentAt = -Infinity;
  lastHandoff = -Infinity;
  /** The last device sync drawn; a message reaching the platform before it is delivered by it. */
  lastSync = -Infinity;
  scheduledDelivery = -Infinity;
  /** Outbound messages not read yet, in send order (delivered ones first). */
  readonly tail: OutMsg[] = [];
  deliveredCount = 0;
  readCount = 0;
  lastInboundAt = -Infinity;
  pageReplyPending = false;
  /** Exchanges in the current conversation (caps back-and-forth). */
  depth = 0;
}

export interface WorldOptions {
  /** Compute each campaign variant's expected rates from the model (costs ~5–30 µs per send). */
  expectedRates: boolean;
  onMessage?: (m: TruthMessage) => void;
}

export interface WorldCounters {
  inbound: number;
  outbound: number;
  campaignMessages: number;
  pageReplies: number;
  echoEvents: number;
  inboundEvents: number;
  deliveryEvents: number;
  readEvents: number;
  maxPending: number;
}

/**
 * The simulated world: contacts writing to the Page, the Page answering and running
 * campaigns, devices syncing, people opening threads. It advances in time order and
 * emits each webhook event at its true moment; receipts are emitted so that the
 * domain's watermark rule recovers every message's true delivery and read times.
 *
 * Memory is bounded by the population (one thread each, plus a short unread tail),
 * not by the number of days.
 */
export class World {
  readonly counters: WorldCounters = {
    inbound: 0,
    outbound: 0,
    campaignMessages: 0,
    pageReplies: 0,
    echoEvents: 0,
    inboundEvents: 0,
    deliveryEvents: 0,
    readEvents: 0,
    maxPending: 0,
  };
  private readonly campaignTruth = new Map<number, CampaignTruth>();

  private readonly heap = new TimeHeap<Item>();
  private readonly threads: Thread[];
  private readonly rng: Rng;
  private readonly seed: string;
  private readonly pageId: string;
  private readonly appId: number;
  private readonly lang: TextLanguage;
  private readonly contacts: readonly Contact[];
  private readonly expectedSums = new Map<number, Float64Array>();
  private emitFn: (e: ModelEvent) => void = () => undefined;
  private readonly replyFrom: number;
  private readonly replyTo: number;
  private readonly watermarkOnlyShare: number;
  private finished = false;
  /** Page reply-hours opening instant by local date (Page's zone). */
  private readonly openings = new Map<string, number>();

  constructor(
    private readonly scenario: Scenario,
    population: Population,
    private readonly model: BehaviourModel,
    private readonly oracle: GroundTruthOracle,
    private readonly occurrences: readonly CampaignOccurrence[],
    private readonly startAt: number,
    private readonly endAt: number,
    private readonly options: WorldOptions,
  ) {
    this.seed = String(scenario.seed);
    this.pageId = scenario.page.id;
    this.appId = Number(scenario.page.appId);
    this.lang = languageOf(scenario.page.locale);
    this.contacts = population.contacts;
    this.threads = population.contacts.map(() => new Thread());
    this.rng = new Rng(this.seed, this.pageId, 'world');
    const from = parseClockTime(scenario.page.replyHours.from);
    const to = parseClockTime(scenario.page.replyHours.to);
    this.replyFrom = from.hour * 60 + from.minute;
    this.replyTo = to.hour * 60 + to.minute;
    this.watermarkOnlyShare = scenario.webhook.watermarkOnlyShare;

    for (const c of this.contacts) {
      const next = model.sampleNextInbound(c, startAt, this.rng, endAt);
      if (next < endAt) this.schedule(ORGANIC, Math.ceil(next), c.index, 0, 0);
    }
    for (const o of occurrences) {
      if (o.scheduledAt >= startAt && o.scheduledAt < endAt) this.schedule(CAMPAIGN_START, o.scheduledAt, o.index, 0, 0);
    }
  }

  /** Processes everything that happens before `until`, emitting events in time order. */
  runUntil(until: number, emit: (e: ModelEvent) => void): void {
    this.emitFn = emit;
    const heap = this.heap;
    const stop = Math.min(until, this.endAt);
    for (;;) {
      const top = heap.peek();
      if (!top || top.t >= stop) break;
      heap.pop();
      this.handle(top);
      if (heap.size > this.counters.maxPending) this.counters.maxPending = heap.size;
    }
  }

  /** Ends the run: messages still unread (or undelivered) get their final truth record. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (let i = 0; i < this.threads.length; i++) {
      const th = this.threads[i] as Thread;
      const c = this.contacts[i] as Contact;
      for (const m of th.tail) this.truthOut(c, m, null);
      th.tail.length = 0;
    }
    for (const [oi, ct] of this.campaignTruth) this.finalizeExpected(oi, ct);
  }

  /** Ground truth of every campaign occurrence that started, in time order. */
  campaigns(): CampaignTruth[] {
    return [...this.campaignTruth.entries()].sort((a, b) => a[0] - b[0]).map(([, ct]) => ct);
  }

  private schedule(kind: number, t: number, c: number, n: number, v: number): void {
    this.heap.push({ t, seq: 0, kind, c, n, v });
  }

  private handle(it: Item): void {
    switch (it.kind) {
      case ORGANIC:
      case BURST:
      case CAMPAIGN_REPLY:
      case FOLLOW_UP:
        this.inbound(it.c, it.t, it.kind);
        break;
      case PAGE_REPLY:
        this.pageReply(it.c, it.t);
        break;
      case CAMPAIGN_START:
        this.campaignStart(it.c, it.t);
        break;
      case SEND:
        this.campaignSend(it.c, it.t, it.n, it.v);
        break;
      case DELIVERY:
        this.delivery(it.c, it.t);
        break;
      case OPEN:
        this.open(it.c, it.t, it.n);
        break;
      case REPORT:
        this.report(it.c, it.t, it.n);
        break;
    }
  }

  // ── Inbound side ────────────────────────────────────────────────────────────

  private inbound(ci: number, t: number, cause: number): void {
    const c = this.contacts[ci] as Contact;
    const th = this.threads[ci] as Thread;
    const rng = this.rng;
    // Writing in the thread shows everything delivered so far.
    if (th.deliveredCount > th.readCount) this.readUpTo(ci, t, th.deliveredCount);
    const mid = this.nextMid(c, th);
    const pool = cause === CAMPAIGN_REPLY ? CAMPAIGN_REPLIES : cause === ORGANIC ? INBOUND_OPENERS : INBOUND_FOLLOW_UPS;
    const texts = pool[this.lang];
    this.emitFn({ kind: 'message', time: t, json: inboundJson(this.pageId, c.psid, t, mid, texts[rng.int(texts.length)] as string) });
    this.counters.inbound++;
    this.counters.inboundEvents++;
    this.options.onMessage?.({
      mid,
      pageId: this.pageId,
      psid: c.psid,
      direction: 'in',
      sentAt: t,
      deliveredAt: null,
      readAt: null,
      campaignRef: null,
      variantRef: null,
    });
    th.lastInboundAt = t;
    const b = this.scenario.behaviour;
    if (cause === ORGANIC) th.depth = 0;
    if ((cause === ORGANIC || cause === BURST) && rng.next() < b.burstContinue) {
      this.schedule(BURST, t + Math.max(1000, Math.ceil(rng.exp() * b.burstGapMinutes * 60_000)), ci, 0, 0);
    }
    if (cause !== BURST && !th.pageReplyPending && th.depth < 2) {
      const p = this.scenario.page.replyProbability * (cause === FOLLOW_UP ? 0.5 : 1);
      if (rng.next() < p) {
        const at = this.pageReplyTime(t);
        // Never outside the 24-hour window.
        if (at < t + DAY_MS && at < this.endAt) {
          th.pageReplyPending = true;
          this.schedule(PAGE_REPLY, at, ci, 0, 0);
        }
      }
    }
    if (cause === ORGANIC) {
      const next = this.model.sampleNextInbound(c, t, rng, this.endAt);
      if (next < this.endAt) this.schedule(ORGANIC, Math.max(t + 1, Math.ceil(next)), ci, 0, 0);
    }
  }

  /** When the Page answers: after a human delay, inside its reply hours. */
  private pageReplyTime(t: number): number {
    const p = this.scenario.page;
    let at = t + Math.ceil(this.rng.logNormal(p.replyDelayMinutes.median, p.replyDelayMinutes.sigma) * 60_000);
    const lp = this.model.pageClock.localParts(at);
    const m = lp.hour * 60 + lp.minute;
    const from = this.replyFrom;
    const to = this.replyTo;
    const open = from < to ? m >= from && m < to : m >= from || m < to;
    if (!open) {
      // The backlog is answered after opening, not all at the opening minute.
      const today = isoDate(lp);
      const date = m < from ? today : isoDate(addDays(today, 1));
      let opening = this.openings.get(date);
      if (opening === undefined) {
        const d = addDays(date, 0);
        opening = zonedTimeToUtc({ year: d.year, month: d.month, day: d.day, hour: Math.floor(from / 60), minute: from % 60 }, p.timeZone);
        this.openings.set(date, opening);
      }
      at = opening + Math.ceil(this.rng.exp() * 20 * 60_000);
    }
    return at;
  }

  private pageReply(ci: number, t: number): void {
    const th = this.threads[ci] as Thread;
    th.pageReplyPending = false;
    if (!(Math.max(t, th.lastSentAt + 1) < th.lastInboundAt + DAY_MS)) return;
    th.depth++;
    const texts = PAGE_REPLIES[this.lang];
    this.sendOutbound(ci, t, -1, -1, texts[this.rng.int(texts.length)] as string, null, this.scenario.behaviour.pageReplyReadPropensity, true);
    this.counters.pageReplies++;
  }

  // ── Campaigns ───────────────────────────────────────────────────────────────

  private campaignStart(oi: number, t: number): void {
    const o = this.occurrences[oi] as CampaignOccurrence;
    const audience: { ci: number; order: number; variant: number }[] = [];
    for (let i = 0; i < this.contacts.length; i++) {
      const th = this.threads[i] as Thread;
      // Promotional content only inside the 24-hour window (Messenger policy).
      if (!(t < th.lastInboundAt + DAY_MS)) continue;
      const c = this.contacts[i] as Contact;
      if (o.audienceShare < 1 && !(hashUnit(this.seed, o.ref, c.psid, 'audience') < o.audienceShare)) continue;
      audience.push({ ci: i, order: hashUnit(this.seed, o.ref, c.psid, 'order'), variant: assignVariant(this.seed, o, c.psid) });
    }
    audience.sort((a, b) => a.order - b.order || a.ci - b.ci);
    const truth: CampaignTruth = {
      ref: o.ref,
      name: o.name,
      kind: o.kind,
      campaignRef: o.campaignRef,
      scheduledAt: o.scheduledAt,
      horizonMinutes: o.horizonMinutes,
      audience: audience.length,
      variants: o.variants.map((v) => ({
        ref: v.ref,
        name: v.name,
        weight: v.weight,
        seenMultiplier: v.seenMultiplier,
        replyMultiplier: v.replyMultiplier,
        offsetMinutes: v.offsetMinutes,
        sendFailureShare: v.sendFailureShare,
        assigned: 0,
        sent: 0,
        skippedWindowClosed: 0,
        failed: 0,
        expected: null,
        observed: { deliveredWithinH: 0, seenWithinH: 0, replied: 0 },
      })),
    };
    this.campaignTruth.set(oi, truth);
    if (this.options.expectedRates) this.expectedSums.set(oi, new Float64Array(o.variants.length * 3));
    const gap = 60_000 / o.sendRatePerMinute;
    audience.forEach((a, i) => {
      const v = o.variants[a.variant] as OccurrenceVariant;
      (truth.variants[a.variant] as CampaignTruth['variants'][number]).assigned++;
      this.schedule(SEND, t + Math.floor(i * gap) + v.offsetMinutes * 60_000, a.ci, oi, a.variant);
    });
  }

  private campaignSend(ci: number, t: number, oi: number, vi: number): void {
    const th = this.threads[ci] as Thread;
    const c = this.contacts[ci] as Contact;
    const o = this.occurrences[oi] as CampaignOccurrence;
    const v = o.variants[vi] as OccurrenceVariant;
    const vt = this.variantTruth(oi, vi);
    // The window may have closed since the audience was drawn (send-time variants, slow sends).
    if (!(Math.max(t, th.lastSentAt + 1) < th.lastInboundAt + DAY_MS)) {
      vt.skippedWindowClosed++;
      return;
    }
    if (v.sendFailureShare > 0 && this.rng.next() < v.sendFailureShare) {
      vt.failed++;
      return;
    }
    const pi = Math.min(1, c.readPropensity * v.seenMultiplier);
    const sentAt = this.sendOutbound(ci, t, oi, vi, v.text, v.metadata, pi, false);
    vt.sent++;
    this.counters.campaignMessages++;
    const sums = this.expectedSums.get(oi);
    if (sums) {
      const maxAge = this.scenario.behaviour.campaignReplyMaxAgeHours * 60;
      const [h, r] = this.oracle.probabilities(c, sentAt, [o.horizonMinutes, maxAge], { readPropensity: pi });
      sums[vi * 3] = (sums[vi * 3] as number) + (h as { delivered: number }).delivered;
      sums[vi * 3 + 1] = (sums[vi * 3 + 1] as number) + (h as { seen: number }).seen;
      sums[vi * 3 + 2] = (sums[vi * 3 + 2] as number) + (r as { seen: number }).seen * this.replyChance(c, o, v);
    }
  }

  private replyChance(c: Contact, o: CampaignOccurrence, v: OccurrenceVariant): number {
    return Math.min(1, c.replyPropensity * o.replyFactor * v.replyMultiplier);
  }

  private finalizeExpected(oi: number, ct: CampaignTruth): void {
    const sums = this.expectedSums.get(oi);
    if (!sums) return;
    ct.variants.forEach((v, i) => {
      v.expected =
        v.sent > 0
          ? { deliveredWithinH: (sums[i * 3] as number) / v.sent, seenWithinH: (sums[i * 3 + 1] as number) / v.sent, replied: (sums[i * 3 + 2] as number) / v.sent }
          : { deliveredWithinH: 0, seenWithinH: 0, replied: 0 };
    });
  }

  // ── Outbound side and receipts ──────────────────────────────────────────────

  /** Sends one Page message; returns its sent time (kept strictly increasing per thread). */
  private sendOutbound(ci: number, t: number, oi: number, vi: number, text: string, metadata: string | null, readPropensity: number, isPageReply: boolean): number {
    const c = this.contacts[ci] as Contact;
    const th = this.threads[ci] as Thread;
    // Distinct sent times keep "sent at or before the watermark" unambiguous.
    const sentAt = Math.max(t, th.lastSentAt + 1);
    th.lastSentAt = sentAt;
    const mid = this.nextMid(c, th);
    this.emitFn({ kind: 'echo', time: sentAt, json: echoJson(this.pageId, c.psid, sentAt, mid, this.appId, text, metadata) });
    this.counters.outbound++;
    this.counters.echoEvents++;
    let deliverAt = Infinity;
    if (!c.blocked) {
      let handoff = this.model.sampleHandoff(sentAt, this.rng, this.endAt);
      // The platform hands a thread's messages over in order.
      if (handoff < th.lastHandoff) handoff = th.lastHandoff;
      th.lastHandoff = handoff;
      if (handoff < th.lastSync) deliverAt = th.lastSync;
      else {
        const sync = this.model.sampleSync(c, handoff, this.rng, this.endAt);
        if (sync < this.endAt) {
          deliverAt = Math.ceil(sync);
          th.lastSync = deliverAt;
        }
      }
      if (deliverAt < this.endAt && deliverAt !== th.scheduledDelivery) {
        th.scheduledDelivery = deliverAt;
        this.schedule(DELIVERY, deliverAt, ci, 0, 0);
      }
    }
    const msg: OutMsg = { mid, sentAt, deliverAt, deliveredAt: NaN, occurrence: oi, variant: vi, readPropensity, isPageReply };
    // Never delivered, so never read: its truth is final now (and blocked threads hold nothing).
    if (c.blocked) this.truthOut(c, msg, null);
    else th.tail.push(msg);
    return sentAt;
  }

  private delivery(ci: number, at: number): void {
    const c = this.contacts[ci] as Contact;
    const th = this.threads[ci] as Thread;
    const tail = th.tail;
    let i = th.deliveredCount - th.readCount;
    const first = i;
    while (i < tail.length && (tail[i] as OutMsg).deliverAt <= at) {
      (tail[i] as OutMsg).deliveredAt = at;
      i++;
    }
    const n = i - first;
    if (n === 0) return;
    th.deliveredCount += n;
    const last = tail[i - 1] as OutMsg;
    const withMids = !(this.rng.next() < this.watermarkOnlyShare);
    const mids = withMids ? tail.slice(first, i).map((m) => m.mid) : null;
    this.emitFn({ kind: 'delivery', time: at, json: deliveryJson(this.pageId, c.psid, at, last.sentAt, mids) });
    this.counters.deliveryEvents++;
    for (let k = first; k < i; k++) {
      const m = tail[k] as OutMsg;
      const open = this.model.sampleOwnOpen(c, at, m.readPropensity, this.rng, this.endAt);
      if (open < this.endAt) {
        const lag = this.model.sampleReportLag(c, this.rng);
        this.schedule(OPEN, Math.max(at, Math.ceil(open)), ci, Math.ceil(lag), 0);
      }
    }
  }

  private open(ci: number, at: number, lag: number): void {
    const th = this.threads[ci] as Thread;
    const covered = th.deliveredCount;
    if (covered <= th.readCount) return;
    if (lag > 0) {
      if (at + lag < this.endAt) this.schedule(REPORT, at + lag, ci, covered, 0);
    } else this.readUpTo(ci, at, covered);
  }

  private report(ci: number, at: number, covered: number): void {
    const th = this.threads[ci] as Thread;
    if (covered > th.readCount) this.readUpTo(ci, at, covered);
  }

  /** Reads the thread's messages up to `covered` (a count) at `at`: one read event. */
  private readUpTo(ci: number, at: number, covered: number): void {
    const c = this.contacts[ci] as Contact;
    const th = this.threads[ci] as Thread;
    const n = covered - th.readCount;
    const read = th.tail.splice(0, n);
    th.readCount = covered;
    const last = read[read.length - 1] as OutMsg;
    this.emitFn({ kind: 'read', time: at, json: readJson(this.pageId, c.psid, at, last.sentAt) });
    this.counters.readEvents++;
    const b = this.scenario.behaviour;
    const maxAge = b.campaignReplyMaxAgeHours * 3_600_000;
    for (const m of read) {
      this.truthOut(c, m, at);
      if (m.occurrence >= 0) {
        const o = this.occurrences[m.occurrence] as CampaignOccurrence;
        if (at - m.sentAt <= maxAge && this.rng.next() < this.replyChance(c, o, o.variants[m.variant] as OccurrenceVariant)) {
          const replyAt = at + this.contactReplyDelay();
          this.schedule(CAMPAIGN_REPLY, replyAt, ci, 0, 0);
          if (replyAt < this.endAt) this.variantTruth(m.occurrence, m.variant).observed.replied++;
        }
      } else if (m.isPageReply && th.depth < 2 && this.rng.next() < b.followUpAfterPageReply) {
        this.schedule(FOLLOW_UP, at + this.contactReplyDelay(), ci, 0, 0);
      }
    }
  }

  private nextMid(c: Contact, th: Thread): string {
    if (!th.mids) th.mids = new MidFactory(this.seed, this.pageId, c.psid);
    return th.mids.mid(th.seq++);
  }

  private contactReplyDelay(): number {
    const d = this.scenario.behaviour.contactReplyDelayMinutes;
    return Math.max(1000, Math.ceil(this.rng.logNormal(d.median, d.sigma) * 60_000));
  }

  private variantTruth(oi: number, vi: number): CampaignTruth['variants'][number] {
    return (this.campaignTruth.get(oi) as CampaignTruth).variants[vi] as CampaignTruth['variants'][number];
  }

  private truthOut(c: Contact, m: OutMsg, readAt: number | null): void {
    const o = m.occurrence >= 0 ? (this.occurrences[m.occurrence] as CampaignOccurrence) : null;
    if (o) {
      const obs = this.variantTruth(m.occurrence, m.variant).observed;
      const h = o.horizonMinutes * 60_000;
      if (m.deliveredAt - m.sentAt <= h) obs.deliveredWithinH++;
      if (readAt !== null && readAt - m.sentAt <= h) obs.seenWithinH++;
    }
    const cb = this.options.onMessage;
    if (!cb) return;
    cb({
      mid: m.mid,
      pageId: this.pageId,
      psid: c.psid,
      direction: 'out',
      sentAt: m.sentAt,
      deliveredAt: Number.isNaN(m.deliveredAt) ? null : m.deliveredAt,
      readAt,
      campaignRef: o ? o.ref : null,
      variantRef: o ? (o.variants[m.variant] as OccurrenceVariant).ref : null,
    });
  }
}
