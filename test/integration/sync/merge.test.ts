import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { importArchive } from '../../../electron/services/ingest/importArchive';
import type { GraphServer } from '../../../electron/services/simulator/graph';
import { runSimulation } from '../../../electron/services/simulator';
import { refreshHourly } from '../../../electron/services/monitoring/aggregates';
import { syncDemoHistory } from '../../../electron/services/sync/demoHistory';
import { GraphClient } from '../../../electron/services/sync/graphClient';
import { connectPages, syncWorkspace } from '../../../electron/services/sync/service';
import { makeTempDir } from '../../support/tempDir';
import { expectedHistory, FIXED_NOW, memorySecrets, scenario, startSim, syncStore, type SyncStore } from './support';

let tmp: ReturnType<typeof makeTempDir>;
let archive: string;
/** The same archive without message events: receipts only. */
let receiptsOnly: string;
let sim: GraphServer;

beforeAll(async () => {
  tmp = makeTempDir('relais-sync-merge-');
  archive = path.join(tmp.dir, 'small.ndjson');
  await runSimulation(scenario('small-test'), { archive, expectedRates: false });
  receiptsOnly = path.join(tmp.dir, 'receipts.ndjson');
  const lines = fs.readFileSync(archive, 'utf8').split('\n').filter((l) => l.trim() && !l.includes('"message"'));
  fs.writeFileSync(receiptsOnly, lines.map((l) => `${l}\n`).join(''));
  sim = await startSim();
}, 120_000);
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

async function sync(s: SyncStore): Promise<void> {
  const secrets = memorySecrets();
  const client = new GraphClient({ baseUrl: sim.url, minuteMs: 50, pace: { maxPerSecond: 500 } });
  await connectPages(s.db, secrets, client, { workspaceId: s.workspaceId, userToken: sim.tokens.user, now: FIXED_NOW });
  const [outcome] = await syncWorkspace(s.db, secrets, client, { workspaceId: s.workspaceId, now: FIXED_NOW });
  expect(outcome!.status).toBe('done');
}

async function importWebhooks(s: SyncStore, file = archive): Promise<void> {
  const summary = await importArchive(s.db, { file, workspaceId: s.workspaceId, addPages: true, now: FIXED_NOW });
  expect(summary.status).toBe('completed');
}

/** Messages and contacts by natural key; receipts and sources included. */
function view(db: Database) {
  return {
    messages: db
      .prepare(
        `SELECT m.mid, p.page_id AS pageId, c.psid, m.direction, m.sent_at AS sentAt, m.sent_at_source AS source, m.delivered_at AS deliveredAt,
           m.delivered_inferred AS inferred, m.read_at AS readAt, ca.external_ref AS campaign, v.name AS variant
         FROM messages m JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref
         LEFT JOIN campaigns ca ON ca.id = m.campaign_id LEFT JOIN variants v ON v.id = m.variant_id ORDER BY m.mid`,
      )
      .all() as { mid: string; sentAt: number; source: string; direction: string }[],
    contacts: db
      .prepare(
        `SELECT p.page_id AS pageId, c.psid, c.first_inbound_at AS firstInbound, c.last_inbound_at AS lastInbound
         FROM contacts c JOIN pages p ON p.id = c.page_ref ORDER BY pageId, c.psid`,
      )
      .all(),
    pendingMids: db.prepare('SELECT count(*) AS n FROM receipt_mids').get(),
  };
}

function hourly(db: Database, workspaceId: number) {
  refreshHourly(db, workspaceId);
  return db.prepare('SELECT * FROM monitoring_hourly ORDER BY page_ref, hour, campaign_id').all();
}

describe('history sync and webhooks merge into one row per message', () => {
  it('in either order: same rows, webhook ms times kept with their source, nothing counted twice, aggregates equal', async () => {
    const webhooksOnly = syncStore();
    const syncFirst = syncStore();
    const webhooksFirst = syncStore();
    try {
      await importWebhooks(webhooksOnly);
      await sync(syncFirst);
      await importWebhooks(syncFirst);
      await importWebhooks(webhooksFirst);
      await sync(webhooksFirst);

      const a = view(syncFirst.db);
      const b = view(webhooksFirst.db);
      expect(a).toEqual(b);

      // Every mid the webhooks carried is one row with the webhook's time; the sync adds nothing
      // they already had (the simulator's Graph face serves the same mids).
      const w = view(webhooksOnly.db);
      expect(a.messages.length).toBe(w.messages.length);
      expect(a).toEqual(w);
      expect(a.messages.every((m) => m.source === 'echo' || m.source === 'inbound')).toBe(true);
      expect(new Set(a.messages.map((m) => m.mid)).size).toBe(a.messages.length);
      const truthMids = new Set(expectedHistory(sim).messages.map((m) => m.mid));
      expect([...truthMids].every((mid) => a.messages.some((m) => m.mid === mid))).toBe(true);

      // The dashboard's rollup is the same as with webhooks alone.
      expect(hourly(syncFirst.db, syncFirst.workspaceId)).toEqual(hourly(webhooksOnly.db, webhooksOnly.workspaceId));
    } finally {
      webhooksOnly.close();
      syncFirst.close();
      webhooksFirst.close();
    }
  }, 120_000);

  it('a message known only from the sync keeps its second-precision time and source "graph"; receipts apply whichever came first', async () => {
    const receiptsThenSync = syncStore();
    const syncThenReceipts = syncStore();
    try {
      await importWebhooks(receiptsThenSync, receiptsOnly);
      await sync(receiptsThenSync);
      await sync(syncThenReceipts);
      await importWebhooks(syncThenReceipts, receiptsOnly);
      const a = view(receiptsThenSync.db);
      expect(a).toEqual(view(syncThenReceipts.db));
      expect(a.messages.length).toBe(expectedHistory(sim).messages.length);
      expect(a.messages.every((m) => m.source === 'graph' && m.sentAt % 1000 === 0)).toBe(true);
      const read = a.messages.filter((m) => (m as unknown as { readAt: number | null }).readAt !== null).length;
      expect(read).toBeGreaterThan(0);
    } finally {
      receiptsThenSync.close();
      syncThenReceipts.close();
    }
  }, 60_000);

  it('the demo path (opt-in): an in-process Graph simulator synced after the webhook import adds no message twice', async () => {
    const s = syncStore();
    try {
      await importWebhooks(s);
      const before = view(s.db);
      const r = await syncDemoHistory(s.db, { workspaceId: s.workspaceId, scenario: scenario('small-test') });
      expect(r).toMatchObject({ status: 'done', messagesAdded: 0 });
      expect(r.conversations).toBe(expectedHistory(sim).conversations.length);
      expect(view(s.db)).toEqual(before);
      expect((s.db.prepare('SELECT count(*) AS n FROM conversations WHERE conversation_id IS NOT NULL').get() as { n: number }).n).toBe(r.conversations);
    } finally {
      s.close();
    }
  }, 60_000);
});
