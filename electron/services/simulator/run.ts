import fs from 'node:fs';
import { parseScenario, type Scenario } from '../../../shared/domain/scenario';
import { ArchiveWriter, type ArchiveSummary, type BadLine } from './archive';
import { GroundTruthWriter, type GroundTruthFiles } from './groundTruthFiles';
import { WebhookSender, type SenderOptions, type SenderSummary } from './sender';
import { Simulation } from './simulation';
import type { TruthMessage } from './truth';

export interface SimulationProgress {
  day: number;
  days: number;
  /** Distinct webhook events emitted so far. */
  events: number;
  bodies: number;
  messages: number;
  elapsedMs: number;
}

export interface RunSimulationOptions {
  /** NDJSON archive to write. */
  archive?: string;
  /** Signs archive lines (wrapper form) and POSTs. */
  appSecret?: string;
  /** Receiver or relay URL to POST each body to. */
  post?: string;
  postOptions?: Omit<SenderOptions, 'url' | 'appSecret'>;
  /** Directory for the ground truth (messages.ndjson, population.ndjson, campaigns.json, incidents.json, scenario.json). */
  truthDir?: string;
  /** Include each contact's weekday × hour profiles in population.ndjson. */
  truthProfiles?: boolean;
  /** Also hand every message's truth to the caller. */
  onMessage?: (m: TruthMessage) => void;
  /** Compute campaign variants' expected rates from the model (default true). */
  expectedRates?: boolean;
  onProgress?: (p: SimulationProgress) => void;
  signal?: AbortSignal;
}

export interface SimulationSummary {
  scenario: string;
  seed: number | string;
  pageId: string;
  startAt: number;
  endAt: number;
  days: number;
  contacts: number;
  blockedContacts: number;
  incidents: number;
  messages: { total: number; outbound: number; inbound: number; campaign: number; pageReplies: number };
  events: { total: number; echoes: number; inbound: number; deliveries: number; reads: number; sent: number; repeats: number; lateEchoes: number };
  bodies: { total: number; unique: number; duplicates: number; shuffled: number };
  campaigns: { occurrences: number; audience: number; sent: number; skippedWindowClosed: number; failed: number };
  badLines: BadLine[];
  archive: ArchiveSummary | null;
  posted: SenderSummary | null;
  truth: GroundTruthFiles | null;
  durationMs: number;
}

/**
 * Runs a scenario end to end: the world day by day, each body to the archive and/or
 * the receiver, ground truth alongside. This is what `relais simulate` calls.
 */
export async function runSimulation(scenario: unknown, options: RunSimulationOptions = {}): Promise<SimulationSummary> {
  const started = performance.now();
  const parsed: Scenario = parseScenario(scenario);
  const truth = options.truthDir ? new GroundTruthWriter(options.truthDir, { profiles: options.truthProfiles }) : null;
  const onMessage =
    truth && options.onMessage
      ? (m: TruthMessage) => {
          truth.onMessage(m);
          options.onMessage?.(m);
        }
      : (truth?.onMessage ?? options.onMessage);
  const sim = new Simulation(parsed, { onMessage, expectedRates: options.expectedRates ?? true });
  const archive = options.archive
    ? new ArchiveWriter(options.archive, { appSecret: options.appSecret, faults: parsed.faults, faultSeed: `${String(parsed.seed)}/${parsed.page.id}` })
    : null;
  const sender = options.post ? new WebhookSender({ ...options.postOptions, url: options.post, appSecret: options.appSecret }) : null;
  let bodies = 0;
  try {
    for (const day of sim.days()) {
      options.signal?.throwIfAborted();
      for (const d of day.deliveries) {
        bodies++;
        if (archive) await archive.write(d);
        if (sender) await sender.send(d);
      }
      if (truth) await truth.flush();
      if (options.onProgress) {
        const w = sim.counters?.world;
        options.onProgress({
          day: day.day + 1,
          days: day.days,
          events: w ? w.echoEvents + w.inboundEvents + w.deliveryEvents + w.readEvents : 0,
          bodies,
          messages: w ? w.inbound + w.outbound : 0,
          elapsedMs: performance.now() - started,
        });
      }
    }
  } catch (e) {
    // Leave no half-written archive that looks complete.
    if (archive) {
      await archive.close().catch(() => undefined);
      await fs.promises.rm(archive.path, { force: true });
    }
    await sender?.close().catch(() => undefined);
    throw e;
  }
  const archiveSummary = archive ? await archive.close() : null;
  const posted = sender ? await sender.close() : null;
  const truthFiles = truth ? await truth.close(sim) : null;
  const counters = sim.counters;
  if (!counters) throw new Error('The simulation did not run');
  const w = counters.world;
  const t = counters.transport;
  const campaigns = sim.campaigns();
  const sum = (f: (v: (typeof campaigns)[number]['variants'][number]) => number) => campaigns.reduce((a, c) => a + c.variants.reduce((b, v) => b + f(v), 0), 0);
  return {
    scenario: parsed.name,
    seed: parsed.seed,
    pageId: parsed.page.id,
    startAt: sim.startAt,
    endAt: sim.endAt,
    days: parsed.days,
    contacts: sim.population.contacts.length,
    blockedContacts: sim.population.contacts.filter((c) => c.blocked).length,
    incidents: sim.incidents.filter((i) => i.start < sim.endAt).length,
    messages: { total: w.inbound + w.outbound, outbound: w.outbound, inbound: w.inbound, campaign: w.campaignMessages, pageReplies: w.pageReplies },
    events: {
      total: w.echoEvents + w.inboundEvents + w.deliveryEvents + w.readEvents,
      echoes: w.echoEvents,
      inbound: w.inboundEvents,
      deliveries: w.deliveryEvents,
      reads: w.readEvents,
      sent: t.eventsSent,
      repeats: t.eventRepeats,
      lateEchoes: t.lateEchoes,
    },
    bodies: { total: t.bodies, unique: t.uniqueBodies, duplicates: t.duplicateBodies, shuffled: t.shuffledBodies },
    campaigns: {
      occurrences: campaigns.length,
      audience: campaigns.reduce((a, c) => a + c.audience, 0),
      sent: sum((v) => v.sent),
      skippedWindowClosed: sum((v) => v.skippedWindowClosed),
      failed: sum((v) => v.failed),
    },
    badLines: archiveSummary?.badLines ?? [],
    archive: archiveSummary,
    posted,
    truth: truthFiles,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Reads and validates a scenario file. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const text = await fs.promises.readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return parseScenario(json);
}
