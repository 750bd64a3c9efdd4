import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../electron/services/context';
import { importArchive } from '../../../electron/services/ingest/importArchive';
import { loadScenarioFile, runSimulation, type SimulationSummary } from '../../../electron/services/simulator';
import { makeTempDir } from '../../support/tempDir';

// The simulator is the ground truth: its archive, imported through the real
// importer in any order and any number of times, must give back every message
// with its sent/delivered/read times to the millisecond.

interface TruthLine {
  mid: string;
  direction: 'out' | 'in';
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
  campaignRef: string | null;
  variantRef: string | null;
}
interface DbRow {
  mid: string;
  direction: string;
  sent_at: number;
  delivered_at: number | null;
  read_at: number | null;
  campaign: string | null;
  variant: string | null;
}

let tmp: ReturnType<typeof makeTempDir>;
let archive: string;
let truth: Map<string, TruthLine>;
let summary: SimulationSummary;

beforeAll(async () => {
  tmp = makeTempDir('relais-truth-');
  archive = path.join(tmp.dir, 'archive.ndjson');
  const scenario = await loadScenarioFile(path.join(process.cwd(), 'resources', 'scenarios', 'small-test.json'));
  summary = await runSimulation(scenario, { archive, truthDir: path.join(tmp.dir, 'truth'), expectedRates: false });
  truth = new Map();
  for (const line of fs.readFileSync(path.join(tmp.dir, 'truth', 'messages.ndjson'), 'utf8').split('\n')) {
    if (!line) continue;
    const m = JSON.parse(line) as TruthLine;
    truth.set(m.mid, m);
  }
}, 120_000);
afterAll(() => tmp.cleanup());

function freshWorkspace(name: string): { ctx: AppContext; workspaceId: number; close(): void } {
  const dir = makeTempDir(`relais-${name}-`);
  const ctx = createContext({ dataDir: dir.dir });
  const ws = ctx.workspaces.create({ name, timeZone: 'Europe/Paris', locale: 'fr-FR' });
  return {
    ctx,
    workspaceId: ws.id,
    close: () => {
      ctx.store.close();
      dir.cleanup();
    },
  };
}

function rows(ctx: AppContext): DbRow[] {
  return ctx.store.db
    .prepare(
      `SELECT m.mid, m.direction, m.sent_at, m.delivered_at, m.read_at, c.external_ref AS campaign, v.name AS variant_name, v.external_ref AS variant
       FROM messages m LEFT JOIN campaigns c ON c.id = m.campaign_id LEFT JOIN variants v ON v.id = m.variant_id ORDER BY m.mid`,
    )
    .all() as DbRow[];
}

function compareWithTruth(ctx: AppContext): void {
  const got = rows(ctx);
  expect(got.length).toBe(truth.size);
  const mismatches: string[] = [];
  for (const r of got) {
    const t = truth.get(r.mid);
    if (!t) {
      mismatches.push(`${r.mid}: not in the ground truth`);
      continue;
    }
    // A read implies delivery: where no delivery receipt covers a read message, the store infers it.
    const expectedDelivered = t.deliveredAt ?? t.readAt;
    if (r.direction !== t.direction || r.sent_at !== t.sentAt || r.delivered_at !== (t.direction === 'out' ? expectedDelivered : null) || r.read_at !== (t.direction === 'out' ? t.readAt : null)) {
      mismatches.push(`${r.mid}: db ${JSON.stringify([r.direction, r.sent_at, r.delivered_at, r.read_at])} truth ${JSON.stringify([t.direction, t.sentAt, t.deliveredAt, t.readAt])}`);
    }
    if ((r.campaign ?? null) !== t.campaignRef) mismatches.push(`${r.mid}: campaign ${r.campaign} vs ${t.campaignRef}`);
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
}

function writeLines(file: string, lines: string[]): string {
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A seeded shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const a = [...items];
  let s = seed >>> 0;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('simulator → archive → importer → store equals the ground truth', () => {
  it('the scenario is rich enough to be hard', () => {
    expect(summary.messages.outbound).toBeGreaterThan(500);
    expect(summary.bodies.duplicates).toBeGreaterThan(0);
    expect(summary.bodies.shuffled).toBeGreaterThan(0);
    expect(summary.events.lateEchoes).toBeGreaterThan(0);
    expect(summary.badLines.length).toBeGreaterThan(0);
  });

  it('in arrival order: every message to the ms, and the injected bad lines reported by line number', async () => {
    const w = freshWorkspace('order');
    try {
      const result = await importArchive(w.ctx.store.db, { file: archive, workspaceId: w.workspaceId, addPages: true });
      expect(result.status).toBe('completed');
      expect(result.badLines).toBe(summary.badLines.length);
      const reportedLines = result.badLineReport.map((b) => b.line).sort((a, b) => a - b);
      expect(reportedLines).toEqual(summary.badLines.map((b) => b.line).sort((a, b) => a - b));
      compareWithTruth(w.ctx);
      // Importing the same file again changes nothing.
      const before = rows(w.ctx);
      const again = await importArchive(w.ctx.store.db, { file: archive, workspaceId: w.workspaceId, addPages: true });
      expect(again.status).toBe('already_imported');
      expect(rows(w.ctx)).toEqual(before);
    } finally {
      w.close();
    }
  }, 120_000);

  it('shuffled, reversed and duplicated, split across files: the same store', async () => {
    const lines = fs.readFileSync(archive, 'utf8').split('\n').filter(Boolean);
    for (const [name, variant] of [
      ['shuffled', shuffled(lines, 42)],
      ['reversed', [...lines].reverse()],
      ['doubled', shuffled([...lines, ...lines.slice(0, Math.floor(lines.length / 2))], 7)],
    ] as const) {
      const w = freshWorkspace(name);
      try {
        // Two halves in two files, the second imported first.
        const half = Math.floor(variant.length / 2);
        const a = writeLines(path.join(tmp.dir, `${name}-a.ndjson`), variant.slice(0, half));
        const b = writeLines(path.join(tmp.dir, `${name}-b.ndjson`), variant.slice(half));
        await importArchive(w.ctx.store.db, { file: b, workspaceId: w.workspaceId, addPages: true });
        await importArchive(w.ctx.store.db, { file: a, workspaceId: w.workspaceId, addPages: true });
        compareWithTruth(w.ctx);
      } finally {
        w.close();
      }
    }
  }, 180_000);

  it('cancelled half-way and resumed: the same store as an uninterrupted run', async () => {
    const w = freshWorkspace('resumed');
    try {
      const controller = new AbortController();
      const first = await importArchive(w.ctx.store.db, { file: archive, workspaceId: w.workspaceId, addPages: true, signal: controller.signal, batchSize: 200 }, (p) => {
        if (p.phase === 'importing' && p.bytesRead > p.totalBytes / 3) controller.abort();
      });
      expect(first.status).toBe('cancelled');
      expect(rows(w.ctx).length).toBeLessThan(truth.size);
      const second = await importArchive(w.ctx.store.db, { file: archive, workspaceId: w.workspaceId, addPages: true });
      expect(second.status).toBe('completed');
      expect(second.resumedFrom).not.toBeNull();
      compareWithTruth(w.ctx);
    } finally {
      w.close();
    }
  }, 120_000);
});
