import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recurringProblems, recurringProblemsCsv, saveMonitoringSettings } from '../../../electron/services/monitoring';
import { DEFAULT_RECURRING_RULE } from '../../../shared/domain/monitoring';
import { makeTempDir } from '../../support/tempDir';
import { DAY_MS, Fixture, HOUR_MS, openDb } from './support';

const NOW = Date.UTC(2025, 5, 20, 12);
const ago = (days: number) => NOW - days * DAY_MS;

/** Contacts named after what the default rule (last 5: ≥ 3 not delivered within 24 h, or ≥ 4 delivered but not seen within 72 h) makes of them. */
function ruleFixture(db: Database.Database) {
  const f = new Fixture(db);
  const ws = f.workspace('Europe/Paris', 'fr-FR');
  const page = f.page(ws);
  const otherPage = f.page(ws);
  const ok = (c: number, t: number) => f.out(c, t, { delivered: t + 1000, read: t + 2000 });
  const lost = (c: number, t: number) => f.out(c, t);
  const unseen = (c: number, t: number) => f.out(c, t, { delivered: t + 1000 });
  const contact = (name: string, o: Parameters<Fixture['contact']>[1] = {}, p = page) => f.contact(p, { name, psid: `psid-${name}`, ...o });

  const threeLost = contact('threeLost', { sms: true, phone: '+33 6 12 34 56 78', email: true, mail: 'a@example.com', lastInboundAt: ago(40) });
  [10, 9, 8].forEach((d) => lost(threeLost, ago(d)));
  ok(threeLost, ago(7));
  ok(threeLost, ago(6));

  const twoLost = contact('twoLost');
  [10, 9].forEach((d) => lost(twoLost, ago(d)));
  [8, 7, 6].forEach((d) => ok(twoLost, ago(d)));

  // Three lost long ago, then five fine: only the last five count.
  const recovered = contact('recovered');
  [20, 19, 18].forEach((d) => lost(recovered, ago(d)));
  [10, 9, 8, 7, 6].forEach((d) => ok(recovered, ago(d)));

  // Two lost, and a third sent two hours ago: not judged yet (pending), so not a problem yet.
  const pendingThird = contact('pendingThird', { sms: true, phone: '+33 7 00 00 00 00' });
  [10, 9].forEach((d) => lost(pendingThird, ago(d)));
  [8, 7].forEach((d) => ok(pendingThird, ago(d)));
  const third = lost(pendingThird, NOW - 2 * HOUR_MS);

  // Delivered exactly 24 h after the send is "within 24 h"; a millisecond later is not.
  const edge = contact('edge');
  [10, 9].forEach((d) => lost(edge, ago(d)));
  f.out(edge, ago(8), { delivered: ago(8) + DAY_MS });
  ok(edge, ago(7));
  ok(edge, ago(6));
  const edgeLate = contact('edgeLate');
  [10, 9].forEach((d) => lost(edgeLate, ago(d)));
  f.out(edgeLate, ago(8), { delivered: ago(8) + DAY_MS + 1 });
  ok(edgeLate, ago(7));
  ok(edgeLate, ago(6));

  // Four delivered, never seen within 72 h (one read on day 4: too late), one seen.
  const unread = contact('unread', { sms: true, phone: '+33 6 99', optedOutAt: ago(1) });
  [12, 11, 10].forEach((d) => unseen(unread, ago(d)));
  f.out(unread, ago(9), { delivered: ago(9) + 1000, read: ago(9) + 3 * DAY_MS + 1 });
  ok(unread, ago(8));

  // Read exactly 72 h after the send counts as seen.
  const readAt72 = contact('readAt72');
  [12, 11, 10].forEach((d) => unseen(readAt72, ago(d)));
  f.out(readAt72, ago(9), { delivered: ago(9) + 1000, read: ago(9) + 3 * DAY_MS });
  ok(readAt72, ago(8));

  // Four delivered-and-unseen, but the newest only 2 days old: not judged yet.
  const tooRecent = contact('tooRecent');
  [12, 11, 10].forEach((d) => unseen(tooRecent, ago(d)));
  unseen(tooRecent, ago(2));
  ok(tooRecent, ago(8));

  // On the other Page, a formula in the name and no SMS consent.
  const formula = contact('=HYPERLINK("http://evil","x")', { psid: 'psid-formula', email: true, mail: '+cmd@example.com' }, otherPage);
  [5, 4, 3].forEach((d) => lost(formula, ago(d)));
  f.in(formula, ago(2)); // a message from them: their last sign of life

  // SMS consent but no phone number.
  const noPhone = contact('noPhone', { sms: true });
  [5, 4, 3].forEach((d) => lost(noPhone, ago(d)));

  return { f, ws, page, otherPage, c: { threeLost, twoLost, recovered, pendingThird, edge, edgeLate, unread, readAt72, tooRecent, formula, noPhone }, third };
}

const names = (out: ReturnType<typeof recurringProblems>) => out.items.map((i) => i.name);

describe('recurring reception problems', () => {
  it('applies the default rule to the last five outbound messages', () => {
    const db = openDb();
    const { ws } = ruleFixture(db);
    const out = recurringProblems(db, { workspaceId: ws, now: NOW });
    expect(out.rule).toEqual(DEFAULT_RECURRING_RULE);
    // Most failures first (edgeLate also has an unseen message), then the most recently messaged.
    expect(names(out)).toEqual(['edgeLate', '=HYPERLINK("http://evil","x")', 'noPhone', 'threeLost', 'unread']);
    expect(out.total).toBe(5);
    const threeLost = out.items.find((i) => i.name === 'threeLost')!;
    expect(threeLost).toMatchObject({
      psid: 'psid-threeLost',
      problem: { considered: 5, notDelivered: 3, deliveredNotSeen: 0, undecided: 0 },
      lastSentAt: ago(6),
      lastSeenAt: ago(6) + 2000,
      summary: '3 des 5 derniers messages non remis sous 24 h',
    });
    expect(out.items.find((i) => i.name === 'unread')).toMatchObject({ problem: { notDelivered: 0, deliveredNotSeen: 4 } });
    // The inbound message is the latest sign of life.
    expect(out.items.find((i) => i.psid === 'psid-formula')!.lastSeenAt).toBe(ago(2));
    expect(out.items.find((i) => i.name === 'noPhone')!.lastSeenAt).toBeNull();
  });

  it('judges a pending send once it is 24 h old, and clears a contact whose message finally arrives', () => {
    const db = openDb();
    const { ws, f, c, third } = ruleFixture(db);
    expect(names(recurringProblems(db, { workspaceId: ws, now: NOW }))).not.toContain('pendingThird');
    const pending = recurringProblems(db, { workspaceId: ws, now: NOW + 22 * HOUR_MS - 1 });
    expect(names(pending)).not.toContain('pendingThird');
    const judged = recurringProblems(db, { workspaceId: ws, now: NOW + 22 * HOUR_MS });
    expect(judged.items.find((i) => i.contactId === c.pendingThird)).toMatchObject({ problem: { notDelivered: 3, undecided: 0 } });
    // A late delivery receipt for one of threeLost's messages takes them off the list.
    const firstLost = db.prepare("SELECT id FROM messages WHERE contact_ref = ? AND direction = 'out' ORDER BY sent_at LIMIT 1").pluck().get(c.threeLost) as number;
    f.deliver(firstLost, ago(10) + HOUR_MS);
    const after = recurringProblems(db, { workspaceId: ws, now: NOW + 22 * HOUR_MS });
    expect(after.items.map((i) => i.contactId)).not.toContain(c.threeLost);
    expect(after.total).toBe(judged.total - 1);
    // Going back in time recomputes rather than trusting newer judgements.
    expect(recurringProblems(db, { workspaceId: ws, now: NOW }).items.map((i) => i.contactId)).not.toContain(c.pendingThird);
    // The pending message is delivered after all, within its 24 h.
    f.deliver(third, NOW - HOUR_MS);
    expect(names(recurringProblems(db, { workspaceId: ws, now: NOW + 23 * HOUR_MS }))).not.toContain('pendingThird');
  });

  it('follows the rule the workspace saved, and the Page filter', () => {
    const db = openDb();
    const { ws, otherPage } = ruleFixture(db);
    saveMonitoringSettings(db, { workspaceId: ws, recurringRule: { lastN: 3, notDelivered: { min: 2, withinMs: DAY_MS }, unseen: { min: 3, withinMs: 3 * DAY_MS } } });
    const out = recurringProblems(db, { workspaceId: ws, now: NOW });
    expect(out.rule.lastN).toBe(3);
    // In their last three, only these two have two messages lost; nobody has three unseen.
    expect(names(out)).toEqual(['=HYPERLINK("http://evil","x")', 'noPhone']);
    const onPage = recurringProblems(db, { workspaceId: ws, pageId: otherPage, now: NOW });
    expect(onPage.items.map((i) => i.pageId)).toEqual([otherPage]);
    expect(onPage.total).toBe(1);
    expect(() => saveMonitoringSettings(db, { workspaceId: ws, recurringRule: { lastN: 2, notDelivered: { min: 3, withinMs: DAY_MS }, unseen: { min: 1, withinMs: DAY_MS } } })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('pages through the list', () => {
    const db = openDb();
    const { ws } = ruleFixture(db);
    const page = recurringProblems(db, { workspaceId: ws, now: NOW, limit: 2, offset: 2 });
    expect(names(page)).toEqual(['noPhone', 'threeLost']);
    expect(page.total).toBe(5);
  });

  it('gives the same list from a read-only store, computed from the messages', () => {
    const tmp = makeTempDir();
    try {
      const file = path.join(tmp.dir, 'relais.sqlite');
      const db = openDb(file);
      const { ws } = db.transaction(() => ruleFixture(db))();
      db.close();
      const readonly = new Database(file, { readonly: true });
      const fromMessages = recurringProblems(readonly, { workspaceId: ws, now: NOW });
      readonly.close();
      const writable = new Database(file);
      expect(recurringProblems(writable, { workspaceId: ws, now: NOW })).toEqual(fromMessages);
      writable.close();
    } finally {
      tmp.cleanup();
    }
  });
});

describe('recurring-problem CSV for an SMS or email fallback', () => {
  it('lists only contacts with the channel’s consent, not opted out, with an address', () => {
    const db = openDb();
    const { ws } = ruleFixture(db);
    const sms = recurringProblemsCsv(db, { workspaceId: ws, channel: 'sms', now: NOW });
    expect(sms.rows).toBe(1);
    // formula and edgeLate: no SMS consent; unread: opted out; noPhone: no number.
    expect(sms.leftOut).toEqual({ noConsent: 2, optedOut: 1, noAddress: 1 });
    expect(sms.fileName).toBe('relais-recurring-sms-2025-06-20.csv');
    expect(sms.csv).toBe(
      'psid,name,phone,last_seen,problem_summary\r\n' +
        `psid-threeLost,threeLost,'+33 6 12 34 56 78,${new Date(ago(6) + 2000).toISOString()},3 des 5 derniers messages non remis sous 24 h\r\n`,
    );
  });

  it('guards cells a spreadsheet would run as a formula, and quotes per RFC 4180', () => {
    const db = openDb();
    const { ws } = ruleFixture(db);
    const email = recurringProblemsCsv(db, { workspaceId: ws, channel: 'email', now: NOW });
    expect(email.rows).toBe(2);
    const lines = email.csv.split('\r\n');
    expect(lines[0]).toBe('psid,name,email,last_seen,problem_summary');
    expect(lines[1]).toBe(`psid-formula,"'=HYPERLINK(""http://evil"",""x"")",'+cmd@example.com,${new Date(ago(2)).toISOString()},3 des 3 derniers messages non remis sous 24 h`);
    expect(lines[2]).toMatch(/^psid-threeLost,threeLost,a@example\.com,/);
    expect(lines[3]).toBe('');
    expect(email.leftOut).toEqual({ noConsent: 2, optedOut: 1, noAddress: 0 });
  });
});
