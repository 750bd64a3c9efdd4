import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseScenario, type Scenario } from '../../../shared/domain/scenario';
import { contactRate, fitSendTimeModel, type ContactHistory, type FitOptions, type SendTimeModel } from '../../../shared/sendTime/model';
import { buildSendPlan, hashUnit, isQuietHour, usualSendTime, type QuietHours } from '../../../shared/sendTime/plan';
import { windowClosesAt } from '../../../shared/time/window';
import { HOUR_MS, zonedParts } from '../../../shared/time/zones';
import { createContext } from '../context';
import { importArchive } from '../ingest/importArchive';
import { createSimulation, runSimulation, type Simulation } from '../simulator';
import { localDayStart } from '../simulator/zoneClock';
import { readWorkspaceHistory, type WorkspaceHistory } from './history';
import { planContacts } from './plan';

const MINUTE_MS = 60_000;

export interface EvaluateOptions {
  /** Scenario JSON as read from its file. */
  scenario: unknown;
  seed?: number | string;
  /** Scale the scenario down: population size and number of simulated days. */
  contacts?: number;
  days?: number;
  horizonMinutes: number;
  /** Campaign days evaluated: the last `evaluationDays` days of the run, each trained on the history before it. */
  evaluationDays?: number;
  /** Validity window of each day's campaign, local hours in the Page's zone (end exclusive). */
  fromHour?: number;
  toHour?: number;
  quietHours?: QuietHours | null;
  perMinuteCap?: number | null;
  /** Oracle search grid (minutes). */
  oracleStepMinutes?: number;
  /** Working folder for the archive and the temporary database (default: a fresh temp folder, removed after). */
  workDir?: string;
  onProgress?: (message: string) => void;
  /** Model settings to compare (default: the app's). */
  model?: Omit<FitOptions, 'horizonMinutes' | 'asOf'>;
  /** Diagnostics: called once per evaluated day with what was scored (the lab and tests look inside). */
  inspect?: (day: InspectedDay) => void;
}

export interface InspectedDay {
  start: number;
  model: SendTimeModel;
  simulation: Simulation;
  contacts: readonly { contactId: number; psid: string; zone: string; allowed: readonly number[] }[];
  /** True seen-within-H chance of contact k sent at minute index i of the day's window. */
  truth: (k: number, i: number) => number;
  chosen: Record<Policy, readonly number[]>;
}

export const POLICIES = ['fixed', 'random', 'heatmapBestHour', 'audienceBestHour', 'relais', 'oracle'] as const;
export type Policy = (typeof POLICIES)[number];

export interface DayEvaluation {
  day: string;
  asOf: number;
  start: number;
  end: number;
  contacts: number;
  leftOut: number;
  rates: Record<Policy, number>;
}

export interface SendTimeEvaluation {
  scenario: string;
  seed: number | string;
  contacts: number;
  days: number;
  horizonMinutes: number;
  window: { fromHour: number; toHour: number; zone: string };
  quietHours: QuietHours | null;
  perMinuteCap: number | null;
  usualHour: number;
  /** Contact-campaigns scored (sum over the evaluated days). */
  evaluated: number;
  /** Mean expected seen-within-H rate per policy under the simulator's true probabilities. */
  rates: Record<Policy, number>;
  /** (relais − fixed) / (oracle − fixed). */
  captured: number;
  /**
   * Relais minus the audience's single best hour, per contact-campaign (paired): mean and its
   * standard error (contact-campaigns treated as independent), so "beats" can be told from noise.
   */
  versusAudienceBestHour: { difference: number; standardError: number };
  perDay: DayEvaluation[];
  /** Where the gap is: contact-campaigns and mean true rates per simulated archetype. */
  byArchetype: Record<string, { n: number; rates: Record<Policy, number> }>;
  model: { method: string; liftExponent: number; workspacePrior: { alpha: number; beta: number } };
  timings: { simulateMs: number; importMs: number; evaluateMs: number };
  method: string;
  assumptions: string[];
}

/** A history cut at `asOf`: nothing after it is visible, receipts after it did not happen yet. */
export function historyAsOf(h: ContactHistory, asOf: number): ContactHistory {
  const inbound = h.inbound.filter((t) => t < asOf);
  let last: number | null = null;
  for (const t of inbound) if (last === null || t > last) last = t;
  return {
    ...h,
    lastInboundAt: last,
    inbound,
    outbound: h.outbound
      .filter((m) => m.sentAt < asOf)
      .map((m) => ({
        sentAt: m.sentAt,
        deliveredAt: m.deliveredAt !== null && m.deliveredAt < asOf ? m.deliveredAt : null,
        readAt: m.readAt !== null && m.readAt < asOf ? m.readAt : null,
      })),
  };
}

export function scaleScenario(raw: unknown, opts: { seed?: number | string; contacts?: number; days?: number }): Scenario {
  const s = structuredClone(raw) as Record<string, unknown> & { population?: Record<string, unknown> };
  if (opts.seed !== undefined) s.seed = opts.seed;
  if (opts.days !== undefined) s.days = opts.days;
  if (opts.contacts !== undefined && s.population) s.population.size = opts.contacts;
  return parseScenario(s);
}

interface Scored {
  contactId: number;
  psid: string;
  zone: string;
  /** Allowed minute indices (validity window ∩ 24-hour window, outside quiet hours). */
  allowed: number[];
  relaisIndex: number;
}

/** Each contact's wished minute, moved to the nearest allowed minute with room under the cap (contacts in the given order). */
function placeUnderCap(items: readonly Scored[], wish: (s: Scored) => number, cap: number | null, minutes: number): number[] {
  const used = new Int32Array(minutes);
  return items.map((s) => {
    const target = wish(s);
    const order = [...s.allowed].sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b);
    const pick = order.find((i) => cap === null || (used[i] as number) < cap) ?? target;
    used[pick] = (used[pick] as number) + 1;
    return pick;
  });
}

/**
 * Scores send-time policies with the simulator's true probabilities. The history comes
 * from running the scenario and importing its webhook archive through the real importer;
 * each evaluated day trains on the history before its midnight and plans that day's
 * campaign for the contacts whose 24-hour window is open in it.
 */
export async function evaluateSendTime(options: EvaluateOptions): Promise<SendTimeEvaluation> {
  const scenario = scaleScenario(options.scenario, options);
  if (!((options.toHour ?? 22) > (options.fromHour ?? 8))) throw new RangeError('The window must end after it starts (--to-hour > --from-hour).');
  const progress = options.onProgress ?? (() => undefined);
  const ownDir = options.workDir === undefined;
  const dir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'relais-sto-'));
  try {
    const prepared = await prepareEvaluationHistory(scenario, dir, progress);
    return scoreSendTimePolicies(scenario, prepared, options);
  } finally {
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface PreparedHistory {
  history: WorkspaceHistory;
  simulateMs: number;
  importMs: number;
}

/** Runs the scenario through the simulator and imports its webhook archive with the real importer into a store under `dir`. */
export async function prepareEvaluationHistory(scenario: Scenario, dir: string, progress: (message: string) => void = () => undefined): Promise<PreparedHistory> {
  const ctx = createContext({ dataDir: path.join(dir, 'data') });
  try {
    let t0 = performance.now();
    progress(`simulating ${scenario.name}: ${scenario.population.size} contacts, ${scenario.days} days`);
    const archive = path.join(dir, 'history.ndjson');
    const run = await runSimulation(scenario, { archive, expectedRates: false });
    const simulateMs = performance.now() - t0;
    t0 = performance.now();
    progress(`importing ${run.messages.total} messages through the importer`);
    const ws = ctx.workspaces.create({ name: 'Evaluation', timeZone: scenario.page.timeZone, locale: scenario.page.locale });
    await importArchive(ctx.store.db, { file: archive, workspaceId: ws.id, addPages: true });
    const history = readWorkspaceHistory(ctx.store.db, ws.id);
    return { history, simulateMs, importMs: performance.now() - t0 };
  } finally {
    ctx.store.close();
  }
}

/** Scores every policy on the last evaluated days of a prepared history with the simulator's truth. */
export function scoreSendTimePolicies(scenario: Scenario, prepared: PreparedHistory, options: EvaluateOptions): SendTimeEvaluation {
  const H = options.horizonMinutes;
  const evaluationDays = Math.max(1, Math.min(options.evaluationDays ?? 7, scenario.days - 1));
  const fromHour = options.fromHour ?? 8;
  const toHour = options.toHour ?? 22;
  const quietHours = options.quietHours === undefined ? { startHour: 22, endHour: 8 } : options.quietHours;
  const cap = options.perMinuteCap ?? null;
  const step = options.oracleStepMinutes ?? 5;
  const progress = options.onProgress ?? (() => undefined);
  const zone = scenario.page.timeZone;
  const sim: Simulation = createSimulation(scenario);
  const { history, simulateMs, importMs } = prepared;
  {
    const t0 = performance.now();
    const perDay: DayEvaluation[] = [];
    const totals = Object.fromEntries(POLICIES.map((p) => [p, 0])) as Record<Policy, number>;
    let evaluated = 0;
    let diffSum = 0;
    let diffSq = 0;
    const byArchetype: Record<string, { n: number; rates: Record<Policy, number> }> = {};
    let lastModel: SendTimeModel | null = null;
    for (let d = scenario.days - evaluationDays; d < scenario.days; d++) {
      const asOf = localDayStart(scenario.startDate, d, zone);
      const start = asOf + fromHour * HOUR_MS;
      const end = asOf + toHour * HOUR_MS;
      const cut = history.contacts.map((h) => historyAsOf(h, asOf));
      const model = fitSendTimeModel(cut, { ...options.model, horizonMinutes: H, asOf });
      lastModel = model;
      const { contacts } = planContacts(
        model,
        cut.map((c) => c.contactId),
        new Map(),
      );
      const plan = buildSendPlan(contacts, {
        start,
        end,
        horizonMinutes: H,
        workspaceZone: zone,
        usualHour: history.usualHour,
        quietHours,
        perMinuteCap: cap,
        holdoutShare: 0,
      });
      const minutes = Math.ceil((end - start) / MINUTE_MS);
      const byId = new Map(cut.map((c) => [c.contactId, c]));
      const scored: Scored[] = [];
      for (const s of plan.sends) {
        const h = byId.get(s.contactId) as ContactHistory;
        const closes = windowClosesAt(h.lastInboundAt) as number;
        const allowed: number[] = [];
        for (let i = 0; i < minutes; i++) {
          const t = start + i * MINUTE_MS;
          if (t < (h.lastInboundAt ?? Infinity) || t >= closes) continue;
          if (isQuietHour(zonedParts(t, h.zone).hour, quietHours)) continue;
          allowed.push(i);
        }
        // Unknown-to-the-simulator contacts (none expected) cannot be scored.
        if (allowed.length === 0 || !sim.population.byPsid.has(s.psid)) continue;
        scored.push({ contactId: s.contactId, psid: s.psid, zone: h.zone, allowed, relaisIndex: Math.round((s.sendAt - start) / MINUTE_MS) });
      }
      if (scored.length === 0) continue;
      const truth = new Map<string, number>();
      const p = (s: Scored, i: number): number => {
        const key = `${s.psid}/${i}`;
        let v = truth.get(key);
        if (v === undefined) {
          v = sim.oracle.probability(s.psid, start + i * MINUTE_MS, H).seen;
          truth.set(key, v);
        }
        return v;
      };
      const mean = (idx: readonly number[]) => idx.reduce((a, i, k) => a + p(scored[k] as Scored, i), 0) / scored.length;
      const usualIndex = Math.round((usualSendTime(start, end, zone, history.usualHour) - start) / MINUTE_MS);
      const fixed = placeUnderCap(scored, () => usualIndex, cap, minutes);
      const hourStarts: number[] = [];
      for (let i = 0; i < minutes; i++) if (zonedParts(start + i * MINUTE_MS, zone).minute === 0) hourStarts.push(i);
      // The single best hour for everyone: by the simulator's truth, and by the model's heatmap.
      let bestTrue = { rate: -1, idx: fixed };
      let bestModel = { score: -1, idx: fixed };
      for (const h0 of hourStarts) {
        const idx = placeUnderCap(scored, () => h0, cap, minutes);
        const rate = mean(idx);
        if (rate > bestTrue.rate) bestTrue = { rate, idx };
        let score = 0;
        idx.forEach((i, k) => {
          const s = scored[k] as Scored;
          const c = model.contacts.get(s.contactId);
          if (c) score += contactRate(model, c, zonedCell(start + i * MINUTE_MS, s.zone));
        });
        if (score > bestModel.score) bestModel = { score, idx };
      }
      const random = scored.map((s) => s.allowed[Math.floor(hashUnit(`random/${d}`, s.psid) * s.allowed.length)] as number);
      const relais = scored.map((s) => s.relaisIndex);
      const oracle = scored.map((s, k) => {
        let best = -1;
        const candidates = new Set<number>([relais[k] as number, fixed[k] as number, bestTrue.idx[k] as number, bestModel.idx[k] as number, random[k] as number]);
        for (let j = 0; j < s.allowed.length; j += step) candidates.add(s.allowed[j] as number);
        candidates.add(s.allowed[s.allowed.length - 1] as number);
        let arg = s.allowed[0] as number;
        for (const i of candidates) {
          const v = p(s, i);
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        return arg;
      });
      options.inspect?.({
        start,
        model,
        simulation: sim,
        contacts: scored,
        truth: (k, i) => p(scored[k] as Scored, i),
        chosen: { fixed, random, heatmapBestHour: bestModel.idx, audienceBestHour: bestTrue.idx, relais, oracle },
      });
      const rates: Record<Policy, number> = {
        fixed: mean(fixed),
        random: mean(random),
        heatmapBestHour: mean(bestModel.idx),
        audienceBestHour: bestTrue.rate,
        relais: mean(relais),
        oracle: mean(oracle),
      };
      for (const k of POLICIES) totals[k] += rates[k] * scored.length;
      const chosen: Record<Policy, readonly number[]> = { fixed, random, heatmapBestHour: bestModel.idx, audienceBestHour: bestTrue.idx, relais, oracle };
      scored.forEach((s, k) => {
        const arch = sim.population.byPsid.get(s.psid)?.archetype ?? 'unknown';
        const a = (byArchetype[arch] ??= { n: 0, rates: Object.fromEntries(POLICIES.map((q) => [q, 0])) as Record<Policy, number> });
        a.n++;
        const diff = p(s, relais[k] as number) - p(s, bestTrue.idx[k] as number);
        diffSum += diff;
        diffSq += diff * diff;
        for (const q of POLICIES) a.rates[q] += p(s, chosen[q][k] as number);
      });
      evaluated += scored.length;
      const dayLabel = new Date(asOf + 12 * HOUR_MS).toISOString().slice(0, 10);
      perDay.push({ day: dayLabel, asOf, start, end, contacts: scored.length, leftOut: plan.leftOut.length, rates });
      progress(`${dayLabel}: ${scored.length} contacts, fixed ${rates.fixed.toFixed(3)}, relais ${rates.relais.toFixed(3)}, oracle ${rates.oracle.toFixed(3)}`);
    }
    const rates = Object.fromEntries(POLICIES.map((k) => [k, evaluated > 0 ? totals[k] / evaluated : 0])) as Record<Policy, number>;
    for (const a of Object.values(byArchetype)) for (const q of POLICIES) a.rates[q] /= a.n;
    const gain = rates.oracle - rates.fixed;
    return {
      scenario: scenario.name,
      seed: scenario.seed,
      contacts: scenario.population.size,
      days: scenario.days,
      horizonMinutes: H,
      window: { fromHour, toHour, zone },
      quietHours,
      perMinuteCap: cap,
      usualHour: history.usualHour,
      evaluated,
      rates,
      captured: gain > 0 ? (rates.relais - rates.fixed) / gain : 0,
      versusAudienceBestHour: (() => {
        const mean = evaluated > 0 ? diffSum / evaluated : 0;
        const variance = evaluated > 1 ? (diffSq - evaluated * mean * mean) / (evaluated - 1) : 0;
        return { difference: mean, standardError: evaluated > 1 ? Math.sqrt(Math.max(0, variance) / evaluated) : 0 };
      })(),
      perDay,
      byArchetype,
      model: lastModel
        ? { method: lastModel.method, liftExponent: lastModel.liftExponent, workspacePrior: lastModel.workspacePrior }
        : { method: '', liftExponent: 0, workspacePrior: { alpha: 0, beta: 0 } },
      timings: { simulateMs: Math.round(simulateMs), importMs: Math.round(importMs), evaluateMs: Math.round(performance.now() - t0) },
      method: 'offline policy evaluation with the simulator’s analytic ground truth (expected, not sampled, seen-within-H)',
      assumptions: [
        `History: the scenario run through the simulator, its webhook archive imported with the real importer; each evaluated day (the last ${evaluationDays}) trains only on what was visible before its midnight (${zone}).`,
        `Campaign: each evaluated day, ${String(fromHour).padStart(2, '0')}:00–${String(toHour).padStart(2, '0')}:00 ${zone}, H = ${H} min, to every contact whose 24-hour window is open then${quietHours ? `, outside local quiet hours ${quietHours.startHour}:00–${quietHours.endHour}:00` : ''}${cap ? `, at most ${cap} sends a minute` : ''}.`,
        'Every policy sends each contact once, at a minute inside its 24-hour window and the validity window, outside quiet hours; single-time policies move a contact to its nearest allowed minute.',
        'fixed: the usual hour (most common past send hour); audienceBestHour: the one hour that maximises the true mean rate; heatmapBestHour: the one hour the model’s audience heatmap prefers; random: a uniform allowed minute.',
        `oracle: per contact, the best true time on a ${step}-minute grid of its allowed minutes plus every other policy’s minute (so it is never below them); the cap is not applied to it.`,
        'Rates are expected values from the simulator’s model for each message as if sent alone; captured = (relais − fixed) / (oracle − fixed).',
        'Relais vs the audience’s best hour: the mean of the paired per-contact differences and its standard error, contact-campaigns treated as independent (a contact evaluated on several days counts each time, so the error is somewhat understated).',
      ],
    };
  }
}

function zonedCell(t: number, zone: string): number {
  const p = zonedParts(t, zone);
  return p.weekday * 24 + p.hour;
}
