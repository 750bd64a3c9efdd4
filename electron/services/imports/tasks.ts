import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DemoResult, ImportResult } from '../../../shared/domain/imports';
import type { JobProgress } from '../../../shared/domain/jobs';
import restaurantScenario from '../../../resources/scenarios/restaurant.json';
import shopScenario from '../../../resources/scenarios/shop.json';
import { importContactsCsv } from '../contacts/importContacts';
import { writeDemoContactsCsv } from '../contacts/demoContacts';
import { importArchive, type ImportProgress, type ImportSummary } from '../ingest/importArchive';
import { refreshMonitoring } from '../monitoring';
import { runSimulation } from '../simulator';
import { addDays, isoDate } from '../simulator/zoneClock';
import { zonedParts } from '../../../shared/time/zones';
import { syncDemoHistory } from '../sync/demoHistory';
import { WorkspaceService } from '../workspaces';

export type ProgressSink = (p: Partial<JobProgress>) => void;

export interface ImportTaskArgs {
  workspaceId: number;
  file: string;
  addPages: boolean;
  appSecret?: string;
}

function importProgress(p: ImportProgress): Partial<JobProgress> {
  return {
    phase: p.phase,
    done: p.bytesRead,
    total: p.totalBytes,
    unit: 'bytes',
    rate: p.eventsPerSecond > 0 ? p.eventsPerSecond : null,
    etaMs: p.etaSeconds === null ? null : p.etaSeconds * 1000,
    counters: { events: p.events, badLines: p.badLines },
  };
}

export function toImportResult(s: ImportSummary): ImportResult {
  return {
    status: s.status,
    runId: s.runId,
    file: s.file,
    bytes: s.bytes,
    values: s.values,
    events: s.events,
    echoes: s.echoes,
    inbound: s.inbound,
    deliveries: s.deliveries,
    reads: s.reads,
    ignored: s.ignored,
    badLines: s.badLines,
    unverified: s.unverified,
    badLineReport: s.badLineReport,
    pagesAdded: s.pagesAdded,
    resumedFrom: s.resumedFrom,
    durationMs: s.durationMs,
  };
}

/** One webhook archive into one workspace, through the real importer. */
export async function runImportTask(db: Database, args: ImportTaskArgs, progress: ProgressSink, signal: AbortSignal): Promise<ImportResult> {
  const summary = await importArchive(
    db,
    { file: args.file, workspaceId: args.workspaceId, addPages: args.addPages, appSecret: args.appSecret ?? null, signal },
    (p) => progress(importProgress(p)),
  );
  // Bring the dashboard's aggregates up to date here, in the worker, so the first dashboard open after a big import stays fast.
  if (summary.status !== 'cancelled') refreshMonitoring(db, args.workspaceId);
  return toImportResult(summary);
}

const demoScenarios = [
  { scenario: restaurantScenario, workspace: { name: 'Le Petit Zinc (démo)', timeZone: 'Europe/Paris', locale: 'fr-FR' } },
  { scenario: shopScenario, workspace: { name: 'Maple & Co. (demo)', timeZone: 'America/Toronto', locale: 'en-CA' } },
] as const;

/**
 * The demo's history ends at local midnight today (or on RELAIS_DEMO_END_DATE, YYYY-MM-DD, for a
 * reproducible demo): a demo that stopped months ago would have every 24-hour window closed, and
 * the planner would have nobody to schedule. Same seed, same people and behaviour, recent dates.
 */
export function demoStartDate(days: number, zone: string, now = Date.now(), endDate = process.env.RELAIS_DEMO_END_DATE): string {
  const end = endDate && /^\d{4}-\d{2}-\d{2}$/.test(endDate) ? endDate : isoDate(zonedParts(now, zone));
  return isoDate(addDays(end, -days));
}

/**
 * The demo workspaces: each scenario is simulated into a webhook archive, then
 * brought in by the same importer a user's archive goes through. Nothing is
 * inserted behind that path. Running it again re-imports identical archives,
 * which changes nothing.
 */
export async function runDemoTask(db: Database, dataDir: string, progress: ProgressSink, signal: AbortSignal): Promise<DemoResult> {
  const started = Date.now();
  const workspaces = new WorkspaceService(db, dataDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-demo-'));
  const steps = demoScenarios.length * 2;
  const out: DemoResult['workspaces'] = [];
  try {
    for (const [i, demo] of demoScenarios.entries()) {
      const ws = workspaces.findByName(demo.workspace.name) ?? workspaces.create({ ...demo.workspace });
      const archive = path.join(tmp, `demo-${i === 0 ? 'restaurant' : 'shop'}.ndjson`);
      const truthDir = path.join(tmp, `truth-${i}`);
      const scenario = { ...demo.scenario, startDate: demoStartDate(demo.scenario.days, demo.scenario.page.timeZone) };
      const sim = await runSimulation(scenario, {
        archive,
        truthDir,
        signal,
        expectedRates: false,
        onProgress: (p) =>
          progress({ phase: 'generating', unit: 'steps', done: (i * 2 + p.day / p.days) * 100, total: steps * 100, rate: null, etaMs: null, counters: { events: p.events } }),
      });
      const summary = await importArchive(db, { file: archive, workspaceId: ws.id, addPages: true, signal }, (p) =>
        progress({
          phase: 'importing',
          unit: 'steps',
          // The pre-scan reads the file once more; only the import itself moves the bar.
          done: (i * 2 + 1 + (p.phase === 'importing' && p.totalBytes ? p.bytesRead / p.totalBytes : 0)) * 100,
          total: steps * 100,
          rate: p.eventsPerSecond > 0 ? p.eventsPerSecond : null,
          etaMs: null,
          counters: { events: p.events },
        }),
      );
      fs.rmSync(archive, { force: true });
      if (summary.status === 'cancelled') break;
      // The business's own contact list (names, phone, e-mail, consent) comes in as a CSV, as a user's CRM export would.
      const crm = path.join(tmp, `contacts-${i}.csv`);
      writeDemoContactsCsv(db, ws.id, demo.scenario.page.id, path.join(truthDir, 'population.ndjson'), crm);
      importContactsCsv(db, { file: crm, workspaceId: ws.id });
      // The Page's inbox history through the real Graph client too, against the simulator's Graph
      // face (issue #5): every message it brings merges with its webhook row (none counted twice).
      // Measured +13 s on a 27 s demo (2 cores); RELAIS_DEMO_GRAPH_HISTORY=0 skips it.
      if (process.env.RELAIS_DEMO_GRAPH_HISTORY !== '0') {
        await syncDemoHistory(db, {
          workspaceId: ws.id,
          scenario,
          signal,
          onProgress: (p) => progress({ phase: 'syncing', unit: 'steps', done: (i * 2 + 1.99) * 100, total: steps * 100, rate: p.rate, etaMs: null, counters: { events: p.messagesDone } }),
        });
      }
      refreshMonitoring(db, ws.id);
      const counts = db
        .prepare('SELECT count(DISTINCT m.contact_ref) AS contacts, count(*) AS messages FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ?')
        .get(ws.id) as { contacts: number; messages: number };
      out.push({ id: ws.id, name: ws.name, messages: counts.messages, contacts: counts.contacts, events: sim.events.total });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { workspaces: out, durationMs: Date.now() - started };
}
