import fs from 'node:fs';
import path from 'node:path';
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Dialog, IpcMain, Protocol, Session, Shell } from 'electron';
import type { SafeStorageLike } from '../services/secrets';
import { startAlertTimer } from '../services/alertWatch';
import { createContext, type AppContext, type DesktopCapabilities } from '../services/context';
import { APP_DIR_NAME, resolveDataDir } from '../services/dataDir';
import { electronNativeBindingPath } from '../services/db/nativeBinding';
import { StoreError } from '../services/db/store';
import { stopLocalReceiver } from '../services/receiver/localReceiver';
import { registerApiIpc } from './ipc';
import { dataDirFlag } from './launchOptions';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { APP_ENTRY_URL, hardenSession, hardenWebContents, webPreferences } from './security';

/** The Electron modules the desktop app uses; main.ts passes the real ones, tests pass fakes. */
export interface ElectronModules {
  app: App;
  BrowserWindow: typeof BrowserWindow;
  dialog: Pick<Dialog, 'showErrorBox'> & Partial<Pick<Dialog, 'showOpenDialog'>>;
  /** Desktop notifications for new alerts; optional so tests can leave it out. */
  Notification?: { isSupported(): boolean; new (options: { title: string; body: string }): { show(): void } };
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  /** The module, not its defaultSession: that one only exists once the app is ready. */
  session: { readonly defaultSession: Session };
  shell: Pick<Shell, 'openExternal'>;
  /** Token encryption backed by the OS keychain; optional so tests can leave it out. */
  safeStorage?: SafeStorageLike;
}

export interface AppPaths {
  /** Repository root in development, app.asar when packaged. */
  appRoot: string;
  /** Built renderer (dist/renderer), the only content app:// serves. */
  rendererDir: string;
  preloadPath: string;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, detail?: unknown): void;
}

export const WINDOW_OPTIONS = {
  title: 'Relais',
  width: 1280,
  height: 820,
  minWidth: 880,
  minHeight: 600,
  // Shown on ready-to-show, so the user never sees an empty white frame.
  show: false,
  backgroundColor: '#ffffff',
} as const satisfies BrowserWindowConstructorOptions;

/** A startup failure the user can act on: its title and message go to a dialog as they are. */
class StartupFailure extends Error {
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartupFailure';
  }
}

/** Native dialogs and notifications, which only the desktop shell offers to the API. */
function desktopCapabilities(electron: ElectronModules, focused: () => BrowserWindow | null, log: Log): DesktopCapabilities {
  const { dialog, Notification, safeStorage } = electron;
  return {
    ...(safeStorage ? { safeStorage } : {}),
    ...(dialog.showOpenDialog
      ? {
          chooseFile: async () => {
            const options = { properties: ['openFile' as const], filters: [{ name: 'Webhook archives', extensions: ['ndjson', 'jsonl', 'json', 'txt'] }, { name: 'All files', extensions: ['*'] }] };
            const win = focused();
            const result = win ? await dialog.showOpenDialog!(win, options) : await dialog.showOpenDialog!(options);
            return result.canceled ? null : (result.filePaths[0] ?? null);
          },
        }
      : {}),
    ...(Notification?.isSupported()
      ? {
          notify: (title: string, body: string) => {
            try {
              new Notification({ title, body }).show();
            } catch (e) {
              log.warn(`notification failed: ${e instanceof Error ? e.message : String(e)}`);
            }
          },
        }
      : {}),
  };
}

/**
 * The desktop app's whole lifecycle. Everything up to the first `await` runs
 * synchronously on purpose: the name, the profile folder, the sandbox switch and
 * the app:// scheme must all be set before Electron's 'ready'.
 */
export async function launchDesktopApp(
  electron: ElectronModules,
  paths: AppPaths,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<void> {
  const { app, BrowserWindow: Window, dialog, ipcMain, protocol, session, shell } = electron;

  // The package is named "relais"; the data folder, menus and the Chromium profile say
  // "Relais": the same folder the CLI and the browser shell use (services/dataDir.ts).
  app.setName(APP_DIR_NAME);
  const dataDir = resolveDataDir(dataDirFlag(argv), env);
  // Chromium's profile lives with the store, so the single-instance lock below is per
  // data folder: one writer per store, and tests with their own folder never collide.
  app.setPath('userData', dataDir);
  if (process.platform === 'win32') app.setAppUserModelId('app.relais.desktop');
  // Every renderer sandboxed, whatever a future window's options say.
  app.enableSandbox();
  registerAppScheme(protocol);

  const ourWindows = new Set<number>();
  let ctx: AppContext | null = null;
  let stopAlertTimer: () => void = () => undefined;
  const closeStore = () => {
    stopAlertTimer();
    // The receiver stops listening at once; its store and landing file survive any cut, so quitting does not wait for it.
    if (ctx) void stopLocalReceiver(ctx).catch(() => undefined);
    ctx?.store.close();
    ctx = null;
  };

  function createWindow(): BrowserWindow {
    const win = new Window({ ...WINDOW_OPTIONS, webPreferences: webPreferences(paths.preloadPath) });
    const id = win.webContents.id;
    ourWindows.add(id);
    win.on('closed', () => ourWindows.delete(id));
    win.once('ready-to-show', () => win.show());
    // A page that fails to load never becomes "ready": show the window anyway rather than an invisible app.
    win.webContents.once('did-fail-load', (_event, code, description, url) => {
      log.error(`could not load ${url}: ${description} (${code})`);
      if (!win.isDestroyed() && !win.isVisible()) win.show();
    });
    win.loadURL(APP_ENTRY_URL).catch((e: unknown) => log.error(`could not load ${APP_ENTRY_URL}`, e));
    return win;
  }

  async function start(): Promise<void> {
    if (!app.requestSingleInstanceLock()) {
      // Another Relais already owns this data folder; it comes to the front (second-instance below).
      log.info(`Relais is already running for ${dataDir}`);
      app.quit();
      return;
    }
    app.on('second-instance', () => {
      const win = Window.getAllWindows()[0];
      if (!win) return;
      if (win.isMinimized()) win.restore();
      win.focus();
    });
    app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openExternal: (url) => shell.openExternal(url) }));
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('will-quit', closeStore);

    await app.whenReady();
    hardenSession(session.defaultSession);
    handleAppProtocol(protocol, paths.rendererDir, log);

    if (!fs.existsSync(path.join(paths.rendererDir, 'index.html'))) {
      throw new StartupFailure('Relais cannot start', `The interface files are missing (${paths.rendererDir}). Run "npm run build" first.`);
    }

    let opened: AppContext;
    try {
      opened = createContext({
        dataDir,
        nativeBinding: electronNativeBindingPath({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appRoot: paths.appRoot }),
      });
    } catch (e) {
      if (e instanceof StoreError) throw new StartupFailure('Relais cannot open its data', e.message);
      log.error('opening the store failed', e);
      throw new StartupFailure('Relais cannot open its data', `Opening ${dataDir} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    ctx = opened;
    opened.desktop = desktopCapabilities(electron, () => Window.getFocusedWindow(), log);
    stopAlertTimer = startAlertTimer(opened, (m) => log.warn(m));
    log.info(`data folder: ${dataDir}`);
    registerApiIpc(ipcMain, { ctx: opened, isOurWindow: (id) => ourWindows.has(id), log });

    createWindow();
    app.on('activate', () => {
      if (Window.getAllWindows().length === 0) createWindow();
    });
  }

  try {
    await start();
  } catch (e) {
    const title = e instanceof StartupFailure ? e.title : 'Relais cannot start';
    const message = e instanceof Error ? e.message : String(e);
    log.error(`${title}: ${message}`, e instanceof StartupFailure ? undefined : e);
    // Safe before 'ready' too: on Linux it then writes to stderr instead of showing a dialog.
    dialog.showErrorBox(title, message);
    closeStore();
    app.exit(1);
  }
}
