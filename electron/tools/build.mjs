#!/usr/bin/env node
// Builds Relais: the Electron-side bundles (main, preload, CLI) with esbuild and
// the renderer with Vite. `--only electron|renderer` builds one half.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const version = JSON.parse((await import('node:fs')).readFileSync(path.join(root, 'package.json'), 'utf8')).version;

async function buildElectron() {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
    define: { 'process.env.RELAIS_VERSION': JSON.stringify(version) },
  };
  await Promise.all([
    // Native and Electron modules stay outside the bundles.
    build({ ...common, entryPoints: { main: 'electron/main/main.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, external: ['electron', 'better-sqlite3'] }),
    build({ ...common, entryPoints: { jobWorker: 'electron/workers/jobWorker.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, external: ['electron', 'better-sqlite3'] }),
    build({ ...common, entryPoints: { cli: 'electron/cli/main.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, external: ['electron', 'better-sqlite3'] }),
    // A sandboxed preload can only require a few Electron modules: bundle everything else into it.
    build({ ...common, entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, external: ['electron'], platform: 'browser', target: 'chrome130' }),
  ]);
}

function buildRenderer() {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('renderer build failed');
}

const started = Date.now();
try {
  if (only !== 'renderer') await buildElectron();
  if (only !== 'electron') buildRenderer();
  if (!process.argv.includes('--quiet')) process.stderr.write(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} catch (e) {
  process.stderr.write(`build failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
