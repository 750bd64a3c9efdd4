import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { runCli } from '../../../electron/cli/relais';
import { importContactsCsv } from '../../../electron/services/contacts/importContacts';
import { describeDiff } from '../../../shared/segments/diff';
import type { SegmentRule } from '../../../shared/domain/segmentRule';
import type { CountOutput, ExportOutput, ImportStaticOutput, SegmentDetail, SegmentDiff } from '../../../shared/domain/segments';
import { makeTempDir } from '../../support/tempDir';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 15, 12);
let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let ws: number;

/** Workspace with one Page and 6 contacts: c1..c3 fr, c4..c6 en; c1, c2 inside the window. */
function seed(): void {
  const db = ctx.store.db;
  ws = ctx.workspaces.create({ name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' }).id;
  const page = Number(db.prepare("INSERT INTO pages (workspace_id, page_id, name, created_at) VALUES (?, 'P1', 'Bistro Page', 0)").run(ws).lastInsertRowid);
  const contact = db.prepare(
    `INSERT INTO contacts (id, page_ref, psid, name, locale, last_inbound_at, consent_messenger, consent_sms, phone, email, consent_email)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
  );
  contact.run(1, page, 'psid-1', '=cmd|calc', 'fr_FR', NOW - HOUR, 1, '+33600000001', null, 0);
  contact.run(2, page, 'psid-2', 'Zoé', 'fr_FR', NOW - 2 * HOUR, 0, null, 'zoe@example.org', 1);
  contact.run(3, page, 'psid-3', 'Luc', 'fr_FR', NOW - 50 * HOUR, 1, '+33600000003', null, 0);
  contact.run(4, page, 'psid-4', 'Ann', 'en_US', null, 0, null, null, 0);
  contact.run(5, page, 'psid-5', 'Bob', 'en_US', null, 1, '', null, 0);
  contact.run(6, page, 'psid-6', 'Cy', 'en_US', null, 0, null, null, 0);
  db.prepare("INSERT INTO contact_labels (contact_ref, label) VALUES (1, 'vip'), (4, 'vip'), (4, 'late')").run();
  const msg = db.prepare(`INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  let n = 0;
  for (const c of [1, 2, 3]) msg.run(`m${n++}`, c, 'out', NOW - 100 * HOUR, 'echo', NOW - 99 * HOUR, c === 3 ? null : NOW - 99 * HOUR);
}

const fr: SegmentRule = { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'locale', test: { op: 'eq', value: 'fr_FR' } }] } };
const frVip: SegmentRule = {
  version: 1,
  root: {
    type: 'group',
    op: 'and',
    children: [
      { type: 'condition', field: 'locale', test: { op: 'eq', value: 'fr_FR' } },
      { type: 'condition', field: 'labels', test: { op: 'hasAny', value: ['vip'] } },
    ],
  },
};

beforeEach(() => {
  tmp = makeTempDir();
  ctx = createContext({ dataDir: tmp.dir });
  seed();
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

async function ok<T>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}
async function fails(method: string, input: unknown) {
  const reply = await dispatch(ctx, method, input);
  if (reply.ok) throw new Error(`${method} unexpectedly succeeded`);
  return reply.error;
}
const versionsCount = () => ctx.store.db.prepare('SELECT count(*) FROM segment_versions').pluck().get() as number;

describe('segments API', () => {
  it('counts live, with messageable-now members and a sample', async () => {
    const count = await ok<CountOutput>('segments:count', { workspaceId: ws, rule: fr, at: NOW });
    expect(count.count).toBe(3);
    expect(count.messageableNow).toBe(2);
    expect(count.sample.map((s) => s.psid)).toEqual(['psid-1', 'psid-2', 'psid-3']);
    expect(count.method.aggregates).toBe(true);
    const seen = await ok<CountOutput>('segments:count', {
      workspaceId: ws,
      at: NOW,
      rule: { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'seenRate', period: { from: 0, to: NOW }, test: { op: 'gte', value: 1 } }] } },
    });
    expect(seen.count).toBe(2);
  });

  it('saves versions, diffs them in plain language, restores an old one as a new version', async () => {
    const v1 = await ok<SegmentDetail>('segments:save', { workspaceId: ws, name: 'Francophones', rule: fr, note: 'first' });
    expect(v1.version).toBe(1);
    expect(v1.versions[0]!.savedBy.length).toBeGreaterThan(0);
    const v2 = await ok<SegmentDetail>('segments:save', { workspaceId: ws, segmentId: v1.id, name: 'Francophones', rule: frVip, baseVersion: 1 });
    expect(v2.version).toBe(2);
    expect(v2.versions.map((v) => v.version)).toEqual([2, 1]);
    const diff = await ok<SegmentDiff>('segments:diff', { workspaceId: ws, segmentId: v1.id, from: 1, to: 2 });
    expect(diff.changes).toEqual([{ kind: 'added', path: 'root.children.1', node: frVip.root.children[1] }]);
    expect(describeDiff(diff, 'en')).toBe('Added: with any of the labels “vip”.');
    expect(describeDiff(diff, 'fr')).toBe("Ajouté: avec l'une des étiquettes « vip ».");
    // A stale base version is a conflict, and nothing is saved.
    const before = versionsCount();
    expect((await fails('segments:save', { workspaceId: ws, segmentId: v1.id, name: 'Francophones', rule: fr, baseVersion: 1 })).code).toBe('CONFLICT');
    expect(versionsCount()).toBe(before);
    const v3 = await ok<SegmentDetail>('segments:restore', { workspaceId: ws, segmentId: v1.id, version: 1 });
    expect(v3.version).toBe(3);
    expect(v3.versions[0]!.rule).toEqual(fr);
    expect(v3.versions[0]!.change.restoredFrom).toBe(1);
    expect(v3.versions[0]!.change.changes).toEqual([{ kind: 'removed', path: 'root.children.1', node: frVip.root.children[1] }]);
    const list = await ok<{ segments: { name: string; version: number }[]; startingPoints: { key: string }[] }>('segments:list', { workspaceId: ws });
    expect(list.segments).toEqual([expect.objectContaining({ name: 'Francophones', version: 3 })]);
    expect(list.startingPoints.map((s) => s.key)).toEqual(['recurringProblems', 'seenWithin1hLastMonth', 'inactive90Days', 'insideWindowNow']);
    for (const sp of list.startingPoints) await ok('segments:count', { workspaceId: ws, rule: (sp as unknown as { rule: SegmentRule }).rule });
  });

  it('refuses bad rules with the offending path, saving nothing', async () => {
    const base = { workspaceId: ws, name: 'Bad' };
    const unknownField = await fails('segments:save', { ...base, rule: { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'shoeSize', test: { op: 'eq', value: 4 } }] } } });
    expect(unknownField.code).toBe('BAD_INPUT');
    expect(unknownField.issues).toEqual([expect.objectContaining({ path: 'rule.root.children.0.field', message: expect.stringContaining("Expected 'page'") })]);
    const wrongType = await fails('segments:save', { ...base, rule: { version: 1, root: { type: 'group', op: 'and', children: [fr.root.children[0], { type: 'condition', field: 'locale', test: { op: 'eq', value: 42 } }] } } });
    expect(wrongType.issues).toEqual([{ path: 'rule.root.children.1.test.value', message: 'Invalid input: expected string, received number' }]);
    const empty = await fails('segments:save', { ...base, rule: { version: 1, root: { type: 'group', op: 'and', children: [] } } });
    expect(empty.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'rule.root.children', message: 'segments.error.emptyGroup' })]));
    const future = await fails('segments:save', { ...base, rule: { ...fr, version: 2 } });
    expect(future.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'rule.version', message: 'segments.error.futureVersion' })]));
    // A cycle: A includes B, then B is edited to include A.
    const a = await ok<SegmentDetail>('segments:save', { workspaceId: ws, name: 'A', rule: fr });
    const includeA: SegmentRule = { version: 1, root: { type: 'group', op: 'or', children: [fr.root.children[0]!, { type: 'condition', field: 'segment', segmentId: a.id, op: 'isTrue' }] } };
    const b = await ok<SegmentDetail>('segments:save', { workspaceId: ws, name: 'B', rule: includeA });
    const includeB: SegmentRule = { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'segment', segmentId: b.id, op: 'isTrue' }] } };
    const before = versionsCount();
    const cycle = await fails('segments:save', { workspaceId: ws, segmentId: a.id, name: 'A', rule: includeB });
    expect(cycle).toMatchObject({ code: 'BAD_INPUT', issues: [{ path: 'rule.root.children.0.segmentId', message: 'segments.error.cycle' }] });
    expect(versionsCount()).toBe(before);
    expect((await fails('segments:count', { workspaceId: ws, rule: includeB, segmentId: a.id })).issues![0]!.message).toBe('segments.error.cycle');
    expect((await fails('segments:delete', { workspaceId: ws, segmentId: a.id })).code).toBe('CONFLICT');
    // A campaign sent to a version of B keeps B from being deleted.
    const db = ctx.store.db;
    const versionId = db.prepare('SELECT id FROM segment_versions WHERE segment_id = ?').pluck().get(b.id) as number;
    db.prepare("INSERT INTO campaigns (workspace_id, name, created_at, segment_version_id) VALUES (?, 'Promo', 0, ?)").run(ws, versionId);
    expect(await fails('segments:delete', { workspaceId: ws, segmentId: b.id })).toMatchObject({ code: 'CONFLICT' });
    db.prepare('UPDATE campaigns SET segment_version_id = NULL').run();
    expect(await ok('segments:delete', { workspaceId: ws, segmentId: b.id })).toEqual({ deleted: true });
    expect((await fails('segments:get', { workspaceId: ws, segmentId: b.id })).code).toBe('NOT_FOUND');
  });

  it('imports a static segment from PSIDs, reporting unmatched rows by line; refuses wrong encoding or separator', async () => {
    const result = await ok<ImportStaticOutput>('segments:importStatic', { workspaceId: ws, name: 'From CRM', csvText: '\uFEFFpsid,note\r\npsid-1,a\r\nnobody,b\r\npsid-4,c\r\npsid-1,d\r\n' });
    expect(result.matched).toBe(2);
    expect(result.unmatched).toEqual([
      { line: 3, psid: 'nobody', reason: 'noContact' },
      { line: 5, psid: 'psid-1', reason: 'duplicate' },
    ]);
    expect(result.segment.kind).toBe('static');
    expect(result.segment.versions[0]!.memberCount).toBe(2);
    const inStatic: SegmentRule = { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'segment', segmentId: result.segment.id, op: 'isTrue' }] } };
    expect((await ok<CountOutput>('segments:count', { workspaceId: ws, rule: inStatic })).count).toBe(2);
    const before = versionsCount();
    const semicolons = await fails('segments:importStatic', { workspaceId: ws, name: 'X', csvText: 'psid;note\npsid-1;a\n' });
    expect(semicolons.message).toMatch(/semicolons/);
    const latin1 = await fails('segments:importStatic', { workspaceId: ws, name: 'X', csvText: Buffer.from('psid,name\npsid-1,Zo\xe9\n', 'latin1').toString('utf8') });
    expect(latin1.message).toMatch(/not UTF-8/);
    const none = await fails('segments:importStatic', { workspaceId: ws, name: 'X', csvText: 'psid\nnobody\n' });
    expect(none.message).toMatch(/nothing was saved/);
    expect(versionsCount()).toBe(before);
  });

  it('exports consent-filtered CSV with a BOM and the formula guard', async () => {
    const saved = await ok<SegmentDetail>('segments:save', { workspaceId: ws, name: 'Tout le monde', rule: { version: 1, root: { type: 'group', op: 'not', children: [{ type: 'condition', field: 'optedOut', op: 'isTrue' }] } } });
    const sms = await ok<ExportOutput>('segments:export', { workspaceId: ws, segmentId: saved.id, channel: 'sms', fields: ['psid', 'name', 'phone', 'labels'] });
    expect(sms.csv.startsWith('\uFEFFpsid,name,phone,labels\r\n')).toBe(true);
    expect(sms.csv).toBe("\uFEFFpsid,name,phone,labels\r\npsid-1,'=cmd|calc,'+33600000001,vip\r\npsid-3,Luc,'+33600000003,\r\n");
    expect(sms).toMatchObject({ rows: 2, excluded: 4, count: 6, fileName: 'tout-le-monde-sms.csv' });
    const email = await ok<ExportOutput>('segments:export', { workspaceId: ws, rule: fr, channel: 'email', fields: ['email'] });
    expect(email.csv).toBe('\uFEFFemail\r\nzoe@example.org\r\n');
    const messenger = await ok<ExportOutput>('segments:export', { workspaceId: ws, rule: fr, channel: 'messenger', fields: ['psid'] });
    expect(messenger.rows).toBe((await ok<CountOutput>('segments:count', { workspaceId: ws, rule: fr })).count);
  });

  it('keeps the per-contact totals in step with new, updated and deleted messages', async () => {
    const seenAll: SegmentRule = { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'seenRate', period: { from: 0, to: NOW * 2 }, test: { op: 'eq', value: 1 } }] } };
    const count = async () => (await ok<CountOutput>('segments:count', { workspaceId: ws, rule: seenAll, at: NOW })).count;
    expect(await count()).toBe(2);
    ctx.store.db.prepare("UPDATE messages SET read_at = ? WHERE contact_ref = 3").run(NOW - 98 * HOUR);
    expect(await count()).toBe(3);
    ctx.store.db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES ('new', 1, 'out', ?, 'echo')").run(NOW - 10 * HOUR);
    expect(await count()).toBe(2);
    ctx.store.db.prepare("DELETE FROM messages WHERE mid = 'new'").run();
    expect(await count()).toBe(3);
  });
});

describe('labels from the contacts CSV', () => {
  it('replaces a contact’s labels from the optional labels column, and the fields list them', async () => {
    const file = path.join(tmp.dir, 'contacts.csv');
    fs.writeFileSync(file, 'page_id,psid,name,phone,email,sms_consent,email_consent,messenger_opt_out,labels\r\nP1,psid-2,Zoé,,,0,0,,brunch; vip|late\r\nP1,psid-1,X,,,0,0,,\r\n');
    importContactsCsv(ctx.store.db, { file, workspaceId: ws });
    const labels = ctx.store.db.prepare('SELECT contact_ref, label FROM contact_labels ORDER BY contact_ref, label').all();
    expect(labels).toEqual([
      { contact_ref: 2, label: 'brunch' },
      { contact_ref: 2, label: 'late' },
      { contact_ref: 2, label: 'vip' },
      { contact_ref: 4, label: 'late' },
      { contact_ref: 4, label: 'vip' },
    ]);
    const fields = await ok<{ labels: string[]; locales: string[]; pages: unknown[] }>('segments:fields', { workspaceId: ws });
    expect(fields.labels).toEqual(['brunch', 'late', 'vip']);
    expect(fields.locales).toEqual(['en_US', 'fr_FR']);
  });
});

describe('relais segment CLI', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
  }
  it('lists, counts a rule file, exports to a file, and refuses a newer rule format', async () => {
    await ok('segments:save', { workspaceId: ws, name: 'Francophones', rule: fr });
    ctx.store.close();
    const env = { RELAIS_DATA_DIR: tmp.dir };
    const list = io();
    expect(await runCli(['segment', 'list', '--workspace', 'Bistro', '--json'], { io: list.io, env })).toBe(0);
    const listed = JSON.parse(list.out.join('')) as { segments: { name: string }[]; startingPoints: unknown[] };
    expect(listed.segments.map((s) => s.name)).toEqual(['Francophones']);
    expect(listed.startingPoints).toHaveLength(4);
    const ruleFile = path.join(tmp.dir, 'rule.json');
    fs.writeFileSync(ruleFile, JSON.stringify(frVip));
    const count = io();
    expect(await runCli(['segment', 'count', '--workspace', 'Bistro', '--rule', ruleFile, '--json'], { io: count.io, env })).toBe(0);
    expect(JSON.parse(count.out.join(''))).toMatchObject({ count: 1, messageableNow: expect.any(Number) });
    const outFile = path.join(tmp.dir, 'out.csv');
    const exp = io();
    expect(await runCli(['segment', 'export', '--workspace', 'Bistro', '--segment', 'Francophones', '--channel', 'sms', '--fields', 'psid,phone', '--out', outFile, '--json'], { io: exp.io, env })).toBe(0);
    expect(fs.readFileSync(outFile, 'utf8')).toBe("\uFEFFpsid,phone\r\npsid-1,'+33600000001\r\npsid-3,'+33600000003\r\n");
    fs.writeFileSync(ruleFile, JSON.stringify({ ...frVip, version: 7 }));
    const future = io();
    expect(await runCli(['segment', 'count', '--workspace', 'Bistro', '--rule', ruleFile], { io: future.io, env })).toBe(3);
    expect(future.err.join('')).toMatch(/rule format version 7; this Relais reads version 1 at most/);
    ctx = createContext({ dataDir: tmp.dir });
  });
});
