import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/services/db/migrate';
import { deliveryFunnel, formatFunnelForCli, latencyProfile, recurringProblems, refreshMonitoring } from '../../../electron/services/monitoring';
import { makeTempDir } from '../../support/tempDir';
import { DAY_MS, Fixture, monitoringMigrations, openDb, randomWorld, referenceFunnel } from './support';

const counts = (out: ReturnType<typeof deliveryFunnel>) => ({
  ...Object.fromEntries(out.steps.map((s) => [s.step, s.count])),
  pending: out.pending,
});
const reference = (w: ReturnType<typeof randomWorld>, now: number, keep = () => true) => {
  const r = referenceFunnel(w.messages, keep, { horizonMs: DAY_MS, replyWindowMs: DAY_MS, now });
  return { sent: r.sent, delivered: r.delivered, seen: r.seen, replied: r.replied, pending: r.pending };
};

describe('monitoring aggregates over the store’s life', () => {
  it('build themselves on first use after the upgrade of a store that already holds messages', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const list = monitoringMigrations();
    migrate(db, list.slice(0, -1), { dbPath: null, backupDir: null });
    const w = randomWorld(new Fixture(db), 77);
    migrate(db, list, { dbPath: null, backupDir: null });
    const now = w.end + DAY_MS;
    expect(db.prepare('SELECT count(*) FROM monitoring_hourly').pluck().get()).toBe(0);
    expect(refreshMonitoring(db, w.workspaceId, now)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM monitoring_hourly').pluck().get()).toBeGreaterThan(0);
    expect(counts(deliveryFunnel(db, { workspaceId: w.workspaceId, now }))).toEqual(reference(w, now));
    // The other workspace is built on its own first use.
    expect(deliveryFunnel(db, { workspaceId: w.otherWorkspaceId, now }).steps[0]!.count).toBe(50);
  });

  it('stay exact when a Page or a whole workspace is deleted', () => {
    const db = openDb();
    const w = randomWorld(new Fixture(db), 5);
    const now = w.end + DAY_MS;
    deliveryFunnel(db, { workspaceId: w.workspaceId, now });
    deliveryFunnel(db, { workspaceId: w.otherWorkspaceId, now });
    db.prepare('DELETE FROM pages WHERE id = ?').run(w.pages[1]);
    w.messages = w.messages.filter((m) => m.page !== w.pages[1]);
    expect(counts(deliveryFunnel(db, { workspaceId: w.workspaceId, now }))).toEqual(reference(w, now));
    db.prepare('DELETE FROM workspaces WHERE id = ?').run(w.otherWorkspaceId);
    expect(counts(deliveryFunnel(db, { workspaceId: w.workspaceId, now }))).toEqual(reference(w, now));
    // Changes logged for rows a cascade removed match no workspace; the next refresh with work drops them.
    const f = new Fixture(db);
    const contact = w.contacts.find((c) => w.messages.some((m) => m.contact === c))!;
    const page = w.messages.find((m) => m.contact === contact)!.page;
    const id = f.out(contact, w.start, { delivered: w.start + 1000 });
    w.messages.push({ id, contact, page, direction: 'out', sentAt: w.start, deliveredAt: w.start + 1000, readAt: null, campaign: null });
    expect(counts(deliveryFunnel(db, { workspaceId: w.workspaceId, now }))).toEqual(reference(w, now));
    expect(db.prepare('SELECT count(*) FROM monitoring_changes').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM monitoring_page_changes').pluck().get()).toBe(0);
  });

  it('answer from the messages when another connection holds the write lock', () => {
    const tmp = makeTempDir();
    try {
      const file = path.join(tmp.dir, 'relais.sqlite');
      const setup = openDb(file);
      setup.pragma('journal_mode = WAL');
      const w = setup.transaction(() => randomWorld(new Fixture(setup), 8))();
      const now = w.end + DAY_MS;
      setup.close();
      const writer = new Database(file);
      writer.prepare('BEGIN IMMEDIATE').run();
      const reader = new Database(file, { timeout: 20 });
      expect(refreshMonitoring(reader, w.workspaceId, now)).toBe(false);
      expect(counts(deliveryFunnel(reader, { workspaceId: w.workspaceId, now }))).toEqual(reference(w, now));
      expect(recurringProblems(reader, { workspaceId: w.workspaceId, now }).total).toBeGreaterThanOrEqual(0);
      writer.prepare('COMMIT').run();
      expect(refreshMonitoring(reader, w.workspaceId, now)).toBe(true);
      writer.close();
      reader.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('prints the funnel and latency for the CLI', () => {
    const db = openDb();
    const w = randomWorld(new Fixture(db), 3);
    const now = w.end + DAY_MS;
    const funnel = deliveryFunnel(db, { workspaceId: w.workspaceId, now, from: w.start + 10 * DAY_MS, to: w.end });
    const text = formatFunnelForCli(funnel, latencyProfile(db, { workspaceId: w.workspaceId, now }));
    expect(text).toMatch(/^Funnel of workspace \d+, sent 2025-03-30 00:00 → 2025-04-09 00:00 UTC; rates over messages/);
    expect(text).toMatch(/\ndelivered\s+\d+\s+\d+\.\d%/);
    expect(text).toMatch(/\nreplied\s+\d+/);
    expect(text).toMatch(/Previous period .*delivered \d+\.\d% \([+-]\d+\.\d pts\)/);
    expect(text).toMatch(/Workspace normal \(median of \d+ campaigns\)/);
    expect(text).toMatch(/Sent → delivered: p50 .*, p90 .*, within 5 min \d+\.\d%/);
  });
});
