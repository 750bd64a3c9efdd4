import { GraphError } from './graphErrors';
import { realClock, type Clock } from './usage';

/**
 * Facebook Login for Devices: `POST /device/login` with the app token `APP_ID|CLIENT_TOKEN`
 * gives a user code to enter at facebook.com/device; `POST /device/login_status` is then
 * polled every `interval` seconds: error 31/1349174 while pending, 17/1349172 when polled too
 * fast (wait longer), 463/1349152 when the code expired; then `{access_token, expires_in}`.
 */
export interface DeviceCode {
  code: string;
  userCode: string;
  verificationUri: string;
  expiresInS: number;
  intervalS: number;
}

export interface DeviceLoginOptions {
  baseUrl: string;
  version: string;
  /** `APP_ID|CLIENT_TOKEN`. */
  appToken: string;
  scope?: string;
  clock?: Clock;
  /** Length of a Graph second in ms (tests shrink it with the simulator's minute). */
  secondMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export const DEVICE_LOGIN_SCOPE = 'pages_show_list,pages_messaging,pages_read_engagement,pages_manage_metadata';

async function post(o: DeviceLoginOptions, action: 'login' | 'login_status', fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams({ access_token: o.appToken, ...fields });
  const res = await (o.fetch ?? fetch)(`${o.baseUrl.replace(/\/+$/, '')}/${o.version}/device/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    signal: o.signal,
  });
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // an empty or non-JSON answer is handled as an error below
  }
  return { status: res.status, body };
}

function errorOf(status: number, body: Record<string, unknown>): GraphError {
  const e = (body.error ?? {}) as { message?: unknown; code?: unknown; error_subcode?: unknown; fbtrace_id?: unknown };
  const message = typeof e.message === 'string' ? e.message.replace(/access_token=[^&\s"']+/gi, 'access_token=[redacted]') : `HTTP ${status}`;
  const details = {
    httpStatus: status,
    code: typeof e.code === 'number' ? e.code : undefined,
    subcode: typeof e.error_subcode === 'number' ? e.error_subcode : undefined,
    fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : undefined,
  };
  return new GraphError(details.code === 190 || details.code === 463 ? 'auth' : status >= 500 ? 'transient' : 'other', message, details);
}

export async function startDeviceLogin(o: DeviceLoginOptions): Promise<DeviceCode> {
  const r = await post(o, 'login', { scope: o.scope ?? DEVICE_LOGIN_SCOPE });
  const b = r.body;
  if (r.status !== 200 || typeof b.code !== 'string' || typeof b.user_code !== 'string') throw errorOf(r.status, b);
  return {
    code: b.code,
    userCode: b.user_code,
    verificationUri: typeof b.verification_uri === 'string' ? b.verification_uri : 'https://www.facebook.com/device',
    expiresInS: typeof b.expires_in === 'number' ? b.expires_in : 420,
    intervalS: typeof b.interval === 'number' ? b.interval : 5,
  };
}

export class DeviceLoginExpired extends Error {
  constructor() {
    super('The login code expired before it was entered. Run the login again for a new code.');
    this.name = 'DeviceLoginExpired';
  }
}

/** Polls until the user approves; resolves with the user access token (keep it secret). */
export async function waitForDeviceLogin(o: DeviceLoginOptions, device: DeviceCode): Promise<string> {
  const clock = o.clock ?? realClock;
  const secondMs = o.secondMs ?? 1000;
  let interval = device.intervalS;
  const deadline = clock.now() + device.expiresInS * secondMs;
  for (;;) {
    await clock.sleep(interval * secondMs, o.signal);
    if (clock.now() > deadline + interval * secondMs) throw new DeviceLoginExpired();
    const r = await post(o, 'login_status', { code: device.code });
    if (r.status === 200 && typeof r.body.access_token === 'string') return r.body.access_token;
    const e = errorOf(r.status, r.body);
    if (e.details.subcode === 1349174) continue; // not yet approved
    if (e.details.subcode === 1349172) {
      interval += Math.max(1, Math.ceil(device.intervalS / 2)); // polled too fast
      continue;
    }
    if (e.details.subcode === 1349152) throw new DeviceLoginExpired();
    throw e;
  }
}
