import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { SendPlan, SendTimeHeatmap } from '../../../shared/domain/sendTime';
import { makeTempDir } from '../../support/tempDir';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let now: number;
let workspaceId: number;
let otherWorkspaceId: number;
/** Contact ids: window closes in 4 h, window open almost a day, never wrote, window closed 6 h ago. */
let ids: { closingSoon: number; open: number; neverWrote: number; closed: number; foreign: number };

function insertContact(pageRef: number, psid: string, lastInboundAt: number | null): number {
  return Number(ctx.store.db.prepare('INSERT INTO contacts (page_ref, psid, last_inbound_at) VALUES (?, ?, ?)').run(pageRef, psid, lastInboundAt).lastInsertRowid);
}

/** Two weeks of daily sends at 09:00 and 18:00 UTC: morning ones read within 10 min, evening ones hours later. */
function insertHistory(contactId: number, psid: string): void {
  const out = ctx.store.db.prepare(
    "INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at) VALUES (?, ?, 'out', ?, 'echo', ?, ?)",
  );
  const inbound = ctx.store.db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source) VALUES (?, ?, 'in', ?, 'inbound')");
  const midnight = Math.floor(now / DAY) * DAY;
  for (let d = 14; d >= 2; d--) {
    const morning = midnight - d * DAY + 9 * HOUR;
    const evening = midnight - d * DAY + 18 * HOUR;
    out.run(`${psid}-am-${d}`, contactId, morning, morning + MINUTE, morning + 10 * MINUTE);
    out.run(`${psid}-pm-${d}`, contactId, evening, evening + MINUTE, evening + 5 * HOUR);
    inbound.run(`${psid}-in-${d}`, contactId, morning + 20 * MINUTE);
  }
}

beforeEach(() => {
  tmp = makeTempDir('relais-sendtime-api-');
  ctx = createContext({ dataDir: tmp.dir });
  now = Date.now();
  workspaceId = ctx.workspaces.create({ name: 'Bistro', timeZone: 'UTC', locale: 'fr-FR' }).id;
  otherWorkspaceId = ctx.workspaces.create({ name: 'Other', timeZone: 'UTC', locale: 'en-US' }).id;
  const page = Number(ctx.store.db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, 'p1', 0)").run(workspaceId).lastInsertRowid);
  const otherPage = Number(ctx.store.db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, 'p2', 0)").run(otherWorkspaceId).lastInsertRowid);
  ids = {
    closingSoon: insertContact(page, 'psid-a', now - 20 * HOUR),
    open: insertContact(page, 'psid-b', now - 2 * HOUR),
    neverWrote: insertContact(page, 'psid-c', null),
    closed: insertContact(page, 'psid-d', now - 30 * HOUR),
    foreign: insertContact(otherPage, 'psid-e', now - HOUR),
  };
  for (const [psid, id] of [['psid-a', ids.closingSoon], ['psid-b', ids.open], ['psid-c', ids.neverWrote], ['psid-d', ids.closed], ['psid-e', ids.foreign]] as const) {
    insertHistory(id, psid);
  }
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

function planInput(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { workspaceId, horizonMinutes: 60, start: now + HOUR, end: now + 10 * HOUR, holdoutShare: 0, ...extra };
}

describe('sendtime:heatmap through dispatch', () => {
  it('answers the workspace’s 7 × 24 cells with rate, evidence and interval', async () => {
    const reply = await dispatch(ctx, 'sendtime:heatmap', { workspaceId, horizonMinutes: 60 });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const map = SendTimeHeatmap.parse(reply.data);
    expect(map).toMatchObject({ horizonMinutes: 60, zone: 'UTC', contactId: null, contacts: 4 });
    expect(map.cells).toHaveLength(168);
    map.cells.forEach((c, k) => {
      expect([c.weekday, c.hour]).toEqual([Math.floor(k / 24), k % 24]);
      expect(c.n).toBeGreaterThan(0);
      expect(c.low).toBeLessThanOrEqual(c.rate + 1e-9);
      expect(c.high).toBeGreaterThanOrEqual(c.rate - 1e-9);
    });
    expect(map.method.length).toBeGreaterThan(0);
    expect(map.assumptions.length).toBeGreaterThan(0);
    // Morning sends were seen within the hour, evening ones were not.
    const at = (hour: number) => map.cells.filter((c) => c.hour === hour && c.sends > 0).map((c) => c.rate);
    expect(Math.min(...at(9))).toBeGreaterThan(Math.max(...at(18)));
  });

  it('answers one contact of the workspace', async () => {
    const reply = await dispatch(ctx, 'sendtime:heatmap', { workspaceId, horizonMinutes: 1440, contactId: ids.open });
    expect(reply).toMatchObject({ ok: true, data: { contactId: ids.open, contacts: 1, horizonMinutes: 1440, zone: 'UTC' } });
    if (reply.ok) expect(SendTimeHeatmap.parse(reply.data).cells).toHaveLength(168);
  });

  it('gives typed errors for bad input, unknown workspaces and other workspaces’ contacts', async () => {
    for (const horizonMinutes of [0, 10_081, 1.5]) {
      expect(await dispatch(ctx, 'sendtime:heatmap', { workspaceId, horizonMinutes })).toMatchObject({
        ok: false,
        error: { code: 'BAD_INPUT', issues: [{ path: 'horizonMinutes' }] },
      });
    }
    expect(await dispatch(ctx, 'sendtime:heatmap', { workspaceId, horizonMinutes: 60, extra: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await dispatch(ctx, 'sendtime:heatmap', { workspaceId: 999, horizonMinutes: 60 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(ctx, 'sendtime:heatmap', { workspaceId, horizonMinutes: 60, contactId: ids.foreign })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', issues: [{ path: 'contactId' }] },
    });
    expect(await dispatch(ctx, 'sendtime:heatmap', { workspaceId, horizonMinutes: 60, contactId: 99_999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('sendtime:plan through dispatch', () => {
  it('schedules inside each 24-hour window, lists the others apart, and exports CSV and JSON', async () => {
    const reply = await dispatch(ctx, 'sendtime:plan', planInput());
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const { plan, csv, json } = reply.data as { plan: SendPlan; csv: string; json: string };
    SendPlan.parse(plan);
    expect(plan.sends.map((s) => s.contactId).sort((a, b) => a - b)).toEqual([ids.closingSoon, ids.open]);
    for (const s of plan.sends) {
      expect(s.sendAt).toBeGreaterThanOrEqual(now + HOUR - MINUTE);
      expect(s.sendAt).toBeLessThan(now + 10 * HOUR);
      expect(s.sendAt).toBeLessThan(s.windowClosesAt);
    }
    const soon = plan.sends.find((s) => s.contactId === ids.closingSoon);
    expect(soon?.windowClosesAt).toBe(now - 20 * HOUR + DAY);
    expect(soon?.sendAt).toBeLessThan(now + 4 * HOUR);
    expect(plan.leftOut.map((l) => [l.contactId, l.reason]).sort()).toEqual(
      [
        [ids.neverWrote, 'outside_window'],
        [ids.closed, 'outside_window'],
      ].sort(),
    );
    expect(csv.split('\r\n')[0]).toContain('status,contact_id,psid');
    expect(csv.split('\r\n').length).toBe(plan.sends.length + plan.leftOut.length + 2);
    expect(JSON.parse(json)).toEqual(plan);
  });

  it('plans only the contacts asked for', async () => {
    const reply = await dispatch(ctx, 'sendtime:plan', planInput({ contactIds: [ids.open, ids.open], perMinuteCap: 1, quietHours: { startHour: 22, endHour: 7 } }));
    expect(reply).toMatchObject({ ok: true, data: { plan: { sends: [{ contactId: ids.open }], leftOut: [] } } });
  });

  it('gives typed errors for bad input, unknown workspaces and other workspaces’ contacts', async () => {
    const bad = async (input: Record<string, unknown>) => dispatch(ctx, 'sendtime:plan', input);
    expect(await bad(planInput({ contactIds: [ids.open, ids.foreign] }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', issues: [{ path: 'contactIds.1', message: 'contact.notInWorkspace' }] },
    });
    expect(await bad(planInput({ workspaceId: otherWorkspaceId, contactIds: [ids.open] }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await bad(planInput({ workspaceId: 999 }))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await bad(planInput({ contactIds: [] }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'contactIds' }] } });
    expect(await bad(planInput({ horizonMinutes: 10_081 }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'horizonMinutes' }] } });
    expect(await bad(planInput({ start: now - 3 * HOUR, end: now - HOUR }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('past') } });
    expect(await bad(planInput({ end: now }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('empty') } });
    expect(await bad(planInput({ end: now + 40 * DAY }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'end', message: 'window.tooLong' }] } });
    expect(await bad(planInput({ holdoutShare: 2 }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'holdoutShare' }] } });
    expect(await bad(planInput({ quietHours: { startHour: 24, endHour: 7 } }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await bad(planInput({ sneaky: true }))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
