import fs from 'node:fs';
import path from 'node:path';
import { type ScenarioInput } from '../../../shared/domain/scenario';
import { createSimulation, type Simulation, type SimulationOptions } from '../../../electron/services/simulator/simulation';
import type { TruthMessage } from '../../../electron/services/simulator/truth';
import type { EchoEvent, InboundEvent, MessagingEvent, WebhookDelivery } from '../../../electron/services/simulator/webhook';

export const SCENARIO_DIR = path.resolve(__dirname, '../../../resources/scenarios');

export function loadScenario(name: 'restaurant' | 'shop' | 'small-test'): ScenarioInput {
  return JSON.parse(fs.readFileSync(path.join(SCENARIO_DIR, `${name}.json`), 'utf8')) as ScenarioInput;
}

/** A copy of a scenario with some fields replaced (shallow per top-level key). */
export function withChanges(base: ScenarioInput, changes: Partial<{ [K in keyof ScenarioInput]: ScenarioInput[K] }>): ScenarioInput {
  return { ...structuredClone(base), ...structuredClone(changes) } as ScenarioInput;
}

export interface InMemoryRun {
  sim: Simulation;
  deliveries: WebhookDelivery[];
  truth: TruthMessage[];
}

export function runInMemory(scenario: ScenarioInput, options: SimulationOptions = {}): InMemoryRun {
  const truth: TruthMessage[] = [];
  const sim = createSimulation(scenario, {
    ...options,
    onMessage: (m) => {
      truth.push(m);
      options.onMessage?.(m);
    },
  });
  const deliveries = [...sim.bodiesSync()];
  return { sim, deliveries, truth };
}

export interface FlatEvent {
  entryTime: number;
  receivedAt: number;
  event: MessagingEvent;
}

export function flatten(deliveries: readonly WebhookDelivery[]): FlatEvent[] {
  const out: FlatEvent[] = [];
  for (const d of deliveries) for (const e of d.body.entry) for (const event of e.messaging) out.push({ entryTime: e.time, receivedAt: d.receivedAt, event });
  return out;
}

export interface Derived {
  sentAt: number;
  psid: string;
  deliveredAt: number | null;
  readAt: number | null;
}

/**
 * The domain definition, written the plain way (no cleverness): for each outbound
 * message m, delivered_at(m) = min time(d) over delivery events d of its thread with
 * watermark(d) ≥ sent_at(m) or m ∈ mids(d); read_at(m) likewise over read events.
 */
export function deriveFromEvents(deliveries: readonly WebhookDelivery[]): Map<string, Derived> {
  const events = flatten(deliveries);
  const out = new Map<string, Derived>();
  const receipts = new Map<string, { kind: 'delivery' | 'read'; time: number; watermark: number; mids: readonly string[] }[]>();
  for (const { entryTime, event } of events) {
    if (isEcho(event)) {
      out.set(event.message.mid, { sentAt: event.timestamp, psid: event.recipient.id, deliveredAt: null, readAt: null });
    } else if ('delivery' in event) {
      const list = receipts.get(event.sender.id) ?? [];
      list.push({ kind: 'delivery', time: event.timestamp ?? entryTime, watermark: event.delivery.watermark, mids: event.delivery.mids ?? [] });
      receipts.set(event.sender.id, list);
    } else if ('read' in event) {
      const list = receipts.get(event.sender.id) ?? [];
      list.push({ kind: 'read', time: event.timestamp ?? entryTime, watermark: event.read.watermark, mids: [] });
      receipts.set(event.sender.id, list);
    }
  }
  for (const [mid, m] of out) {
    for (const r of receipts.get(m.psid) ?? []) {
      const covers = r.watermark >= m.sentAt || r.mids.includes(mid);
      if (!covers) continue;
      if (r.kind === 'delivery') m.deliveredAt = m.deliveredAt === null ? r.time : Math.min(m.deliveredAt, r.time);
      else m.readAt = m.readAt === null ? r.time : Math.min(m.readAt, r.time);
    }
  }
  return out;
}

export function isEcho(e: MessagingEvent): e is EchoEvent {
  return 'message' in e && 'is_echo' in e.message;
}

export function isInbound(e: MessagingEvent): e is InboundEvent {
  return 'message' in e && !('is_echo' in e.message);
}
