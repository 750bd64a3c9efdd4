import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import type { SendTimeCell } from '../../../shared/domain/sendTime';
import { makeTempDir } from '../../support/tempDir';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let workspaceId: number;
let ids: { lea: number; max: number; percent: number; newYork: number; foreign: number };

async function call<T>(method: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

beforeEach(() => {
  tmp = makeTempDir('relais-sendtime-ui-');
  ctx = createContext({ dataDir: tmp.dir });
  workspaceId = ctx.workspaces.create({ name: 'Bistro', timeZone: 'UTC', locale: 'fr-FR' }).id;
  const other = ctx.workspaces.create({ name: 'Other', timeZone: 'UTC', locale: 'en-US' }).id;
  const db = ctx.store.db;
  const page = Number(db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, 'p1', 0)").run(workspaceId).lastInsertRowid);
  const otherPage = Number(db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, 'p2', 0)").run(other).lastInsertRowid);
  const contact = db.prepare('INSERT INTO contacts (page_ref, psid, name, time_zone) VALUES (?, ?, ?, ?)');
  ids = {
    lea: Number(contact.run(page, '1001', 'Léa Martin', null).lastInsertRowid),
    max: Number(contact.run(page, '1002', 'Max Dubois', null).lastInsertRowid),
    percent: Number(contact.run(page, '1003', '100% Bio', null).lastInsertRowid),
    newYork: Number(contact.run(page, '1004', 'Sam Lee', 'America/New_York').lastInsertRowid),
    foreign: Number(contact.run(otherPage, '1005', 'Léa Other', null).lastInsertRowid),
  };
  // Ten days of sends at 09:00 UTC (delivered in 1 min, read in 10) and 18:00 UTC (delivered in 1 min, read 5 h later).
  const out = db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at, read_at) VALUES (?, ?, 'out', ?, 'echo', ?, ?)");
  const midnight = Math.floor(Date.now() / DAY) * DAY;
  for (const id of Object.values(ids)) {
    for (let d = 12; d >= 3; d--) {
      const am = midnight - d * DAY + 9 * HOUR;
      const pm = midnight - d * DAY + 18 * HOUR;
      out.run(`${id}-am-${d}`, id, am, am + MINUTE, am + 10 * MINUTE);
      out.run(`${id}-pm-${d}`, id, pm, pm + MINUTE, pm + 5 * HOUR);
    }
  }
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

type Observed = { zone: string; contacts: number; cells: SendTimeCell[]; method: string; assumptions: string[] };
const byHour = (cells: SendTimeCell[], hour: number) => cells.filter((c) => c.hour === hour);
const sends = (cells: SendTimeCell[]) => cells.reduce((s, c) => s + c.sends, 0);

describe('sendtime:findContacts', () => {
  it('finds contacts of this workspace only, by PSID, part of a name or contact number; % is a literal', async () => {
    const find = async (query: string) => (await call<{ contacts: { contactId: number; psid: string }[] }>('sendtime:findContacts', { workspaceId, query })).contacts.map((c) => c.contactId);
    expect(await find('léa')).toEqual([ids.lea]);
    expect(await find('1002')).toEqual([ids.max]);
    expect(await find(String(ids.newYork))).toEqual([ids.newYork]);
    expect(await find('100%')).toEqual([ids.percent]);
    expect(await find('100')).toHaveLength(4);
    expect(await find('nobody')).toEqual([]);
  });
});

describe('sendtime:resolvePsids', () => {
  it('maps each distinct PSID to its contact and lists the unknown ones, other workspaces included', async () => {
    const r = await call<{ contacts: { contactId: number; psid: string }[]; unknown: string[] }>('sendtime:resolvePsids', { workspaceId, psids: ['1002', '1001', '1002', '1005', '9999'] });
    expect(r.contacts).toEqual([
      { contactId: ids.lea, psid: '1001' },
      { contactId: ids.max, psid: '1002' },
    ]);
    expect(r.unknown).toEqual(['1005', '9999']);
    const empty = await dispatch(ctx, 'sendtime:resolvePsids', { workspaceId, psids: [] });
    expect(empty.ok).toBe(false);
  });
});

describe('sendtime:observed', () => {
  it('counts seen within H and delivered within H per sending hour, shrunk towards the overall rate', async () => {
    const seen = await call<Observed>('sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'seen', clock: 'workspace' });
    expect(seen.zone).toBe('UTC');
    expect(seen.contacts).toBe(4);
    expect(seen.cells).toHaveLength(168);
    expect(sends(seen.cells)).toBe(80);
    expect(sends(byHour(seen.cells, 9))).toBe(40);
    expect(sends(byHour(seen.cells, 18))).toBe(40);
    // Overall 50 %, two pseudo-messages: a cell with k of n seen reads (1 + k) / (2 + n).
    for (const c of byHour(seen.cells, 9).filter((x) => x.sends > 0)) expect(c.rate).toBeCloseTo((1 + c.sends) / (2 + c.sends), 12);
    for (const c of byHour(seen.cells, 18).filter((x) => x.sends > 0)) expect(c.rate).toBeCloseTo(1 / (2 + c.sends), 12);
    for (const c of seen.cells.filter((x) => x.sends === 0)) expect(c.rate).toBeCloseTo(0.5, 12);
    for (const c of seen.cells) expect(c.low <= c.rate && c.rate <= c.high).toBe(true);

    const delivered = await call<Observed>('sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'delivered', clock: 'workspace' });
    for (const c of delivered.cells.filter((x) => x.sends > 0)) expect(c.rate).toBeGreaterThan(0.99);
    expect(delivered.assumptions[0]).toMatch(/delivered_at − sent_at ≤ 60 min/);
  });

  it('buckets in each contact’s zone or in the workspace’s, and for one contact only', async () => {
    const local = await call<Observed>('sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'seen', clock: 'local' });
    expect(local.zone).toBe('local');
    // Sam's 09:00 UTC sends are 04:00 or 05:00 in New York.
    expect(sends(byHour(local.cells, 9))).toBe(30);
    expect(sends([...byHour(local.cells, 4), ...byHour(local.cells, 5)])).toBe(10);
    const sam = await call<Observed>('sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'seen', clock: 'local', contactId: ids.newYork });
    expect(sam.zone).toBe('America/New_York');
    expect(sam.contacts).toBe(1);
    expect(sends(sam.cells)).toBe(20);
    const pair = await call<Observed>('sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'delivered', clock: 'workspace', contactIds: [ids.lea, ids.newYork] });
    expect(pair.contacts).toBe(2);
    expect(sends(byHour(pair.cells, 9))).toBe(20);
    const foreign = await dispatch(ctx, 'sendtime:observed', { workspaceId, horizonMinutes: 60, metric: 'seen', clock: 'local', contactId: ids.foreign });
    expect(foreign.ok).toBe(false);
    if (!foreign.ok) expect(foreign.error.code).toBe('NOT_FOUND');
  });
});

describe('sendtime:groupHeatmap', () => {
  it('averages the model over a group: one member gives that contact’s own heatmap rates; foreign contacts are refused', async () => {
    type Heatmap = { zone: string; contacts: number; cells: SendTimeCell[]; contactId: number | null };
    const one = await call<Heatmap>('sendtime:heatmap', { workspaceId, horizonMinutes: 60, contactId: ids.lea });
    const group = await call<Heatmap>('sendtime:groupHeatmap', { workspaceId, horizonMinutes: 60, contactIds: [ids.lea] });
    expect(group.contacts).toBe(1);
    expect(group.zone).toBe('UTC');
    expect(group.cells.map((c) => c.rate)).toEqual(one.cells.map((c) => c.rate));
    const mixed = await call<Heatmap>('sendtime:groupHeatmap', { workspaceId, horizonMinutes: 60, contactIds: [ids.lea, ids.newYork, ids.lea] });
    expect(mixed).toMatchObject({ zone: 'local', contacts: 2, contactId: null });
    expect(mixed.cells).toHaveLength(168);
    const refused = await dispatch(ctx, 'sendtime:groupHeatmap', { workspaceId, horizonMinutes: 60, contactIds: [ids.lea, ids.foreign] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('BAD_INPUT');
  });
});
