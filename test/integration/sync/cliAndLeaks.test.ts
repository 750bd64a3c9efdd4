import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/relais';
import { dispatch } from '../../../electron/services/api/dispatch';
import { createContext, type AppContext } from '../../../electron/services/context';
import { openStore } from '../../../electron/services/db/store';
import type { GraphServer } from '../../../electron/services/simulator/graph';
import { makeTempDir } from '../../support/tempDir';
import { expectedHistory, startSim, storedHistory } from './support';

let tmp: ReturnType<typeof makeTempDir>;
let sim: GraphServer;
const outputs: string[] = [];

beforeAll(async () => {
  tmp = makeTempDir('relais-sync-cli-');
  sim = await startSim({ deviceLogin: { pollsUntilAuthorized: 2, intervalSeconds: 2 } });
}, 60_000);
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

async function relais(env: NodeJS.ProcessEnv, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--data-dir', tmp.dir, ...args], { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env: { RELAIS_GRAPH_MINUTE_MS: '50', ...env } });
  outputs.push(out.join('\n'), err.join('\n'));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Every 16-character piece of every token: a partial leak is a leak. */
function tokenPieces(): string[] {
  const all = [sim.tokens.user, sim.tokens.app, ...Object.values(sim.tokens.pages)];
  const pieces: string[] = [];
  for (const t of all) for (let i = 0; i + 16 <= t.length; i += 8) pieces.push(t.slice(i, i + 16));
  return pieces;
}

function leaks(text: string): string[] {
  return tokenPieces().filter((p) => text.includes(p));
}

describe('relais login / pages / sync against the Graph simulator', () => {
  it('device login, pages, sync: the database equals the ground truth', async () => {
    expect((await relais({}, 'workspace', 'create', 'Bistro Test')).code).toBe(0);
    const login = await relais({ FB_APP: sim.tokens.app }, 'login', '--graph-url', sim.url, '--app-token-env', 'FB_APP', '--json');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toMatch(/open https:\/\/www\.facebook\.com\/device and enter the code [A-Z0-9]{8}/);
    expect(login.stderr).toMatch(/UNENCRYPTED|encrypted/); // where the token went, said plainly
    expect(JSON.parse(login.stdout).pages.map((p: { pageId: string }) => p.pageId)).toEqual(sim.world.pages.map((p) => p.id));

    const sync = await relais({ RELAIS_GRAPH_MAX_RPS: '500' }, 'sync', '--json');
    expect(sync.code, sync.stderr).toBe(0);
    const report = JSON.parse(sync.stdout);
    expect(report.pages[0].status).toBe('done');
    expect(report.pages[0].messagesOutOfReach).toBe(sim.expected()[0]!.unretrievableMessages);

    const pages = JSON.parse((await relais({}, 'pages', '--json')).stdout);
    expect(pages.pages[0]).toMatchObject({ status: 'done', hasToken: true, selected: true });
    expect(pages.graphUrl).toBe(sim.url);

    const store = openStore({ dataDir: tmp.dir });
    try {
      expect(storedHistory(store.db)).toEqual(expectedHistory(sim));
    } finally {
      store.close();
    }
  }, 60_000);

  it('a revoked token: exit 1 and "run relais login", with the fbtrace_id', async () => {
    sim.revokeToken(sim.world.pages[0]!.id);
    const text = await relais({}, 'sync', '--graph-url', sim.url);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/refused or revoked — run: relais login \(fbtrace_id A\w+\)/);
    const json = await relais({}, 'sync', '--json');
    expect(JSON.parse(json.stdout).pages[0]).toMatchObject({ status: 'reconnect', error: { kind: 'auth', code: 190 } });
  }, 60_000);

  it('Graph unreachable: a clear message, and pages says offline since when the data dates', async () => {
    const down = await relais({}, 'sync', '--graph-url', 'http://127.0.0.1:9');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/could not be reached/);
    const pages = JSON.parse((await relais({}, 'pages', '--json')).stdout);
    expect(pages.offline).toBe(true);
    expect(pages.dataFrom).toBeGreaterThan(0);
  }, 60_000);

  it('no token appears in CLI output, API replies, job views, the database, logs or exports', async () => {
    let ctx: AppContext | null = null;
    try {
      ctx = createContext({ dataDir: tmp.dir });
      const wsId = ctx.workspaces.list()[0]!.id;
      const replies: unknown[] = [];
      const call = async (method: string, input: unknown) => {
        const r = await dispatch(ctx!, method as never, input as never);
        replies.push(r);
        return r;
      };
      // A fresh connection with the user token goes through the API.
      const fresh = await startSim({ world: sim.world, seed: 'leak-check' });
      try {
        await call('sync:connect', { workspaceId: wsId, graphUrl: fresh.url, userToken: fresh.tokens.user });
        const job = (await call('sync:start', { workspaceId: wsId })) as { ok: true; data: { id: string } };
        await ctx.jobs.wait(job.data.id);
        await call('sync:status', { workspaceId: wsId });
        await call('sync:pages', { workspaceId: wsId });
        await call('jobs:list', {});
        // A refused token and a bad one produce errors: they must not quote the token either.
        await call('sync:connect', { workspaceId: wsId, userToken: 'EAAGnotARealToken0000000000000000' });
        fresh.revokeToken(fresh.world.pages[0]!.id);
        const again = (await call('sync:start', { workspaceId: wsId })) as { ok: true; data: { id: string } };
        replies.push(await ctx.jobs.wait(again.data.id));
        await call('sync:status', { workspaceId: wsId });
        for (const p of tokenPieces()) expect(p.length).toBe(16);
        const freshPieces = [fresh.tokens.user, ...Object.values(fresh.tokens.pages)].flatMap((t) => Array.from({ length: Math.floor((t.length - 16) / 8) + 1 }, (_, i) => t.slice(i * 8, i * 8 + 16)));
        const text = JSON.stringify(replies);
        expect(freshPieces.filter((p) => text.includes(p))).toEqual([]);
        expect(text).toContain('"reconnect"'); // the revocation did happen
      } finally {
        await fresh.close();
      }
      expect(leaks(JSON.stringify(replies))).toEqual([]);
    } finally {
      ctx?.store.close();
    }
    // CLI stdout and stderr of every command above.
    expect(leaks(outputs.join('\n'))).toEqual([]);
    // Every file of the data folder but the token file itself: database, WAL, logs, backups, exports.
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(tmp.dir);
    const tokenFile = files.filter((f) => f.includes(`${path.sep}secrets${path.sep}`));
    expect(tokenFile.length).toBeGreaterThan(0);
    for (const f of files.filter((x) => !tokenFile.includes(x))) expect({ file: f, leaks: leaks(fs.readFileSync(f).toString('latin1')) }).toEqual({ file: f, leaks: [] });
  }, 60_000);
});
