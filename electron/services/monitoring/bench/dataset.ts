import type { Database } from 'better-sqlite3';
import { createRandom } from '../../../../shared/stats/random';
import { DAY_MS, HOUR_MS } from '../../../../shared/time/zones';
import { zoneCalendar } from '../zoneCalendar';

/**
 * A seeded workspace for the monitoring benchmark: campaigns a few times a day over 90
 * days, manual messages, replies, contacts that never deliver (gone), contacts whose phone
 * only connects late at night, deliveries known only from a read, and one campaign caught
 * in a platform incident. Rows are inserted in send order, in one transaction, with the
 * monitoring triggers on (as an import would).
 */
export interface BenchDataset {
  workspaceId: number;
  timeZone: string;
  start: number;
  now: number;
  messages: number;
  contacts: number;
  campaigns: number;
  insertMs: number;
}

const ZONE = 'Europe/Paris';
const KINDS = ['flash_promo', 'notice', 'newsletter', 'other'] as const;

export function generateDataset(db: Database, opts: { messages: number; contacts: number; seed: number }): BenchDataset {
  const rnd = createRandom(opts.seed);
  const start = Date.UTC(2025, 0, 6);
  const days = 90;
  const now = start + days * DAY_MS + 6 * HOUR_MS;
  const calendar = zoneCalendar(ZONE, start, now + 2 * DAY_MS);
  const M = opts.messages;
  const C = opts.contacts;

  // Per-contact behaviour: 5 % gone, 3 % online only around 23:00–03:00 local.
  const behaviour = new Uint8Array(C + 1);
  for (let c = 1; c <= C; c++) {
    const r = rnd();
    behaviour[c] = r < 0.05 ? 1 : r < 0.08 ? 2 : 0;
  }

  const contact = new Int32Array(M);
  const outbound = new Uint8Array(M);
  const sentAt = new Float64Array(M);
  const deliveredAt = new Float64Array(M).fill(NaN);
  const readAt = new Float64Array(M).fill(NaN);
  const inferred = new Uint8Array(M);
  const campaign = new Int32Array(M);
  let n = 0;

  const nightDelivery = (t: number) => {
    let u = t;
    while (calendar.hourOfDay(u) !== 23 && calendar.hourOfDay(u) > 2) u += HOUR_MS;
    return Math.max(u, t) + Math.floor(rnd() * 3 * HOUR_MS);
  };
  const deliveryLatency = () => {
    const r = rnd();
    if (r < 0.7) return 1000 + Math.floor(rnd() * 9000);
    if (r < 0.9) return 10_000 + Math.floor(rnd() * 30 * 60_000);
    if (r < 0.98) return 30 * 60_000 + Math.floor(rnd() * 12 * HOUR_MS);
    return NaN;
  };
  const push = (c: number, t: number, out: boolean, camp: number, incident: boolean) => {
    if (n >= M) return;
    const i = n++;
    contact[i] = c;
    outbound[i] = out ? 1 : 0;
    sentAt[i] = t;
    campaign[i] = camp;
    if (!out) return;
    const kind = behaviour[c];
    let d = kind === 1 ? NaN : kind === 2 && (calendar.hourOfDay(t) > 2 && calendar.hourOfDay(t) < 23) ? nightDelivery(t) - t : deliveryLatency();
    if (incident && d === d) d += 2 * HOUR_MS + Math.floor(rnd() * 3 * HOUR_MS);
    if (d === d && t + d <= now) {
      deliveredAt[i] = t + d;
      if (rnd() < 0.6) {
        const read = t + d + Math.floor(Math.exp(rnd() * Math.log(2 * DAY_MS)));
        if (read <= now) {
          readAt[i] = read;
          // A delivery receipt lost on the way: only the read tells it arrived.
          if (rnd() < 0.03) {
            deliveredAt[i] = read;
            inferred[i] = 1;
          }
          if (rnd() < 0.12 && n < M) push(c, read + Math.floor(rnd() * HOUR_MS), false, 0, false);
        }
      }
    }
  };

  const campaigns = Math.max(10, Math.round(M / 3300));
  const perCampaign = Math.floor((M * 0.8) / campaigns);
  const incidentCampaign = Math.floor(campaigns * 0.9);
  for (let k = 0; k < campaigns; k++) {
    const day = start + Math.floor((k * days) / campaigns) * DAY_MS;
    const at = day + (7 + Math.floor(rnd() * 12)) * HOUR_MS;
    for (let r = 0; r < perCampaign && n < M; r++) push(1 + Math.floor(rnd() * C), at + Math.floor(rnd() * 10 * 60_000), true, k + 1, k === incidentCampaign);
  }
  // Manual messages and inbound messages that start conversations fill the rest.
  while (n < M) {
    const t = start + Math.floor(rnd() * days * DAY_MS);
    push(1 + Math.floor(rnd() * C), t, rnd() < 0.5, 0, false);
  }

  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => sentAt[a]! - sentAt[b]! || a - b);
  const started = performance.now();
  let workspaceId = 0;
  db.transaction(() => {
    workspaceId = Number(
      db.prepare("INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES ('Bench', ?, 'fr-FR', 0, 0)").run(ZONE).lastInsertRowid,
    );
    const pages = [1, 2, 3].map((p) => Number(db.prepare('INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, ?, 0)').run(workspaceId, `bench-page-${p}`).lastInsertRowid));
    const insertContact = db.prepare(
      'INSERT INTO contacts (id, page_ref, psid, name, consent_sms, consent_email, phone, email, opted_out_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (let c = 1; c <= C; c++) {
      const sms = rnd() < 0.3;
      const email = rnd() < 0.3;
      insertContact.run(c, pages[c % 3], `psid-${c}`, rnd() < 0.7 ? `Contact ${c}` : null, sms ? 1 : 0, email ? 1 : 0, sms ? `+3361${String(c).padStart(7, '0')}` : null, email ? `c${c}@example.com` : null, rnd() < 0.02 ? start : null);
    }
    const insertCampaign = db.prepare('INSERT INTO campaigns (id, workspace_id, name, kind, created_at) VALUES (?, ?, ?, ?, 0)');
    for (let k = 1; k <= campaigns; k++) insertCampaign.run(k, workspaceId, `Campaign ${k}`, KINDS[k % 4]);
    const insert = db.prepare(
      `INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, delivered_inferred, read_at, campaign_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const d = deliveredAt[i]!;
      const r = readAt[i]!;
      insert.run(
        `m${k}`,
        contact[i],
        outbound[i] ? 'out' : 'in',
        sentAt[i],
        outbound[i] ? 'echo' : 'inbound',
        d === d ? d : null,
        inferred[i],
        r === r ? r : null,
        campaign[i] || null,
      );
    }
    db.prepare(
      "UPDATE contacts SET last_inbound_at = (SELECT max(sent_at) FROM messages WHERE contact_ref = contacts.id AND direction = 'in')",
    ).run();
  })();
  return { workspaceId, timeZone: ZONE, start, now, messages: n, contacts: C, campaigns, insertMs: performance.now() - started };
}
