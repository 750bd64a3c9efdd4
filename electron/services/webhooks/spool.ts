import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { decodeCursor, encodeCursor, SpoolCursorError } from './cursor';
import { byteAt, fsyncDir, iterateLines, readLastLine } from './fsUtil';
import { formatWebhookLine, isWebhookLine, parseWebhookLine, type WebhookLine } from './line';
import { acquireLock, LOCK_FILE, type HeldLock } from './lock';
import { loadOrCreateMeta, saveMeta, type SpoolMeta } from './spoolMeta';

export { SpoolCursorError } from './cursor';
export { SpoolLockedError } from './lock';
export { SpoolFormatError } from './spoolMeta';

export const DEFAULT_SEGMENT_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_READ_MAX_BYTES = 16 * 1024 * 1024;

const SEGMENT = /^events-(\d{12})\.ndjson$/;
export const segmentName = (seq: number) => `events-${String(seq).padStart(12, '0')}.ndjson`;

export class SpoolClosedError extends Error {
  readonly code = 'SPOOL_CLOSED';
  constructor() {
    super('The event store is closed.');
    this.name = 'SpoolClosedError';
  }
}

/** Raised when the disk refused a write or a sync: the events were not stored and must not be acknowledged. */
export class SpoolWriteError extends Error {
  readonly code = 'SPOOL_WRITE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpoolWriteError';
  }
}

export interface SpoolOptions {
  /** A new segment starts when the active one would grow past this (default 32 MiB). */
  segmentMaxBytes?: number;
}

export interface SpoolPage {
  lines: WebhookLine[];
  /** Cursor just after the last line returned (or where the reader already was). */
  next: string;
  /** More lines are already stored after `next`. */
  more: boolean;
  /** Retention deleted lines after the given cursor before they were read. */
  gap: boolean;
  /** Lines in the range that were not wrapper lines (only from outside tampering). */
  skipped: number;
}

export interface SpoolRepair {
  segment: string;
  droppedBytes: number;
}

export interface SpoolStats {
  storeId: string;
  segments: number;
  bytes: number;
  activeSegment: string;
}

export interface Spool {
  readonly dir: string;
  readonly storeId: string;
  /** What opening had to cut from the end of the active segment after a crash, if anything. */
  readonly repaired: SpoolRepair | null;
  /** Resolves only once the lines are on disk (written and synced): then, and only then, acknowledge them. */
  append(lines: WebhookLine | readonly WebhookLine[]): Promise<void>;
  /** Up to `limit` lines after `after` (null/'' = from the oldest kept). Throws SpoolCursorError for a cursor it cannot honour. */
  read(after: string | null | undefined, limit: number, opts?: { maxBytes?: number }): Promise<SpoolPage>;
  /** Deletes the oldest whole segments whose newest line is older than maxAgeMs; never the active segment. */
  prune(opts: { maxAgeMs: number; now?: number }): Promise<{ deleted: string[] }>;
  stats(): SpoolStats;
  close(): Promise<void>;
}

interface Pending {
  buf: Buffer;
  resolve(): void;
  reject(e: Error): void;
}

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
}

/**
 * An append-only, crash-safe store of webhook lines in one directory:
 * `events-<seq>.ndjson` segments plus `spool.json` (store id, retention history) and a
 * PID lock. Appends from concurrent requests are grouped so one fsync covers many.
 */
class FileSpool implements Spool {
  readonly storeId: string;
  private readonly segments: number[];
  private readonly closedSizes = new Map<number, number>();
  private readonly lastReceived = new Map<number, number>();
  private queue: Pending[] = [];
  /** Set and cleared synchronously with the queue check, so an append never lands in a queue no flush will see. */
  private running = false;
  private flushing: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly meta: SpoolMeta,
    private readonly lock: HeldLock,
    private readonly maxSegment: number,
    segments: number[],
    closedSizes: Map<number, number>,
    private activeSeq: number,
    private activeSize: number,
    private fh: fsp.FileHandle,
    readonly repaired: SpoolRepair | null,
  ) {
    this.storeId = meta.id;
    this.segments = segments;
    for (const [k, v] of closedSizes) this.closedSizes.set(k, v);
  }

  private file(seq: number): string {
    return path.join(this.dir, segmentName(seq));
  }

  /** Bytes of `seq` that are durable and complete: readers never see past it. */
  private endOf(seq: number): number {
    return seq === this.activeSeq ? this.activeSize : (this.closedSizes.get(seq) ?? 0);
  }

  private nextSeq(seq: number): number | undefined {
    return this.segments.find((s) => s > seq);
  }

  append(lines: WebhookLine | readonly WebhookLine[]): Promise<void> {
    if (this.closed) return Promise.reject(new SpoolClosedError());
    if (this.failed) return Promise.reject(new SpoolWriteError(`The event store can no longer be written safely (${this.failed.message}); restart Relais.`));
    const list: readonly WebhookLine[] = Array.isArray(lines) ? lines : [lines as WebhookLine];
    for (const line of list) if (!isWebhookLine(line)) return Promise.reject(new TypeError('append() takes {raw, signature, received_at} lines.'));
    if (list.length === 0) return Promise.resolve();
    const buf = Buffer.from(list.map(formatWebhookLine).join(''), 'utf8');
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.flushing = this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    // `running` is cleared in this function right after the empty-queue check, with no
    // await in between: otherwise an append could slip into a queue nobody drains any more.
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.writeBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  /** Writes as few runs as segment rotation allows, one sync per run. */
  private async writeBatch(batch: Pending[]): Promise<void> {
    let i = 0;
    while (i < batch.length) {
      let j = i;
      try {
        if (this.activeSize > 0 && this.activeSize + batch[i]!.buf.length > this.maxSegment) await this.rotate();
        let bytes = 0;
        while (j < batch.length && (j === i || this.activeSize + bytes + batch[j]!.buf.length <= this.maxSegment)) bytes += batch[j++]!.buf.length;
        await this.writeDurably(Buffer.concat(batch.slice(i, j).map((p) => p.buf)));
      } catch (e) {
        const err = e instanceof SpoolWriteError ? e : new SpoolWriteError(`Could not store webhook events (${errorText(e)}).`, { cause: e });
        // Everything from i on is unwritten (or cut off again): none of it may be acknowledged.
        for (const p of batch.slice(i)) p.reject(err);
        return;
      }
      for (const p of batch.slice(i, j)) p.resolve();
      i = j;
    }
  }

  private async writeDurably(buf: Buffer): Promise<void> {
    let written = 0;
    try {
      while (written < buf.length) {
        const { bytesWritten } = await this.fh.write(buf, written, buf.length - written, this.activeSize + written);
        written += bytesWritten;
      }
    } catch (e) {
      // A partly written run was never acknowledged: cut it so the file ends on an acknowledged line.
      await this.fh.truncate(this.activeSize).catch(() => undefined);
      throw e;
    }
    try {
      await this.fh.datasync();
    } catch (e) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written since
      // the last good sync can be trusted, so stop accepting rather than acknowledge into a hole.
      this.failed = e as Error;
      throw new SpoolWriteError(`Could not sync webhook events to disk (${errorText(e)}).`, { cause: e });
    }
    this.activeSize += buf.length;
  }

  private async rotate(): Promise<void> {
    const seq = this.activeSeq + 1;
    // No O_APPEND: writes are positional. No O_EXCL: an empty file left by a failed rotation is reused.
    const fh = await fsp.open(this.file(seq), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    try {
      const { size } = await fh.stat();
      if (size !== 0) throw new SpoolWriteError(`Segment ${segmentName(seq)} already holds data; the event store was modified outside Relais.`);
      await fsyncDir(this.dir);
    } catch (e) {
      await fh.close();
      throw e;
    }
    await this.fh.close();
    this.closedSizes.set(this.activeSeq, this.activeSize);
    this.segments.push(seq);
    this.activeSeq = seq;
    this.activeSize = 0;
    this.fh = fh;
  }

  async read(after: string | null | undefined, limit: number, opts: { maxBytes?: number } = {}): Promise<SpoolPage> {
    if (this.closed) throw new SpoolClosedError();
    const maxLines = Math.max(1, Math.floor(limit));
    const maxBytes = opts.maxBytes ?? DEFAULT_READ_MAX_BYTES;
    let { seq, offset, gap } = await this.start(after);
    const lines: WebhookLine[] = [];
    let bytes = 0;
    let skipped = 0;

    reading: for (;;) {
      const end = this.endOf(seq);
      let full = false;
      if (offset < end) {
        try {
          for await (const line of iterateLines(this.file(seq), offset, end)) {
            const size = line.bytes.length + 1;
            if (lines.length >= maxLines || (lines.length > 0 && bytes + size > maxBytes)) {
              full = true;
              break;
            }
            const parsed = parseWebhookLine(line.bytes.toString('utf8'));
            if (parsed) {
              lines.push(parsed);
              bytes += size;
            } else skipped++;
            offset = line.end;
          }
        } catch (e) {
          // Retention removed the segment while we were about to read it.
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || this.segments.includes(seq)) throw e;
          gap = true;
        }
        if (full) break reading;
        // A fragment without a newline at the end of a closed segment is not a line: step over it.
        offset = end;
      }
      const next = this.nextSeq(seq);
      if (next === undefined || lines.length >= maxLines) break;
      seq = next;
      offset = 0;
    }
    while (seq !== this.activeSeq && offset >= this.endOf(seq)) {
      const next = this.nextSeq(seq);
      if (next === undefined) break;
      seq = next;
      offset = 0;
    }
    const more = offset < this.endOf(seq) || seq !== this.activeSeq;
    return { lines, next: encodeCursor({ storeId: this.storeId, seq, offset }), more, gap, skipped };
  }

  private async start(after: string | null | undefined): Promise<{ seq: number; offset: number; gap: boolean }> {
    const pos = decodeCursor(after);
    const oldest = this.segments[0] ?? this.activeSeq;
    if (!pos) return { seq: oldest, offset: 0, gap: false };
    if (pos.storeId !== this.storeId) {
      throw new SpoolCursorError('The cursor belongs to a different event store (was the store folder replaced?). Pull again without a cursor.');
    }
    if (pos.seq > this.activeSeq) throw new SpoolCursorError('The cursor points past the end of this event store (was the store folder reset?).');
    if (!this.segments.includes(pos.seq)) {
      // The segment was pruned. Nothing was missed only if the reader had reached its end
      // and the segment that followed it is still here.
      const next = this.nextSeq(pos.seq) ?? this.activeSeq;
      const prunedSize = this.meta.pruned[String(pos.seq)];
      return { seq: next, offset: 0, gap: !(prunedSize === pos.offset && next === pos.seq + 1) };
    }
    if (pos.offset > this.endOf(pos.seq)) throw new SpoolCursorError('The cursor points past the end of this event store (was the store folder reset?).');
    if (pos.offset > 0 && (await byteAt(this.file(pos.seq), pos.offset - 1)) !== 10) {
      throw new SpoolCursorError('The cursor does not point at the start of an event (it was altered).');
    }
    return { seq: pos.seq, offset: pos.offset, gap: false };
  }

  private async newestReceivedAt(seq: number): Promise<number> {
    const cached = this.lastReceived.get(seq);
    if (cached !== undefined) return cached;
    const line = await readLastLine(this.file(seq), this.endOf(seq));
    const parsed = line === null ? null : parseWebhookLine(line);
    const at = parsed ? parsed.received_at : (await fsp.stat(this.file(seq))).mtimeMs;
    this.lastReceived.set(seq, at);
    return at;
  }

  async prune(opts: { maxAgeMs: number; now?: number }): Promise<{ deleted: string[] }> {
    if (this.closed) throw new SpoolClosedError();
    const cutoff = (opts.now ?? Date.now()) - opts.maxAgeMs;
    const deleted: string[] = [];
    // Oldest first, stopping at the first segment to keep, so the kept history has no holes.
    while (this.segments.length > 1) {
      const seq = this.segments[0]!;
      if (seq === this.activeSeq) break;
      const size = this.endOf(seq);
      if (size > 0 && (await this.newestReceivedAt(seq)) >= cutoff) break;
      try {
        await fsp.unlink(this.file(seq));
      } catch (e) {
        // Windows refuses to delete a file a reader has open: try again next time.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') break;
      }
      if (this.segments[0] === seq) this.segments.shift();
      this.closedSizes.delete(seq);
      this.lastReceived.delete(seq);
      this.meta.pruned[String(seq)] = size;
      deleted.push(segmentName(seq));
    }
    if (deleted.length > 0) {
      await fsyncDir(this.dir);
      await saveMeta(this.dir, this.meta);
    }
    return { deleted };
  }

  stats(): SpoolStats {
    let bytes = this.activeSize;
    for (const seq of this.segments) if (seq !== this.activeSeq) bytes += this.closedSizes.get(seq) ?? 0;
    return { storeId: this.storeId, segments: this.segments.length, bytes, activeSegment: segmentName(this.activeSeq) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.running) await this.flushing;
    await this.fh.close();
    this.lock.release();
  }
}

async function listSegments(dir: string): Promise<number[]> {
  const seqs: number[] = [];
  for (const name of await fsp.readdir(dir)) {
    const match = SEGMENT.exec(name);
    if (match) seqs.push(Number(match[1]));
  }
  return seqs.sort((a, b) => a - b);
}

/** Offset just past the last line that is a complete wrapper line: anything after it is a torn write. */
async function validEnd(file: string, size: number): Promise<number> {
  let end = 0;
  for await (const line of iterateLines(file, 0, size)) if (parseWebhookLine(line.bytes.toString('utf8'))) end = line.end;
  return end;
}

/**
 * Opens (creating if needed) the event store in `dir` as its only writer. A torn last
 * line left by a crash is cut off; acknowledged lines were synced before being
 * acknowledged, so they are all still there.
 */
export async function openSpool(dir: string, opts: SpoolOptions = {}): Promise<Spool> {
  const maxSegment = opts.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES;
  if (!Number.isInteger(maxSegment) || maxSegment < 1) throw new RangeError('segmentMaxBytes must be a positive integer.');
  await fsp.mkdir(dir, { recursive: true });
  const lock = acquireLock(path.join(dir, LOCK_FILE), `the event store ${dir}`);
  try {
    const meta = await loadOrCreateMeta(dir);
    const segments = await listSegments(dir);
    if (segments.length === 0) {
      const fh = await fsp.open(path.join(dir, segmentName(1)), 'wx', 0o600);
      await fh.close();
      await fsyncDir(dir);
      segments.push(1);
    }
    const activeSeq = segments[segments.length - 1]!;
    const closedSizes = new Map<number, number>();
    for (const seq of segments.slice(0, -1)) closedSizes.set(seq, (await fsp.stat(path.join(dir, segmentName(seq)))).size);

    const activeFile = path.join(dir, segmentName(activeSeq));
    const fh = await fsp.open(activeFile, 'r+');
    try {
      const { size } = await fh.stat();
      const end = await validEnd(activeFile, size);
      let repaired: SpoolRepair | null = null;
      if (end < size) {
        await fh.truncate(end);
        await fh.datasync();
        repaired = { segment: segmentName(activeSeq), droppedBytes: size - end };
      }
      return new FileSpool(dir, meta, lock, maxSegment, segments, closedSizes, activeSeq, end, fh, repaired);
    } catch (e) {
      await fh.close();
      throw e;
    }
  } catch (e) {
    lock.release();
    throw e;
  }
}
