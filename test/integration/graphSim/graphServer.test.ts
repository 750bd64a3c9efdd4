import fs from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Simulation, makeMid } from '../../../electron/services/simulator';
import { buildGraphWorld, startGraphServer, type GraphServer, type GraphServerOptions, type GraphWorld } from '../../../electron/services/simulator/graph';
import { parseScenario } from '../../../shared/domain/scenario';

const scenario = JSON.parse(fs.readFileSync('resources/scenarios/small-test.json', 'utf8')) as Record<string, unknown>;
let world: GraphWorld;
const servers: GraphServer[] = [];

beforeAll(() => {
  world = buildGraphWorld(scenario);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Omit<GraphServerOptions, 'world'> = {}): Promise<GraphServer> {
  const s = await startGraphServer({ world, seed: 7, ...options });
  servers.push(s);
  return s;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function get(s: GraphServer, path: string, token: string | null, params: Record<string, string> = {}): Promise<Reply> {
  const q = new URLSearchParams(params);
  if (token) q.set('access_token', token);
  const r = await fetch(`${s.url}/v25.0/${path}?${q.toString()}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

async function getUrl(url: string): Promise<Reply> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

const err = (r: Reply) => r.body.error as { code: number; error_subcode?: number; message: string; fbtrace_id: string; is_transient?: boolean };
const pageId = () => world.pages[0]!.id;
const GRAPH_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

describe('Graph simulator: accounts and tokens', () => {
  it('lists the Pages with their Page tokens for the user token', async () => {
    const s = await start();
    const r = await get(s, 'me/accounts', s.tokens.user);
    expect(r.status).toBe(200);
    const data = r.body.data as { id: string; name: string; access_token: string; tasks: string[] }[];
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ id: pageId(), name: 'Bistro Test', access_token: s.tokens.pages[pageId()] });
    expect(data[0]!.tasks).toContain('MESSAGING');
    expect(r.headers.get('x-app-usage')).toMatch(/call_count/);
  });

  it('answers 190 with an fbtrace_id for a missing or unknown token, 210 for a user token on Page data', async () => {
    const s = await start();
    const missing = await get(s, 'me/accounts', null);
    expect(err(missing).code).toBe(190);
    expect(err(missing).fbtrace_id).toMatch(/^A[A-Za-z0-9]{10}$/);
    const wrong = await get(s, 'me/accounts', 'EAAGnotatoken');
    expect(err(wrong).code).toBe(190);
    const userOnPage = await get(s, `${pageId()}/conversations`, s.tokens.user, { platform: 'messenger' });
    expect(err(userOnPage).code).toBe(210);
  });

  it('accepts the token as a Bearer header too', async () => {
    const s = await start();
    const r = await fetch(`${s.url}/v25.0/me`, { headers: { authorization: `Bearer ${s.tokens.user}` } });
    expect(await r.json()).toMatchObject({ name: 'Relais Tester' });
  });
});

describe('Graph simulator: conversations', () => {
  it('pages through every conversation, newest updated_time first, via paging.next', async () => {
    const s = await start();
    const token = s.tokens.pages[pageId()]!;
    let r = await get(s, `${pageId()}/conversations`, token, { platform: 'messenger', fields: 'id,updated_time,participants', limit: '37' });
    const ids: string[] = [];
    const times: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      const data = r.body.data as { id: string; updated_time: string; participants: { data: { id: string }[] } }[];
      for (const c of data) {
        ids.push(c.id);
        times.push(c.updated_time);
        expect(c.updated_time).toMatch(GRAPH_TIME);
        expect(c.participants.data.map((p) => p.id)).toContain(pageId());
      }
      const paging = r.body.paging as { next?: string; cursors: { after: string } };
      expect(paging.cursors.after).toBeTruthy();
      if (!paging.next) break;
      expect(paging.next).toContain('access_token=');
      r = await getUrl(paging.next);
    }
    const expected = s.expected()[0]!;
    expect(ids).toEqual(expected.conversations.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(ids.length / 37));
    const ms = times.map((t) => Date.parse(t.replace('+0000', 'Z')));
    for (let i = 1; i < ms.length; i++) expect(ms[i]!).toBeLessThanOrEqual(ms[i - 1]!);
  });

  it('ignores since/until like the real API, clamps limit to 100 and defaults it to 25', async () => {
    const s = await start();
    const token = s.tokens.pages[pageId()]!;
    const plain = await get(s, `${pageId()}/conversations`, token, { platform: 'messenger' });
    expect(plain.body.data).toHaveLength(25);
    const filtered = await get(s, `${pageId()}/conversations`, token, { platform: 'messenger', since: '2030-01-01', until: '2000-01-01' });
    expect(filtered.body.data).toEqual(plain.body.data);
    const big = await get(s, `${pageId()}/conversations`, token, { platform: 'messenger', limit: '1000' });
    expect(big.body.data).toHaveLength(100);
  });

  it('follows before cursors back to the previous page', async () => {
    const s = await start();
    const token = s.tokens.pages[pageId()]!;
    const first = await get(s, `${pageId()}/conversations`, token, { limit: '10' });
    const second = await getUrl((first.body.paging as { next: string }).next);
    const back = await getUrl((second.body.paging as { previous: string }).previous);
    expect(back.body.data).toEqual(first.body.data);
  });
});

describe('Graph simulator: messages', () => {
  it('gives details for the 20 most recent messages only, with second precision and webhook mids', async () => {
    const s = await start();
    const token = s.tokens.pages[pageId()]!;
    const long = world.pages[0]!.conversations.find((c) => c.messages.length > 30)!;
    expect(long).toBeTruthy();
    const r = await get(s, long.id, token, { fields: 'messages.limit(100){id,created_time,from,to,message}' });
    const msgs = (r.body.messages as { data: { id: string; created_time: string; from: { id: string }; to: { data: { id: string }[] }; message: string }[] }).data;
    expect(msgs).toHaveLength(20);
    const newest = long.messages.slice(-20).reverse();
    expect(msgs.map((m) => m.id)).toEqual(newest.map((m) => m.id));
    for (const [i, m] of msgs.entries()) {
      const truth = newest[i]!;
      expect(m.created_time).toMatch(GRAPH_TIME);
      expect(Date.parse(m.created_time.replace('+0000', 'Z'))).toBe(Math.floor(truth.at / 1000) * 1000);
      expect(m.from.id).toBe(truth.direction === 'in' ? long.psid : pageId());
      expect(m.to.data[0]!.id).toBe(truth.direction === 'in' ? pageId() : long.psid);
      expect(m.message).toBe(truth.text);
    }
    // The edge pages, then stops at 20.
    const edge = await get(s, `${long.id}/messages`, token, { fields: 'id,created_time', limit: '15' });
    expect(edge.body.data).toHaveLength(15);
    const rest = await getUrl((edge.body.paging as { next: string }).next);
    expect(rest.body.data).toHaveLength(5);
    expect((rest.body.paging as { next?: string }).next).toBeUndefined();
    // An older message is gone for the API; a recent one answers.
    const old = await get(s, long.messages[0]!.id, token, { fields: 'id,message' });
    expect(err(old)).toMatchObject({ code: 100, error_subcode: 33 });
    const recent = await get(s, newest[0]!.id, token, { fields: 'id,message,created_time' });
    expect(recent.body).toMatchObject({ id: newest[0]!.id, message: newest[0]!.text });
  });

  it('uses the same mids as the webhook events of the same scenario', () => {
    const mids = new Set<string>();
    const sim = new Simulation(parseScenario(scenario), { expectedRates: false, onMessage: (m) => mids.add(m.mid) });
    for (const day of sim.days()) void day;
    const all = world.pages[0]!.conversations.flatMap((c) => c.messages.map((m) => m.id));
    expect(all.length).toBe(mids.size);
    for (const id of all) expect(mids.has(id)).toBe(true);
  });

  it('rejects a field the node does not have with code 100', async () => {
    const s = await start();
    const c = world.pages[0]!.conversations[0]!;
    const r = await get(s, c.id, s.tokens.pages[pageId()]!, { fields: 'id,bogus' });
    expect(err(r).code).toBe(100);
    expect(err(r).message).toContain('bogus');
  });
});

describe('Graph simulator: batch', () => {
  it('answers each item with code, headers and a JSON body string; at most 50 items', async () => {
    const s = await start();
    const token = s.tokens.pages[pageId()]!;
    const convs = world.pages[0]!.conversations.slice(0, 3);
    const batch = [...convs.map((c) => ({ method: 'GET', relative_url: `${c.id}?fields=messages{id,created_time}` })), { method: 'GET', relative_url: 'v25.0/t_0000?fields=id' }];
    const r = await fetch(`${s.url}/v25.0/`, { method: 'POST', body: new URLSearchParams({ access_token: token, batch: JSON.stringify(batch) }) });
    expect(r.status).toBe(200);
    const items = (await r.json()) as { code: number; headers: { name: string; value: string }[]; body: string }[];
    expect(items).toHaveLength(4);
    expect(items.slice(0, 3).map((i) => i.code)).toEqual([200, 200, 200]);
    expect((JSON.parse(items[0]!.body) as { id: string }).id).toBe(convs[0]!.id);
    expect(items[0]!.headers.map((h) => h.name)).toContain('X-Business-Use-Case-Usage');
    expect(items[3]!.code).toBe(400);
    expect((JSON.parse(items[3]!.body) as { error: { code: number } }).error.code).toBe(100);
    expect(s.stats.calls).toBe(4);

    const tooMany = await fetch(`${s.url}/v25.0/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: token, batch: Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: 'me' })) }),
    });
    expect(((await tooMany.json()) as { error: { code: number } }).error.code).toBe(100);
  });
});

describe('Graph simulator: usage headers and rate limits', () => {
  it('raises X-App-Usage and the BUC usage with the call rate, then refuses with 32 until access is regained', async () => {
    let clock = 1_000_000;
    const s = await start({ now: () => clock, rateLimits: { minuteMs: 1000, windowMinutes: 10, pageCallsPerWindow: 20, appCallsPerWindow: 1000, penaltyMinutes: 2 } });
    const token = s.tokens.pages[pageId()]!;
    const usages: number[] = [];
    let refused: Reply | null = null;
    for (let i = 0; i < 30 && !refused; i++) {
      const r = await get(s, `${pageId()}/conversations`, token, { limit: '5' });
      if (r.status !== 200) refused = r;
      else {
        const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!) as Record<string, { type: string; call_count: number; estimated_time_to_regain_access: number }[]>;
        usages.push(buc[pageId()]![0]!.call_count);
        expect(JSON.parse(r.headers.get('x-app-usage')!)).toHaveProperty('total_cputime');
      }
    }
    expect(usages.length).toBe(20);
    for (let i = 1; i < usages.length; i++) expect(usages[i]!).toBeGreaterThanOrEqual(usages[i - 1]!);
    expect(usages[19]).toBe(100);
    expect(err(refused!).code).toBe(32);
    const buc = JSON.parse(refused!.headers.get('x-business-use-case-usage')!) as Record<string, { estimated_time_to_regain_access: number }[]>;
    expect(buc[pageId()]![0]!.estimated_time_to_regain_access).toBe(2);
    // Still throttled a minute later; after the penalty and the window have passed, access is back.
    clock += 1000;
    expect(err(await get(s, `${pageId()}/conversations`, token)).code).toBe(32);
    clock += 10_000;
    expect((await get(s, `${pageId()}/conversations`, token)).status).toBe(200);
    expect(s.stats.throttled).toBe(2);
  });

  it('a client pacing itself under the budget is never refused', async () => {
    let clock = 0;
    const s = await start({ now: () => clock, rateLimits: { minuteMs: 1000, windowMinutes: 1, pageCallsPerWindow: 10 } });
    const token = s.tokens.pages[pageId()]!;
    for (let i = 0; i < 40; i++) {
      clock += 150; // 6.7 calls per window of 10
      expect((await get(s, `${pageId()}/conversations`, token, { limit: '2' })).status).toBe(200);
    }
  });
});

describe('Graph simulator: faults', () => {
  const rateCases = [
    ['rate-limit-4', 4],
    ['rate-limit-17', 17],
    ['rate-limit-32', 32],
    ['rate-limit-613', 613],
    ['rate-limit-80006', 80006],
  ] as const;
  for (const [kind, code] of rateCases) {
    it(`${kind}: code ${code} at call N, transient, with time to regain access`, async () => {
      let clock = 0;
      const s = await start({ now: () => clock, faults: { script: [{ at: 2, kind }] }, rateLimits: { minuteMs: 1000, penaltyMinutes: 3 } });
      const token = s.tokens.pages[pageId()]!;
      expect((await get(s, `${pageId()}/conversations`, token)).status).toBe(200);
      const r = await get(s, `${pageId()}/conversations`, token);
      expect(err(r)).toMatchObject({ code, is_transient: true });
      expect(err(r).fbtrace_id).toBeTruthy();
      const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!) as Record<string, { type: string; estimated_time_to_regain_access: number }[]>;
      const entries = buc[pageId()]!;
      if (kind === 'rate-limit-4' || kind === 'rate-limit-17') expect(r.headers.get('x-app-usage')).toBeTruthy();
      else expect(Math.max(...entries.map((e) => e.estimated_time_to_regain_access))).toBe(3);
      if (kind === 'rate-limit-80006') expect(entries.map((e) => e.type)).toContain('messenger');
      clock += 2000;
      expect(err(await get(s, `${pageId()}/conversations`, token)).code).toBe(code);
      clock += 1500;
      expect((await get(s, `${pageId()}/conversations`, token)).status).toBe(200);
      expect(s.stats.faultsInjected[kind]).toBe(1);
    });
  }

  for (const [kind, status, code] of [
    ['server-500', 500, 1],
    ['server-503', 503, 2],
    ['temporary-1200', 500, 1200],
  ] as const) {
    it(`${kind}: HTTP ${status}, code ${code}, only on the scripted calls`, async () => {
      const s = await start({ faults: { script: [{ at: 1, kind, times: 2 }] } });
      const token = s.tokens.pages[pageId()]!;
      const a = await get(s, `${pageId()}/conversations`, token);
      const b = await get(s, `${pageId()}/conversations`, token);
      const c = await get(s, `${pageId()}/conversations`, token);
      expect([a.status, b.status, c.status]).toEqual([status, status, 200]);
      expect(err(a)).toMatchObject({ code, is_transient: true });
    });
  }

  it('connection-reset: the socket is destroyed', async () => {
    const s = await start({ faults: { script: [{ at: 1, kind: 'connection-reset' }] } });
    await expect(fetch(`${s.url}/v25.0/me?access_token=${s.tokens.user}`)).rejects.toThrow();
    expect((await get(s, 'me', s.tokens.user)).status).toBe(200);
  });

  it('timeout: no answer until the client gives up; close() still returns', async () => {
    const s = await start({ faults: { script: [{ at: 1, kind: 'timeout' }] } });
    await expect(fetch(`${s.url}/v25.0/me?access_token=${s.tokens.user}`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await get(s, 'me', s.tokens.user)).status).toBe(200);
    expect(s.stats.faultsInjected.timeout).toBe(1);
  });

  it('a connection fault on a batch item fails the whole batch', async () => {
    const s = await start({ faults: { script: [{ at: 2, kind: 'connection-reset' }] } });
    const body = new URLSearchParams({ access_token: s.tokens.user, batch: JSON.stringify([{ method: 'GET', relative_url: 'me' }, { method: 'GET', relative_url: 'me' }]) });
    await expect(fetch(`${s.url}/`, { method: 'POST', body })).rejects.toThrow();
  });

  it('token-revoked: 190/460 from call N on, for that token only', async () => {
    const s = await start({ faults: { script: [{ at: 3, kind: 'token-revoked', token: pageId() }] } });
    const token = s.tokens.pages[pageId()]!;
    expect((await get(s, `${pageId()}/conversations`, token)).status).toBe(200);
    expect((await get(s, `${pageId()}/conversations`, token)).status).toBe(200);
    const r = await get(s, `${pageId()}/conversations`, token);
    expect(err(r)).toMatchObject({ code: 190, error_subcode: 460 });
    expect(err(await get(s, `${pageId()}/conversations`, token)).code).toBe(190);
    expect((await get(s, 'me/accounts', s.tokens.user)).status).toBe(200);
  });

  it('expired-cursor: code 100 naming the cursor, on the first paged call from N; also after cursorTtlMinutes', async () => {
    let clock = 0;
    const s = await start({ now: () => clock, faults: { script: [{ at: 1, kind: 'expired-cursor' }], cursorTtlMinutes: 5 }, rateLimits: { minuteMs: 1000 } });
    const token = s.tokens.pages[pageId()]!;
    const first = await get(s, `${pageId()}/conversations`, token, { limit: '10' });
    expect(first.status).toBe(200);
    const next = (first.body.paging as { next: string }).next;
    const expired = await getUrl(next);
    expect(err(expired).code).toBe(100);
    expect(err(expired).message).toMatch(/cursor/);
    expect((await getUrl(next)).status).toBe(200);
    clock += 6000;
    expect(err(await getUrl(next)).message).toMatch(/cursor/);
  });

  it('seeded random faults are the same for the same seed and call numbers', async () => {
    const run = async () => {
      const s = await start({ seed: 'same', faults: { rates: { 'server-500': 0.2, 'server-503': 0.1 } } });
      const codes: number[] = [];
      for (let i = 0; i < 40; i++) codes.push((await get(s, 'me', s.tokens.user)).status);
      return { codes, stats: s.stats };
    };
    const a = await run();
    const b = await run();
    expect(a.codes).toEqual(b.codes);
    expect(a.codes.filter((c) => c !== 200).length).toBe(a.stats.faultsTotal);
    expect(a.stats.faultsTotal).toBeGreaterThan(2);
    expect(a.stats.faultsTotal).toBeLessThan(25);
  });

  it('rejects an unknown fault kind', async () => {
    await expect(startGraphServer({ world, faults: { script: [{ at: 1, kind: 'nope' as never }] } })).rejects.toThrow();
  });
});

describe('Graph simulator: device login', () => {
  it('pending (31/1349174), slow down (17/1349172), then the user token after K polls; expiry 463', async () => {
    let clock = 0;
    const s = await start({ now: () => clock, rateLimits: { minuteMs: 600 }, deviceLogin: { pollsUntilAuthorized: 2, intervalSeconds: 5, expiresInSeconds: 60 } });
    const post = async (path: string, params: Record<string, string>) => {
      const r = await fetch(`${s.url}/v25.0/${path}`, { method: 'POST', body: new URLSearchParams(params) });
      return (await r.json()) as Record<string, unknown> & { error?: { code: number; error_subcode?: number } };
    };
    expect((await post('device/login', { access_token: s.tokens.user })).error?.code).toBe(190);
    const login = await post('device/login', { access_token: s.tokens.app, scope: 'pages_messaging,pages_read_engagement' });
    expect(login).toMatchObject({ verification_uri: 'https://www.facebook.com/device', expires_in: 60, interval: 5 });
    const code = login.code as string;
    expect(typeof login.user_code).toBe('string');
    const poll = () => post('device/login_status', { access_token: s.tokens.app, code });
    expect((await poll()).error).toMatchObject({ code: 31, error_subcode: 1349174 });
    clock += 10; // far faster than 5 Graph seconds (50 ms)
    expect((await poll()).error).toMatchObject({ code: 17, error_subcode: 1349172 });
    clock += 60;
    expect((await poll()).error).toMatchObject({ code: 31 });
    clock += 60;
    const ok = await poll();
    expect(ok.access_token).toBe(s.tokens.user);
    const login2 = await post('device/login', { access_token: s.tokens.app });
    clock += 700;
    expect((await post('device/login_status', { access_token: s.tokens.app, code: login2.code as string })).error).toMatchObject({ code: 463, error_subcode: 1349152 });
  });
});

describe('Graph simulator: ground truth', () => {
  it('a careful crawl of the API yields exactly expectedSync()', async () => {
    const s = await start();
    const token = s.tokens.pages[pageId()]!;
    const got: { id: string; psid: string; messages: { id: string; createdAt: number; fromId: string; text: string }[] }[] = [];
    let url: string | undefined = `${s.url}/v25.0/${pageId()}/conversations?platform=messenger&limit=50&fields=${encodeURIComponent('id,participants,updated_time')}&access_token=${token}`;
    const convIds: { id: string; psid: string }[] = [];
    while (url) {
      const r = await getUrl(url);
      for (const c of r.body.data as { id: string; participants: { data: { id: string }[] } }[]) convIds.push({ id: c.id, psid: c.participants.data.find((p) => p.id !== pageId())!.id });
      url = (r.body.paging as { next?: string } | undefined)?.next;
    }
    for (let i = 0; i < convIds.length; i += 50) {
      const chunk = convIds.slice(i, i + 50);
      const batch = chunk.map((c) => ({ method: 'GET', relative_url: `${c.id}?fields=messages.limit(25){id,created_time,from,message}` }));
      const r = await fetch(`${s.url}/v25.0/`, { method: 'POST', body: new URLSearchParams({ access_token: token, batch: JSON.stringify(batch), include_headers: 'false' }) });
      const items = (await r.json()) as { code: number; body: string }[];
      items.forEach((it, k) => {
        expect(it.code).toBe(200);
        const body = JSON.parse(it.body) as { messages: { data: { id: string; created_time: string; from: { id: string }; message: string }[] } };
        got.push({
          id: chunk[k]!.id,
          psid: chunk[k]!.psid,
          messages: body.messages.data.map((m) => ({ id: m.id, createdAt: Date.parse(m.created_time.replace('+0000', 'Z')), fromId: m.from.id, text: m.message })),
        });
      });
    }
    const truth = s.expected()[0]!;
    expect(got).toEqual(truth.conversations.map((c) => ({ id: c.id, psid: c.psid, messages: c.messages.map((m) => ({ id: m.id, createdAt: m.createdAt, fromId: m.fromId, text: m.text })) })));
    expect(truth.retrievableMessages + truth.unretrievableMessages).toBe(world.pages[0]!.conversations.reduce((a, c) => a + c.messages.length, 0));
    expect(truth.unretrievableMessages).toBeGreaterThan(0);
    expect(s.stats.peakCallsPerSecond).toBeGreaterThan(0);
  });
});

describe('Graph simulator: new activity between syncs', () => {
  it('addMessage appends the thread\'s next mid and moves the conversation to the top', async () => {
    const small = buildGraphWorld({ ...scenario, population: { ...(scenario.population as object), size: 40 }, days: 3 });
    const s = await startGraphServer({ world: small });
    servers.push(s);
    const page = small.pages[0]!;
    const token = s.tokens.pages[page.id]!;
    const last = page.conversations[page.conversations.length - 1]!;
    const seq = last.messages.length;
    const m = s.addMessage(page.id, { psid: last.psid, direction: 'in', text: 'Encore là ?' });
    expect(m.id).toBe(makeMid(String(scenario.seed), page.id, last.psid, seq));
    const top = await get(s, `${page.id}/conversations`, token, { limit: '1', fields: 'id,messages.limit(1){id,message}' });
    const first = (top.body.data as { id: string; messages: { data: { id: string; message: string }[] } }[])[0]!;
    expect(first.id).toBe(last.id);
    expect(first.messages.data[0]).toEqual({ id: m.id, message: 'Encore là ?' });
    expect(s.expected()[0]!.conversations[0]!.messages[0]!.id).toBe(m.id);
    const fresh = s.addMessage(page.id, { psid: '9999999999999999', direction: 'in', text: 'Bonjour', name: 'Nouveau Client' });
    const again = await get(s, `${page.id}/conversations`, token, { limit: '2', fields: 'participants' });
    const convs = again.body.data as { participants: { data: { id: string; name: string }[] } }[];
    expect(convs[0]!.participants.data[0]).toMatchObject({ id: '9999999999999999', name: 'Nouveau Client' });
    expect(fresh.at).toBeGreaterThan(m.at);
  });
});
