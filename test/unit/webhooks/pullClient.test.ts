import { describe, expect, it } from 'vitest';
import type { WebhookLine } from '../../../electron/services/webhooks/line';
import { backoffDelay, pullFromRelay, RelayPullError, type PullOptions } from '../../../electron/services/webhooks/pullClient';
import { PULL_TOKEN, sign, webhookBody } from './helpers';

const events: WebhookLine[] = [...Array(10).keys()].map((i) => ({ raw: webhookBody(i), signature: sign(webhookBody(i)), received_at: 1_700_000_000_000 + i }));

type Step = 'ok' | 'refused' | 'reset' | 'cut' | 503 | 429 | 401 | 400 | 404 | 'garbage' | 'hang';

/** A fake relay whose cursors are indexes; `script` decides what each request gets (default 'ok'). */
function fakeRelay(script: Step[] = []) {
  const calls: { url: URL; auth: string | null }[] = [];
  const fetchImpl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push({ url, auth: new Headers(init?.headers).get('authorization') });
    const step = script[calls.length - 1] ?? 'ok';
    if (step === 'refused' || step === 'reset') throw new TypeError('fetch failed', { cause: Object.assign(new Error('boom'), { code: step === 'refused' ? 'ECONNREFUSED' : 'ECONNRESET' }) });
    if (step === 'hang') {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    if (step === 'garbage') return new Response('<html>proxy</html>', { status: 200 });
    if (step === 'cut') {
      // Headers and the start of a page arrive, then the connection dies.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"events":[{"raw":"{\\"obj'));
          controller.error(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));
        },
      });
      return new Response(body, { status: 200 });
    }
    if (typeof step === 'number') {
      return new Response(JSON.stringify({ ok: false, error: { code: 'X', message: step === 400 ? 'Invalid cursor: it was altered.' : 'no' } }), { status: step, headers: step === 429 ? { 'Retry-After': '0' } : {} });
    }
    const after = Number(url.searchParams.get('after') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '4');
    const page = events.slice(after, after + limit);
    const next = after + page.length;
    return new Response(JSON.stringify({ events: page, next: String(next), more: next < events.length, gap: false }), { status: 200 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

function collect() {
  const batches: { lines: WebhookLine[]; next: string }[] = [];
  return { batches, onBatch: (lines: WebhookLine[], next: string) => void batches.push({ lines, next }) };
}

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 200 };
const base = (f: typeof fetch, extra: Partial<PullOptions> = {}): PullOptions => ({ url: 'https://relay.example/base', pullToken: PULL_TOKEN, fetch: f, retry: fast, onBatch: () => undefined, ...extra });

describe('relay pull client', () => {
  it('pages through /events with the bearer token, advancing the cursor after each batch', async () => {
    const relay = fakeRelay();
    const sink = collect();
    const result = await pullFromRelay(base(relay.fetchImpl, { limit: 4, onBatch: sink.onBatch }));
    expect(result).toEqual({ cursor: '10', pages: 3, events: 10, gap: false, complete: true });
    expect(sink.batches.map((b) => b.next)).toEqual(['4', '8', '10']);
    expect(sink.batches.flatMap((b) => b.lines)).toEqual(events);
    expect(relay.calls.map((c) => `${c.url.pathname}?${c.url.searchParams}`)).toEqual(['/base/events?limit=4', '/base/events?after=4&limit=4', '/base/events?after=8&limit=4']);
    expect(relay.calls.every((c) => c.auth === `Bearer ${PULL_TOKEN}`)).toBe(true);
  });

  it('resumes from a given cursor and stops early with maxPages', async () => {
    const relay = fakeRelay();
    const sink = collect();
    const result = await pullFromRelay(base(relay.fetchImpl, { cursor: '6', limit: 2, maxPages: 1, onBatch: sink.onBatch }));
    expect(result).toMatchObject({ cursor: '8', pages: 1, complete: false });
    expect(sink.batches[0]!.lines).toEqual(events.slice(6, 8));
  });

  it('retries refused and reset connections, 5xx and 429, then carries on', async () => {
    const relay = fakeRelay(['ok', 'refused', 503, 'reset', 429, 'ok']);
    const retries: string[] = [];
    const sink = collect();
    const result = await pullFromRelay(base(relay.fetchImpl, { limit: 5, retry: { ...fast, attempts: 5 }, onBatch: sink.onBatch, onRetry: (r) => retries.push(r.reason) }));
    expect(result).toMatchObject({ cursor: '10', events: 10, complete: true });
    expect(retries).toEqual(['connection refused, ECONNREFUSED', 'the relay answered HTTP 503', 'connection reset, ECONNRESET', 'the relay answered HTTP 429']);
    expect(sink.batches.flatMap((b) => b.lines)).toEqual(events);
  });

  it('retries a page whose body was cut off and never hands a partial page to onBatch', async () => {
    const relay = fakeRelay(['ok', 'cut', 'ok', 'ok']);
    const retries: string[] = [];
    const sink = collect();
    await pullFromRelay(base(relay.fetchImpl, { limit: 4, onBatch: sink.onBatch, onRetry: (r) => retries.push(r.reason) }));
    expect(retries).toEqual(['connection closed in the middle of the answer, UND_ERR_SOCKET']);
    expect(sink.batches.flatMap((b) => b.lines)).toEqual(events);
  });

  it('gives up after the allowed attempts with a typed error holding the cursor reached so far', async () => {
    const relay = fakeRelay(['ok', 'ok', 'refused', 'refused', 'refused']);
    const sink = collect();
    const err = await pullFromRelay(base(relay.fetchImpl, { limit: 3, onBatch: sink.onBatch })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayPullError);
    expect(err).toMatchObject({ code: 'RELAY_UNAVAILABLE', cursor: '6', progress: { pages: 2, events: 6, attempts: 3 } });
    expect((err as Error).message).toMatch(/unavailable .*after 3 attempts.*resumes/);
    expect((err as Error).message).not.toContain(PULL_TOKEN);
    expect(sink.batches.at(-1)!.next).toBe('6');
    // The next pull from that cursor gets exactly the rest.
    const rest = collect();
    await pullFromRelay(base(fakeRelay().fetchImpl, { cursor: (err as RelayPullError).cursor, limit: 3, onBatch: rest.onBatch }));
    expect([...sink.batches, ...rest.batches].flatMap((b) => b.lines)).toEqual(events);
  });

  it('treats a relay that stops answering as transient (per-request timeout)', async () => {
    const relay = fakeRelay(['hang', 'hang', 'hang']);
    const err = await pullFromRelay(base(relay.fetchImpl, { retry: { ...fast, timeoutMs: 30 } })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RELAY_UNAVAILABLE', cursor: null });
    expect((err as Error).message).toMatch(/did not answer in time/);
  });

  it('does not retry a refused token, a refused cursor or a non-relay answer', async () => {
    for (const [step, code] of [
      [401, 'RELAY_UNAUTHORIZED'],
      [400, 'RELAY_BAD_CURSOR'],
      [404, 'RELAY_PROTOCOL'],
      ['garbage', 'RELAY_PROTOCOL'],
    ] as const) {
      const relay = fakeRelay([step]);
      const err = await pullFromRelay(base(relay.fetchImpl)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code });
      expect(relay.calls).toHaveLength(1);
      if (step === 400) expect((err as Error).message).toBe('Invalid cursor: it was altered.');
    }
  });

  it('never moves past a page whose onBatch failed, and passes its error through', async () => {
    const relay = fakeRelay();
    let n = 0;
    const boom = new Error('disk full');
    const err = await pullFromRelay(
      base(relay.fetchImpl, {
        limit: 4,
        onBatch: () => {
          if (++n === 2) throw boom;
        },
      }),
    ).catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(relay.calls).toHaveLength(2);
    expect(relay.calls[1]!.url.searchParams.get('after')).toBe('4');
  });

  it('can be cancelled, also while waiting to retry', async () => {
    const controller = new AbortController();
    const relay = fakeRelay(['refused', 'refused', 'refused']);
    const pending = pullFromRelay(base(relay.fetchImpl, { signal: controller.signal, retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 } }));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'PULL_ABORTED', cursor: null });
  });

  it('rejects addresses that are not http(s) URLs', async () => {
    await expect(pullFromRelay({ ...base(fakeRelay().fetchImpl), url: 'relay.example' })).rejects.toMatchObject({ code: 'RELAY_PROTOCOL' });
    await expect(pullFromRelay({ ...base(fakeRelay().fetchImpl), url: 'ftp://relay.example' })).rejects.toMatchObject({ code: 'RELAY_PROTOCOL' });
  });

  it('backs off exponentially with jitter, within the cap', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(30, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(30, 100, 10_000, () => 0)).toBe(5_000);
  });
});
