import type { ImportResult } from '../../../shared/domain/imports';
import { openPullFile, type PullFile } from '../webhooks';

export interface LandingOptions<T> {
  /** The local NDJSON file events land in before the importer takes them. */
  file: string;
  /**
   * Fetches new events into `sink` (pass `sink.onBatch` as the batch callback, so lines and
   * cursor are committed together). It may throw after some pages landed: those are still
   * imported before the error goes on.
   */
  fetch(sink: PullFile): Promise<T>;
  importFile(file: string): Promise<ImportResult>;
  /**
   * Records `cursor` as the source's position. Called only once everything before it is in
   * the database; `complete` is true once, at the end of a fetch that ran to its end (not
   * after recovering an earlier run's lines, nor after a fetch that failed part-way).
   */
  commit(cursor: string | null, outcome: { complete: boolean; imported: ImportResult | null }): void;
}

export interface Landed<T> {
  fetched: T | null;
  imported: ImportResult | null;
  /** Lines an interrupted earlier run had landed but not imported. */
  recovered: ImportResult | null;
  cancelled: boolean;
}

/**
 * Fetch, import, then move the cursor — in that order, each step durable before the next.
 * The landing file's own cursor file is the commit point of the fetch; the caller's cursor
 * (sync_state) only moves once the importer has the lines. A crash at any point leaves
 * either lines still in the file (imported first on the next run; the importer resumes or
 * recognises them) or a file already emptied whose cursor is the one to continue from.
 */
export async function landAndImport<T>(opts: LandingOptions<T>): Promise<Landed<T>> {
  const sink = await openPullFile({ file: opts.file });
  try {
    let recovered: ImportResult | null = null;
    if (sink.bytes > 0) {
      recovered = await opts.importFile(sink.file);
      if (recovered.status === 'cancelled') return { fetched: null, imported: null, recovered, cancelled: true };
      await sink.clear();
      opts.commit(sink.cursor, { complete: false, imported: recovered });
    }

    let fetched: T | null = null;
    let failure: { error: unknown } | null = null;
    try {
      fetched = await opts.fetch(sink);
    } catch (error) {
      failure = { error };
    }

    let imported: ImportResult | null = null;
    if (sink.bytes > 0) {
      imported = await opts.importFile(sink.file);
      if (imported.status === 'cancelled') return { fetched, imported, recovered, cancelled: true };
      await sink.clear();
    }
    if (failure === null || imported !== null) opts.commit(sink.cursor, { complete: failure === null, imported });
    if (failure !== null) throw failure.error;
    return { fetched, imported, recovered, cancelled: false };
  } finally {
    await sink.close();
  }
}
