import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { saveSendPlan } from '../../../electron/services/sendTime/saved';
import { SavedSendPlan, SendTimeUplift, type SendPlan } from '../../../shared/domain/sendTime';
import { makeTempDir } from '../../support/tempDir';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let now: number;
let workspaceId: number;
let emptyWorkspaceId: number;
let page: number;
let contactIds: number[];

function insertContact(psid: string, lastInboundAt: number | null, zone: string | null = null): number {
  return Number(
    ctx.store.db.prepare('INSERT INTO contacts (page_ref, psid, last_inbound_at, time_zone) VALUES (?, ?, ?, ?)').run(page, psid, lastInboundAt, zone).lastInsertRowid,
  );
}

function count(table: string): number {
  return (ctx.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

beforeEach(() => {
  tmp = makeTempDir('relais-sendtime-saved-');
  ctx = createContext({ dataDir: tmp.dir });
  now = Date.now();
  workspaceId = ctx.workspaces.create({ name: 'Bistro', timeZone: 'UTC', locale: 'fr-FR' }).id;
  emptyWorkspaceId = ctx.workspaces.create({ name: 'Empty', timeZone: 'UTC', locale: 'fr-FR' }).id;
  page = Number(ctx.store.db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, 'p1', 0)").run(workspaceId).lastInsertRowid);
  contactIds = [];
  const inbound = ctx.store.db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound')");
  for (let i = 0; i < 120; i++) {
    const id = insertContact(`psid-${i}`, now - 3 * DAY - 2 * HOUR);
    inbound.run(`in-${i}`, id, now - 3 * DAY - 2 * HOUR);
    contactIds.push(id);
  }
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

function planInput(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { workspaceId, horizonMinutes: 60, start: now + HOUR, end: now + 10 * HOUR, holdoutShare: 0, ...extra };
}

/** A plan made three days ago (as of then) for a window that has passed, saved on a new campaign. */
function savePastPlan() {
  const t0 = now - 3 * DAY;
  return saveSendPlan(
    ctx.store.db,
    { workspaceId, contactIds: null, horizonMinutes: 60, start: t0 + HOUR, end: t0 + 10 * HOUR, holdoutShare: 0.5, holdoutSeed: 'test', asOf: t0, campaign: { name: 'Lunch promo' } },
    t0,
  );
}

describe('sendtime:save and sendtime:saved', () => {
  it('saves the plan with one row per scheduled contact on a new campaign, then lists and reads it', async () => {
    ctx.store.db.prepare('UPDATE contacts SET last_inbound_at = ?').run(now - 2 * HOUR);
    const reply = await dispatch(ctx, 'sendtime:save', planInput({ holdoutShare: 0.2, explorationShare: 0.1, campaign: { name: 'Friday promo' } }));
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const { saved, plan } = reply.data as { saved: SavedSendPlan; plan: SendPlan };
    SavedSendPlan.parse(saved);
    expect(saved.campaignName).toBe('Friday promo');
    expect(saved.scheduled).toBe(plan.sends.length);
    expect(saved.scheduled).toBe(120);
    expect(saved.holdout).toBe(plan.sends.filter((s) => s.holdout).length);
    expect(saved.holdout).toBeGreaterThan(10);
    expect(saved.explore).toBe(plan.sends.filter((s) => s.explore).length);
    expect(saved.explore).toBeGreaterThan(3);
    expect(plan.sends.some((s) => s.holdout && s.explore)).toBe(false);
    expect(saved.inputs).toMatchObject({ horizonMinutes: 60, holdoutShare: 0.2, campaign: { name: 'Friday promo' } });

    const list = await dispatch(ctx, 'sendtime:saved', { workspaceId });
    expect(list).toMatchObject({ ok: true, data: { plans: [{ planId: saved.planId, campaignId: saved.campaignId }], rows: null } });
    const byCampaign = await dispatch(ctx, 'sendtime:saved', { workspaceId, campaignId: saved.campaignId });
    expect(byCampaign).toMatchObject({ ok: true, data: { plans: [{ planId: saved.planId }] } });
    const one = await dispatch(ctx, 'sendtime:saved', { workspaceId, planId: saved.planId });
    expect(one.ok).toBe(true);
    if (!one.ok) return;
    const rows = (one.data as { rows: { contactId: number; scheduledAt: number; holdout: boolean }[] }).rows;
    expect(rows).toHaveLength(120);
    for (const s of plan.sends) expect(rows.find((r) => r.contactId === s.contactId)).toMatchObject({ scheduledAt: s.sendAt, holdout: s.holdout });

    // A second plan on the same (existing) campaign.
    const again = await dispatch(ctx, 'sendtime:save', planInput({ campaign: { id: saved.campaignId } }));
    expect(again).toMatchObject({ ok: true, data: { saved: { campaignId: saved.campaignId } } });
    expect(count('campaigns')).toBe(1);
    expect(count('send_time_plans')).toBe(2);
    expect(await dispatch(ctx, 'sendtime:saved', { workspaceId: emptyWorkspaceId, planId: saved.planId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('saves nothing when the plan is refused or a write fails half-way', async () => {
    // Every contact's window has closed: nothing can be scheduled.
    ctx.store.db.prepare('UPDATE contacts SET last_inbound_at = ?').run(now - 3 * DAY);
    const refused = await dispatch(ctx, 'sendtime:save', planInput({ campaign: { name: 'Nobody' } }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('120 outside window') } });
    expect(count('campaigns')).toBe(0);

    ctx.store.db.prepare('UPDATE contacts SET last_inbound_at = ?').run(now - 2 * HOUR);
    ctx.store.db.exec(`CREATE TEMP TRIGGER fail_row BEFORE INSERT ON send_time_plan_rows WHEN NEW.contact_id = ${contactIds[77]} BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const failed = await dispatch(ctx, 'sendtime:save', planInput({ campaign: { name: 'Half' } }));
    expect(failed.ok).toBe(false);
    expect(count('campaigns')).toBe(0);
    expect(count('send_time_plans')).toBe(0);
    expect(count('send_time_plan_rows')).toBe(0);

    expect(await dispatch(ctx, 'sendtime:save', planInput({ campaign: { id: 999 } }))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(ctx, 'sendtime:save', planInput({ campaign: { name: '  ' } }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});

describe('sendtime:uplift', () => {
  it('says "not enough data yet" before the campaign’s messages are synced', async () => {
    const { saved } = savePastPlan();
    const reply = await dispatch(ctx, 'sendtime:uplift', { workspaceId, planId: saved.planId });
    expect(reply).toMatchObject({ ok: true, data: { status: 'not_enough_data', difference: null, planned: { n: 0 }, holdout: { n: 0 } } });
    // Why, keyed for the UI's language and in English.
    expect(reply).toMatchObject({ data: { detailNote: { key: 'sendtime.note.upliftStatus.nothingSynced' }, detail: 'No message of this campaign has been synced for the plan’s contacts yet.' } });
  });

  it('compares planned and holdout seen-within-H from the receipts, matched by contact and campaign', async () => {
    const { saved, plan } = savePastPlan();
    const planned = plan.sends.filter((s) => !s.holdout);
    const holdout = plan.sends.filter((s) => s.holdout);
    expect(planned.length).toBeGreaterThan(41);
    expect(holdout.length).toBeGreaterThan(40);
    const out = ctx.store.db.prepare(
      "INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at, campaign_id) VALUES (?, ?, 'out', ?, 'send_api', ?, ?, ?)",
    );
    // 40 resolved per arm: 28 planned and 12 holdout seen within an hour; the rest read 3 h later or never.
    planned.slice(0, 40).forEach((s, i) => out.run(`p-${i}`, s.contactId, s.sendAt, s.sendAt + MINUTE, i < 28 ? s.sendAt + 10 * MINUTE : i % 2 ? s.sendAt + 3 * HOUR : null, saved.campaignId));
    holdout.slice(0, 40).forEach((s, i) => out.run(`h-${i}`, s.contactId, s.sendAt, s.sendAt + MINUTE, i < 12 ? s.sendAt + 59 * MINUTE : null, saved.campaignId));
    // Sent ten minutes ago, not read yet: pending, in neither rate.
    const late = planned[40] as (typeof planned)[number];
    out.run('p-late', late.contactId, now - 10 * MINUTE, null, null, saved.campaignId);
    // Another campaign's message to a planned contact does not count.
    const other = Number(ctx.store.db.prepare("INSERT INTO campaigns (workspace_id, name, created_at) VALUES (?, 'Other', 0)").run(workspaceId).lastInsertRowid);
    const stray = planned[41] as (typeof planned)[number];
    out.run('other-1', stray.contactId, stray.sendAt, stray.sendAt + MINUTE, stray.sendAt + MINUTE, other);

    const reply = await dispatch(ctx, 'sendtime:uplift', { workspaceId, planId: saved.planId });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const u = SendTimeUplift.parse(reply.data);
    expect(u.status).toBe('ready');
    expect(u.detailNote).toEqual({ key: 'sendtime.note.upliftStatus.readyPending', params: { planned: 40, holdout: 40, pending: 1 } });
    expect(u.detail).toBe('40 planned and 40 holdout messages resolved; 1 still pending.');
    expect(u.planned).toMatchObject({ planned: planned.length, sent: 41, pending: 1, n: 40, seen: 28, rate: 0.7 });
    expect(u.holdout).toMatchObject({ planned: holdout.length, sent: 40, pending: 0, n: 40, seen: 12, rate: 0.3 });
    // Reference (scipy.stats.norm.ppf for z, Newcombe 1998 method 10 from the two Wilson intervals):
    // wilson(28,40) = (0.5456998118185507, 0.8192515477025347), wilson(12,40) = (0.18074845229746528, 0.45430018818144935),
    // difference 0.4 in (0.18178658119707355, 0.5686471560949067).
    expect(u.planned.low).toBeCloseTo(0.5456998118185507, 9);
    expect(u.holdout.high).toBeCloseTo(0.45430018818144935, 9);
    expect(u.difference?.estimate).toBeCloseTo(0.4, 12);
    expect(u.difference?.low).toBeCloseTo(0.18178658119707355, 9);
    expect(u.difference?.high).toBeCloseTo(0.5686471560949067, 9);
    expect(u.assumptions.join(' ')).toContain('Newcombe');
    expect(await dispatch(ctx, 'sendtime:uplift', { workspaceId: emptyWorkspaceId, planId: saved.planId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('bad input: a clear message, nothing half-saved', () => {
  it('refuses an empty audience', async () => {
    expect(await dispatch(ctx, 'sendtime:plan', planInput({ workspaceId: emptyWorkspaceId }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'The audience is empty.' },
    });
    expect(await dispatch(ctx, 'sendtime:save', planInput({ contactIds: [], campaign: { name: 'x' } }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'contactIds' }] } });
    expect(count('campaigns')).toBe(0);
  });

  it('refuses a window in the past', async () => {
    const reply = await dispatch(ctx, 'sendtime:save', planInput({ start: now - 5 * HOUR, end: now - HOUR, campaign: { name: 'Late' } }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: 'The validity window is in the past.' } });
    expect(count('campaigns')).toBe(0);
  });

  it('refuses a horizon longer than the window', async () => {
    const reply = await dispatch(ctx, 'sendtime:plan', planInput({ horizonMinutes: 600, end: now + 3 * HOUR }));
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringContaining('(600 min) is longer than the validity window (120 min)'), issues: [{ path: 'horizonMinutes' }] },
    });
  });

  it('lists contacts with no history at all apart, with why', async () => {
    const fresh = insertContact('psid-new', null);
    const reply = await dispatch(ctx, 'sendtime:plan', planInput({ contactIds: [fresh] }));
    expect(reply).toMatchObject({ ok: true });
    if (!reply.ok) return;
    const { plan } = reply.data as { plan: SendPlan };
    expect(plan.leftOut).toContainEqual(expect.objectContaining({ contactId: fresh, reason: 'outside_window', detail: 'No inbound message: no 24-hour window is open.', windowClosesAt: null }));
    expect(plan.warnings?.join(' ')).toContain('Contacts with no inbound message at all: 1.');
    expect(plan.warningNotes?.map((n) => n.key)).toContain('sendtime.note.warning.noInbound');
    // Only such contacts: nothing to save, and nothing saved.
    expect(await dispatch(ctx, 'sendtime:save', planInput({ contactIds: [fresh], campaign: { name: 'New' } }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringContaining('no contact can be scheduled (1 outside window)') },
    });
    expect(count('campaigns')).toBe(0);
  });

  it('uses the Page’s zone for a contact zone that does not exist, and says so', async () => {
    ctx.store.db.prepare("UPDATE contacts SET last_inbound_at = ?, time_zone = 'Mars/Olympus_Mons' WHERE id = ?").run(now - 2 * HOUR, contactIds[0]);
    const reply = await dispatch(ctx, 'sendtime:plan', planInput({ contactIds: [contactIds[0]] }));
    expect(reply).toMatchObject({ ok: true, data: { plan: { sends: [{ contactId: contactIds[0], zone: 'UTC' }] } } });
    if (!reply.ok) return;
    expect((reply.data as { plan: SendPlan }).plan.warnings?.join(' ')).toContain('Contacts whose time zone does not exist (Mars/Olympus_Mons): 1.');
  });

  it('says how many contacts a per-minute cap leaves out, and why', async () => {
    ctx.store.db.prepare('UPDATE contacts SET last_inbound_at = ?').run(now - 2 * HOUR);
    // 120 contacts, one send a minute, a 60-minute window: 60 fit.
    const start = Math.ceil((now + HOUR) / MINUTE) * MINUTE;
    const reply = await dispatch(ctx, 'sendtime:plan', planInput({ start, end: start + HOUR, perMinuteCap: 1 }));
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const { plan } = reply.data as { plan: SendPlan };
    expect(plan.sends).toHaveLength(60);
    expect(plan.leftOut.filter((l) => l.reason === 'send_cap')).toHaveLength(60);
    expect(new Set(plan.sends.map((s) => s.sendAt)).size).toBe(60);
    expect(plan.warnings?.join(' ')).toContain('Contacts left out by the per-minute cap: 60. A cap of 1 a minute over the 60 minutes of the validity window holds at most 60 sends');
    expect(plan.warningNotes?.find((n) => n.key === 'sendtime.note.warning.sendCap')?.params).toEqual({ capped: 60, cap: 1, minutes: 60, capacity: 60 });
  });
});
