import type http from 'node:http';
import { ApiError } from '../../../shared/api/errors';
import { discardBody, mediaType, readBody, sendError, sendJson, sendText, type WebhookLog } from './http';
import type { WebhookLine } from './line';
import { SIGNATURE_HEADER, tokenEquals, verifySignature } from './signature';
import type { Spool } from './spool';

export const WEBHOOK_PATH = '/webhook';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type RejectReason =
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'too_large'
  | 'missing_signature'
  | 'bad_signature'
  | 'bad_body'
  | 'wrong_object'
  | 'storage_failed'
  | 'bad_handshake'
  | 'client_aborted';

export interface WebhookCounters {
  /** Deliveries stored and acknowledged with 200. */
  accepted: number;
  /** Subscription handshakes answered with the challenge. */
  handshakes: number;
  rejected: Record<RejectReason, number>;
}

export function createCounters(): WebhookCounters {
  return {
    accepted: 0,
    handshakes: 0,
    rejected: {
      method_not_allowed: 0,
      unsupported_media_type: 0,
      too_large: 0,
      missing_signature: 0,
      bad_signature: 0,
      bad_body: 0,
      wrong_object: 0,
      storage_failed: 0,
      bad_handshake: 0,
      client_aborted: 0,
    },
  };
}

export interface WebhookEndpointConfig {
  verifyToken: string;
  appSecret: string;
  spool: Spool;
  maxBodyBytes: number;
  counters: WebhookCounters;
  log: WebhookLog;
  onEvent?: (line: WebhookLine) => void;
}

/** Refuses to start with an empty secret: an empty verify token would let anyone claim the endpoint. */
export function checkSecrets(cfg: { verifyToken: string; appSecret: string }): void {
  if (typeof cfg.verifyToken !== 'string' || cfg.verifyToken.length === 0) throw new TypeError('A verify token is required.');
  if (typeof cfg.appSecret !== 'string' || cfg.appSecret.length === 0) throw new TypeError('The App Secret is required to check webhook signatures.');
}

function reject(cfg: WebhookEndpointConfig, reason: RejectReason): void {
  cfg.counters.rejected[reason]++;
  cfg.log.info(`webhooks: rejected a request (${reason})`);
}

/** `GET /webhook`: Meta's subscription handshake. */
function handshake(url: URL, res: http.ServerResponse, cfg: WebhookEndpointConfig): void {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge') ?? '';
  // Always compare, whatever the mode, so the answer time does not depend on which check failed.
  const tokenOk = tokenEquals(token, cfg.verifyToken);
  if (mode !== 'subscribe' || !tokenOk || challenge === '') {
    reject(cfg, 'bad_handshake');
    return sendError(res, new ApiError('FORBIDDEN', 'Verification failed: the verify token does not match.'));
  }
  cfg.counters.handshakes++;
  cfg.log.info('webhooks: subscription handshake answered');
  sendText(res, 200, challenge);
}

/** `POST /webhook`: checks type, size and signature, stores durably, and only then says 200. */
async function delivery(req: http.IncomingMessage, res: http.ServerResponse, cfg: WebhookEndpointConfig): Promise<void> {
  if (mediaType(req) !== 'application/json') {
    reject(cfg, 'unsupported_media_type');
    sendError(res, new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Webhook deliveries must be application/json.'));
    return discardBody(req);
  }
  const tooLarge = () => {
    reject(cfg, 'too_large');
    sendError(res, new ApiError('TOO_LARGE', `Webhook body over ${cfg.maxBodyBytes} bytes.`));
    discardBody(req);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cfg.maxBodyBytes) return tooLarge();
  let body: Buffer | null;
  try {
    body = await readBody(req, cfg.maxBodyBytes);
  } catch {
    // The sender went away mid-body: nothing to answer, and not worth an error log line.
    reject(cfg, 'client_aborted');
    return;
  }
  if (body === null) return tooLarge();

  const check = verifySignature(body, req.headers[SIGNATURE_HEADER], cfg.appSecret);
  if (!check.ok) {
    reject(cfg, check.reason);
    return check.reason === 'missing_signature'
      ? sendError(res, new ApiError('UNAUTHORIZED', 'Missing X-Hub-Signature-256 header.'))
      : sendError(res, new ApiError('FORBIDDEN', 'The X-Hub-Signature-256 signature does not match this body.'));
  }

  const raw = body.toString('utf8');
  // The importer re-verifies the signature over the utf-8 bytes of `raw`: they must be the bytes we received.
  if (!Buffer.from(raw, 'utf8').equals(body)) {
    reject(cfg, 'bad_body');
    return sendError(res, new ApiError('BAD_INPUT', 'The body is not valid UTF-8.'));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    reject(cfg, 'bad_body');
    return sendError(res, new ApiError('BAD_INPUT', 'The body is not valid JSON.'));
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { object?: unknown }).object !== 'page') {
    reject(cfg, 'wrong_object');
    return sendError(res, new ApiError('BAD_INPUT', 'Only Page webhooks ("object": "page") are accepted.'));
  }

  const line: WebhookLine = { raw, signature: check.signature, received_at: Date.now() };
  try {
    await cfg.spool.append(line);
  } catch (e) {
    reject(cfg, 'storage_failed');
    cfg.log.error(`webhooks: could not store a delivery: ${e instanceof Error ? e.message : String(e)}`);
    // Not 200: Meta retries the delivery later.
    return sendError(res, new ApiError('STORAGE', 'The event could not be stored; retry later.'));
  }
  cfg.counters.accepted++;
  try {
    cfg.onEvent?.(line);
  } catch (e) {
    cfg.log.warn(`webhooks: onEvent listener failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  sendText(res, 200, 'EVENT_RECEIVED');
}

export async function handleWebhook(req: http.IncomingMessage, res: http.ServerResponse, url: URL, cfg: WebhookEndpointConfig): Promise<void> {
  if (req.method === 'GET') return handshake(url, res, cfg);
  if (req.method === 'POST') return delivery(req, res, cfg);
  reject(cfg, 'method_not_allowed');
  sendJson(res, 405, { ok: false, error: { code: 'BAD_INPUT', message: 'Use GET (verification) or POST (events).' } }, { Allow: 'GET, POST' });
  discardBody(req);
}
