import crypto from 'node:crypto';

/**
 * Checks `X-Hub-Signature-256` (`sha256=<hex>`) against the raw body, in constant time, so a
 * forged line cannot learn the expected signature byte by byte.
 */
export function verifyWebhookSignature(rawBody: string, signature: string, appSecret: string | Uint8Array): boolean {
  if (!signature.startsWith('sha256=')) return false;
  const given = Buffer.from(signature.slice(7), 'hex');
  if (given.length !== 32) return false;
  const expected = crypto.createHmac('sha256', appSecret).update(rawBody, 'utf8').digest();
  return crypto.timingSafeEqual(given, expected);
}

/** The importer's name for the one signing function (webhooks/signature.ts). */
export { signBody as signWebhookBody } from '../webhooks/signature';
