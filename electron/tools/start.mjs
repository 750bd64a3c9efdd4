#!/usr/bin/env node
// `npm start`: opens Relais in Electron where its binary exists, otherwise in the
// browser shell — and says which, and why.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const passThrough = process.argv.slice(2);

/** Path of the Electron binary, or the reason there is none. Never triggers a download. */
function findElectron() {
  if (process.env.RELAIS_SHELL === 'browser') return { reason: 'RELAIS_SHELL=browser was set' };
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return { reason: "Electron's binary is not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download host is unreachable)" };
  }
  const exe = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  if (!fs.existsSync(exe)) return { reason: `Electron's binary is missing at ${exe}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no graphical display (DISPLAY/WAYLAND_DISPLAY unset)' };
  }
  const native = path.join(root, '.native', `electron-${process.platform}-${process.arch}`, 'better_sqlite3.node');
  if (!fs.existsSync(native)) {
    return { reason: `the SQLite module for Electron is not built (run "npm run native:electron" once)` };
  }
  return { exe };
}

const found = findElectron();
let child;
if (found.exe) {
  process.stderr.write('Relais: starting the desktop app (Electron).\n');
  child = spawn(found.exe, [path.join(root, 'dist', 'electron', 'main.cjs'), ...passThrough], { stdio: 'inherit' });
} else {
  process.stderr.write(`Relais: opening the browser shell instead of the desktop window, because ${found.reason}.\n`);
  child = spawn(process.execPath, [path.join(root, 'dist', 'electron', 'cli.cjs'), 'ui', '--demo-if-empty', ...passThrough], { stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
