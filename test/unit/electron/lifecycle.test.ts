import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { launchDesktopApp, WINDOW_OPTIONS, type ElectronModules } from '../../../electron/main/lifecycle';
import { APP_SCHEME_PRIVILEGES } from '../../../electron/main/protocol';
import { denyPermissionRequest, webPreferences } from '../../../electron/main/security';

type Listener = (...args: unknown[]) => unknown;

/** Just enough of Electron's main-process modules to run the lifecycle and record what it did. */
function fakeElectron(opts: { lock?: boolean } = {}) {
  const steps: string[] = [];
  const appListeners = new Map<string, Listener>();
  let ready!: () => void;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const windows: FakeWindow[] = [];
  let ipcHandler: Listener | undefined;
  let protocolHandler: Listener | undefined;
  const sessionCalls: Record<string, unknown> = {};

  class FakeWindow {
    static getAllWindows = () => windows;
    readonly listeners = new Map<string, Listener>();
    readonly webContents = { id: 100 + windows.length, once: vi.fn() };
    readonly loadURL = vi.fn(async (_url: string) => undefined);
    readonly show = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      steps.push('new BrowserWindow');
      windows.push(this);
    }
    on(event: string, fn: Listener) {
      this.listeners.set(event, fn);
      return this;
    }
    once(event: string, fn: Listener) {
      return this.on(event, fn);
    }
  }

  const electron = {
    app: {
      isPackaged: false,
      setName: (name: string) => steps.push(`setName ${name}`),
      setPath: (name: string, value: string) => steps.push(`setPath ${name} ${value}`),
      setAppUserModelId: vi.fn(),
      enableSandbox: () => steps.push('enableSandbox'),
      requestSingleInstanceLock: () => {
        steps.push('requestSingleInstanceLock');
        return opts.lock ?? true;
      },
      on: (event: string, fn: Listener) => appListeners.set(event, fn),
      whenReady: () => whenReady,
      quit: vi.fn(() => steps.push('quit')),
      exit: vi.fn((code: number) => steps.push(`exit ${code}`)),
    },
    BrowserWindow: FakeWindow,
    dialog: { showErrorBox: vi.fn((title: string, message: string) => steps.push(`error ${title}: ${message}`)) },
    ipcMain: { handle: (_channel: string, fn: Listener) => (ipcHandler = fn), removeHandler: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => steps.push(`registerSchemesAsPrivileged ${JSON.stringify(schemes)}`),
      handle: (scheme: string, fn: Listener) => {
        steps.push(`protocol.handle ${scheme}`);
        protocolHandler = fn;
      },
    },
    session: {
      get defaultSession() {
        steps.push('defaultSession');
        return {
          setPermissionRequestHandler: (h: unknown) => (sessionCalls.request = h),
          setPermissionCheckHandler: (h: unknown) => (sessionCalls.check = h),
          setDevicePermissionHandler: (h: unknown) => (sessionCalls.device = h),
          webRequest: { onHeadersReceived: (h: unknown) => (sessionCalls.headers = h) },
        };
      },
    },
    shell: { openExternal: vi.fn(async () => undefined) },
  };
  return {
    electron,
    modules: electron as unknown as ElectronModules,
    steps,
    appListeners,
    windows,
    sessionCalls,
    ready: () => {
      steps.push('ready');
      ready();
    },
    ipc: (...args: unknown[]) => ipcHandler!(...args) as Promise<unknown>,
    hasIpc: () => ipcHandler !== undefined,
    protocolHandler: () => protocolHandler,
  };
}

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
let base: string;
let dataDir: string;
let rendererDir: string;
const paths = () => ({ appRoot: base, rendererDir, preloadPath: path.join(base, 'preload.cjs') });

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-lifecycle-'));
  dataDir = path.join(base, 'data');
  rendererDir = path.join(base, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Relais</title>');
});

afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

const from = (webContentsId: number) => ({ senderFrame: { url: 'app://relais/index.html', parent: null }, sender: { id: webContentsId } });

async function launch(fake: ReturnType<typeof fakeElectron>, argv = ['/opt/electron', 'main.cjs', '--data-dir', dataDir]) {
  const done = launchDesktopApp(fake.modules, paths(), argv, {}, log);
  fake.ready();
  await done;
}

describe('launchDesktopApp', () => {
  it('names the app, moves its profile to the data folder and registers app:// before ready', async () => {
    const fake = fakeElectron();
    await launch(fake);
    const readyAt = fake.steps.indexOf('ready');
    expect(fake.steps.slice(0, readyAt)).toEqual([
      'setName Relais',
      `setPath userData ${dataDir}`,
      'enableSandbox',
      `registerSchemesAsPrivileged ${JSON.stringify([APP_SCHEME_PRIVILEGES])}`,
      'requestSingleInstanceLock',
    ]);
    expect(fake.steps.slice(readyAt + 1, readyAt + 3)).toEqual(['defaultSession', 'protocol.handle app']);
  });

  it('hardens the default session and every new web contents', async () => {
    const fake = fakeElectron();
    await launch(fake);
    expect(fake.sessionCalls.request).toBe(denyPermissionRequest);
    const wired: string[] = [];
    const contents = { on: (event: string) => wired.push(event), setWindowOpenHandler: () => wired.push('windowOpen') };
    fake.appListeners.get('web-contents-created')!({}, contents);
    expect(wired.sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect', 'windowOpen']);
  });

  it('opens one hardened window on app://relais/index.html, shown when ready', async () => {
    const fake = fakeElectron();
    await launch(fake);
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.options).toEqual({ ...WINDOW_OPTIONS, webPreferences: webPreferences(path.join(base, 'preload.cjs')) });
    expect(win.options.title).toBe('Relais');
    expect(win.options.show).toBe(false);
    expect(win.loadURL).toHaveBeenCalledExactlyOnceWith('app://relais/index.html');
    win.listeners.get('ready-to-show')!();
    expect(win.show).toHaveBeenCalled();
  });

  it('serves the renderer through app:// once ready', async () => {
    const fake = fakeElectron();
    await launch(fake);
    const res = (await fake.protocolHandler()!(new Request('app://relais/index.html'))) as Response;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Relais</title>');
  });

  it('answers API calls from its open windows only', async () => {
    const fake = fakeElectron();
    await launch(fake);
    const win = fake.windows[0]!;
    expect(await fake.ipc(from(win.webContents.id), 'app:info', {})).toMatchObject({ ok: true, data: { dataDir } });
    expect(await fake.ipc(from(999), 'app:info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    win.listeners.get('closed')!();
    expect(await fake.ipc(from(win.webContents.id), 'app:info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('quits when the last window closes (but on macOS) and closes the store on quit', async () => {
    const fake = fakeElectron();
    await launch(fake);
    const win = fake.windows[0]!;
    fake.appListeners.get('window-all-closed')!();
    expect(fake.electron.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
    fake.appListeners.get('will-quit')!();
    // The handler now meets a closed database: proof the store was closed.
    expect(await fake.ipc(from(win.webContents.id), 'app:info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('shows the store error and exits with 1 when the database is not SQLite', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const garbage = 'this is not a database '.repeat(20);
    fs.writeFileSync(path.join(dataDir, 'relais.sqlite'), garbage);
    const fake = fakeElectron();
    await launch(fake);
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledOnce();
    const [title, message] = fake.electron.dialog.showErrorBox.mock.calls[0]!;
    expect(title).toBe('Relais cannot open its data');
    expect(message).toMatch(/not a Relais database/);
    expect(fake.electron.app.exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(fake.windows).toHaveLength(0);
    expect(fake.hasIpc()).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'relais.sqlite'), 'utf8')).toBe(garbage);
  });

  it('refuses to start without the built renderer', async () => {
    fs.rmSync(rendererDir, { recursive: true });
    const fake = fakeElectron();
    await launch(fake);
    expect(fake.electron.dialog.showErrorBox.mock.calls[0]?.[1]).toMatch(/npm run build/);
    expect(fake.electron.app.exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(fake.windows).toHaveLength(0);
  });

  it('leaves the data folder to the instance already running', async () => {
    const fake = fakeElectron({ lock: false });
    await launch(fake);
    expect(fake.electron.app.quit).toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
    expect(fake.hasIpc()).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'relais.sqlite'))).toBe(false);
  });

  it('uses RELAIS_DATA_DIR when no --data-dir is given', async () => {
    const fake = fakeElectron();
    const done = launchDesktopApp(fake.modules, paths(), ['/opt/Relais'], { RELAIS_DATA_DIR: dataDir }, log);
    fake.ready();
    await done;
    expect(fake.steps).toContain(`setPath userData ${dataDir}`);
  });
});
