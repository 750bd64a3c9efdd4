import { isArchiveWrapper, parseArchiveWrapper, parseWebhookBody, type BadLineReason, type ParsedWebhook } from '../../../shared/domain/webhook';
import type { ArchiveBytes } from './archiveReader';
import { verifyWebhookSignature } from './signature';
import { webhookEventsFromBytes } from './webhookBytes';

/** The events of one archive value, or why it is set aside; `wrapped` when it came in a wrapper. */
export type ValueEvents = ParsedWebhook & { wrapped?: boolean };

function jsonProblem(text: string, e: unknown): { reason: BadLineReason; detail: string } {
  const message = e instanceof Error ? e.message : '';
  const at = /at position (\d+)/.exec(message);
  const position = at ? Number(at[1]) : null;
  // V8's own message may quote the line; the report keeps only where it broke, not the data.
  const truncated = /Unexpected end of JSON input|Unterminated string/.test(message) || (position !== null && position >= text.trimEnd().length);
  if (truncated) return { reason: 'truncated_json', detail: 'the JSON value ends early (cut-off line)' };
  return { reason: 'invalid_json', detail: position === null ? 'not valid JSON' : `not valid JSON at character ${position}` };
}

/**
 * Reads one archive value: a plain body straight from its bytes when it can, otherwise
 * JSON.parse, the wrapper and its signature, and the schema, which also names what is wrong.
 */
export function eventsOfValue(value: ArchiveBytes, appSecret: string | Uint8Array | null): ValueEvents {
  if (value.skipped) return { ok: false, reason: 'line_too_long', detail: 'longer than the size limit; skipped unread' };
  const fast = webhookEventsFromBytes(value.buf, value.start, value.end);
  if (fast !== null) return { ok: true, events: fast };
  const text = value.buf.toString('utf8', value.start, value.end);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, ...jsonProblem(text, e) };
  }
  if (!isArchiveWrapper(parsed)) return parseWebhookBody(parsed);
  const w = parseArchiveWrapper(parsed);
  if (!w.ok) return w;
  if (appSecret !== null) {
    if (w.wrapper.signature === undefined) return { ok: false, reason: 'signature_missing', detail: 'the line has no signature to check against the app secret' };
    if (!verifyWebhookSignature(w.wrapper.raw, w.wrapper.signature, appSecret)) {
      return { ok: false, reason: 'signature_mismatch', detail: 'the signature does not match the body with this app secret' };
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(w.wrapper.raw);
  } catch (e) {
    const p = jsonProblem(w.wrapper.raw, e);
    return { ok: false, reason: p.reason, detail: `raw: ${p.detail}` };
  }
  return { ...parseWebhookBody(body, w.wrapper.received_at), wrapped: true };
}
