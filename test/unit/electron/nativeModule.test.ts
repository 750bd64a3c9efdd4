import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronNativeBindingPath } from '../../../electron/services/db/nativeBinding';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = path.join(root, 'electron', 'tools', 'nativeElectron.mjs');
const electronAbi = fs.readFileSync(path.join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
const nodeBuild = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

let out: string;
beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-native-test-'));
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

// Only the offline paths (--from, up to date) run here: the others need github.com or electronjs.org.
function native(...args: string[]) {
  return spawnSync(process.execPath, [script, '--out', out, '--platform', 'linux', '--arch', 'x64', ...args], { encoding: 'utf8', timeout: 60_000 });
}
const installed = () => path.join(out, 'electron-linux-x64', 'better_sqlite3.node');

describe('nativeElectron.mjs', () => {
  it("refuses node_modules' Node build (wrong ABI), writes nothing and leaves it alone", () => {
    const before = fs.statSync(nodeBuild).mtimeMs;
    const r = native('--from', nodeBuild);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Electron needs ABI ${electronAbi}`);
    expect(r.stderr).toContain(`ABI ${process.versions.modules}`);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(fs.statSync(nodeBuild).mtimeMs).toBe(before);
  });

  it('fails clearly for a file that does not exist', () => {
    const r = native('--from', path.join(out, 'missing.node'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('installs a module carrying Electron\'s ABI, then finds it up to date without any download', () => {
    // Stand-in for a real build: the check reads only the registration symbol's name.
    const fake = path.join(out, 'fake.node');
    fs.writeFileSync(fake, `\0ELF...node_register_module_v${electronAbi}\0...`);
    const first = native('--from', fake);
    expect(first.status, first.stderr).toBe(0);
    expect(fs.readFileSync(installed(), 'utf8')).toContain(`node_register_module_v${electronAbi}`);
    const stamp = JSON.parse(fs.readFileSync(path.join(out, 'electron-linux-x64', 'build.json'), 'utf8')) as Record<string, string>;
    expect(stamp).toMatchObject({ abi: electronAbi, platform: 'linux', arch: 'x64' });
    expect(fs.readdirSync(path.join(out, 'electron-linux-x64')).sort()).toEqual(['better_sqlite3.node', 'build.json']);

    const again = native();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  });
});

describe('electron-builder hook', () => {
  const hooks = createRequire(import.meta.url)('../../../electron/tools/electronBuilderHooks.cjs') as {
    beforePack: unknown;
    nativeTargetOf(context: { electronPlatformName: string; arch: number }): { platform: string; arch: string };
  };

  it('exports beforePack and maps electron-builder targets to .native names', () => {
    expect(typeof hooks.beforePack).toBe('function');
    expect(hooks.nativeTargetOf({ electronPlatformName: 'linux', arch: 1 })).toEqual({ platform: 'linux', arch: 'x64' });
    expect(hooks.nativeTargetOf({ electronPlatformName: 'win32', arch: 0 })).toEqual({ platform: 'win32', arch: 'ia32' });
    expect(hooks.nativeTargetOf({ electronPlatformName: 'darwin', arch: 3 })).toEqual({ platform: 'darwin', arch: 'arm64' });
    expect(hooks.nativeTargetOf({ electronPlatformName: 'mas', arch: 1 })).toEqual({ platform: 'darwin', arch: 'x64' });
    expect(() => hooks.nativeTargetOf({ electronPlatformName: 'darwin', arch: 4 })).toThrow(/universal/);
  });
});

describe('electron-builder.yml', () => {
  const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');

  it('never rebuilds node_modules in place and keeps .node files out of the asar', () => {
    expect(yml).toMatch(/^npmRebuild: false$/m);
    expect(yml).toMatch(/^asar: true$/m);
    expect(yml).toMatch(/^asarUnpack:\n\s+- "\*\*\/\*\.node"$/m);
    expect(yml).toMatch(/^beforePack: \.\/electron\/tools\/electronBuilderHooks\.cjs$/m);
  });

  it.each(['linux', 'win32', 'darwin'])('ships the %s Electron build where the packaged app looks for it', (platform) => {
    const dev = electronNativeBindingPath({ isPackaged: false, resourcesPath: '', appRoot: root, platform, arch: '${arch}' });
    const from = path.relative(root, dev).split(path.sep).join('/');
    const packaged = electronNativeBindingPath({ isPackaged: true, resourcesPath: '/resources', appRoot: root });
    const to = path.relative('/resources', packaged).split(path.sep).join('/');
    expect(yml).toContain(`- from: ${from}\n      to: ${to}\n`);
  });

  it('targets AppImage, deb, NSIS and dmg', () => {
    for (const target of ['AppImage', 'deb', 'nsis', 'dmg']) expect(yml).toMatch(new RegExp(`^\\s+- ${target}$`, 'm'));
  });
});
