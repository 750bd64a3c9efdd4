import { ApiError } from '../../../shared/api/errors';
import { closeServer, createServer, defaultLog, describeListenError, discardBody, isLoopbackHost, listen, sendError, urlHost, type WebhookLog } from './http';
import type { WebhookLine } from './line';
import type { Spool } from './spool';
import { checkSecrets, createCounters, DEFAULT_MAX_BODY_BYTES, handleWebhook, WEBHOOK_PATH, type WebhookCounters } from './webhookEndpoint';

export interface WebhookReceiverOptions {
  /** 127.0.0.1 unless the user exposes the receiver on purpose (for a tunnel). */
  host?: string;
  /** 0 or absent: any free port. */
  port?: number;
  verifyToken: string;
  appSecret: string;
  /** Where accepted deliveries go; the caller opens and closes it. */
  spool: Spool;
  maxBodyBytes?: number;
  /** Called after a delivery is durably stored, before the 200 goes out. */
  onEvent?: (line: WebhookLine) => void;
  log?: WebhookLog;
}

export interface WebhookReceiver {
  /** The callback address, e.g. http://127.0.0.1:8787/webhook. */
  url: string;
  host: string;
  /** The address actually bound (127.0.0.1 by default). */
  address: string;
  port: number;
  /** Live counts of accepted and rejected requests. */
  readonly counters: Readonly<WebhookCounters>;
  close(): Promise<void>;
}

export function warnIfExposed(host: string, log: WebhookLog, what: string): void {
  if (isLoopbackHost(host)) return;
  log.warn(
    `WARNING: the ${what} listens on ${host}, not only on this machine. Anyone who can reach it can try requests; ` +
      'signatures and tokens are checked, but serve it through HTTPS (a tunnel or a reverse proxy) and keep its port closed otherwise.',
  );
}

/** The local webhook receiver: Meta's handshake and signed deliveries on /webhook, stored in a spool. */
export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  checkSecrets(opts);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? defaultLog;
  const counters = createCounters();
  const cfg = {
    verifyToken: opts.verifyToken,
    appSecret: opts.appSecret,
    spool: opts.spool,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    counters,
    log,
    onEvent: opts.onEvent,
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (url.pathname === WEBHOOK_PATH) return handleWebhook(req, res, url, cfg);
    sendError(res, new ApiError('NOT_FOUND', `Nothing here; webhooks go to ${WEBHOOK_PATH}.`));
    discardBody(req);
  }, log);
  let bound: { address: string; port: number };
  try {
    bound = await listen(server, host, opts.port ?? 0);
  } catch (e) {
    throw describeListenError(e, host, opts.port ?? 0);
  }
  warnIfExposed(host, log, 'webhook receiver');
  return {
    url: `http://${urlHost(host)}:${bound.port}${WEBHOOK_PATH}`,
    host,
    address: bound.address,
    port: bound.port,
    counters,
    close: () => closeServer(server),
  };
}
