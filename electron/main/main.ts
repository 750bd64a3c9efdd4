import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session, shell } from 'electron';
import { launchDesktopApp } from './lifecycle';

// Bundled to dist/electron/main.cjs: the preload sits beside it, the renderer in dist/renderer.
const appRoot = path.resolve(__dirname, '..', '..');

void launchDesktopApp(
  { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session, shell },
  { appRoot, rendererDir: path.join(appRoot, 'dist', 'renderer'), preloadPath: path.join(__dirname, 'preload.cjs') },
  process.argv,
  process.env,
  {
    info: (message) => console.log(`[relais] ${message}`),
    warn: (message) => console.warn(`[relais] ${message}`),
    error: (message, detail) => (detail === undefined ? console.error(`[relais] ${message}`) : console.error(`[relais] ${message}`, detail)),
  },
);
