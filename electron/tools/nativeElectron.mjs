#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .native/electron-<platform>-<arch>/
// without touching node_modules, whose copy stays built for Node (tests, CLI,
// browser shell). The desktop app hands the result to better-sqlite3 through its
// `nativeBinding` option (electron/services/db/nativeBinding.ts).
//
//   node electron/tools/nativeElectron.mjs [--platform P] [--arch A] [--force]
//        [--from FILE]      install a better_sqlite3.node built elsewhere (checked first)
//        [--nodedir DIR]    Electron headers already on disk, for node-gyp offline
//        [--dist-url URL]   another Electron headers host, for node-gyp
//        [--out DIR]        instead of <repo>/.native
//
// It tries a prebuilt binary first (prebuild-install, from better-sqlite3's GitHub
// releases), then compiles with node-gyp against Electron's headers (host platform
// only). The .node file appears only once it is complete and carries Electron's
// ABI; on failure nothing is written and the exit code is 1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODULE_FILE = 'better_sqlite3.node';

class NativeBuildError extends Error {}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function electronTarget() {
  const electronDir = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(path.join(electronDir, 'package.json'))) {
    throw new NativeBuildError('node_modules/electron is missing: run "npm install" (ELECTRON_SKIP_BINARY_DOWNLOAD=1 is fine).');
  }
  const version = readJson(path.join(electronDir, 'package.json')).version;
  let abi;
  try {
    abi = fs.readFileSync(path.join(electronDir, 'abi_version'), 'utf8').trim();
  } catch {
    abi = undefined;
  }
  if (!abi) {
    abi = String(createRequire(path.join(root, 'package.json'))('node-abi').getAbi(version, 'electron'));
  }
  return { version, abi };
}

/**
 * A module built with NODE_MODULE_INIT exports `node_register_module_v<ABI>`;
 * the name is in the file on every platform (ELF, Mach-O with a leading "_", PE).
 * A build for Node (or another Electron) would crash or refuse to load later, so
 * it is caught here instead.
 */
function abiOfModule(file) {
  const text = fs.readFileSync(file).toString('latin1');
  const match = /node_register_module_v(\d+)/.exec(text);
  return match ? match[1] : null;
}

function assertElectronModule(file, abi, what) {
  if (!fs.existsSync(file)) throw new NativeBuildError(`${what}: ${file} does not exist.`);
  const found = abiOfModule(file);
  if (found !== abi) {
    throw new NativeBuildError(
      `${what}: ${file} is built for ABI ${found ?? 'unknown'}, Electron needs ABI ${abi} (Node ${process.versions.node} is ABI ${process.versions.modules}: were Node's headers used?). Nothing was written.`,
    );
  }
}

// npm passes its config to child processes as npm_config_* variables, which node-gyp and
// prebuild-install read too: an npmrc `nodedir=/usr` makes node-gyp compile against
// Node's headers whatever --target says (seen on this project's CI image). Only our
// flags may choose the target.
const TARGET_SETTINGS = new Set(['nodedir', 'target', 'runtime', 'disturl', 'dist_url', 'arch', 'target_arch', 'platform', 'target_platform', 'build_from_source', 'abi']);

function childEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => {
      const m = /^npm_config_(.+)$/i.exec(key);
      return !(m && TARGET_SETTINGS.has(m[1].toLowerCase().replace(/-/g, '_')));
    }),
  );
}

function run(label, command, args, cwd, timeoutMs) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: childEnv(), maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error) return { ok: false, why: `${label}: ${r.error.code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000} s` : r.error.message}`, output };
  if (r.status !== 0) return { ok: false, why: `${label} exited with ${r.status ?? r.signal}`, output };
  return { ok: true, output };
}

// node-gyp ends every failure with its own stack and environment; the cause is above them.
const NOISE = /^(gyp info|gyp ERR! (stack at|System|command|cwd|node -v|node-gyp -v|not ok|\$npm_)|\(node:\d+\) \[UNDICI|\(Use `node --trace-warnings)/;

function lastLines(text, n = 10) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !NOISE.test(l));
  return lines.slice(-n).map((l) => `      ${l}`).join('\n');
}

/** A copy of better-sqlite3 without its build/: nothing of the Node build can end up in the result. */
function scratchCopy() {
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  if (!fs.existsSync(path.join(source, 'package.json'))) throw new NativeBuildError('node_modules/better-sqlite3 is missing: run "npm install".');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-native-'));
  const copy = path.join(dir, 'better-sqlite3');
  fs.cpSync(source, copy, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(source, src).split(path.sep);
      return rel[0] !== 'build' && rel[0] !== 'node_modules';
    },
  });
  return { dir, copy, version: readJson(path.join(source, 'package.json')).version };
}

function install(file, outFile, stamp) {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  // Copy beside, then rename: a reader never sees half a file, a failure leaves the old one.
  const partial = `${outFile}.partial-${process.pid}`;
  try {
    fs.copyFileSync(file, partial);
    fs.renameSync(partial, outFile);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  fs.writeFileSync(path.join(path.dirname(outFile), 'build.json'), JSON.stringify(stamp, null, 2) + '\n');
}

function upToDate(outFile, stamp) {
  try {
    const old = readJson(path.join(path.dirname(outFile), 'build.json'));
    return old.electron === stamp.electron && old.betterSqlite3 === stamp.betterSqlite3 && abiOfModule(outFile) === stamp.abi;
  } catch {
    return false;
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      platform: { type: 'string', default: process.platform },
      arch: { type: 'string', default: process.arch },
      from: { type: 'string' },
      nodedir: { type: 'string' },
      'dist-url': { type: 'string', default: 'https://electronjs.org/headers' },
      out: { type: 'string', default: path.join(root, '.native') },
      force: { type: 'boolean', default: false },
    },
  });
  const { platform, arch } = values;
  const { version: electron, abi } = electronTarget();
  const betterSqlite3 = readJson(path.join(root, 'node_modules', 'better-sqlite3', 'package.json')).version;
  const outFile = path.resolve(values.out, `electron-${platform}-${arch}`, MODULE_FILE);
  const target = `Electron ${electron} (ABI ${abi}) ${platform}-${arch}`;
  const stamp = { electron, abi, betterSqlite3, platform, arch };

  if (values.from) {
    const from = path.resolve(values.from);
    assertElectronModule(from, abi, 'The given module is not usable');
    install(from, outFile, { ...stamp, source: `copied from ${from}` });
    process.stdout.write(`native: installed ${from} as the SQLite module for ${target}\n  -> ${outFile}\n`);
    return;
  }
  if (!values.force && upToDate(outFile, stamp)) {
    process.stdout.write(`native: SQLite module for ${target} is up to date (${outFile})\n`);
    return;
  }

  const scratch = scratchCopy();
  const built = path.join(scratch.copy, 'build', 'Release', MODULE_FILE);
  const attempts = [];
  try {
    const prebuilt = run(
      'prebuild-install (prebuilt binary from GitHub)',
      process.execPath,
      [path.join(root, 'node_modules', 'prebuild-install', 'bin.js'), '--runtime', 'electron', '--target', electron, '--platform', platform, '--arch', arch, '--verbose'],
      scratch.copy,
      180_000,
    );
    if (prebuilt.ok && fs.existsSync(built)) {
      assertElectronModule(built, abi, 'The prebuilt binary is unusable');
      install(built, outFile, { ...stamp, source: 'prebuild-install' });
      process.stdout.write(`native: SQLite module for ${target} (prebuilt) -> ${outFile}\n`);
      return;
    }
    attempts.push(prebuilt);

    if (platform !== process.platform || arch !== process.arch) {
      attempts.push({
        ok: false,
        why: `node-gyp: not tried, it only compiles for this machine (${process.platform}-${process.arch}); build on a ${platform}-${arch} machine and bring the file with --from`,
        output: '',
      });
    } else {
      const headers = values.nodedir ? [`--nodedir=${path.resolve(values.nodedir)}`] : [`--dist-url=${values['dist-url']}`];
      const compiled = run(
        `node-gyp (compiling against Electron headers from ${values.nodedir ?? values['dist-url']})`,
        process.execPath,
        [path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'rebuild', '--release', `--target=${electron}`, `--arch=${arch}`, ...headers, '--runtime=electron'],
        scratch.copy,
        20 * 60_000,
      );
      if (compiled.ok && fs.existsSync(built)) {
        assertElectronModule(built, abi, 'The compiled module is unusable');
        install(built, outFile, { ...stamp, source: 'node-gyp' });
        process.stdout.write(`native: SQLite module for ${target} (compiled) -> ${outFile}\n`);
        return;
      }
      attempts.push(compiled);
    }
  } finally {
    fs.rmSync(scratch.dir, { recursive: true, force: true });
  }

  throw new NativeBuildError(
    [
      `Could not build the SQLite module (better-sqlite3 ${betterSqlite3}) for ${target}. Nothing was written.`,
      ...attempts.map((a) => `  - ${a.why}${a.output ? `\n${lastLines(a.output)}` : ''}`),
      'This needs github.com (prebuilt binaries) or electronjs.org/headers (headers to compile). Where they are unreachable:',
      '  - build on a machine that reaches them, then: npm run native:electron -- --from path/to/better_sqlite3.node',
      '  - or compile offline against headers on disk: npm run native:electron -- --nodedir path/to/electron-headers',
      "  - or point prebuild-install at a mirror of better-sqlite3's releases: npm_config_better_sqlite3_binary_host=URL",
      'Tests, the CLI and the browser shell (npm start) do not need this module.',
    ].join('\n'),
  );
}

try {
  await main();
} catch (e) {
  process.stderr.write(`native: ${e instanceof NativeBuildError ? e.message : (e?.stack ?? String(e))}\n`);
  process.exit(1);
}
