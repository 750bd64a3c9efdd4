/**
 * What a failed Graph call means for the sync. Graph's error body is
 * `{"error":{"message","type","code","error_subcode","fbtrace_id",…}}`.
 *
 * - rateLimit: codes 4, 17, 32, 613 and Messenger's 80006 — wait, then go on.
 * - transient: HTTP 5xx, code 1 / 2 (unknown / service), 1200, timeouts, resets — retried with backoff.
 * - auth: code 190 (token expired or revoked) — stop this Page, ask to reconnect.
 * - cursorExpired: the paging cursor is no longer accepted — restart the listing.
 * - network: Graph could not be reached at all (after retries) — the app is offline.
 * - other: anything else, recorded with its fbtrace_id.
 */
export type GraphFailureKind = 'rateLimit' | 'transient' | 'auth' | 'cursorExpired' | 'network' | 'other';

export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80006]);
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 1200]);

export interface GraphErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
  fbtrace_id?: unknown;
  error_user_msg?: unknown;
}

export class GraphError extends Error {
  constructor(
    readonly kind: GraphFailureKind,
    message: string,
    readonly details: {
      httpStatus?: number;
      code?: number;
      subcode?: number;
      fbtraceId?: string;
      /** From the error or the usage headers: how long Graph asks us to wait. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }

  get code(): number | undefined {
    return this.details.code;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Graph's own words about a paging cursor it no longer accepts (code 100 with a cursor message). */
function looksLikeCursorError(code: number | undefined, message: string): boolean {
  return code === 100 && /cursor|pagination|paging/i.test(message);
}

export function classifyGraphError(httpStatus: number, body: GraphErrorBody | undefined, scrub: (s: string) => string): GraphError {
  const code = num(body?.code);
  const subcode = num(body?.error_subcode);
  const fbtraceId = str(body?.fbtrace_id);
  const message = scrub(str(body?.message) ?? `HTTP ${httpStatus}`);
  const details = { httpStatus, code, subcode, fbtraceId };
  if (code === 190 || (code === 102 && httpStatus === 401)) return new GraphError('auth', message, details);
  if (code !== undefined && RATE_LIMIT_CODES.has(code)) return new GraphError('rateLimit', message, details);
  if (looksLikeCursorError(code, message)) return new GraphError('cursorExpired', message, details);
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || httpStatus >= 500 || (code === undefined && httpStatus === 429)) {
    return new GraphError(httpStatus === 429 ? 'rateLimit' : 'transient', message, details);
  }
  return new GraphError('other', message, details);
}

/** Network failures that are worth retrying (timeouts, resets, refused connections, DNS hiccups). */
export function isNetworkFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  const cause = (e as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/.test(code)) return true;
  return e instanceof TypeError && /fetch failed|terminated|socket/i.test(e.message);
}
