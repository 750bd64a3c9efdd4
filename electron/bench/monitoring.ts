import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { DAY_MS } from '../../shared/time/zones';
import { DEFAULT_RECURRING_RULE, DEFAULT_STUCK_THRESHOLDS } from '../../shared/domain/monitoring';
import { monitoring as monitoringMigration } from '../services/db/migrations/004_monitoring';
import { openStore } from '../services/db/store';
import { DEFAULT_BATCH_SIZE, tuneForImport } from '../services/ingest/importArchive';
import { deliveryFunnel, evaluateAlerts, latencyProfile, recurringProblems, refreshMonitoring, stuckMessages } from '../services/monitoring';
import { incidentParamsOf } from '../services/monitoring/alertRules';
import { baselineFunnel, baselineLatency, baselineRecurring, baselineStuck, preload } from '../services/monitoring/bench/baseline';
import { generateDataset } from '../services/monitoring/bench/dataset';
import { zoneCalendar } from '../services/monitoring/zoneCalendar';
import { timeMedian } from './timing';

/**
 * `npm run bench -- monitoring [--messages N] [--contacts N] [--runs R] [--seed S] [--keep]`
 *
 * Builds a temporary store of N messages (default 1 000 000) and times the dashboard's
 * queries (funnel, latency percentiles, stuck list, recurring problems) next to the same
 * computation in plain loops over typed arrays preloaded in memory: the lower bound. Each
 * figure is the median of R runs after one warm-up; the ratio is query ÷ lower bound
 * (target: ≤ 10). The last line is one JSON object with every figure.
 */
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    contacts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    keep: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const contacts = Number(values.contacts);
const runs = Math.max(1, Number(values.runs));

/** One warm-up, then the median of `runs` timed calls. */
const time = <T>(f: () => T) => timeMedian(runs, f);

function once<T>(f: () => T): { ms: number; result: T } {
  const t = performance.now();
  const result = f();
  return { ms: performance.now() - t, result };
}

const TRIGGERS = ['monitoring_messages_updated', 'monitoring_messages_deleted', 'monitoring_contacts_deleted', 'monitoring_contacts_moved'];
const INDEXES = ['monitoring_messages_thread', 'monitoring_messages_out_sent'];

function ensureMonitoringSchema(db: Database.Database): void {
  // Migration 004 is applied here until it is registered with the others.
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'monitoring_hourly'").get()) db.exec(monitoringMigration.up as string);
}

interface PathCost {
  insertMs: number;
  receiptsMs: number;
}

/**
 * What migration 004 costs the import path, with the importer's connection settings and
 * batch size: the same messages inserted without their receipts, then their receipts
 * applied one UPDATE each, into the schema without 004, with its indexes only, and whole.
 */
function importCost(source: Database.Database, rows: number): Record<'base' | 'indexes' | 'full', PathCost> {
  const sample = source.prepare('SELECT * FROM messages ORDER BY id LIMIT ?').all(rows) as Record<string, unknown>[];
  const run = (variant: 'base' | 'indexes' | 'full'): PathCost => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-import-'));
    const store = openStore({ dataDir: tmp });
    try {
      const db = store.db;
      ensureMonitoringSchema(db);
      if (variant !== 'full') for (const t of TRIGGERS) db.exec(`DROP TRIGGER ${t}`);
      if (variant === 'base') for (const i of INDEXES) db.exec(`DROP INDEX ${i}`);
      db.transaction(() => {
        db.prepare("INSERT INTO workspaces (id, name, time_zone, locale, created_at, updated_at) VALUES (1, 'W', 'UTC', 'en', 0, 0)").run();
        db.prepare("INSERT INTO pages (id, workspace_id, page_id, created_at) VALUES (1, 1, 'p', 0)").run();
        const c = db.prepare('INSERT INTO contacts (id, page_ref, psid) VALUES (?, 1, ?)');
        for (let i = 1; i <= contacts; i++) c.run(i, `p${i}`);
      })();
      const insert = db.prepare(
        `INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (@mid, @contact_ref, @direction, @sent_at, @sent_at_source)`,
      );
      const receipt = db.prepare('UPDATE messages SET delivered_at = @delivered_at, read_at = @read_at, delivered_inferred = @delivered_inferred WHERE mid = @mid');
      const withReceipts = sample.filter((r) => r.delivered_at !== null);
      const untune = tuneForImport(db);
      const inBatches = (list: Record<string, unknown>[], write: (r: Record<string, unknown>) => void) => {
        const t = performance.now();
        for (let from = 0; from < list.length; from += DEFAULT_BATCH_SIZE) {
          db.transaction(() => {
            for (const r of list.slice(from, from + DEFAULT_BATCH_SIZE)) write(r);
          })();
        }
        return performance.now() - t;
      };
      const cost = { insertMs: inBatches(sample, (r) => insert.run(r)), receiptsMs: inBatches(withReceipts, (r) => receipt.run(r)) };
      untune();
      return cost;
    } finally {
      store.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  return { base: run('base'), indexes: run('indexes'), full: run('full') };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-monitoring-'));
const store = openStore({ dataDir: dir });
const db = store.db;
try {
  ensureMonitoringSchema(db);
  process.stderr.write(`Generating ${messages} messages for ${contacts} contacts in ${dir}…\n`);
  const untune = tuneForImport(db);
  const data = generateDataset(db, { messages, contacts, seed: Number(values.seed) });
  untune();
  const ws = data.workspaceId;
  const now = data.now;
  process.stderr.write(`Inserted in ${(data.insertMs / 1000).toFixed(1)} s. Building the aggregates…\n`);
  const build = once(() => refreshMonitoring(db, ws, now));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const importRows = Math.min(200_000, data.messages);
  const overhead = importCost(db, importRows);

  process.stderr.write('Preloading the lower bounds’ typed arrays…\n');
  const P = preload(db, ws);
  const calendar = zoneCalendar(data.timeZone, data.start, now);
  const detector = incidentParamsOf(db, ws);
  const from = now - 30 * DAY_MS;

  const funnel = time(() => deliveryFunnel(db, { workspaceId: ws, from, to: now, now }));
  const funnelLb = time(() => baselineFunnel(P, { from, to: now, now, horizonMs: DAY_MS, replyWindowMs: DAY_MS }));
  const latency = time(() => latencyProfile(db, { workspaceId: ws, now }));
  const latencyLb = time(() => baselineLatency(P, calendar));
  const stuck = time(() => stuckMessages(db, { workspaceId: ws, now }));
  const stuckLb = time(() => baselineStuck(P, { now, thresholds: DEFAULT_STUCK_THRESHOLDS, limit: 50, detector, calendar }));
  const recurring = time(() => recurringProblems(db, { workspaceId: ws, now }));
  const recurringLb = time(() => baselineRecurring(P, { rule: DEFAULT_RECURRING_RULE, now, limit: 100 }));
  // The same recurring query one hour later: statuses whose judgement fell due are recomputed.
  const recurringLater = once(() => recurringProblems(db, { workspaceId: ws, now: now + 3_600_000 }));
  // Not among the four targets, reported for the dashboard's sake: people rather than messages
  // (computed from the messages, no rollup), and one evaluation of the default alert rules.
  const contactsFunnel = once(() => deliveryFunnel(db, { workspaceId: ws, from, to: now, now, basis: 'contacts' }));
  const alerts = once(() => evaluateAlerts(db, ws, now));

  // Both sides must agree, or the comparison means nothing.
  const counts = Object.fromEntries(funnel.result.steps.map((s) => [s.step, s.count]));
  const lb = funnelLb.result;
  const agree = {
    funnel:
      counts.sent === lb.current.sent && counts.delivered === lb.current.delivered && counts.seen === lb.current.seen && counts.replied === lb.current.replied &&
      funnel.result.pending === lb.pending && funnel.result.previous?.sent === lb.previous.sent && funnel.result.normal?.campaigns === lb.normal.campaigns &&
      funnel.result.normal?.rates.seen === lb.normal.seen,
    latency:
      JSON.stringify([latency.result.sentToDelivered.overall, latency.result.deliveredToSeen.byHourOfDay, latency.result.sentToDelivered.byDay]) ===
      JSON.stringify([latencyLb.result.sentToDelivered.overall, latencyLb.result.deliveredToSeen.byHourOfDay, latencyLb.result.sentToDelivered.byDay]),
    stuck:
      stuck.result.total === stuckLb.result.total &&
      JSON.stringify(stuck.result.items.map((i) => [i.messageId, i.hints])) === JSON.stringify(stuckLb.result.items.map((i) => [i.messageId, i.hints])),
    recurring:
      recurring.result.total === recurringLb.result.total &&
      JSON.stringify(recurring.result.items.map((i) => [i.contactId, i.lastSeenAt])) === JSON.stringify(recurringLb.result.items.map((i) => [i.contactId, i.lastSeenAt])),
  };

  const rows = [
    { query: 'funnel (30 days, previous period, normal)', ms: funnel.ms, lowerBoundMs: funnelLb.ms, agree: agree.funnel },
    { query: 'latency percentiles (all history, by hour and day)', ms: latency.ms, lowerBoundMs: latencyLb.ms, agree: agree.latency },
    { query: 'stuck list (7 days, first 50, with hints)', ms: stuck.ms, lowerBoundMs: stuckLb.ms, agree: agree.stuck },
    { query: 'recurring problems (first 100 + total)', ms: recurring.ms, lowerBoundMs: recurringLb.ms, agree: agree.recurring },
  ].map((r) => ({ ...r, ratio: r.ms / r.lowerBoundMs }));

  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number) => x.toFixed(1).padStart(9);
  console.log(`\nMonitoring benchmark: ${data.messages} messages, ${data.contacts} contacts, ${data.campaigns} campaigns; median of ${runs} runs\n`);
  console.log(`${pad('query', 52)}${'SQL ms'.padStart(9)}${'bound ms'.padStart(10)}${'ratio'.padStart(8)}  agree`);
  for (const r of rows) console.log(`${pad(r.query, 52)}${num(r.ms)}${num(r.lowerBoundMs).padStart(10)}${r.ratio.toFixed(2).padStart(8)}  ${r.agree ? 'yes' : 'NO'}`);
  console.log(`\nbulk insert with triggers: ${(data.insertMs / 1000).toFixed(1)} s; aggregates built from scratch: ${(build.ms / 1000).toFixed(2)} s`);
  const c = (k: 'base' | 'indexes' | 'full') => `${overhead[k].insertMs.toFixed(0)} + ${overhead[k].receiptsMs.toFixed(0)} ms`;
  console.log(
    `import path, ${importRows} inserts + their receipts as UPDATEs, batches of ${DEFAULT_BATCH_SIZE}: ` +
      `${c('base')} without migration 004, ${c('indexes')} with its indexes, ${c('full')} with its indexes and triggers`,
  );
  console.log(`recurring problems after an hour (statuses falling due recomputed): ${recurringLater.ms.toFixed(1)} ms`);
  console.log(`funnel over contacts (30 days, from the messages): ${contactsFunnel.ms.toFixed(0)} ms; alert evaluation (default rules): ${alerts.ms.toFixed(0)} ms, ${alerts.result.opened.length} opened`);
  console.log(`results: ${stuck.result.total} stuck, ${recurring.result.total} contacts with recurring problems\n`);
  console.log(
    JSON.stringify({
      bench: 'monitoring',
      messages: data.messages,
      contacts: data.contacts,
      runs,
      queries: Object.fromEntries(rows.map((r, i) => [['funnel', 'latency', 'stuck', 'recurring'][i], { ms: r.ms, lowerBoundMs: r.lowerBoundMs, ratio: r.ratio, agree: r.agree }])),
      insertMs: data.insertMs,
      aggregatesBuildMs: build.ms,
      importCost: { rows: importRows, ...overhead },
      recurringAfterAnHourMs: recurringLater.ms,
      contactsFunnelMs: contactsFunnel.ms,
      evaluateAlertsMs: alerts.ms,
      withinTarget: rows.every((r) => r.ratio <= 10),
    }),
  );
} finally {
  store.close();
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
