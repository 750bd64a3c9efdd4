import type { Scenario } from '../../../shared/domain/scenario';
import { TimeHeap, type Timed } from './heap';
import { Rng } from './rng';
import { BodyDelivery, bodyJson, type ModelEvent, type WebhookDelivery } from './webhook';

interface PendingEvent extends Timed {
  event: ModelEvent;
}

interface PendingBody extends Timed {
  delivery: WebhookDelivery;
}

export interface TransportCounters {
  /** Events put in bodies, repeats included. */
  eventsSent: number;
  eventRepeats: number;
  bodies: number;
  uniqueBodies: number;
  duplicateBodies: number;
  shuffledBodies: number;
  lateEchoes: number;
}

/**
 * How Meta's webhook delivery mangles a clean, time-ordered event stream: a small
 * send delay per event (some echoes much later, often behind their receipts), events
 * batched several per entry and several entries per body, some bodies held back
 * (out of order), some bodies and events sent again.
 *
 * Two reorder buffers keep this streaming: events wait until no earlier send time
 * can still come; bodies wait until no earlier arrival can still come. Both only
 * hold what falls inside the configured horizons.
 */
export class WebhookTransport {
  readonly counters: TransportCounters = {
    eventsSent: 0,
    eventRepeats: 0,
    bodies: 0,
    uniqueBodies: 0,
    duplicateBodies: 0,
    shuffledBodies: 0,
    lateEchoes: 0,
  };
  private readonly events = new TimeHeap<PendingEvent>();
  private readonly bodies = new TimeHeap<PendingBody>();
  private readonly rng: Rng;
  private readonly cfg: Scenario['webhook'];
  private readonly maxPerBody: number;
  private batch: PendingEvent[] = [];
  private batchStart = 0;
  private out: WebhookDelivery[] = [];

  constructor(
    scenario: Scenario,
    private readonly pageId: string,
  ) {
    this.cfg = scenario.webhook;
    this.rng = new Rng(String(scenario.seed), pageId, 'transport');
    this.maxPerBody = this.cfg.maxEventsPerEntry * this.cfg.maxEntriesPerBody;
  }

  /** Takes an event at its true moment (events come in time order, give or take a millisecond). */
  push(event: ModelEvent): void {
    const cfg = this.cfg;
    const rng = this.rng;
    let sendAt = event.time + cfg.latencyMs.min + Math.floor(rng.next() * (cfg.latencyMs.max - cfg.latencyMs.min + 1));
    if (event.kind === 'echo' && cfg.lateEchoShare > 0 && rng.next() < cfg.lateEchoShare) {
      sendAt += Math.floor(rng.next() * cfg.lateEchoMaxSeconds * 1000);
      this.counters.lateEchoes++;
    }
    this.events.push({ t: sendAt, seq: 0, event });
    if (cfg.duplicateEventRate > 0 && rng.next() < cfg.duplicateEventRate) {
      this.events.push({ t: sendAt + 1000 + Math.floor(rng.next() * cfg.duplicateHorizonSeconds * 1000), seq: 0, event });
      this.counters.eventRepeats++;
    }
  }

  /** Sends everything whose send time is at or before `now` (no event pushed later can precede it). */
  advance(now: number): void {
    const events = this.events;
    for (;;) {
      const top = events.peek();
      if (!top || top.t > now) break;
      events.pop();
      this.addToBatch(top);
    }
    if (this.batch.length > 0 && now - this.batchStart > this.cfg.batchWindowMs) this.closeBatch();
  }

  /** End of the run: everything still held goes out. */
  flush(): void {
    this.advance(Infinity);
    if (this.batch.length > 0) this.closeBatch();
    this.releaseBodies(Infinity);
  }

  /** Bodies that reached the receiver since the last call, in arrival order. */
  drain(): WebhookDelivery[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private addToBatch(ev: PendingEvent): void {
    if (this.batch.length > 0 && (ev.t - this.batchStart > this.cfg.batchWindowMs || this.batch.length >= this.maxPerBody)) this.closeBatch();
    if (this.batch.length === 0) this.batchStart = ev.t;
    this.batch.push(ev);
  }

  private closeBatch(): void {
    const cfg = this.cfg;
    const rng = this.rng;
    const batch = this.batch;
    this.batch = [];
    const entries: { time: number; events: string[] }[] = [];
    for (let i = 0; i < batch.length; i += cfg.maxEventsPerEntry) {
      const chunk = batch.slice(i, i + cfg.maxEventsPerEntry);
      entries.push({ time: (chunk[chunk.length - 1] as PendingEvent).t, events: chunk.map((p) => p.event.json) });
    }
    const raw = bodyJson(this.pageId, entries);
    const sentAt = (batch[batch.length - 1] as PendingEvent).t;
    this.counters.eventsSent += batch.length;
    this.counters.uniqueBodies++;
    const shuffled = cfg.shuffleShare > 0 && rng.next() < cfg.shuffleShare;
    const arrival = sentAt + (shuffled ? Math.floor(rng.next() * cfg.shuffleHorizonSeconds * 1000) : 0);
    if (shuffled) this.counters.shuffledBodies++;
    this.bodies.push({ t: arrival, seq: 0, delivery: new BodyDelivery(raw, arrival, false, shuffled) });
    if (cfg.duplicateBodyRate > 0 && rng.next() < cfg.duplicateBodyRate) {
      const again = arrival + 1000 + Math.floor(rng.next() * cfg.duplicateHorizonSeconds * 1000);
      this.bodies.push({ t: again, seq: 0, delivery: new BodyDelivery(raw, again, true, shuffled) });
      this.counters.duplicateBodies++;
      this.counters.eventsSent += batch.length;
    }
    // Bodies closed later are sent no earlier than this one, so nothing can arrive before it.
    this.releaseBodies(sentAt);
  }

  private releaseBodies(upTo: number): void {
    const bodies = this.bodies;
    for (;;) {
      const top = bodies.peek();
      if (!top || top.t > upTo) break;
      bodies.pop();
      this.out.push(top.delivery);
      this.counters.bodies++;
    }
  }
}
