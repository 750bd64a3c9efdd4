import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../electron/services/sync/graphClient';
import { GraphError, classifyGraphError } from '../../../electron/services/sync/graphErrors';
import { readUsage, RequestPacer, type Clock } from '../../../electron/services/sync/usage';

/** A tiny stand-in for Graph: each request is answered by the next scripted reply. */
type Reply = { status?: number; body?: unknown; headers?: Record<string, string>; destroy?: boolean };
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakeGraph(replies: (Reply | ((seen: Seen) => Reply))[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body };
      seen.push(s);
      const next = replies.shift() ?? { status: 500, body: { error: { message: 'script exhausted', code: 1 } } };
      const reply = typeof next === 'function' ? next(s) : next;
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body ?? {}));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Virtual time: sleeps advance it at once and are recorded. */
function virtualClock(): Clock & { waits: number[]; t: number } {
  const c = {
    t: 1_000_000,
    waits: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.waits.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const TOKEN = 'EAAB-secret-page-token-4242';
const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({ error: { message, type: 'OAuthException', code, fbtrace_id: 'TRACE123', ...extra } });

describe('Graph client', () => {
  it('calls base URL + version, sends the token in a header, never in the URL', async () => {
    const g = await fakeGraph([{ body: { data: [{ id: '1' }] } }]);
    const client = new GraphClient({ baseUrl: g.url, version: 'v25.0', clock: virtualClock() });
    const reply = await client.get<{ data: { id: string }[] }>('me/accounts', { fields: 'id,name', limit: 100 }, TOKEN);
    expect(reply.data[0]!.id).toBe('1');
    expect(g.seen[0]!.url).toBe('/v25.0/me/accounts?fields=id%2Cname&limit=100');
    expect(g.seen[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(g.seen[0]!.url).not.toContain(TOKEN);
  });

  it('retries 500s and code 1200 with growing, capped, jittered waits, then succeeds', async () => {
    const g = await fakeGraph([
      { status: 500, body: graphError(1, 'An unknown error has occurred.') },
      { status: 503, body: graphError(2, 'Service temporarily unavailable') },
      { status: 500, body: graphError(1200, 'Temporary send message failure') },
      { destroy: true },
      { body: { ok: 1 } },
    ]);
    const clock = virtualClock();
    const client = new GraphClient({ baseUrl: g.url, clock, random: () => 0.5, retry: { baseMs: 100, capMs: 500 }, pace: { maxPerSecond: 1000 } });
    expect(await client.get('x', {}, TOKEN)).toEqual({ ok: 1 });
    expect(g.seen).toHaveLength(5);
    // Half the ceiling plus half of a random share of it: 75, 150, 300, then capped at 500 → 375.
    expect(clock.waits.filter((w) => w > 1)).toEqual([75, 150, 300, 375]);
  });

  it('gives up on a transient fault after maxAttempts, with a clear error', async () => {
    const g = await fakeGraph(Array.from({ length: 3 }, () => ({ status: 500, body: graphError(1, 'An unknown error has occurred.') })));
    const client = new GraphClient({ baseUrl: g.url, clock: virtualClock(), retry: { maxAttempts: 3 } });
    const e = await client.get('x', {}, TOKEN).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GraphError);
    expect((e as GraphError).kind).toBe('transient');
    expect((e as GraphError).details.fbtraceId).toBe('TRACE123');
  });

  it.each([4, 17, 32, 613, 80006])('waits estimated_time_to_regain_access on rate-limit code %i', async (code) => {
    const buc = JSON.stringify({ '111': [{ type: 'pages', call_count: 100, total_cputime: 40, total_time: 40, estimated_time_to_regain_access: 3 }] });
    const g = await fakeGraph([{ status: 400, body: graphError(code, 'limit reached'), headers: { 'x-business-use-case-usage': buc } }, { body: { ok: 1 } }]);
    const clock = virtualClock();
    const client = new GraphClient({ baseUrl: g.url, clock, minuteMs: 1000 });
    expect(await client.get('x', {}, TOKEN)).toEqual({ ok: 1 });
    expect(Math.max(...clock.waits)).toBeGreaterThanOrEqual(3000);
  });

  it('code 190 is not retried and says "auth"; its message never carries the token', async () => {
    const g = await fakeGraph([{ status: 400, body: graphError(190, `Error validating access token ${TOKEN}: Session has expired`, { error_subcode: 463 }) }]);
    const client = new GraphClient({ baseUrl: g.url, clock: virtualClock() });
    const e = (await client.get('x', {}, TOKEN).catch((x: unknown) => x)) as GraphError;
    expect(e.kind).toBe('auth');
    expect(e.details.subcode).toBe(463);
    expect(e.message).not.toContain(TOKEN);
    expect(g.seen).toHaveLength(1);
  });

  it('batches GETs in one POST; each item answers on its own', async () => {
    const g = await fakeGraph([
      {
        body: [
          { code: 200, body: JSON.stringify({ id: 'a' }) },
          { code: 400, body: JSON.stringify(graphError(100, 'Unsupported get request.')) },
          null,
        ],
      },
    ]);
    const client = new GraphClient({ baseUrl: g.url, clock: virtualClock() });
    const items = await client.batch<{ id: string }>(['a?fields=id', 'b?fields=id', 'c?fields=id'], TOKEN);
    expect(items[0]).toEqual({ ok: true, body: { id: 'a' } });
    expect(items[1]!.ok === false && items[1]!.error.kind).toBe('other');
    expect(items[2]!.ok === false && items[2]!.error.kind).toBe('transient');
    const form = new URLSearchParams(g.seen[0]!.body);
    expect(g.seen[0]!.method).toBe('POST');
    expect(JSON.parse(form.get('batch')!)).toEqual([
      { method: 'GET', relative_url: 'a?fields=id' },
      { method: 'GET', relative_url: 'b?fields=id' },
      { method: 'GET', relative_url: 'c?fields=id' },
    ]);
    expect(g.seen[0]!.url).not.toContain(TOKEN);
  });
});

describe('usage headers and pace', () => {
  it('reads the highest percentage and the longest regain time', () => {
    const h: Record<string, string> = {
      'x-app-usage': '{"call_count":12,"total_cputime":30,"total_time":7}',
      'x-business-use-case-usage': '{"1":[{"type":"pages","call_count":55,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}],"2":[{"type":"messenger","call_count":5,"estimated_time_to_regain_access":2}]}',
    };
    expect(readUsage((n) => h[n] ?? null, 1000)).toEqual({ percent: 55, regainMs: 2000 });
    expect(readUsage(() => 'not json')).toEqual({ percent: null, regainMs: 0 });
  });

  it('slows down between slowFrom and stopAt, pauses at stopAt, and shrinks batches near the limit', async () => {
    const clock = virtualClock();
    const pacer = new RequestPacer({ maxPerSecond: 10, slowFrom: 70, stopAt: 90, highUsagePauseMs: 5000 }, clock);
    expect(pacer.interval()).toBe(100);
    await pacer.beforeRequest(undefined, 1);
    pacer.observe({ percent: 10, regainMs: 0 });
    expect(pacer.callBudget()).toBe(4); // 10 % for one call: 8 more before 90 %, planned at twice the cost
    await pacer.beforeRequest(undefined, 5);
    pacer.observe({ percent: 80, regainMs: 0 });
    expect(pacer.interval()).toBeCloseTo(550);
    expect(pacer.callBudget()).toBe(1);
    pacer.observe({ percent: 92, regainMs: 0 });
    const before = clock.t;
    await pacer.beforeRequest(undefined, 1);
    expect(clock.t - before).toBeGreaterThanOrEqual(5000);
  });

  it('classifies errors', () => {
    const id = (s: string) => s;
    expect(classifyGraphError(400, { code: 100, message: '(#100) The cursor is invalid or has expired.' }, id).kind).toBe('cursorExpired');
    expect(classifyGraphError(400, { code: 100, message: '(#100) Tried accessing nonexisting field' }, id).kind).toBe('other');
    expect(classifyGraphError(500, undefined, id).kind).toBe('transient');
    expect(classifyGraphError(400, { code: 80006, message: 'too many' }, id).kind).toBe('rateLimit');
  });
});
