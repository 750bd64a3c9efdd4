import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { expect } from 'vitest';
import { startRelay, type Relay } from '../../../electron/services/webhooks';

// Test-only secrets, recognisable if they ever leak into a file, a row or a job view.
export const APP_SECRET = 'relay-pull-app-secret-4c1e9b';
export const VERIFY_TOKEN = 'relay-pull-verify-token-77aa';
export const PULL_TOKEN = 'relay-pull-token-0f5d2e8c6b1a9374';

export const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function sign(body: string): string {
  return 'sha256=' + crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex');
}

export function openRelay(storeDir: string, port = 0): Promise<Relay> {
  // Small pages so a pull takes many round trips and can be cut in the middle.
  return startRelay({ storeDir, port, verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pullToken: PULL_TOKEN, pageSize: 250, log: quietLog });
}

export interface TruthMessage {
  mid: string;
  direction: 'out' | 'in';
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
}

export function loadTruth(truthDir: string): Map<string, TruthMessage> {
  const truth = new Map<string, TruthMessage>();
  for (const line of fs.readFileSync(path.join(truthDir, 'messages.ndjson'), 'utf8').split('\n')) {
    if (!line) continue;
    const m = JSON.parse(line) as TruthMessage;
    truth.set(m.mid, m);
  }
  return truth;
}

interface Row {
  mid: string;
  direction: string;
  sent_at: number;
  delivered_at: number | null;
  read_at: number | null;
}

export function messageRows(db: Database): Row[] {
  return db.prepare('SELECT mid, direction, sent_at, delivered_at, read_at FROM messages ORDER BY mid').all() as Row[];
}

/** Every message of the simulator's ground truth, once, with its sent/delivered/read times to the ms. */
export function expectDbEqualsTruth(db: Database, truth: Map<string, TruthMessage>): void {
  const rows = messageRows(db);
  const distinct = (db.prepare('SELECT count(DISTINCT mid) AS n FROM messages').get() as { n: number }).n;
  expect(distinct).toBe(rows.length);
  expect(rows.length).toBe(truth.size);
  const mismatches: string[] = [];
  for (const r of rows) {
    const t = truth.get(r.mid);
    if (!t) {
      mismatches.push(`${r.mid}: not in the ground truth`);
      continue;
    }
    // A read implies delivery: where no delivery receipt covers a read message, the store infers it.
    const delivered = t.direction === 'out' ? (t.deliveredAt ?? t.readAt) : null;
    const read = t.direction === 'out' ? t.readAt : null;
    if (r.direction !== t.direction || r.sent_at !== t.sentAt || r.delivered_at !== delivered || r.read_at !== read) {
      mismatches.push(`${r.mid}: db ${JSON.stringify([r.direction, r.sent_at, r.delivered_at, r.read_at])} truth ${JSON.stringify([t.direction, t.sentAt, t.deliveredAt, t.readAt])}`);
    }
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
}

/** Every file under `dir`, for "the token was never written anywhere" checks. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

export function expectNoFileContains(dir: string, secret: string): void {
  const needle = Buffer.from(secret, 'utf8');
  const holders = filesUnder(dir).filter((f) => fs.readFileSync(f).includes(needle));
  expect(holders).toEqual([]);
}
