import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { openStore } from '../db/store';
import { DEFAULT_BATCH_SIZE, importArchive, tuneForImport } from './importArchive';
import { writeSyntheticArchive } from './syntheticArchive';

export interface IngestBenchOptions {
  events: number;
  /** Working folder: the archive and two databases are created in it. */
  dataDir: string;
  seed?: number;
  /** An archive made elsewhere (the simulator, for `npm run bench -- ingest`), used instead of the synthetic one. */
  archive?: { path: string; events: number; bytes: number };
  /** Rows per transaction for the ceiling, matching the importer's batch. */
  batchSize?: number;
  log?: (line: string) => void;
}

export interface IngestBenchResult {
  events: number;
  archiveBytes: number;
  rows: { contacts: number; messages: number; receiptEvents: number };
  import: { seconds: number; cpuSeconds: number; eventsPerSecond: number };
  /** Prepared INSERTs of the very rows the import produced, into the same schema, same transaction size. */
  ceiling: { seconds: number; cpuSeconds: number; eventsPerSecond: number };
  /** import events/s ÷ ceiling events/s (wall clock): the figure that counts (target ≥ 0.35). */
  ratio: number;
  /** The same ratio on this process's CPU time: steadier when other work shares the machine. */
  cpuRatio: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

interface ContactRow {
  id: number;
  page_ref: number;
  psid: string;
  first_inbound_at: number | null;
  last_inbound_at: number | null;
}
interface MessageRow {
  id: number;
  mid: string;
  contact_ref: number;
  direction: string;
  sent_at: number;
  sent_at_source: string;
  delivered_at: number | null;
  delivered_inferred: number;
  read_at: number | null;
  campaign_id: number | null;
  variant_id: number | null;
}
interface ReceiptRow {
  id: number;
  contact_ref: number;
  kind: string;
  watermark: number;
  event_time: number;
  mids: string | null;
  received_at: number;
}

function setUpWorkspace(db: Database): number {
  const t = Date.now();
  return Number(
    db.prepare('INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('Bench', 'Europe/Paris', 'fr-FR', t, t).lastInsertRowid,
  );
}

function inBatches<T>(db: Database, rows: T[], size: number, insert: (row: T) => void): void {
  const batch = db.transaction((from: number) => {
    const to = Math.min(rows.length, from + size);
    for (let i = from; i < to; i++) insert(rows[i]!);
  });
  for (let from = 0; from < rows.length; from += size) batch(from);
}

/**
 * Generates a synthetic archive of `events` events, imports it (pre-scan, parsing, validation
 * and receipt resolution included), then inserts the resulting rows again with bare prepared
 * statements into a fresh database of the same schema: the ceiling of what the disk and SQLite
 * allow for those rows. Both timings end with a WAL checkpoint, so both count the work of
 * getting the rows into the database file (otherwise a small ceiling run never checkpoints
 * while the import does).
 */
export async function benchIngest(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const log = opts.log ?? (() => undefined);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const archive = opts.archive?.path ?? path.join(opts.dataDir, 'bench-archive.ndjson');
  const importDir = path.join(opts.dataDir, 'import');
  const ceilingDir = path.join(opts.dataDir, 'ceiling');
  fs.rmSync(importDir, { recursive: true, force: true });
  fs.rmSync(ceilingDir, { recursive: true, force: true });

  log(`generating ${opts.events} events…`);
  const generated: { events: number; bytes: number } = opts.archive ? { events: opts.archive.events, bytes: opts.archive.bytes } : writeSyntheticArchive(archive, { events: opts.events, seed: opts.seed ?? 7 });

  const imported = openStore({ dataDir: importDir });
  let contacts: ContactRow[];
  let messages: MessageRow[];
  let receipts: ReceiptRow[];
  let pages: { id: number; page_id: string; created_at: number }[];
  let campaigns: unknown[];
  let variants: unknown[];
  let importSeconds: number;
  let importCpu: number;
  try {
    const workspaceId = setUpWorkspace(imported.db);
    log('importing…');
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const summary = await importArchive(imported.db, { file: archive, workspaceId, addPages: true, batchSize });
    imported.db.pragma('wal_checkpoint(TRUNCATE)');
    importSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    importCpu = cpuSeconds(cpu0);
    if (!opts.archive && summary.events !== generated.events) throw new Error(`bench: imported ${summary.events} events of ${generated.events}`);
    // Duplicated bodies in a simulated archive count as events read, as they do for users.
    generated.events = summary.events;
    pages = imported.db.prepare('SELECT id, page_id, created_at FROM pages ORDER BY id').all() as typeof pages;
    campaigns = imported.db.prepare('SELECT * FROM campaigns ORDER BY id').all();
    variants = imported.db.prepare('SELECT * FROM variants ORDER BY id').all();
    contacts = imported.db.prepare('SELECT id, page_ref, psid, first_inbound_at, last_inbound_at FROM contacts ORDER BY id').all() as ContactRow[];
    messages = imported.db.prepare('SELECT * FROM messages ORDER BY id').all() as MessageRow[];
    receipts = imported.db.prepare('SELECT * FROM receipt_events ORDER BY id').all() as ReceiptRow[];
  } finally {
    imported.close();
  }

  const ceilingStore = openStore({ dataDir: ceilingDir });
  let ceilingSeconds: number;
  let ceilingCpu: number;
  try {
    const db = ceilingStore.db;
    tuneForImport(db);
    const workspaceId = setUpWorkspace(db);
    const insertPage = db.prepare('INSERT INTO pages (id, workspace_id, page_id, created_at) VALUES (?, ?, ?, ?)');
    for (const p of pages) insertPage.run(p.id, workspaceId, p.page_id, p.created_at);
    const insertCampaign = db.prepare('INSERT INTO campaigns (id, workspace_id, name, kind, external_ref, created_at) VALUES (@id, @workspace_id, @name, @kind, @external_ref, @created_at)');
    for (const c of campaigns) insertCampaign.run({ ...(c as object), workspace_id: workspaceId });
    const insertVariant = db.prepare('INSERT INTO variants (id, campaign_id, name, external_ref) VALUES (@id, @campaign_id, @name, @external_ref)');
    for (const v of variants) insertVariant.run(v);

    const insertContact = db.prepare('INSERT INTO contacts (id, page_ref, psid, first_inbound_at, last_inbound_at) VALUES (?, ?, ?, ?, ?)');
    const insertMessage = db.prepare(
      'INSERT INTO messages (id, mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, delivered_inferred, read_at, campaign_id, variant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertReceipt = db.prepare('INSERT INTO receipt_events (id, contact_ref, kind, watermark, event_time, mids, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    log('measuring the raw insert ceiling…');
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    inBatches(db, contacts, batchSize, (c) => insertContact.run(c.id, c.page_ref, c.psid, c.first_inbound_at, c.last_inbound_at));
    inBatches(db, messages, batchSize, (m) =>
      insertMessage.run(m.id, m.mid, m.contact_ref, m.direction, m.sent_at, m.sent_at_source, m.delivered_at, m.delivered_inferred, m.read_at, m.campaign_id, m.variant_id),
    );
    inBatches(db, receipts, batchSize, (r) => insertReceipt.run(r.id, r.contact_ref, r.kind, r.watermark, r.event_time, r.mids, r.received_at));
    db.pragma('wal_checkpoint(TRUNCATE)');
    ceilingSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    ceilingCpu = cpuSeconds(cpu0);
  } finally {
    ceilingStore.close();
  }

  const importRate = generated.events / importSeconds;
  const ceilingRate = generated.events / ceilingSeconds;
  return {
    events: generated.events,
    archiveBytes: generated.bytes,
    rows: { contacts: contacts.length, messages: messages.length, receiptEvents: receipts.length },
    import: { seconds: importSeconds, cpuSeconds: importCpu, eventsPerSecond: Math.round(importRate) },
    ceiling: { seconds: ceilingSeconds, cpuSeconds: ceilingCpu, eventsPerSecond: Math.round(ceilingRate) },
    ratio: importRate / ceilingRate,
    cpuRatio: ceilingCpu / importCpu,
  };
}
