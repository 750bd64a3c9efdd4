import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/relais';
import { DB_FILE_NAME } from '../../electron/services/db/store';
import { makeTempDir } from '../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

async function relais(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--data-dir', tmp.dir, ...args], { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env: {} });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('relais CLI', () => {
  it('creates and lists workspaces, as text and as JSON', async () => {
    expect((await relais('workspace', 'create', 'Bistro Léon', '--tz', 'Europe/Paris', '--locale', 'fr-FR')).code).toBe(0);
    expect((await relais('workspace', 'create', 'Maple Shop', '--tz', 'America/Toronto', '--locale', 'en-CA')).code).toBe(0);
    const text = await relais('workspace', 'list');
    expect(text.stdout).toMatch(/Bistro Léon\s+Europe\/Paris\s+fr-FR/);
    const json = await relais('workspace', 'list', '--json');
    expect(JSON.parse(json.stdout).map((w: { name: string }) => w.name)).toEqual(['Bistro Léon', 'Maple Shop']);
  });

  it('renames, changes zone, deletes only with the name repeated', async () => {
    await relais('workspace', 'create', 'Shop');
    expect((await relais('workspace', 'rename', 'Shop', 'Shop Two')).code).toBe(0);
    expect((await relais('workspace', 'set', 'Shop Two', '--tz', 'America/Toronto')).stdout).toContain('America/Toronto');
    const refused = await relais('workspace', 'delete', 'Shop Two');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--confirm/);
    expect((await relais('workspace', 'delete', 'Shop Two', '--confirm', 'Shop')).code).toBe(3);
    expect((await relais('workspace', 'delete', 'Shop Two', '--confirm', 'Shop Two')).code).toBe(0);
    expect(JSON.parse((await relais('workspace', 'list', '--json')).stdout)).toEqual([]);
  });

  it('db info gives path, schema version and row counts', async () => {
    await relais('workspace', 'create', 'Bistro');
    const info = JSON.parse((await relais('db', 'info', '--json')).stdout);
    expect(info.path).toBe(path.join(tmp.dir, DB_FILE_NAME));
    expect(info.schemaVersion).toBeGreaterThanOrEqual(2);
    expect(info.journalMode).toBe('wal');
    expect(info.counts.workspaces).toBe(1);
    expect(info.counts.messages).toBe(0);
  });

  it('errors go to stderr with a non-zero exit, stdout stays clean', async () => {
    const bad = await relais('workspace', 'create', 'X', '--tz', 'Mars/Olympus');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/time zone/i);
    const unknown = await relais('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    const badFlag = await relais('workspace', 'list', '--colour');
    expect(badFlag.code).toBe(2);
  });

  it('refuses a corrupt database file with a clear message and leaves it alone', async () => {
    fs.writeFileSync(path.join(tmp.dir, DB_FILE_NAME), 'not a database at all, really'.repeat(10));
    const res = await relais('workspace', 'list');
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/not a Relais database/);
    expect(fs.readFileSync(path.join(tmp.dir, DB_FILE_NAME), 'utf8')).toMatch(/^not a database/);
  });

  it('the installed bin works as a process (`npx relais --help`, exit codes)', () => {
    const bin = path.join(process.cwd(), 'electron', 'bin', 'relais.cjs');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: relais <command>/);
    const list = spawnSync(process.execPath, [bin, 'workspace', 'list', '--json'], { encoding: 'utf8', env: { ...process.env, RELAIS_DATA_DIR: tmp.dir } });
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(fs.existsSync(path.join(tmp.dir, DB_FILE_NAME))).toBe(true);
  });
});
