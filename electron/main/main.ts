import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { createContext, type AppContext } from '../services/context';
import { APP_DIR_NAME, resolveDataDir } from '../services/dataDir';
import { electronNativeBindingPath } from '../services/db/nativeBinding';
import { StoreError } from '../services/db/store';
import { registerApiIpc } from './ipc';
import { dataDirFlag } from './launchOptions';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { APP_ENTRY_URL, hardenSession, hardenWebContents, webPreferences } from './security';

// Bundled to dist/electron/main.cjs: the preload sits beside it, the renderer in dist/renderer.
const bundleDir = __dirname;
const appRoot = path.resolve(bundleDir, '..', '..');
const rendererDir = path.join(appRoot, 'dist', 'renderer');
const preloadPath = path.join(bundleDir, 'preload.cjs');

const log = {
  info: (message: string) => console.log(`[relais] ${message}`),
  warn: (message: string) => console.warn(`[relais] ${message}`),
  error: (message: string, detail?: unknown) => console.error(`[relais] ${message}`, detail ?? ''),
};

// The package is named "relais"; the data folder, menus and the Chromium profile say "Relais",
// the same folder the CLI and the browser shell use (services/dataDir.ts).
app.setName(APP_DIR_NAME);
const dataDir = resolveDataDir(dataDirFlag(process.argv), process.env);
// Chromium's profile lives with the store, so the single-instance lock below is per
// data folder: one writer per store, and tests with their own folder never collide.
app.setPath('userData', dataDir);
if (process.platform === 'win32') app.setAppUserModelId('app.relais.desktop');

// Every renderer sandboxed, whatever a future window's options say.
app.enableSandbox();
registerAppScheme(protocol);

const ourWindows = new Set<number>();
let ctx: AppContext | null = null;

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

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Relais',
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 600,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: webPreferences(preloadPath),
  });
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
    // Another Relais already owns this data folder; it will come to the front (see second-instance).
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openExternal: (url) => shell.openExternal(url) }));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    ctx?.store.close();
    ctx = null;
  });

  await app.whenReady();
  hardenSession(session.defaultSession);
  handleAppProtocol(protocol, rendererDir, log);

  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new StartupFailure('Relais cannot start', `The interface files are missing (${rendererDir}). Run "npm run build" first.`);
  }

  let opened: AppContext;
  try {
    opened = createContext({
      dataDir,
      nativeBinding: electronNativeBindingPath({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appRoot }),
    });
  } catch (e) {
    if (e instanceof StoreError) throw new StartupFailure('Relais cannot open its data', e.message);
    log.error('opening the store failed', e);
    throw new StartupFailure('Relais cannot open its data', `Opening ${dataDir} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  ctx = opened;
  log.info(`data folder: ${dataDir}`);
  registerApiIpc(ipcMain, { ctx: opened, isOurWindow: (id) => ourWindows.has(id), log });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

start().catch((e: unknown) => {
  const title = e instanceof StartupFailure ? e.title : 'Relais cannot start';
  const message = e instanceof Error ? e.message : String(e);
  log.error(`${title}: ${message}`);
  // Safe before 'ready' too: on Linux it then writes to stderr instead of a dialog.
  dialog.showErrorBox(title, message);
  ctx?.store.close();
  app.exit(1);
});
