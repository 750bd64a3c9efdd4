import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fitSendTimeModel } from '../../shared/sendTime/model';
import { buildSendPlan } from '../../shared/sendTime/plan';
import { createContext } from '../services/context';
import { POLICIES, evaluateSendTime, type SendTimeEvaluation } from '../services/sendTime/evaluate';
import { serveFitHelperIfAsked, startFitHelper } from '../services/sendTime/fitHelper';
import { readWorkspaceHistory } from '../services/sendTime/history';
import { planContacts } from '../services/sendTime/plan';
import { timeMedian } from './timing';

/** Table column width and short policy names (the JSON line keeps the full names). */
const COL = 12;
const SHORT: Record<string, string> = { heatmapBestHour: 'heatmapBH', audienceBestHour: 'audienceBH' };

/**
 * `npm run bench -- sto [--contacts N] [--skip-eval] [--scaled] [--runs R]`
 *
 * 1. Evaluation: restaurant (8 000 contacts × 180 days), mixed zones (the shop, 12 000 × 180)
 *    and "everyone alike" (2 000 × 60) as shipped — `--scaled` runs restaurant 3 000 × 90 and
 *    shop 4 000 × 120 instead — each policy's expected seen-within-60-min rate under the
 *    simulator's truth, captured, and relais − the audience's best hour with its standard error.
 * 2. Scale: N contacts (default 100 000) with a synthetic history in a temporary store;
 *    time to read their history (the baseline) vs time to fit the model and plan a
 *    3-hour window (target: plan < 2 s), with the fit's helper thread as the app runs it,
 *    and on one thread for comparison. Medians of R runs after a warm-up.
 * The last line is one JSON object with every figure.
 */
const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'skip-eval': { type: 'boolean', default: false },
    scaled: { type: 'boolean', default: false },
  },
});
const N = Number(values.contacts);
const runs = Math.max(1, Number(values.runs));

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Each timed run starts after a full collection: the app fits in a fresh worker, not after three earlier fits.
const timed = <T>(f: () => T) => timeMedian(runs, f, { collect: true });

const figures: Record<string, unknown> = { bench: 'sto' };

async function main(): Promise<void> {

if (!values['skip-eval']) {
  // The targets are on the scenarios as shipped; --scaled runs smaller versions for a quick look.
  const scaled = values.scaled;
  const scenarios: [string, string, number | undefined, number | undefined][] = [
    ['restaurant', 'restaurant.json', scaled ? 3000 : undefined, scaled ? 90 : undefined],
    ['mixedZones', 'shop.json', scaled ? 4000 : undefined, scaled ? 120 : undefined],
    ['alike', 'alike.json', undefined, undefined],
  ];
  const rows: string[] = [];
  const evaluation: Record<string, unknown> = {};
  for (const [key, file, contacts, days] of scenarios) {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'resources', 'scenarios', file), 'utf8'));
    const e: SendTimeEvaluation = await evaluateSendTime({ scenario: raw, contacts, days, horizonMinutes: 60 });
    const vs = e.versusAudienceBestHour;
    evaluation[key] = { contacts: e.contacts, days: e.days, evaluated: e.evaluated, rates: e.rates, captured: e.captured, versusAudienceBestHour: vs, method: e.model.method, timings: e.timings };
    rows.push(
      `${key.padEnd(12)} ${String(e.contacts).padStart(6)} ${String(e.days).padStart(4)} ${String(e.evaluated).padStart(6)}  ` +
        POLICIES.map((p) => (e.rates[p] * 100).toFixed(1).padStart(COL)).join('') +
        `  ${e.captured.toFixed(3).padStart(8)}  ${`${(vs.difference * 100 >= 0 ? '+' : '') + (vs.difference * 100).toFixed(2)} ± ${(vs.standardError * 100).toFixed(2)}`.padStart(15)}`,
    );
  }
  console.log('Send-time evaluation (H = 60 min, seen-within-H %, simulator truth; last column: relais − audience best hour, paired, ± 1 standard error, points)');
  console.log(`${'scenario'.padEnd(12)} ${'contacts'.padStart(6)} days  evald  ${POLICIES.map((p) => (SHORT[p] ?? p).padStart(COL)).join('')}  captured  ${'vs best hour'.padStart(15)}`);
  for (const r of rows) console.log(r);
  figures.evaluation = evaluation;
}

// Scale: N contacts, each with ~2 weeks of history, all with an open 24-hour window.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-sto-'));
const ctx = createContext({ dataDir: dir });
try {
  const db = ctx.store.db;
  const now = Date.UTC(2026, 5, 10, 6, 0);
  const ws = ctx.workspaces.create({ name: 'Bench', timeZone: 'Europe/Paris', locale: 'fr-FR' });
  const page = Number(db.prepare("INSERT INTO pages (workspace_id, page_id, time_zone, created_at) VALUES (?, 'bench', 'Europe/Paris', 0)").run(ws.id).lastInsertRowid);
  const tBuild = performance.now();
  let messages = 0;
  db.transaction(() => {
    const contact = db.prepare('INSERT INTO contacts (page_ref, psid, last_inbound_at, time_zone) VALUES (?, ?, ?, ?)');
    const msg = db.prepare('INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const zones = ['Europe/Paris', 'Europe/London', 'America/Montreal', null];
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x1_0000_0000);
    for (let i = 0; i < N; i++) {
      const lastIn = now - Math.floor(rnd() * 20 * HOUR);
      const id = Number(contact.run(page, `b${i}`, lastIn, zones[i % 4]).lastInsertRowid);
      const peak = Math.floor(rnd() * 24);
      for (let d = 1; d <= 3; d++) {
        const t = now - d * 4 * DAY + peak * HOUR + Math.floor(rnd() * HOUR);
        msg.run(`bi${i}-${d}`, id, 'in', t, 'inbound', null, null);
        messages++;
      }
      msg.run(`bl${i}`, id, 'in', lastIn, 'inbound', null, null);
      for (let d = 1; d <= 8; d++) {
        const t = now - d * DAY + 6 * HOUR;
        const read = rnd() < 0.5 ? t + Math.floor(rnd() * 3 * HOUR) : null;
        msg.run(`bo${i}-${d}`, id, 'out', t, 'echo', t + MINUTE, read);
        messages += 1;
      }
      messages++;
    }
  })();
  const buildMs = performance.now() - tBuild;

  // The app starts the helper before reading the history (services/sendTime/history.ts): it is ready when the fit starts.
  const helper = startFitHelper(__filename);
  const read = timed(() => readWorkspaceHistory(db, ws.id));
  const history = read.result;
  const start = now + 4 * HOUR;
  const end = start + 3 * HOUR;
  const fit = timed(() => fitSendTimeModel(history.contacts, { horizonMinutes: 60, asOf: now, ...(helper ? { helper } : {}) }));
  const planOnly = timed(() => {
    const { contacts } = planContacts(
      fit.result,
      history.contacts.map((c) => c.contactId),
      new Map(),
    );
    return buildSendPlan(contacts, { start, end, horizonMinutes: 60, workspaceZone: history.workspaceZone, usualHour: history.usualHour, perMinuteCap: 1000, quietHours: { startHour: 22, endHour: 8 }, holdoutShare: 0.1, ...(helper ? { helper } : {}) });
  });
  helper?.close();
  const fitOneThread = timed(() => fitSendTimeModel(history.contacts, { horizonMinutes: 60, asOf: now }));
  const planTotal = fit.ms + planOnly.ms;
  const plan = planOnly.result;
  console.log('');
  console.log(`Scale: ${N} contacts, ${messages} messages (store built in ${(buildMs / 1000).toFixed(1)} s), 3-hour window, cap 1000/min, median of ${runs}`);
  console.log(`  read history (baseline)   ${read.ms.toFixed(0).padStart(7)} ms`);
  console.log(`  fit model                 ${fit.ms.toFixed(0).padStart(7)} ms   (${helper ? 'with its helper thread' : 'one core: no helper thread'}; ${fitOneThread.ms.toFixed(0)} ms on one thread)`);
  console.log(`  plan (${plan.sends.length} sends, ${plan.leftOut.length} left out) ${planOnly.ms.toFixed(0).padStart(7)} ms${helper ? '   (intervals: half on the helper thread)' : ''}`);
  console.log(`  fit + plan                ${planTotal.toFixed(0).padStart(7)} ms   (target < 2000 ms; ${(planTotal / read.ms).toFixed(2)} × reading the history)`);
  figures.scale = {
    contacts: N,
    messages,
    readHistoryMs: Math.round(read.ms),
    fitMs: Math.round(fit.ms),
    helperThread: helper !== null,
    fitOneThreadMs: Math.round(fitOneThread.ms),
    fitOneThreadPlusPlanMs: Math.round(fitOneThread.ms + planOnly.ms),
    planMs: Math.round(planOnly.ms),
    fitPlusPlanMs: Math.round(planTotal),
    ratioToRead: Number((planTotal / read.ms).toFixed(3)),
    sends: plan.sends.length,
    leftOut: plan.leftOut.length,
    targetMs: 2000,
    meetsTarget: planTotal < 2000,
  };
} finally {
  ctx.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(figures));
}

// This bundle is also the fit's helper thread.
if (!serveFitHelperIfAsked()) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
