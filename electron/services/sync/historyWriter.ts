import type { Database, Statement } from 'better-sqlite3';

/** A conversation as the sync needs it, already parsed from Graph's shapes. */
export interface HistoryConversation {
  conversationId: string;
  psid: string;
  name: string | null;
  updatedTime: number;
  messageCount: number | null;
  messages: HistoryMessage[];
}

export interface HistoryMessage {
  mid: string;
  direction: 'in' | 'out';
  /** created_time, second precision, in ms. */
  sentAt: number;
}

/**
 * Writes what the Conversations API says into the same tables as the webhook importer.
 *
 * A message is one row whoever saw it first (mid is unique). The sync only ever adds a row
 * or leaves one alone: a time from a webhook (echo/inbound, ms) is better than Graph's
 * created_time (seconds), so an existing row keeps its time; when the webhook comes second,
 * the importer replaces the 'graph' time (threadWriter) and a trigger (migration 008) refines
 * the contact's inbound times. An outbound message inserted here takes its delivery and read
 * times from receipts already stored, exactly as the importer resolves an echo, so the order
 * in which sync and webhooks arrive does not change the result.
 */
export class HistoryWriter {
  private readonly insertContact: Statement;
  private readonly selectContact: Statement;
  private readonly nameContact: Statement;
  private readonly selectConversation: Statement;
  private readonly upsertConversation: Statement;
  private readonly insertOut: Statement;
  private readonly insertIn: Statement;
  private readonly dropPendingMid: Statement;
  private readonly touchInbound: Statement;
  private readonly countMessages: Statement;
  private readonly hasMid: Statement;

  constructor(db: Database) {
    this.insertContact = db.prepare('INSERT INTO contacts (page_ref, psid) VALUES (?, ?) ON CONFLICT (page_ref, psid) DO NOTHING');
    this.selectContact = db.prepare('SELECT id FROM contacts WHERE page_ref = ? AND psid = ?');
    this.nameContact = db.prepare('UPDATE contacts SET name = ? WHERE id = ? AND name IS NULL');
    this.selectConversation = db.prepare('SELECT conversation_id AS conversationId, updated_time AS updatedTime FROM conversations WHERE page_ref = ? AND contact_ref = ?');
    this.upsertConversation = db.prepare(`
      INSERT INTO conversations (page_ref, contact_ref, conversation_id, updated_time) VALUES (?, ?, ?, ?)
      ON CONFLICT (page_ref, contact_ref) DO UPDATE SET conversation_id = excluded.conversation_id, updated_time = excluded.updated_time
      WHERE conversations.conversation_id IS NOT excluded.conversation_id OR conversations.updated_time IS NOT excluded.updated_time`);
    this.insertOut = db.prepare(`
      INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, delivered_inferred, read_at)
      SELECT @mid, @contact, 'out', @sentAt, 'graph',
        CASE WHEN r IS NOT NULL AND (d IS NULL OR d > r) THEN r ELSE d END,
        CASE WHEN r IS NOT NULL AND (d IS NULL OR d > r) THEN 1 ELSE 0 END,
        r
      FROM (SELECT
        (SELECT min(t) FROM (
          SELECT min(event_time) AS t FROM receipt_events WHERE contact_ref = @contact AND kind = 'delivery' AND watermark >= @sentAt
          UNION ALL SELECT event_time FROM receipt_mids WHERE mid = @mid AND contact_ref = @contact)) AS d,
        (SELECT min(event_time) FROM receipt_events WHERE contact_ref = @contact AND kind = 'read' AND watermark >= @sentAt) AS r)
      WHERE true
      ON CONFLICT (mid) DO NOTHING`);
    this.insertIn = db.prepare(
      "INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'graph') ON CONFLICT (mid) DO NOTHING",
    );
    this.dropPendingMid = db.prepare('DELETE FROM receipt_mids WHERE mid = ? AND contact_ref = ?');
    this.touchInbound = db.prepare(`
      UPDATE contacts SET
        first_inbound_at = CASE WHEN first_inbound_at IS NULL OR first_inbound_at > @t THEN @t ELSE first_inbound_at END,
        last_inbound_at = CASE WHEN last_inbound_at IS NULL OR last_inbound_at < @t THEN @t ELSE last_inbound_at END
      WHERE id = @contact`);
    this.hasMid = db.prepare('SELECT 1 FROM messages WHERE mid = ?').pluck();
    this.countMessages = db.prepare(`
      INSERT INTO graph_sync_conversations (page_ref, conversation_id, message_count) VALUES (?, ?, ?)
      ON CONFLICT (page_ref, conversation_id) DO UPDATE SET message_count = excluded.message_count WHERE message_count IS NOT excluded.message_count`);
  }

  contactId(pageRef: number, psid: string): number {
    this.insertContact.run(pageRef, psid);
    return (this.selectContact.get(pageRef, psid) as { id: number }).id;
  }

  /** True when the stored conversation already has this updated_time: nothing new in it. */
  isUnchanged(pageRef: number, c: Pick<HistoryConversation, 'psid' | 'conversationId' | 'updatedTime'>): boolean {
    const contact = this.selectContact.get(pageRef, c.psid) as { id: number } | undefined;
    if (!contact) return false;
    const row = this.selectConversation.get(pageRef, contact.id) as { conversationId: string | null; updatedTime: number | null } | undefined;
    return row !== undefined && row.conversationId === c.conversationId && row.updatedTime === c.updatedTime;
  }

  /** Writes one conversation; returns how many message rows it added. Call inside a transaction. */
  write(pageRef: number, c: HistoryConversation): number {
    const contact = this.contactId(pageRef, c.psid);
    if (c.name) this.nameContact.run(c.name, contact);
    let added = 0;
    for (const m of c.messages) {
      // Known already (a webhook or an earlier sync): its row stays as it is; skip the receipt lookups.
      if (this.hasMid.get(m.mid) !== undefined) continue;
      if (m.direction === 'out') {
        if (this.insertOut.run({ mid: m.mid, contact, sentAt: m.sentAt }).changes > 0) {
          this.dropPendingMid.run(m.mid, contact);
          added++;
        }
      } else if (this.insertIn.run(m.mid, contact, m.sentAt).changes > 0) {
        this.touchInbound.run({ t: m.sentAt, contact });
        added++;
      }
    }
    this.upsertConversation.run(pageRef, contact, c.conversationId, c.updatedTime);
    this.countMessages.run(pageRef, c.conversationId, c.messageCount ?? c.messages.length);
    return added;
  }
}

/** Graph's times: "2026-05-01T12:00:00+0000" (ISO 8601 with a ±hhmm offset). */
export function parseGraphTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return null;
  let t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return t;
}
