import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** `sha256=<hex>` as Meta sends it in X-Hub-Signature-256, over the exact body bytes. */
export function signBody(body: Buffer | string, appSecret: string | Uint8Array): string {
  return 'sha256=' + crypto.createHmac('sha256', appSecret).update(body).digest('hex');
}

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: 'missing_signature' | 'bad_signature' };

const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Verifies a signature header over the raw bytes. The comparison is on fixed-length
 * digests with timingSafeEqual so its duration says nothing about how many bytes matched.
 * On success the normalised (lowercase) header value is returned for storage.
 */
export function verifySignature(body: Buffer, header: string | string[] | undefined, appSecret: string): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'missing_signature' };
  if (Array.isArray(header)) return { ok: false, reason: 'bad_signature' };
  const match = SIGNATURE_FORMAT.exec(header.trim());
  if (!match) return { ok: false, reason: 'bad_signature' };
  const expected = crypto.createHmac('sha256', appSecret).update(body).digest();
  const given = Buffer.from(match[1]!, 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, signature: 'sha256=' + expected.toString('hex') };
}

/**
 * Constant-time string equality for tokens: hashing first gives equal-length inputs,
 * so neither the length nor a common prefix of the secret leaks through timing.
 */
export function tokenEquals(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given, 'utf8').digest();
  const b = crypto.createHash('sha256').update(expected, 'utf8').digest();
  return crypto.timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <token>`, or '' when absent or another scheme. */
export function bearerToken(header: string | undefined): string {
  if (!header) return '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}
