import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import type { Experiment } from '../../../shared/domain/experiments';
import type { SegmentRule } from '../../../shared/domain/segmentRule';
import type { SegmentDetail } from '../../../shared/domain/segments';
import type { SavedSendPlan } from '../../../shared/domain/sendTime';
import { makeTempDir } from '../../support/tempDir';

/**
 * Issue #9: campaigns (through a saved send-time plan) and experiments record the segment
 * version they used, in the same transaction as the save; a stale version is refused and
 * leaves nothing behind; the segment detail lists where each version was used.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let ws: number;
let otherWs: number;
let now: number;

const rule = (locale: string): SegmentRule => ({
  version: 1,
  root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'locale', test: { op: 'eq', value: locale } }] },
});

beforeEach(() => {
  tmp = makeTempDir('relais-segment-links-');
  ctx = createContext({ dataDir: tmp.dir });
  now = Date.now();
  const db = ctx.store.db;
  ws = ctx.workspaces.create({ name: 'Bistro', timeZone: 'UTC', locale: 'fr-FR' }).id;
  otherWs = ctx.workspaces.create({ name: 'Other', timeZone: 'UTC', locale: 'fr-FR' }).id;
  const page = Number(db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, 'p1', 0)").run(ws).lastInsertRowid);
  const contact = db.prepare('INSERT INTO contacts (page_ref, psid, locale, last_inbound_at, consent_messenger) VALUES (?, ?, ?, ?, 1)');
  const inbound = db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound')");
  for (let i = 0; i < 20; i++) {
    const id = Number(contact.run(page, `psid-${i}`, i < 10 ? 'fr_FR' : 'en_US', now - 2 * HOUR).lastInsertRowid);
    inbound.run(`in-${i}`, id, now - 3 * DAY);
  }
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

async function ok<T>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

async function refused(method: string, input: unknown): Promise<{ code: string; message: string; issues?: { path: string; message: string }[] }> {
  const reply = await dispatch(ctx, method, input);
  expect(reply.ok).toBe(false);
  if (reply.ok) throw new Error('accepted');
  return reply.error as { code: string; message: string; issues?: { path: string; message: string }[] };
}

function count(sql: string): number {
  return ctx.store.db.prepare(sql).pluck().get() as number;
}

function frIds(): number[] {
  return ctx.store.db.prepare("SELECT id FROM contacts WHERE locale = 'fr_FR' ORDER BY id").pluck().all() as number[];
}

function planInput(extra: Record<string, unknown>): Record<string, unknown> {
  return { workspaceId: ws, contactIds: frIds(), horizonMinutes: 60, start: now + HOUR, end: now + 10 * HOUR, holdoutShare: 0, ...extra };
}

async function saveSegment(name: string, locale: string, segmentId?: number, baseVersion?: number): Promise<SegmentDetail> {
  return ok<SegmentDetail>('segments:save', { workspaceId: ws, name, rule: rule(locale), ...(segmentId ? { segmentId, baseVersion } : {}) });
}

describe('send-time plans record the segment version on the campaign', () => {
  it('records the version on the new campaign and the plan, lists it, and shows the use on the version', async () => {
    const seg = await saveSegment('Francophones', 'fr_FR');
    const { saved } = await ok<{ saved: SavedSendPlan }>('sendtime:save', planInput({ campaign: { name: 'Friday promo' }, segment: { segmentId: seg.id, version: 1 } }));
    expect(saved.audience).toEqual({ segmentId: seg.id, name: 'Francophones', version: 1 });
    const v1Id = count(`SELECT id FROM segment_versions WHERE segment_id = ${seg.id} AND version = 1`);
    expect(count(`SELECT segment_version_id FROM campaigns WHERE id = ${saved.campaignId}`)).toBe(v1Id);
    expect(count(`SELECT segment_version_id FROM send_time_plans WHERE id = ${saved.planId}`)).toBe(v1Id);
    expect(saved.inputs).toMatchObject({ segment: { segmentId: seg.id, version: 1 } });

    const listed = await ok<{ plans: SavedSendPlan[] }>('sendtime:saved', { workspaceId: ws });
    expect(listed.plans[0]!.audience).toEqual({ segmentId: seg.id, name: 'Francophones', version: 1 });

    // A second version; a plan on the same (existing) campaign for it moves the campaign's record, each plan keeps its own.
    await saveSegment('Francophones', 'fr_FR', seg.id, 1);
    const second = await ok<{ saved: SavedSendPlan }>('sendtime:save', planInput({ campaign: { id: saved.campaignId }, segment: { segmentId: seg.id, version: 2 } }));
    expect(second.saved.audience?.version).toBe(2);
    const again = await ok<{ plans: SavedSendPlan[] }>('sendtime:saved', { workspaceId: ws });
    expect(again.plans.map((p) => p.audience?.version)).toEqual([2, 1]);

    const detail = await ok<SegmentDetail>('segments:get', { workspaceId: ws, segmentId: seg.id });
    expect(detail.versions.map((v) => [v.version, v.usedBy])).toEqual([
      [2, [{ kind: 'campaign', id: saved.campaignId, name: 'Friday promo' }]],
      [1, []],
    ]);
  });

  it('a plan without a segment records none and leaves the campaign’s record alone', async () => {
    const { saved } = await ok<{ saved: SavedSendPlan }>('sendtime:save', planInput({ campaign: { name: 'Plain' } }));
    expect(saved.audience).toBeNull();
    expect(count(`SELECT count(*) FROM campaigns WHERE segment_version_id IS NOT NULL`)).toBe(0);
  });

  it('refuses a stale version and saves nothing: no campaign, no plan, no rows', async () => {
    const seg = await saveSegment('Francophones', 'fr_FR');
    await saveSegment('Francophones', 'fr_FR', seg.id, 1);
    const before = [count('SELECT count(*) FROM campaigns'), count('SELECT count(*) FROM send_time_plans'), count('SELECT count(*) FROM send_time_plan_rows')];
    const err = await refused('sendtime:save', planInput({ campaign: { name: 'Stale promo' }, segment: { segmentId: seg.id, version: 1 } }));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/version 2.*version 1/);
    expect(err.issues).toEqual([{ path: 'segment.version', message: 'segments.error.audienceStale' }]);
    expect([count('SELECT count(*) FROM campaigns'), count('SELECT count(*) FROM send_time_plans'), count('SELECT count(*) FROM send_time_plan_rows')]).toEqual(before);

    // On an existing campaign, the refused plan leaves its record untouched too.
    const { saved } = await ok<{ saved: SavedSendPlan }>('sendtime:save', planInput({ campaign: { name: 'Kept' }, segment: { segmentId: seg.id, version: 2 } }));
    const recorded = count(`SELECT segment_version_id FROM campaigns WHERE id = ${saved.campaignId}`);
    await refused('sendtime:save', planInput({ campaign: { id: saved.campaignId }, segment: { segmentId: seg.id, version: 1 } }));
    expect(count(`SELECT segment_version_id FROM campaigns WHERE id = ${saved.campaignId}`)).toBe(recorded);
    expect(count(`SELECT count(*) FROM send_time_plans WHERE campaign_id = ${saved.campaignId}`)).toBe(1);
  });

  it('refuses a segment of another workspace or an unknown one, creating no campaign', async () => {
    const foreign = await ok<SegmentDetail>('segments:save', { workspaceId: otherWs, name: 'Elsewhere', rule: rule('fr_FR') });
    for (const segmentId of [foreign.id, 9999]) {
      const err = await refused('sendtime:save', planInput({ campaign: { name: 'Nope' }, segment: { segmentId, version: 1 } }));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.issues?.[0]?.path).toBe('segment.segmentId');
    }
    // The whole workspace is not a segment's audience.
    const seg = await saveSegment('Francophones', 'fr_FR');
    expect((await refused('sendtime:save', planInput({ contactIds: null, campaign: { name: 'Nope' }, segment: { segmentId: seg.id, version: 1 } }))).code).toBe('BAD_INPUT');
    expect(count('SELECT count(*) FROM campaigns')).toBe(0);
  });

  it('refuses to delete a segment while a campaign recorded one of its versions', async () => {
    const seg = await saveSegment('Francophones', 'fr_FR');
    const unused = await saveSegment('Anglophones', 'en_US');
    await ok('sendtime:save', planInput({ campaign: { name: 'Friday promo' }, segment: { segmentId: seg.id, version: 1 } }));
    const err = await refused('segments:delete', { workspaceId: ws, segmentId: seg.id });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('Friday promo');
    expect(err.issues).toEqual([{ path: 'segmentId', message: 'segments.error.inUse' }]);
    expect(count(`SELECT count(*) FROM segments WHERE id = ${seg.id}`)).toBe(1);
    await ok('segments:delete', { workspaceId: ws, segmentId: unused.id });
  });
});

describe('experiments record the segment version they were created for', () => {
  const create = (extra: Record<string, unknown>) => ({
    workspaceId: ws,
    name: 'Wording test',
    dimension: 'wording',
    campaign: { kind: 'new', name: 'Lunch', campaignKind: 'other' },
    variants: ['A', 'B'],
    ...extra,
  });

  it('records the current version, shows it on the experiment and on the segment version', async () => {
    const seg = await saveSegment('Francophones', 'fr_FR');
    await saveSegment('Francophones', 'fr_FR', seg.id, 1);
    const exp = await ok<Experiment>('experiments:create', create({ segmentId: seg.id }));
    expect(exp.audience).toEqual({ segmentId: seg.id, name: 'Francophones', version: 2 });
    expect((await ok<Experiment>('experiments:get', { id: exp.id })).audience?.version).toBe(2);
    expect(count(`SELECT v.version FROM experiments e JOIN segment_versions v ON v.id = e.segment_version_id WHERE e.id = ${exp.id}`)).toBe(2);
    const detail = await ok<SegmentDetail>('segments:get', { workspaceId: ws, segmentId: seg.id });
    expect(detail.versions[0]!.usedBy).toEqual([{ kind: 'experiment', id: exp.id, name: 'Wording test' }]);
    expect(detail.versions[1]!.usedBy).toEqual([]);

    const plain = await ok<Experiment>('experiments:create', create({ name: 'No segment', campaign: { kind: 'new', name: 'Dinner', campaignKind: 'other' } }));
    expect(plain.audience).toBeNull();

    const err = await refused('segments:delete', { workspaceId: ws, segmentId: seg.id });
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('Wording test');
  });

  it('refuses a stale version, an unknown or foreign segment, and creates neither experiment nor campaign', async () => {
    const seg = await saveSegment('Francophones', 'fr_FR');
    await saveSegment('Francophones', 'fr_FR', seg.id, 1);
    const foreign = await ok<SegmentDetail>('segments:save', { workspaceId: otherWs, name: 'Elsewhere', rule: rule('fr_FR') });
    const stale = await refused('experiments:create', create({ segmentId: seg.id, segmentVersion: 1 }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.issues).toEqual([{ path: 'segmentVersion', message: 'segments.error.audienceStale' }]);
    expect((await refused('experiments:create', create({ segmentId: foreign.id }))).code).toBe('NOT_FOUND');
    expect((await refused('experiments:create', create({ segmentId: 9999 }))).code).toBe('NOT_FOUND');
    expect((await refused('experiments:create', create({ segmentVersion: 1 }))).code).toBe('BAD_INPUT');
    expect(count('SELECT count(*) FROM experiments')).toBe(0);
    expect(count('SELECT count(*) FROM campaigns')).toBe(0);
    expect(count('SELECT count(*) FROM variants')).toBe(0);
    // The matching version is accepted.
    expect((await ok<Experiment>('experiments:create', create({ segmentId: seg.id, segmentVersion: 2 }))).audience?.version).toBe(2);
  });
});
