/**
 * One stored webhook delivery, in the wrapper-line format the archive importer reads:
 * `raw` is the exact request body, so the importer can re-verify `signature` itself.
 */
export interface WebhookLine {
  raw: string;
  /** `sha256=<lowercase hex>` over the utf-8 bytes of `raw`. */
  signature: string;
  /** Milliseconds since the epoch, when this server acknowledged the delivery. */
  received_at: number;
}

/** Serialises with a fixed key order and a trailing newline: one NDJSON line. */
export function formatWebhookLine(line: WebhookLine): string {
  return JSON.stringify({ raw: line.raw, signature: line.signature, received_at: line.received_at }) + '\n';
}

export function isWebhookLine(value: unknown): value is WebhookLine {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.raw === 'string' && typeof v.signature === 'string' && typeof v.received_at === 'number' && Number.isFinite(v.received_at);
}

/** Parses one NDJSON line (without its newline); null when it is not a wrapper line. */
export function parseWebhookLine(text: string): WebhookLine | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isWebhookLine(value) ? { raw: value.raw, signature: value.signature, received_at: value.received_at } : null;
}
