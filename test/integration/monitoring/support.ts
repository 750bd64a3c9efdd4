import Database from 'better-sqlite3';
import { migrate, type Migration } from '../../../electron/services/db/migrate';
import { migrations } from '../../../electron/services/db/migrations';
import { monitoring } from '../../../electron/services/db/migrations/004_monitoring';
import { createRandom } from '../../../shared/stats/random';
import { DAY_MS, HOUR_MS } from '../../../shared/time/zones';

/**
 * A fresh in-memory store at the schema the app will have once migration 004 is
 * registered: the registered list, with 004 appended while it is not in it yet.
 */
export function monitoringMigrations(): readonly Migration[] {
  if (migrations.some((m) => m.version === monitoring.version)) return migrations;
  return [...migrations.filter((m) => m.version < monitoring.version), monitoring];
}

export function openDb(file = ':memory:'): Database.Database {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, monitoringMigrations(), { dbPath: null, backupDir: null });
  return db;
}

export const MIN = 60_000;
export { DAY_MS, HOUR_MS };

export interface OutOptions {
  delivered?: number | null;
  read?: number | null;
  inferred?: boolean;
  campaign?: number | null;
}

/** Rows written straight in SQL, the way the importer leaves them. */
let seq = 0;

export class Fixture {
  constructor(readonly db: Database.Database) {}

  workspace(timeZone = 'Europe/Paris', locale = 'fr-FR', name = `ws${++seq}`): number {
    return Number(
      this.db.prepare('INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES (?, ?, ?, 0, 0)').run(name, timeZone, locale).lastInsertRowid,
    );
  }

  page(workspaceId: number, timeZone: string | null = null): number {
    return Number(
      this.db.prepare('INSERT INTO pages (workspace_id, page_id, time_zone, created_at) VALUES (?, ?, ?, 0)').run(workspaceId, `page${++seq}`, timeZone).lastInsertRowid,
    );
  }

  contact(
    pageRef: number,
    o: { psid?: string; name?: string | null; timeZone?: string | null; sms?: boolean; email?: boolean; phone?: string | null; mail?: string | null; optedOutAt?: number | null; lastInboundAt?: number | null } = {},
  ): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO contacts (page_ref, psid, name, time_zone, consent_sms, consent_email, phone, email, opted_out_at, last_inbound_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          pageRef,
          o.psid ?? `psid${++seq}`,
          o.name ?? null,
          o.timeZone ?? null,
          o.sms ? 1 : 0,
          o.email ? 1 : 0,
          o.phone ?? null,
          o.mail ?? null,
          o.optedOutAt ?? null,
          o.lastInboundAt ?? null,
        ).lastInsertRowid,
    );
  }

  campaign(workspaceId: number, kind: 'flash_promo' | 'notice' | 'newsletter' | 'other' = 'newsletter', name = `campaign${++seq}`): number {
    return Number(this.db.prepare('INSERT INTO campaigns (workspace_id, name, kind, created_at) VALUES (?, ?, ?, 0)').run(workspaceId, name, kind).lastInsertRowid);
  }

  out(contact: number, sentAt: number, o: OutOptions = {}): number {
    // The importer's invariant: a read implies a delivery no later than the read, marked inferred.
    let delivered = o.delivered ?? null;
    let inferred = o.inferred ? 1 : 0;
    if (o.read != null && (delivered === null || delivered > o.read) && o.inferred !== false) {
      delivered = o.read;
      inferred = 1;
    }
    return Number(
      this.db
        .prepare(
          `INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, delivered_inferred, read_at, campaign_id)
           VALUES (?, ?, 'out', ?, 'echo', ?, ?, ?, ?)`,
        )
        .run(`m${++seq}`, contact, sentAt, delivered, inferred, o.read ?? null, o.campaign ?? null).lastInsertRowid,
    );
  }

  in(contact: number, sentAt: number): number {
    return Number(
      this.db
        .prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound')")
        .run(`i${++seq}`, contact, sentAt).lastInsertRowid,
    );
  }

  deliver(messageId: number, at: number): void {
    this.db.prepare('UPDATE messages SET delivered_at = ?, delivered_inferred = 0 WHERE id = ?').run(at, messageId);
  }

  read(messageId: number, at: number): void {
    this.db
      .prepare(
        `UPDATE messages SET read_at = ?, delivered_inferred = CASE WHEN delivered_at IS NULL OR delivered_at > ? THEN 1 ELSE delivered_inferred END,
           delivered_at = CASE WHEN delivered_at IS NULL OR delivered_at > ? THEN ? ELSE delivered_at END WHERE id = ?`,
      )
      .run(at, at, at, at, messageId);
  }
}

// ---------------------------------------------------------------------------------------------
// A seeded random workspace, and the domain's definitions computed in plain JS over it.

export interface Msg {
  id: number;
  contact: number;
  page: number;
  direction: 'out' | 'in';
  sentAt: number;
  deliveredAt: number | null;
  readAt: number | null;
  campaign: number | null;
}

export interface RandomWorld {
  workspaceId: number;
  otherWorkspaceId: number;
  pages: number[];
  campaigns: number[];
  contacts: number[];
  messages: Msg[];
  start: number;
  end: number;
}

/**
 * Several Pages, campaigns and contacts with messages whose receipts arrive in any order,
 * some only as reads, replies before and after the next send, identical send times, and a
 * second workspace whose data must never leak in.
 */
export function randomWorld(f: Fixture, seed: number, opts: { contacts?: number; messages?: number; days?: number } = {}): RandomWorld {
  const rnd = createRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const start = Date.UTC(2025, 2, 20); // spans the Paris spring-forward (2025-03-30)
  const days = opts.days ?? 20;
  const end = start + days * DAY_MS;
  const workspaceId = f.workspace('Europe/Paris');
  const otherWorkspaceId = f.workspace('America/Toronto');
  const pages = [f.page(workspaceId), f.page(workspaceId, 'America/Toronto')];
  const otherPage = f.page(otherWorkspaceId);
  const kinds = ['flash_promo', 'notice', 'newsletter', 'other'] as const;
  const campaigns = Array.from({ length: 6 }, (_, i) => f.campaign(workspaceId, kinds[i % 4]));
  const otherCampaign = f.campaign(otherWorkspaceId);
  const contacts: number[] = [];
  const contactPage = new Map<number, number>();
  for (let i = 0; i < (opts.contacts ?? 40); i++) {
    const page = pick(pages);
    const c = f.contact(page);
    contacts.push(c);
    contactPage.set(c, page);
  }
  const otherContacts = Array.from({ length: 5 }, () => f.contact(otherPage));
  const messages: Msg[] = [];
  const latency = () => {
    const r = rnd();
    return r < 0.5 ? Math.floor(rnd() * 5 * MIN) : r < 0.8 ? Math.floor(rnd() * 6 * HOUR_MS) : Math.floor(rnd() * 4 * DAY_MS);
  };
  const sends: { contact: number; sentAt: number; campaign: number | null }[] = [];
  for (let i = 0; i < (opts.messages ?? 400); i++) {
    const contact = pick(contacts);
    let sentAt = start + Math.floor(rnd() * days * DAY_MS);
    // Hour boundaries and identical send times are where off-by-one mistakes live.
    if (rnd() < 0.1) sentAt = Math.floor(sentAt / HOUR_MS) * HOUR_MS;
    const previous = sends[sends.length - 1];
    if (previous && rnd() < 0.05) sends.push({ contact: previous.contact, sentAt: previous.sentAt, campaign: previous.campaign });
    sends.push({ contact, sentAt, campaign: rnd() < 0.6 ? pick(campaigns) : null });
  }
  for (const s of sends) {
    const deliveredAt = rnd() < 0.8 ? s.sentAt + latency() : null;
    let readAt = deliveredAt !== null && rnd() < 0.6 ? deliveredAt + latency() : null;
    if (deliveredAt === null && rnd() < 0.1) readAt = s.sentAt + latency(); // only a read arrived
    const id = f.out(s.contact, s.sentAt, { delivered: deliveredAt, read: readAt, campaign: s.campaign });
    const effective = deliveredAt === null ? readAt : readAt === null ? deliveredAt : Math.min(deliveredAt, readAt);
    messages.push({ id, contact: s.contact, page: contactPage.get(s.contact)!, direction: 'out', sentAt: s.sentAt, deliveredAt: effective, readAt, campaign: s.campaign });
    if (rnd() < 0.3) {
      const at = s.sentAt + (rnd() < 0.2 ? 0 : 1 + Math.floor(rnd() * 2 * DAY_MS));
      const inId = f.in(s.contact, at);
      messages.push({ id: inId, contact: s.contact, page: contactPage.get(s.contact)!, direction: 'in', sentAt: at, deliveredAt: null, readAt: null, campaign: null });
    }
  }
  for (const c of otherContacts) {
    for (let k = 0; k < 10; k++) {
      const t = start + Math.floor(rnd() * days * DAY_MS);
      f.out(c, t, { delivered: t + 1000, campaign: k % 2 ? otherCampaign : null });
    }
  }
  return { workspaceId, otherWorkspaceId, pages, campaigns, contacts, messages, start, end };
}

export interface RefCounts {
  sent: number;
  delivered: number;
  seen: number;
  replied: number;
  seenReplied: number;
  pending: number;
}

/** The domain's definitions, one message at a time. */
export function referenceReply(all: readonly Msg[], m: Msg, replyWindowMs: number): number | null {
  const thread = all.filter((x) => x.contact === m.contact);
  const nextSend = Math.min(...thread.filter((x) => x.direction === 'out' && x.sentAt > m.sentAt).map((x) => x.sentAt), Infinity);
  const reply = thread
    .filter((x) => x.direction === 'in' && x.sentAt > m.sentAt && x.sentAt < nextSend && x.sentAt - m.sentAt <= replyWindowMs)
    .map((x) => x.sentAt);
  return reply.length === 0 ? null : Math.min(...reply);
}

export function referenceFunnel(
  all: readonly Msg[],
  filter: (m: Msg) => boolean,
  o: { horizonMs: number; replyWindowMs: number; now: number; basis?: 'messages' | 'contacts' },
): RefCounts {
  const settledBefore = o.now - Math.max(o.horizonMs, o.replyWindowMs);
  const outs = all.filter((m) => m.direction === 'out' && filter(m));
  const flags = outs.map((m) => {
    const settled = m.sentAt < settledBefore;
    const delivered = settled && m.deliveredAt !== null && m.deliveredAt - m.sentAt <= o.horizonMs;
    const seen = settled && m.readAt !== null && m.readAt - m.sentAt <= o.horizonMs;
    const replied = settled && referenceReply(all, m, o.replyWindowMs) !== null;
    return { m, settled, delivered, seen, replied };
  });
  if (o.basis === 'contacts') {
    const byContact = new Map<number, typeof flags>();
    for (const x of flags) byContact.set(x.m.contact, [...(byContact.get(x.m.contact) ?? []), x]);
    const c: RefCounts = { sent: 0, delivered: 0, seen: 0, replied: 0, seenReplied: 0, pending: 0 };
    for (const xs of byContact.values()) {
      const any = (k: 'settled' | 'delivered' | 'seen' | 'replied') => xs.some((x) => x[k]);
      if (!any('settled')) {
        c.pending++;
        continue;
      }
      c.sent++;
      if (any('delivered')) c.delivered++;
      if (any('seen')) c.seen++;
      if (any('replied')) c.replied++;
      if (any('seen') && any('replied')) c.seenReplied++;
    }
    return c;
  }
  return {
    sent: flags.filter((x) => x.settled).length,
    delivered: flags.filter((x) => x.delivered).length,
    seen: flags.filter((x) => x.seen).length,
    replied: flags.filter((x) => x.replied).length,
    seenReplied: flags.filter((x) => x.seen && x.replied).length,
    pending: flags.filter((x) => !x.settled).length,
  };
}
