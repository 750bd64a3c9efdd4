import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, writeFileAtomic } from './fsUtil';
import { formatWebhookLine, type WebhookLine } from './line';
import { acquireLock, type HeldLock } from './lock';
import { pullFromRelay, type PullOptions, type PullResult } from './pullClient';

export class PullFileError extends Error {
  readonly code = 'PULL_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'PullFileError';
  }
}

interface PullState {
  version: 1;
  cursor: string | null;
  /** Committed length of the NDJSON file: bytes past it were written but never committed. */
  bytes: number;
  updated_at: number;
}

export interface PullFile {
  /** NDJSON of wrapper lines, ready for the webhook archive importer. */
  readonly file: string;
  readonly stateFile: string;
  /** Cursor to resume from. */
  readonly cursor: string | null;
  /** Committed size of `file`. */
  readonly bytes: number;
  /** Bytes cut at open: a batch a crash interrupted before its cursor was committed (it will be pulled again). */
  readonly discardedBytes: number;
  /** Pass as pullFromRelay's onBatch: appends the lines, then commits the cursor. */
  onBatch(lines: WebhookLine[], nextCursor: string): Promise<void>;
  /** Once the importer has taken the file: empty it and keep the cursor. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

function parseState(text: string, file: string): PullState {
  let v: Partial<PullState> | null;
  try {
    v = JSON.parse(text) as Partial<PullState> | null;
  } catch {
    throw new PullFileError(`${file} is not valid JSON. Delete it and the pulled-events file to pull again from the start (the importer skips what it already has).`);
  }
  if (!v || v.version !== 1 || !(v.cursor === null || typeof v.cursor === 'string') || typeof v.bytes !== 'number' || !Number.isInteger(v.bytes) || v.bytes < 0) {
    throw new PullFileError(`${file} is not a Relais pull cursor file.`);
  }
  return { version: 1, cursor: v.cursor, bytes: v.bytes, updated_at: typeof v.updated_at === 'number' ? v.updated_at : 0 };
}

async function readState(file: string): Promise<PullState> {
  try {
    return parseState(await fsp.readFile(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, cursor: null, bytes: 0, updated_at: 0 };
    throw e;
  }
}

/**
 * Opens the local landing file for pulled events. The cursor file is the commit point:
 * lines are appended and synced first, then the cursor file (with the new committed
 * length) replaces the old one atomically. A crash in between leaves extra bytes that
 * the next open cuts, so each event ends up in the file exactly once.
 */
export async function openPullFile(opts: { file: string; stateFile?: string }): Promise<PullFile> {
  const file = path.resolve(opts.file);
  const stateFile = path.resolve(opts.stateFile ?? `${file}.cursor.json`);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const lock: HeldLock = acquireLock(`${file}.lock`, `the pull file ${file}`);
  let fh: fsp.FileHandle | null = null;
  try {
    let state = await readState(stateFile);
    const existed = fs.existsSync(file);
    fh = await fsp.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    if (!existed) await fsyncDir(path.dirname(file));
    const { size } = await fh.stat();
    if (size < state.bytes) {
      throw new PullFileError(`${file} is shorter than its cursor file records; it was changed outside Relais. Delete both files to pull again from the start.`);
    }
    const discardedBytes = size - state.bytes;
    if (discardedBytes > 0) {
      await fh.truncate(state.bytes);
      await fh.datasync();
    }
    const handle = fh;
    let closed = false;
    let chain: Promise<void> = Promise.resolve();
    const serial = (work: () => Promise<void>) => {
      const run = chain.then(() => {
        if (closed) throw new PullFileError('The pull file is closed.');
        return work();
      });
      chain = run.catch(() => undefined);
      return run;
    };
    const commit = async (next: PullState) => {
      await writeFileAtomic(stateFile, JSON.stringify(next) + '\n');
      state = next;
    };

    return {
      file,
      stateFile,
      get cursor() {
        return state.cursor;
      },
      get bytes() {
        return state.bytes;
      },
      discardedBytes,
      onBatch: (lines, nextCursor) =>
        serial(async () => {
          const buf = Buffer.from(lines.map(formatWebhookLine).join(''), 'utf8');
          let written = 0;
          try {
            while (written < buf.length) {
              const { bytesWritten } = await handle.write(buf, written, buf.length - written, state.bytes + written);
              written += bytesWritten;
            }
            if (buf.length > 0) await handle.datasync();
          } catch (e) {
            await handle.truncate(state.bytes).catch(() => undefined);
            throw e;
          }
          await commit({ version: 1, cursor: nextCursor, bytes: state.bytes + buf.length, updated_at: Date.now() });
        }),
      clear: () =>
        serial(async () => {
          // Commit "empty" first: a crash before the truncate is finished by the next open.
          await commit({ ...state, bytes: 0, updated_at: Date.now() });
          await handle.truncate(0);
          await handle.datasync();
        }),
      close: async () => {
        if (closed) return;
        await chain;
        closed = true;
        await handle.close();
        lock.release();
      },
    };
  } catch (e) {
    await fh?.close();
    lock.release();
    throw e;
  }
}

export type PullToFileOptions = Omit<PullOptions, 'cursor' | 'onBatch'> & { file: string; stateFile?: string };

/** Pulls from a relay into a local NDJSON file, resuming from the file's committed cursor. */
export async function pullToFile(opts: PullToFileOptions): Promise<PullResult & { file: string; bytes: number }> {
  const { file, stateFile, ...pull } = opts;
  const sink = await openPullFile({ file, stateFile });
  try {
    const result = await pullFromRelay({ ...pull, cursor: sink.cursor, onBatch: (lines, next) => sink.onBatch(lines, next) });
    return { ...result, file: sink.file, bytes: sink.bytes };
  } finally {
    await sink.close();
  }
}
