import type { Database } from 'better-sqlite3';
import { REPLY_WINDOW_MS } from '../../../shared/domain/segmentRule';
import { median } from '../../../shared/segments/evaluate';

/**
 * The per-contact behaviour totals of migration 006 (the `seg_*` columns of contacts), brought up to
 * date before a count reads them: contacts with messages newer than the last refresh (found by
 * id, no INSERT trigger on the import path) and contacts the update/delete triggers logged are
 * recomputed from their messages; a workspace never built is built whole.
 *
 * Replies follow domain.md like monitoring: the first inbound message after the send and within
 * 24 h, strictly before the next outbound message (sends of the same millisecond share it).
 */

interface Row {
  contactRef: number;
  direction: 'in' | 'out';
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
}

export interface ContactStats {
  outCount: number;
  deliveredCount: number;
  seenCount: number;
  repliedCount: number;
  clickedCount: number;
  firstOutAt: number | null;
  lastOutAt: number | null;
  lastSeenAt: number | null;
  medianSeenLatency: number | null;
}

/** Totals of one contact's messages, given in (sent_at, id) order. */
export function contactStats(rows: readonly Row[]): ContactStats {
  const outs = rows.filter((r) => r.direction === 'out');
  const ins = rows.filter((r) => r.direction === 'in').map((r) => r.sentAt);
  let delivered = 0;
  let seen = 0;
  let replied = 0;
  let clicked = 0;
  let lastSeen: number | null = null;
  const latencies: number[] = [];
  let inIdx = 0;
  let nextIdx = 0;
  for (let k = 0; k < outs.length; k++) {
    const m = outs[k]!;
    if (m.deliveredAt !== null || m.readAt !== null) delivered++;
    if (m.readAt !== null) {
      seen++;
      latencies.push(m.readAt - m.sentAt);
      if (lastSeen === null || m.readAt > lastSeen) lastSeen = m.readAt;
    }
    while (inIdx < ins.length && ins[inIdx]! <= m.sentAt) inIdx++;
    if (nextIdx <= k) nextIdx = k + 1;
    while (nextIdx < outs.length && outs[nextIdx]!.sentAt <= m.sentAt) nextIdx++;
    const firstIn = inIdx < ins.length ? ins[inIdx]! : null;
    const nextOut = nextIdx < outs.length ? outs[nextIdx]!.sentAt : Infinity;
    if (firstIn !== null && firstIn <= m.sentAt + REPLY_WINDOW_MS && firstIn < nextOut) {
      replied++;
      if (m.readAt !== null) clicked++;
    }
  }
  return {
    outCount: outs.length,
    deliveredCount: delivered,
    seenCount: seen,
    repliedCount: replied,
    clickedCount: clicked,
    firstOutAt: outs.length ? outs[0]!.sentAt : null,
    lastOutAt: outs.length ? outs[outs.length - 1]!.sentAt : null,
    lastSeenAt: lastSeen,
    medianSeenLatency: median(latencies),
  };
}

const SELECT_ROWS = `SELECT m.contact_ref AS contactRef, m.direction, m.sent_at AS sentAt, m.delivered_at AS deliveredAt, m.read_at AS readAt
  FROM messages m`;

/** Totals per contact of rows in (contact_ref, sent_at, id) order; contacts without sends are left out. */
function collect(rows: Iterable<Row>): [number, ContactStats][] {
  const out: [number, ContactStats][] = [];
  let current: number | null = null;
  let batch: Row[] = [];
  const flush = () => {
    if (current === null) return;
    const s = contactStats(batch);
    if (s.outCount > 0) out.push([current, s]);
  };
  for (const r of rows) {
    if (r.contactRef !== current) {
      flush();
      current = r.contactRef;
      batch = [];
    }
    batch.push(r);
  }
  flush();
  return out;
}

const RESET = `seg_out_count = 0, seg_delivered_count = 0, seg_seen_count = 0, seg_replied_count = 0, seg_clicked_count = 0,
  seg_first_out_at = NULL, seg_last_out_at = NULL, seg_last_seen_at = NULL, seg_median_seen_latency = NULL`;

function writeAll(db: Database, stats: readonly [number, ContactStats][]): void {
  const update = db.prepare(
    `UPDATE contacts SET seg_out_count = ?, seg_delivered_count = ?, seg_seen_count = ?, seg_replied_count = ?, seg_clicked_count = ?,
       seg_first_out_at = ?, seg_last_out_at = ?, seg_last_seen_at = ?, seg_median_seen_latency = ? WHERE id = ?`,
  );
  for (const [contactRef, s] of stats) {
    update.run(s.outCount, s.deliveredCount, s.seenCount, s.repliedCount, s.clickedCount, s.firstOutAt, s.lastOutAt, s.lastSeenAt, s.medianSeenLatency, contactRef);
  }
}

export interface RefreshResult {
  /** False when the store could not be written (read-only or busy): readers must not use the totals. */
  fresh: boolean;
  recomputed: number;
}

/** Brings the workspace's totals up to date; cheap when nothing changed. */
export function refreshContactStats(db: Database, workspaceId: number): RefreshResult {
  if (db.readonly) return { fresh: false, recomputed: 0 };
  // Nothing new and nothing logged for this workspace: no write transaction at all (the common
  // case of a live count). Another workspace's logged changes wait for that workspace's refresh.
  const quick = db
    .prepare(
      `SELECT (SELECT next_message_id FROM segment_stats_state WHERE workspace_id = ?) = coalesce((SELECT max(id) FROM messages), 0) + 1
         AND NOT EXISTS (SELECT 1 FROM segment_stats_changes x JOIN contacts c ON c.id = x.contact_ref JOIN pages p ON p.id = c.page_ref
           WHERE p.workspace_id = ?)`,
    )
    .pluck()
    .get(workspaceId, workspaceId) as number | null;
  if (quick === 1) return { fresh: true, recomputed: 0 };
  try {
    return db.transaction((): RefreshResult => {
      const nextId = ((db.prepare('SELECT coalesce(max(id), 0) FROM messages').pluck().get() as number) ?? 0) + 1;
      const state = db.prepare('SELECT next_message_id FROM segment_stats_state WHERE workspace_id = ?').pluck().get(workspaceId) as number | undefined;
      let recomputed: number;
      const wsContacts = 'SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ?';
      if (state === undefined) {
        const stats = collect(
          db.prepare(`${SELECT_ROWS} WHERE m.contact_ref IN (${wsContacts}) ORDER BY m.contact_ref, m.sent_at, m.id`).iterate(workspaceId) as Iterable<Row>,
        );
        db.prepare(`UPDATE contacts SET ${RESET} WHERE page_ref IN (SELECT id FROM pages WHERE workspace_id = ?) AND seg_out_count <> 0`).run(workspaceId);
        writeAll(db, stats);
        recomputed = stats.length;
        db.prepare(`DELETE FROM segment_stats_changes WHERE contact_ref IN (${wsContacts})`).run(workspaceId);
      } else {
        const dirty = db
          .prepare(
            `SELECT DISTINCT contact_ref FROM (
               SELECT m.contact_ref FROM messages m WHERE m.id >= ?
               UNION SELECT contact_ref FROM segment_stats_changes
             ) WHERE contact_ref IN (${wsContacts}) ORDER BY contact_ref`,
          )
          .pluck()
          .all(state, workspaceId) as number[];
        if (dirty.length === 0) recomputed = 0;
        else {
          const list = JSON.stringify(dirty);
          const stats = collect(
            db
              .prepare(`${SELECT_ROWS} WHERE m.contact_ref IN (SELECT value FROM json_each(?)) ORDER BY m.contact_ref, m.sent_at, m.id`)
              .iterate(list) as Iterable<Row>,
          );
          db.prepare(`UPDATE contacts SET ${RESET} WHERE id IN (SELECT value FROM json_each(?)) AND seg_out_count <> 0`).run(list);
          writeAll(db, stats);
          recomputed = dirty.length;
          db.prepare('DELETE FROM segment_stats_changes WHERE contact_ref IN (SELECT value FROM json_each(?))').run(list);
        }
        // Logged changes of contacts deleted since are of no use to anyone.
        db.prepare('DELETE FROM segment_stats_changes WHERE contact_ref NOT IN (SELECT id FROM contacts)').run();
      }
      db.prepare(
        'INSERT INTO segment_stats_state (workspace_id, next_message_id) VALUES (?, ?) ON CONFLICT (workspace_id) DO UPDATE SET next_message_id = excluded.next_message_id',
      ).run(workspaceId, nextId);
      return { fresh: true, recomputed };
    }).immediate();
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_BUSY')) return { fresh: false, recomputed: 0 };
    throw e;
  }
}
