import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DAY_MS } from '../../shared/time/zones';
import type { SegmentRule } from '../../shared/domain/segmentRule';
import { openStore } from '../services/db/store';
import { generateDataset } from '../services/monitoring/bench/dataset';
import { countSegment, exportLines, prepareRule, type ExportSummary } from '../services/segments/query';
import { refreshContactStats } from '../services/segments/stats';
import { timeMedian } from './timing';

/**
 * `npm run bench -- segments [--messages N] [--contacts N] [--runs R] [--seed S]`
 *
 * On the monitoring bench's seeded workspace (default 100 000 contacts, 1 000 000 messages):
 * the live count of a 6-condition nested rule, next to the same predicate in a plain loop over
 * typed arrays of preloaded per-contact totals (the lower bound; target ≤ 20×); the same rule
 * over a custom behaviour period (subqueries over the messages, reported, no target); the first
 * build and an incremental refresh of the totals; and an export of every contact as CSV with
 * the heap and RSS growth while it streams. Last line: one JSON object with every figure.
 */
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    contacts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
  },
});
const runs = Math.max(1, Number(values.runs));

const time = <T>(f: () => T) => timeMedian(runs, f);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-segments-'));
const store = openStore({ dataDir: dir });
try {
  const db = store.db;
  const data = generateDataset(db, { messages: Number(values.messages), contacts: Number(values.contacts), seed: Number(values.seed) });
  const ws = data.workspaceId;
  const now = data.now;
  const pages = db.prepare('SELECT id FROM pages WHERE workspace_id = ?').pluck().all(ws) as number[];
  // Some variety in the contact fields the generator leaves empty.
  db.prepare('UPDATE contacts SET opted_out_at = ? WHERE id % 50 = 0').run(now - DAY_MS);

  let t = performance.now();
  const build = refreshContactStats(db, ws);
  const buildMs = performance.now() - t;

  const allTime = { from: 0, to: now + DAY_MS };
  const lastMonth = { from: now - 30 * DAY_MS, to: now };
  const rule = (period: { from: number; to: number }): SegmentRule => ({
    version: 1,
    root: {
      type: 'group',
      op: 'and',
      children: [
        { type: 'condition', field: 'page', test: { op: 'in', value: pages } },
        { type: 'group', op: 'not', children: [{ type: 'condition', field: 'optedOut', op: 'isTrue' }] },
        {
          type: 'group',
          op: 'or',
          children: [
            { type: 'condition', field: 'seenRate', period, test: { op: 'gte', value: 0.5 } },
            { type: 'condition', field: 'lastSeenAt', test: { op: 'gte', value: now - 14 * DAY_MS } },
          ],
        },
        { type: 'condition', field: 'messagesReceived', period, test: { op: 'gte', value: 5 } },
        { type: 'condition', field: 'deliveredRate', period, test: { op: 'lt', value: 0.95 } },
      ],
    },
  });

  // The count query alone (as compiled), and the whole segments:count (messageable, sample).
  const countQuery = (r: SegmentRule) => {
    const p = prepareRule(db, ws, r, now);
    return db.prepare(`SELECT count(*) FROM ${p.from} WHERE ${p.where}`).pluck().get(...p.params) as number;
  };
  const sql = time(() => countQuery(rule(allTime)));
  const full = time(() => countSegment(db, { workspaceId: ws, rule: rule(allTime), at: now }));

  // Lower bound: the same predicate over typed arrays of the preloaded totals.
  const n = (db.prepare('SELECT max(id) FROM contacts').pluck().get() as number) + 1;
  const inWs = new Uint8Array(n);
  const optedOut = new Uint8Array(n);
  const outCount = new Int32Array(n);
  const delivered = new Int32Array(n);
  const seen = new Int32Array(n);
  const lastSeen = new Float64Array(n).fill(NaN);
  for (const r of db.prepare('SELECT c.id, c.opted_out_at FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ?').raw().iterate(ws) as Iterable<[number, number | null]>) {
    inWs[r[0]] = 1;
    optedOut[r[0]] = r[1] === null ? 0 : 1;
  }
  for (const r of db.prepare('SELECT id, seg_out_count, seg_delivered_count, seg_seen_count, seg_last_seen_at FROM contacts').raw().iterate() as Iterable<[number, number, number, number, number | null]>) {
    outCount[r[0]] = r[1];
    delivered[r[0]] = r[2];
    seen[r[0]] = r[3];
    if (r[4] !== null) lastSeen[r[0]] = r[4];
  }
  const pageSet = new Set(pages);
  const pageOf = new Int32Array(n);
  for (const r of db.prepare('SELECT id, page_ref FROM contacts').raw().iterate() as Iterable<[number, number]>) pageOf[r[0]] = r[1];
  const seenCut = now - 14 * DAY_MS;
  const loop = time(() => {
    let count = 0;
    for (let c = 1; c < n; c++) {
      if (!inWs[c] || !pageSet.has(pageOf[c]!) || optedOut[c]) continue;
      const sent = outCount[c]!;
      const seenOk = (sent > 0 && seen[c]! / sent >= 0.5) || lastSeen[c]! >= seenCut;
      if (!seenOk || sent < 5 || !(sent > 0 && delivered[c]! / sent < 0.95)) continue;
      count++;
    }
    return count;
  });
  if (loop.result !== sql.result) throw new Error(`count mismatch: SQL ${sql.result}, loop ${loop.result}`);

  const custom = time(() => countQuery(rule(lastMonth)));

  // Incremental refresh after 1 000 new messages.
  const maxId = db.prepare('SELECT max(id) FROM messages').pluck().get() as number;
  db.transaction(() => {
    const ins = db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'out', ?, 'echo')");
    for (let i = 0; i < 1000; i++) ins.run(`bench-new-${i}`, 1 + ((i * 97) % (n - 1)), now - i * 1000);
  })();
  t = performance.now();
  const incremental = refreshContactStats(db, ws);
  const incrementalMs = performance.now() - t;

  // Export of every contact (messenger consent), streamed to a file.
  const everyone: SegmentRule = { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'page', test: { op: 'in', value: pages } }] } };
  const outFile = path.join(dir, 'export.csv');
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  // Constant memory: the heap's peak over the second half of the rows is no higher than over the first.
  let peakHeapFirstHalf = before.heapUsed;
  const expected = db.prepare('SELECT count(*) FROM contacts c WHERE c.page_ref IN (SELECT id FROM pages WHERE workspace_id = ?)').pluck().get(ws) as number;
  const summary: ExportSummary = { rows: 0, excluded: 0, count: 0 };
  t = performance.now();
  const fd = fs.openSync(outFile, 'w');
  let buffer = '';
  let lines = 0;
  for (const line of exportLines(db, { workspaceId: ws, rule: everyone, channel: 'messenger', fields: ['psid', 'name', 'page', 'locale', 'lastInboundAt'], at: now }, summary)) {
    buffer += line;
    if (buffer.length >= 65536) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
    if (++lines % 5000 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      if (lines < expected / 2) peakHeapFirstHalf = peakHeap;
    }
  }
  if (buffer) fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  const exportMs = performance.now() - t;
  const fileBytes = fs.statSync(outFile).size;

  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  const ratio = sql.ms / loop.ms;
  const rows = [
    ['count, 6-condition nested rule (SQL, per-contact totals)', sql.ms, `${sql.result} members`],
    ['lower bound: typed-array loop over preloaded totals', loop.ms, `${loop.result} members`],
    ['ratio (target ≤ 20×)', ratio, ratio <= 20 ? 'met' : 'NOT met'],
    ['segments:count (count + messageable + sample of 10)', full.ms, ''],
    ['same rule, custom period (last 30 days, subqueries)', custom.ms, `${custom.result} members`],
    ['first build of the per-contact totals', buildMs, `${build.recomputed} contacts`],
    ['refresh after 1 000 new messages', incrementalMs, `${incremental.recomputed} contacts`],
    ['export of every contact (messenger)', exportMs, `${summary.rows} rows, ${mb(fileBytes)} MB file`],
    ['  heap / RSS growth while streaming (MB)', mb(peakHeap - before.heapUsed), `RSS +${mb(peakRss - before.rss)}; heap peak 1st half +${mb(peakHeapFirstHalf - before.heapUsed)} MB`],
  ] as const;
  for (const [label, value, note] of rows) console.log(`${label.padEnd(60)} ${typeof value === 'number' ? value.toFixed(1).padStart(9) : value}  ${note}`);
  console.log(
    JSON.stringify({
      bench: 'segments',
      contacts: data.contacts,
      messages: data.messages,
      newMessageIdFrom: maxId + 1,
      countMs: sql.ms,
      lowerBoundMs: loop.ms,
      ratio,
      targetRatio: 20,
      met: ratio <= 20,
      members: sql.result,
      segmentsCountMs: full.ms,
      customPeriodMs: custom.ms,
      customPeriodMembers: custom.result,
      statsBuildMs: buildMs,
      statsIncrementalMs: incrementalMs,
      exportMs,
      exportRows: summary.rows,
      exportFileMB: mb(fileBytes),
      exportHeapGrowthMB: mb(peakHeap - before.heapUsed),
      exportRssGrowthMB: mb(peakRss - before.rss),
      exportHeapGrowthFirstHalfMB: mb(peakHeapFirstHalf - before.heapUsed),
      runs,
    }),
  );
} finally {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
