import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../electron/services/webhooks/cursor';
import { drainSpool } from '../../../electron/services/webhooks/drainSpool';
import type { WebhookLine } from '../../../electron/services/webhooks/line';
import { openSpool, segmentName, SpoolCursorError, SpoolLockedError, type Spool } from '../../../electron/services/webhooks/spool';
import { makeTempDir } from '../../support/tempDir';
import { sign, webhookBody } from './helpers';

let tmp: ReturnType<typeof makeTempDir>;
let open: Spool[] = [];
beforeEach(() => {
  tmp = makeTempDir('relais-spool-');
  open = [];
});
afterEach(async () => {
  for (const s of open) await s.close();
  tmp.cleanup();
});

async function spoolAt(dir = tmp.dir, segmentMaxBytes?: number): Promise<Spool> {
  const s = await openSpool(dir, { segmentMaxBytes });
  open.push(s);
  return s;
}

function line(i: number, receivedAt = 1_700_000_000_000 + i): WebhookLine {
  const raw = webhookBody(i);
  return { raw, signature: sign(raw), received_at: receivedAt };
}

async function readAll(s: Spool, limit = 7): Promise<{ lines: WebhookLine[]; pages: number; cursor: string }> {
  const lines: WebhookLine[] = [];
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    const page = await s.read(cursor, limit);
    pages++;
    lines.push(...page.lines);
    cursor = page.next;
    if (!page.more) return { lines, pages, cursor };
  }
}

const segmentFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('events-')).sort();

describe('spool', () => {
  it('stores wrapper lines the importer can read, in order, one per line', async () => {
    const s = await spoolAt();
    await s.append([line(1), line(2)]);
    await s.append(line(3));
    const text = fs.readFileSync(path.join(tmp.dir, segmentName(1)), 'utf8');
    const rows = text.trimEnd().split('\n').map((l) => JSON.parse(l) as WebhookLine);
    expect(rows).toEqual([line(1), line(2), line(3)]);
    expect(Object.keys(rows[0]!)).toEqual(['raw', 'signature', 'received_at']);
    // The stored raw body is byte-for-byte what was signed.
    expect(sign(Buffer.from(rows[0]!.raw, 'utf8'))).toBe(rows[0]!.signature);
  });

  it('pages with an opaque cursor and resumes exactly after the last line returned', async () => {
    const s = await spoolAt();
    for (let i = 0; i < 20; i++) await s.append(line(i));
    const first = await s.read(null, 8);
    expect(first.lines.map((l) => l.received_at)).toEqual([...Array(8).keys()].map((i) => line(i).received_at));
    expect(first.more).toBe(true);
    expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await s.read(first.next, 100);
    expect(second.lines).toHaveLength(12);
    expect(second.more).toBe(false);
    const caughtUp = await s.read(second.next, 100);
    expect(caughtUp).toMatchObject({ lines: [], next: second.next, more: false, gap: false });
    await s.append(line(20));
    expect((await s.read(second.next, 100)).lines).toEqual([line(20)]);
  });

  it('rotates segments by size and reads across them', async () => {
    const one = Buffer.byteLength(JSON.stringify(line(0))) + 1;
    const s = await spoolAt(tmp.dir, one * 3);
    for (let i = 0; i < 10; i++) await s.append(line(i));
    expect(segmentFiles(tmp.dir)).toEqual([1, 2, 3, 4].map(segmentName));
    expect(s.stats()).toMatchObject({ segments: 4, activeSegment: segmentName(4) });
    const all = await readAll(s, 4);
    expect(all.lines).toEqual([...Array(10).keys()].map((i) => line(i)));
  });

  it('caps a page by bytes but always returns at least one line', async () => {
    const s = await spoolAt();
    for (let i = 0; i < 5; i++) await s.append(line(i));
    const page = await s.read(null, 100, { maxBytes: 10 });
    expect(page.lines).toHaveLength(1);
    expect(page.more).toBe(true);
  });

  it('keeps every line when many appends race (grouped into shared syncs)', async () => {
    const s = await spoolAt(tmp.dir, 4096);
    await Promise.all([...Array(200).keys()].map((i) => s.append(line(i))));
    const all = await readAll(s, 50);
    expect(new Set(all.lines.map((l) => l.raw)).size).toBe(200);
    expect(all.lines).toHaveLength(200);
  });

  it('refuses cursors it did not issue, from another store, or past its end', async () => {
    const s = await spoolAt();
    await s.append([line(1), line(2)]);
    const page = await s.read(null, 1);
    const pos = decodeCursor(page.next)!;
    await expect(s.read('not a cursor!', 10)).rejects.toBeInstanceOf(SpoolCursorError);
    await expect(s.read(Buffer.from('2:zz').toString('base64url'), 10)).rejects.toThrow(/malformed/);
    await expect(s.read(encodeCursor({ ...pos, storeId: '0123456789abcdef' }), 10)).rejects.toThrow(/different event store/);
    await expect(s.read(encodeCursor({ ...pos, seq: 9 }), 10)).rejects.toThrow(/past the end/);
    await expect(s.read(encodeCursor({ ...pos, offset: 1_000_000 }), 10)).rejects.toThrow(/past the end/);
    await expect(s.read(encodeCursor({ ...pos, offset: pos.offset - 3 }), 10)).rejects.toThrow(/start of an event/);
    // A store made again in the same folder gets a new id: old cursors are refused, not misread.
    await s.close();
    open = [];
    fs.rmSync(tmp.dir, { recursive: true });
    const fresh = await spoolAt();
    await fresh.append([line(1), line(2), line(3)]);
    await expect(fresh.read(page.next, 10)).rejects.toThrow(/different event store/);
  });

  it('cuts a torn last line on open and keeps every complete line', async () => {
    const s = await spoolAt();
    await s.append([line(1), line(2)]);
    await s.close();
    open = [];
    const file = path.join(tmp.dir, segmentName(1));
    const torn = JSON.stringify(line(3)).slice(0, 40);
    fs.appendFileSync(file, torn);
    const reopened = await spoolAt();
    expect(reopened.repaired).toEqual({ segment: segmentName(1), droppedBytes: Buffer.byteLength(torn) });
    expect((await readAll(reopened)).lines).toEqual([line(1), line(2)]);
    await reopened.append(line(4));
    expect((await readAll(reopened)).lines).toEqual([line(1), line(2), line(4)]);
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });

  it('also cuts a zero-filled tail (what some file systems leave after power loss)', async () => {
    const s = await spoolAt();
    await s.append(line(1));
    await s.close();
    open = [];
    fs.appendFileSync(path.join(tmp.dir, segmentName(1)), Buffer.alloc(512));
    const reopened = await spoolAt();
    expect(reopened.repaired?.droppedBytes).toBe(512);
    expect((await readAll(reopened)).lines).toEqual([line(1)]);
  });

  it('allows a single writer per folder, with a clear error for the second', async () => {
    const s = await spoolAt();
    const err = await openSpool(tmp.dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolLockedError);
    expect((err as Error).message).toMatch(/already in use by another Relais process \(PID \d+\)/);
    expect(fs.readFileSync(path.join(tmp.dir, 'spool.lock'), 'utf8').trim()).toBe(String(process.pid));
    await s.close();
    open = [];
    expect(fs.existsSync(path.join(tmp.dir, 'spool.lock'))).toBe(false);
    await spoolAt();
  });

  it('takes over the lock of a writer that died without releasing it', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(path.join(tmp.dir, 'spool.lock'), `${dead}\n`);
    const s = await spoolAt();
    await s.append(line(1));
    expect(fs.readFileSync(path.join(tmp.dir, 'spool.lock'), 'utf8').trim()).toBe(String(process.pid));
  });

  it('drains to a consumer with the same cursor contract as a relay pull', async () => {
    const s = await spoolAt();
    for (let i = 0; i < 25; i++) await s.append(line(i));
    const got: WebhookLine[] = [];
    let committed: string | null = null;
    const first = await drainSpool({
      spool: s,
      pageSize: 10,
      onBatch: (lines, next) => {
        got.push(...lines);
        committed = next;
      },
    });
    expect(first).toMatchObject({ pages: 3, events: 25, gap: false });
    expect(first.cursor).toBe(committed);
    await s.append(line(25));
    const second = await drainSpool({ spool: s, cursor: first.cursor, onBatch: (lines) => void got.push(...lines) });
    expect(second.events).toBe(1);
    expect(got).toEqual([...Array(26).keys()].map((i) => line(i)));
  });

  describe('retention', () => {
    const DAY = 86_400_000;
    const now = Date.UTC(2026, 10, 20);

    async function aged(): Promise<Spool> {
      const one = Buffer.byteLength(JSON.stringify(line(0, now))) + 1;
      const s = await spoolAt(tmp.dir, one * 2 + 32);
      // Segments of two lines each: 30 days old, 20 days, 10 days, 1 day, then the active one (also old).
      for (const age of [30, 30, 20, 20, 10, 10, 1, 1, 40]) await s.append(line(age, now - age * DAY));
      expect(segmentFiles(tmp.dir)).toHaveLength(5);
      return s;
    }

    it('deletes whole segments older than the limit, oldest first, never the active one', async () => {
      const s = await aged();
      expect(await s.prune({ maxAgeMs: 14 * DAY, now })).toEqual({ deleted: [segmentName(1), segmentName(2)] });
      expect(segmentFiles(tmp.dir)).toEqual([3, 4, 5].map(segmentName));
      expect((await readAll(s)).lines.map((l) => l.received_at)).toEqual([10, 10, 1, 1, 40].map((a) => now - a * DAY));
      // Even with everything expired, the active segment stays.
      await s.prune({ maxAgeMs: 0, now: now + DAY });
      expect(segmentFiles(tmp.dir)).toEqual([segmentName(5)]);
      expect(await s.prune({ maxAgeMs: 0, now: now + DAY })).toEqual({ deleted: [] });
    });

    it('tells a reader when retention deleted lines it had not read yet', async () => {
      const s = await aged();
      const midFirst = (await s.read(null, 1)).next;
      // As issued while segment 1 was still the active one: at its very end.
      const atEndOfFirst = encodeCursor({ ...decodeCursor(midFirst)!, offset: fs.statSync(path.join(tmp.dir, segmentName(1))).size });
      const normalised = (await s.read(null, 2)).next;
      await s.prune({ maxAgeMs: 25 * DAY, now });
      const fromEnd = await s.read(atEndOfFirst, 100);
      expect(fromEnd.gap).toBe(false);
      expect(fromEnd.lines).toHaveLength(7);
      const fromMiddle = await s.read(midFirst, 100);
      expect(fromMiddle.gap).toBe(true);
      expect(fromMiddle.lines).toHaveLength(7);
      expect((await s.read(normalised, 100)).gap).toBe(false);
      // The record of pruned segments survives a restart.
      await s.close();
      open = [];
      const reopened = await spoolAt();
      expect((await reopened.read(atEndOfFirst, 100)).gap).toBe(false);
      expect((await reopened.read(midFirst, 100)).gap).toBe(true);
    });
  });
});
