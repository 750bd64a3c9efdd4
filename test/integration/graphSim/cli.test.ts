import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGraphSimCommand } from '../../../electron/cli/graphSimCommands';
import { runCli } from '../../../electron/cli/relais';
import type { GraphServer } from '../../../electron/services/simulator/graph';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('relais simulate-graph', () => {
  it('serves the scenario, prints the URL and the user token, writes the truth, stops on signal', async () => {
    const c = capture();
    const stop = new AbortController();
    const truth = path.join(tmp.dir, 'truth.json');
    let server: GraphServer | null = null;
    const done = runGraphSimCommand(
      ['--scenario', 'resources/scenarios/small-test.json', '--seed', '42', '--json', '--truth', truth, '--faults', '{"script":[{"at":1,"kind":"server-503"}]}'],
      c.io,
      { signal: stop.signal, onReady: (s) => (server = s) },
    );
    await expect.poll(() => c.out.length, { timeout: 20_000 }).toBe(1);
    const printed = JSON.parse(c.out[0]!) as { url: string; userToken: string; pages: { id: string; conversations: number }[] };
    expect(printed.userToken).toBe(server!.tokens.user);
    const first = await fetch(`${printed.url}/v25.0/me/accounts?access_token=${printed.userToken}`);
    expect(first.status).toBe(503);
    const second = await fetch(`${printed.url}/v25.0/me/accounts?access_token=${printed.userToken}`);
    expect(((await second.json()) as { data: { id: string }[] }).data[0]!.id).toBe(printed.pages[0]!.id);
    const expected = JSON.parse(fs.readFileSync(truth, 'utf8')) as { conversations: unknown[] }[];
    expect(expected[0]!.conversations).toHaveLength(printed.pages[0]!.conversations);
    stop.abort();
    expect(await done).toBe(0);
    expect(c.err.join('\n')).toMatch(/stopped after 2 calls \(1 faults injected/);
  });

  it('refuses bad usage with exit 2 and an unreadable scenario with exit 3', async () => {
    const a = capture();
    expect(await runCli(['simulate-graph'], { io: a.io, env: {} })).toBe(2);
    expect(a.err.join('\n')).toMatch(/Usage: relais simulate-graph/);
    const b = capture();
    expect(await runCli(['simulate-graph', '--scenario', 'x.json', '--faults', '{"script":[{"at":0,"kind":"server-500"}]}'], { io: b.io, env: {} })).toBe(2);
    expect(b.err.join('\n')).toMatch(/--faults/);
    const c = capture();
    expect(await runCli(['simulate-graph', '--scenario', path.join(tmp.dir, 'missing.json')], { io: c.io, env: {} })).toBe(3);
    const d = capture();
    expect(await runCli(['simulate-graph', '--bogus'], { io: d.io, env: {} })).toBe(2);
  });
});
