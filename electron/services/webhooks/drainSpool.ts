import type { WebhookLine } from './line';
import type { Spool } from './spool';

export interface DrainSpoolOptions {
  spool: Spool;
  cursor?: string | null;
  /** Same contract as pullFromRelay's: persist lines and cursor together. */
  onBatch: (lines: WebhookLine[], nextCursor: string) => Promise<void> | void;
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Reads a local receiver's spool with the same cursor contract as a relay pull, so the
 * app brings events in from either source through one code path.
 */
export async function drainSpool(opts: DrainSpoolOptions): Promise<{ cursor: string | null; pages: number; events: number; gap: boolean }> {
  let cursor = opts.cursor ?? null;
  let pages = 0;
  let events = 0;
  let gap = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await opts.spool.read(cursor, opts.pageSize ?? 1000);
    pages++;
    gap ||= page.gap;
    if (page.lines.length === 0 && page.next === cursor) break;
    await opts.onBatch(page.lines, page.next);
    cursor = page.next;
    events += page.lines.length;
    if (!page.more) break;
  }
  return { cursor, pages, events, gap };
}
