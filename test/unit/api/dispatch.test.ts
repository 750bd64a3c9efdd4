import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract, methods } from '../../../shared/api/contract';
import { dispatch } from '../../../electron/services/api/dispatch';
import { handlers, type HandlerTable } from '../../../electron/services/api/handlers';
import { createContext, type AppContext } from '../../../electron/services/context';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
beforeEach(() => {
  tmp = makeTempDir();
  ctx = createContext({ dataDir: tmp.dir });
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

describe('the contract', () => {
  it('names every call domain:verb and has a handler for each', () => {
    for (const m of methods) {
      expect(m).toMatch(/^[a-z]+:[a-zA-Z]+$/);
      expect(typeof handlers[m]).toBe('function');
    }
    expect(Object.keys(handlers).sort()).toEqual([...methods].sort());
    expect(Object.keys(contract).length).toBeGreaterThanOrEqual(9);
  });
});

describe('dispatch', () => {
  it('answers a valid call', async () => {
    const reply = await dispatch(ctx, 'workspace:create', { name: 'Bistro Léon', timeZone: 'Europe/Paris', locale: 'fr-FR' });
    expect(reply).toMatchObject({ ok: true, data: { name: 'Bistro Léon', timeZone: 'Europe/Paris', locale: 'fr-FR', hasLogo: false } });
  });

  it('refuses an unknown call with a typed error', async () => {
    expect(await dispatch(ctx, 'workspace:explode', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await dispatch(ctx, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await dispatch(ctx, 42, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses wrong types, extra fields and bad values field by field', async () => {
    const wrongType = await dispatch(ctx, 'workspace:create', { name: 3, timeZone: 'Europe/Paris', locale: 'fr-FR' });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'name' }] } });
    const extra = await dispatch(ctx, 'workspace:list', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const badZone = await dispatch(ctx, 'workspace:create', { name: 'X', timeZone: 'Mars/Olympus', locale: 'fr-FR' });
    expect(badZone).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'timeZone', message: 'timeZone.invalid' }] } });
    const blank = await dispatch(ctx, 'workspace:create', { name: '   ', timeZone: 'UTC', locale: 'en-US' });
    expect(blank).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', issues: [{ path: 'name', message: 'name.required' }] } });
    const notObject = await dispatch(ctx, 'workspace:create', 'hello');
    expect(notObject).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('reports a missing workspace and a duplicate name as typed errors', async () => {
    expect(await dispatch(ctx, 'workspace:update', { id: 999, name: 'X' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await dispatch(ctx, 'workspace:create', { name: 'Shop', timeZone: 'UTC', locale: 'en-US' });
    expect(await dispatch(ctx, 'workspace:create', { name: 'shop', timeZone: 'UTC', locale: 'en-US' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', issues: [{ path: 'name', message: 'name.taken' }] },
    });
  });

  it('never lets a handler crash the caller, and hides internals', async () => {
    const exploding: HandlerTable = {
      ...handlers,
      'workspace:list': () => {
        throw new Error('secret stack detail');
      },
    };
    const logged: unknown[] = [];
    const reply = await dispatch(ctx, 'workspace:list', {}, { handlers: exploding, log: { error: (_m, d) => logged.push(d) } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('secret stack detail');
    expect(logged).toHaveLength(1);
  });

  it('checks outputs against the contract too', async () => {
    const lying: HandlerTable = { ...handlers, 'workspace:list': () => [{ id: 'not a number' }] as never };
    expect(await dispatch(ctx, 'workspace:list', {}, { handlers: lying })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('turns a full disk into a STORAGE error and saves nothing partial', async () => {
    await dispatch(ctx, 'workspace:create', { name: 'Before', timeZone: 'UTC', locale: 'en-US' });
    // Simulate a full disk: SQLite may not grow the file past its current size.
    const pages = ctx.store.db.pragma('page_count', { simple: true }) as number;
    ctx.store.db.pragma(`max_page_count = ${pages}`);
    let reply;
    for (let i = 0; i < 200; i++) {
      reply = await dispatch(ctx, 'workspace:create', { name: `Client ${i} ${'x'.repeat(60)}`, timeZone: 'UTC', locale: 'en-US' });
      if (!reply.ok) break;
    }
    expect(reply).toMatchObject({ ok: false, error: { code: 'STORAGE', message: expect.stringMatching(/disk is full/) } });
    const list = await dispatch(ctx, 'workspace:list', {});
    expect(list.ok).toBe(true);
    // Every workspace that exists is whole; the failed one is absent.
    if (list.ok) for (const w of list.data as { name: string; timeZone: string }[]) expect(w.timeZone).toBe('UTC');
  });
});

describe('workspaces and settings', () => {
  it('create, rename, set zone/locale/logo, switch and delete with confirmation', async () => {
    const call = async (m: string, i: unknown) => {
      const r = await dispatch(ctx, m, i);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.data as Record<string, unknown>;
    };
    const ws = await call('workspace:create', { name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' });
    const renamed = await call('workspace:update', { id: ws.id, name: 'Bistro Léon', timeZone: 'America/Toronto', locale: 'fr-CA' });
    expect(renamed).toMatchObject({ name: 'Bistro Léon', timeZone: 'America/Toronto', locale: 'fr-CA' });

    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    expect(await call('workspace:setLogo', { id: ws.id, dataUrl: png })).toMatchObject({ hasLogo: true });
    expect(await call('workspace:logo', { id: ws.id })).toEqual({ dataUrl: png });
    expect(await dispatch(ctx, 'workspace:setLogo', { id: ws.id, dataUrl: 'data:image/svg+xml;base64,PHN2Zy8+' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });

    expect(await call('settings:set', { currentWorkspaceId: ws.id, uiLanguage: 'fr' })).toEqual({ currentWorkspaceId: ws.id, uiLanguage: 'fr' });
    expect(await dispatch(ctx, 'settings:set', { currentWorkspaceId: 12345 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    expect(await dispatch(ctx, 'workspace:delete', { id: ws.id, confirmName: 'Bistro' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await call('workspace:delete', { id: ws.id, confirmName: 'Bistro Léon' })).toEqual({ deleted: true });
    expect(await call('settings:get', {})).toEqual({ currentWorkspaceId: null, uiLanguage: 'fr' });
    expect(await call('workspace:list', {})).toEqual([]);
  });

  it('deleting a workspace removes its pages, contacts, campaigns and messages (cascade)', async () => {
    const r = await dispatch(ctx, 'workspace:create', { name: 'Shop', timeZone: 'UTC', locale: 'en-US' });
    const id = (r as { data: { id: number } }).data.id;
    const db = ctx.store.db;
    const page = db.prepare('INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, ?, 0)').run(id, '111').lastInsertRowid;
    const contact = db.prepare('INSERT INTO contacts (page_ref, psid) VALUES (?, ?)').run(page, '999').lastInsertRowid;
    const campaign = db.prepare("INSERT INTO campaigns (workspace_id, name, kind, created_at) VALUES (?, 'Lunch', 'flash_promo', 0)").run(id).lastInsertRowid;
    db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, campaign_id) VALUES ('m_1', ?, 'out', 1795600000000, 'echo', ?)").run(contact, campaign);
    db.prepare("INSERT INTO messages (mid, contact_ref, direction, sent_at, sent_at_source, delivered_at) VALUES ('m_2', ?, 'out', 1795600100000, 'echo', 1795600200000)").run(contact);
    expect(await dispatch(ctx, 'workspace:delete', { id, confirmName: 'Shop' })).toEqual({ ok: true, data: { deleted: true } });
    expect(db.prepare('SELECT (SELECT count(*) FROM pages) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM messages) AS n').get()).toEqual({ n: 0 });
  });
});
