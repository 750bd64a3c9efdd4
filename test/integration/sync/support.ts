import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { startGraphServer, type GraphServer, type GraphServerOptions } from '../../../electron/services/simulator/graph';
import { openStore, type Store } from '../../../electron/services/db/store';
import type { SecretStore } from '../../../electron/services/sync/service';
import { makeTempDir } from '../../support/tempDir';

export const FIXED_NOW = () => Date.UTC(2026, 5, 1, 8, 0, 0);
const scenarioDir = fileURLToPath(new URL('../../../resources/scenarios', import.meta.url));
export const scenario = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(scenarioDir, `${name}.json`), 'utf8'));

/** The Graph simulator on small-test (one Page) unless told otherwise; tests shrink Graph's minute. */
export function startSim(opts: Partial<GraphServerOptions> = {}): Promise<GraphServer> {
  return startGraphServer({ scenarios: [scenario('small-test')], seed: 'sync-tests', ...opts, rateLimits: { minuteMs: 50, ...opts.rateLimits } });
}

export interface SyncStore {
  store: Store;
  db: Database;
  dataDir: string;
  workspaceId: number;
  close(): void;
}

export function syncStore(prefix = 'relais-sync-'): SyncStore {
  const tmp = makeTempDir(prefix);
  const dataDir = path.join(tmp.dir, 'data');
  const store = openStore({ dataDir });
  const t = FIXED_NOW();
  const workspaceId = Number(
    store.db.prepare('INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('Bistro Test', 'Europe/Paris', 'fr-FR', t, t)
      .lastInsertRowid,
  );
  return {
    store,
    db: store.db,
    dataDir,
    workspaceId,
    close() {
      try {
        store.close();
      } catch {
        // already closed by the test
      }
      tmp.cleanup();
    },
  };
}

/** Secrets kept in memory (the keychain-backed store has its own tests). */
export function memorySecrets(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (k) => values.get(k) ?? null,
    set: async (k, v) => void values.set(k, v),
    delete: async (k) => void values.delete(k),
  };
}

export interface HistoryRow {
  pageId: string;
  psid: string;
  mid: string;
  direction: 'in' | 'out';
  sentAt: number;
}

/** What the sync stored, in the simulator's terms, sorted. */
export function storedHistory(db: Database): { conversations: { pageId: string; id: string; psid: string; name: string | null; updatedAt: number }[]; messages: HistoryRow[] } {
  const conversations = db
    .prepare(
      `SELECT p.page_id AS pageId, cv.conversation_id AS id, c.psid, c.name, cv.updated_time AS updatedAt
       FROM conversations cv JOIN contacts c ON c.id = cv.contact_ref JOIN pages p ON p.id = cv.page_ref ORDER BY pageId, id`,
    )
    .all() as { pageId: string; id: string; psid: string; name: string | null; updatedAt: number }[];
  const messages = db
    .prepare(
      `SELECT p.page_id AS pageId, c.psid, m.mid, m.direction, m.sent_at AS sentAt FROM messages m
       JOIN contacts c ON c.id = m.contact_ref JOIN pages p ON p.id = c.page_ref ORDER BY m.mid`,
    )
    .all() as HistoryRow[];
  return { conversations, messages };
}

/** The simulator's ground truth in the same shape. */
export function expectedHistory(server: GraphServer): ReturnType<typeof storedHistory> {
  const conversations: ReturnType<typeof storedHistory>['conversations'] = [];
  const messages: HistoryRow[] = [];
  for (const page of server.expected()) {
    for (const c of page.conversations) {
      conversations.push({ pageId: page.pageId, id: c.id, psid: c.psid, name: c.contactName, updatedAt: c.updatedAt });
      for (const m of c.messages) messages.push({ pageId: page.pageId, psid: c.psid, mid: m.id, direction: m.direction, sentAt: m.createdAt });
    }
  }
  const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  conversations.sort(byKey((c) => `${c.pageId}\u0000${c.id}`));
  messages.sort(byKey((m) => m.mid));
  return { conversations, messages };
}

const TABLES = ['pages', 'contacts', 'conversations', 'messages', 'receipt_mids', 'graph_sync_pages', 'graph_sync_conversations'] as const;

/** Every row of the tables the sync writes, row ids included (run-specific times left out). */
export function fullDump(db: Database): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const key = (r: unknown) => JSON.stringify(r);
    dump[table] = (db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[])
      .map((r) => {
        if (table !== 'graph_sync_pages') return r;
        const { updated_at: _u, run_started_at: _r, requests: _q, last_error_at: _e, last_error_kind: _k, last_error_message: _m, cursor_restarts: _c, ...rest } = r;
        return rest;
      })
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return dump;
}
