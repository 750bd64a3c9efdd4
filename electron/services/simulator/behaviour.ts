import type { Scenario } from '../../../shared/domain/scenario';
import { HOUR_MS } from '../../../shared/time/zones';
import { SLEEP_ATTENTION } from './archetypes';
import type { Platform } from './platform';
import type { Contact, Population } from './population';
import type { Rng } from './rng';
import { HOURS_PER_WEEK, WEEK_MS, type ZoneClock, type ZoneClocks } from './zoneClock';

/**
 * The behaviour model: what happens to one Page message, as a chain of stages each
 * driven by a hazard that is piecewise constant in time.
 *
 *   sent ─(platform hand-off: rate 1/latency(Page's hour))→ at the platform
 *        ─(device sync: connectivity(contact's hour), 0 during outages)→ DELIVERED
 *        ─(thread opened)→ READ, reported at once or, on a lagging second device, after Exp(syncLag)
 *
 * The thread is opened by the message's own trigger (it exists with the message's
 * read propensity π): app sessions (slower with the app-closed habit) plus, while its
 * notification is fresh (Exp(τ) after delivery, notifications on), a reaction at a
 * rate scaled by the person's attention that hour. The person's own messages to the
 * Page (an independent process, rate ∝ sessions) also open the thread and read
 * everything delivered so far.
 *
 * The sampler below and the probability calculator in `probability.ts` implement this
 * same chain; the world (`world.ts`) uses the sampler.
 */
export interface MessageFate {
  handoffAt: number;
  deliveredAt: number;
  readAt: number;
}

export class BehaviourModel {
  readonly pageClock: ZoneClock;
  /** Per hour: sessions ×, notification reaction ×, for contacts with the app-closed habit. */
  readonly appClosedSessionFactor: number;
  readonly appClosedNotificationFactor: number;
  readonly notificationReactionPerHour: number;
  readonly notificationFreshMs: number;
  readonly secondaryDeviceReadShare: number;
  readonly syncLagMs: number;
  readonly onlinePerHour: number;
  readonly offlinePerHour: number;
  private readonly contactClocks: ZoneClock[];

  constructor(
    scenario: Scenario,
    readonly population: Population,
    readonly platform: Platform,
    clocks: ZoneClocks,
  ) {
    const b = scenario.behaviour;
    this.pageClock = clocks.get(scenario.page.timeZone);
    this.contactClocks = population.contacts.map((c) => clocks.get(c.timeZone));
    this.appClosedSessionFactor = b.appClosedSessionFactor;
    this.appClosedNotificationFactor = b.appClosedNotificationFactor;
    this.notificationReactionPerHour = b.notificationReactionPerHour;
    this.notificationFreshMs = b.notificationFreshMinutes * 60_000;
    this.secondaryDeviceReadShare = b.secondaryDeviceReadShare;
    this.syncLagMs = b.syncLagMinutes * 60_000;
    this.onlinePerHour = b.connectivityPerHour;
    this.offlinePerHour = b.offlineConnectivityPerHour;
  }

  clockOf(c: Contact): ZoneClock {
    return this.contactClocks[c.index] as ZoneClock;
  }

  /** Device syncs per hour in a local hour-of-week cell, outside outages. */
  connectivity(c: Contact, cell: number): number {
    if (c.nightOffline && (c.attention[cell] as number) < SLEEP_ATTENTION) return this.offlinePerHour;
    return this.onlinePerHour * c.connectivityScale;
  }

  /** Own-trigger open rate per hour in a cell, with or without a fresh notification. */
  ownOpenRate(c: Contact, cell: number, fresh: boolean): number {
    const sf = c.appClosedHabit ? this.appClosedSessionFactor : 1;
    let r = (c.sessions[cell] as number) * sf;
    if (fresh && c.notifications) {
      const nf = c.appClosedHabit ? this.appClosedNotificationFactor : 1;
      r += this.notificationReactionPerHour * nf * (c.attention[cell] as number);
    }
    return r;
  }

  /** Organic conversations started per hour in a cell: proportional to app use. */
  inboundRate(c: Contact, cell: number): number {
    return c.sessionsPerWeek > 0 ? ((c.sessions[cell] as number) * c.inboundPerWeek) / c.sessionsPerWeek : 0;
  }

  /** Chance that a multi-device contact's read is reported late (from the lagging device). */
  lagShare(c: Contact): number {
    return c.multiDevice ? this.secondaryDeviceReadShare : 0;
  }

  // ── Samplers: first event of each stage's hazard after a start time ──────────
  // Each returns Infinity when nothing happens before `limit`.

  sampleHandoff(sentAt: number, rng: Rng, limit: number): number {
    let e = rng.exp();
    let t = sentAt;
    const clock = this.pageClock;
    const lat = this.platform.latencyMsByHour;
    for (;;) {
      clock.locate(t);
      const rate = 1 / (lat[clock.cell % 24] as number);
      const cap = (clock.end - t) * rate;
      if (cap >= e) return t + e / rate;
      e -= cap;
      t = clock.end;
      if (t >= limit) return Infinity;
    }
  }

  sampleSync(c: Contact, from: number, rng: Rng, limit: number): number {
    if (c.blocked) return Infinity;
    let e = rng.exp();
    let t = from;
    const clock = this.clockOf(c);
    const platform = this.platform;
    for (;;) {
      clock.locate(t);
      platform.locate(t);
      const end = clock.end < platform.boundary ? clock.end : platform.boundary;
      if (!platform.inIncident) {
        const rate = this.connectivity(c, clock.cell) / HOUR_MS;
        const cap = (end - t) * rate;
        if (cap >= e) return t + e / rate;
        e -= cap;
      }
      t = end;
      if (t >= limit) return Infinity;
    }
  }

  /** The message's own open trigger after delivery; Infinity if it never comes (1 − π). */
  sampleOwnOpen(c: Contact, deliveredAt: number, readPropensity: number, rng: Rng, limit: number): number {
    if (!(rng.next() < readPropensity)) return Infinity;
    const freshEnd = c.notifications ? deliveredAt + rng.exp() * this.notificationFreshMs : deliveredAt;
    let e = rng.exp();
    let t = deliveredAt;
    const clock = this.clockOf(c);
    // While the notification is fresh it adds to the app sessions.
    while (t < freshEnd) {
      clock.locate(t);
      const end = freshEnd < clock.end ? freshEnd : clock.end;
      const rate = this.ownOpenRate(c, clock.cell, true) / HOUR_MS;
      const cap = (end - t) * rate;
      if (cap >= e) return t + e / rate;
      e -= cap;
      t = end;
      if (t >= limit) return Infinity;
    }
    return this.walkSessions(c, t, e, c.appClosedHabit ? this.appClosedSessionFactor : 1, limit);
  }

  /** Delay before a read is reported: Exp(sync lag) when made on the lagging device, else 0. */
  sampleReportLag(c: Contact, rng: Rng): number {
    const share = this.lagShare(c);
    if (share > 0 && rng.next() < share) return rng.exp() * this.syncLagMs;
    return 0;
  }

  sampleNextInbound(c: Contact, from: number, rng: Rng, limit: number): number {
    if (!(c.inboundPerWeek > 0) || !(c.sessionsPerWeek > 0)) return Infinity;
    return this.walkSessions(c, from, rng.exp(), c.inboundPerWeek / c.sessionsPerWeek, limit);
  }

  /**
   * Time at which a Poisson process with rate `scale` × sessions (per hour, by local
   * cell) started at t accumulates the hazard e. Whole weeks without an offset change
   * add exactly the weekly total and are skipped; otherwise cells are walked an hour
   * at a time (cells are exactly one hour long between offset changes).
   */
  private walkSessions(c: Contact, from: number, hazard: number, scale: number, limit: number): number {
    const weekTotal = c.sessionsPerWeek * scale;
    if (!(weekTotal > 0)) return Infinity;
    const clock = this.clockOf(c);
    const sessions = c.sessions;
    const k = scale / HOUR_MS;
    let t = from;
    let e = hazard;
    for (;;) {
      if (t >= limit) return Infinity;
      // Cells are whole hours up to the next offset change (or the limit).
      const transition = clock.nextTransition(t, limit - t);
      const stretchEnd = transition < limit ? transition : limit;
      if (e > weekTotal) {
        const weeks = Math.min(Math.floor(e / weekTotal), Math.floor((stretchEnd - t) / WEEK_MS));
        if (weeks > 0) {
          t += weeks * WEEK_MS;
          e -= weeks * weekTotal;
          continue;
        }
      }
      clock.locate(t);
      let cell = clock.cell;
      let end = clock.end < stretchEnd ? clock.end : stretchEnd;
      for (;;) {
        const rate = (sessions[cell] as number) * k;
        const cap = (end - t) * rate;
        if (cap >= e) return t + e / rate;
        e -= cap;
        t = end;
        if (t >= stretchEnd) break;
        // Skipping whole weeks is faster than walking them.
        if (e > weekTotal && stretchEnd - t >= WEEK_MS) break;
        cell = cell === HOURS_PER_WEEK - 1 ? 0 : cell + 1;
        end = t + HOUR_MS < stretchEnd ? t + HOUR_MS : stretchEnd;
      }
    }
  }

  /**
   * The fate of one message sent alone to a contact, drawn from the model (used to
   * check the probability calculator; the world draws the same stages in context).
   */
  sampleFate(c: Contact, sentAt: number, readPropensity: number, rng: Rng, limit: number): MessageFate {
    const handoffAt = this.sampleHandoff(sentAt, rng, limit);
    const deliveredAt = handoffAt < limit ? this.sampleSync(c, handoffAt, rng, limit) : Infinity;
    if (!(deliveredAt < limit)) return { handoffAt, deliveredAt: Infinity, readAt: Infinity };
    const open = this.sampleOwnOpen(c, deliveredAt, readPropensity, rng, limit);
    const own = open < Infinity ? open + this.sampleReportLag(c, rng) : Infinity;
    const inbound = this.sampleNextInbound(c, deliveredAt, rng, limit);
    const readAt = Math.min(own, inbound);
    return { handoffAt, deliveredAt, readAt: readAt < limit ? readAt : Infinity };
  }
}
