#!/usr/bin/env node
// `npm run bench -- NAME [args]`: bundles electron/bench/NAME.ts and runs it with
// Node. Each bench prints a readable table and, as its last line, one JSON object
// with all its figures (targets are ratios against a baseline measured in the same run).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const benchDir = path.join(root, 'electron', 'bench');
const available = fs.readdirSync(benchDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  process.stderr.write(`Usage: npm run bench -- NAME [options]\nBenchmarks: ${available.join(', ') || '(none)'}\n`);
  process.exit(name ? 2 : 0);
}

const outfile = path.join(root, 'dist', 'bench', `${name}.cjs`);
await build({
  entryPoints: [path.join(benchDir, `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['better-sqlite3', 'electron'],
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
