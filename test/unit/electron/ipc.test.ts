import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_CHANNEL, FORBIDDEN_REPLY, checkSender, registerApiIpc, type IpcSenderFacts } from '../../../electron/main/ipc';
import { createContext, type AppContext } from '../../../electron/services/context';

const OUR_WINDOW = 7;
const isOurWindow = (id: number) => id === OUR_WINDOW;

function sender(url: string, opts: { parent?: unknown; webContentsId?: number } = {}): IpcSenderFacts {
  return { senderFrame: { url, parent: opts.parent ?? null }, sender: { id: opts.webContentsId ?? OUR_WINDOW } };
}

describe('checkSender', () => {
  it('accepts the main frame of our window on app://relais', () => {
    expect(checkSender(sender('app://relais/index.html'), isOurWindow)).toEqual({ ok: true });
    expect(checkSender(sender('app://relais/workspaces?tab=2#x'), isOurWindow)).toEqual({ ok: true });
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:5173/',
    'file:///home/user/dist/renderer/index.html',
    'app://other/index.html',
    'app://relais.example.com/index.html',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    '',
  ])('refuses a frame showing %s', (url) => {
    expect(checkSender(sender(url), isOurWindow).ok).toBe(false);
  });

  it('refuses a subframe, even one on our origin', () => {
    const top = { url: 'app://relais/index.html', parent: null };
    expect(checkSender(sender('app://relais/index.html', { parent: top }), isOurWindow).ok).toBe(false);
  });

  it('refuses a web contents that is not one of our windows', () => {
    expect(checkSender(sender('app://relais/index.html', { webContentsId: 99 }), isOurWindow).ok).toBe(false);
  });

  it('refuses a frame that is gone or disposed', () => {
    expect(checkSender({ senderFrame: null, sender: { id: OUR_WINDOW } }, isOurWindow).ok).toBe(false);
    const disposed = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      sender: { id: OUR_WINDOW },
    };
    expect(checkSender(disposed, isOurWindow).ok).toBe(false);
  });
});

describe('registerApiIpc', () => {
  let dir: string;
  let ctx: AppContext;
  type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;
  let listener: Listener;
  const removeHandler = vi.fn();
  let unregister: () => void;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-ipc-'));
    ctx = createContext({ dataDir: dir });
    const ipcMain = {
      handle(channel: string, fn: Listener) {
        expect(channel).toBe(API_CHANNEL);
        listener = fn;
      },
      removeHandler,
    };
    unregister = registerApiIpc(ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, { ctx, isOurWindow });
  });

  afterAll(() => {
    ctx.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const event = (facts: IpcSenderFacts) => facts as unknown as IpcMainInvokeEvent;

  it('listens on relais:call', () => {
    expect(API_CHANNEL).toBe('relais:call');
  });

  it('dispatches a call from our window and returns the reply envelope', async () => {
    const reply = await listener(event(sender('app://relais/index.html')), 'app:info', {});
    expect(reply).toMatchObject({ ok: true, data: { dataDir: path.resolve(dir) } });
  });

  it('answers unknown methods and bad input with typed errors, as the browser shell does', async () => {
    expect(await listener(event(sender('app://relais/index.html')), 'fs:readFile', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await listener(event(sender('app://relais/index.html')), 'workspace:create', { name: 42 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });

  it('answers FORBIDDEN to a foreign sender without touching the store', async () => {
    const before = await listener(event(sender('app://relais/index.html')), 'workspace:list', {});
    const reply = await listener(event(sender('https://example.com/')), 'workspace:create', { name: 'Intruder', timeZone: 'Europe/Paris', locale: 'fr-FR' });
    expect(reply).toEqual(FORBIDDEN_REPLY);
    expect(await listener(event(sender('app://relais/index.html')), 'workspace:list', {})).toEqual(before);
  });

  it('unregisters its handler', () => {
    unregister();
    expect(removeHandler).toHaveBeenCalledExactlyOnceWith(API_CHANNEL);
  });
});
