import { describe, expect, it } from 'vitest';
import { bearerToken, signBody, tokenEquals, verifySignature } from '../../../electron/services/webhooks/signature';
import { APP_SECRET, sign, webhookBody } from './helpers';

describe('webhook signatures', () => {
  const body = Buffer.from(webhookBody(1), 'utf8');

  it('computes X-Hub-Signature-256 as Meta does (HMAC-SHA256 hex of the raw bytes)', () => {
    expect(signBody(body, APP_SECRET)).toBe(sign(body));
    // Known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signBody('The quick brown fox jumps over the lazy dog', 'key')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('accepts the right signature, in either hex case, and returns it normalised', () => {
    expect(verifySignature(body, sign(body), APP_SECRET)).toEqual({ ok: true, signature: sign(body) });
    expect(verifySignature(body, 'sha256=' + sign(body).slice(7).toUpperCase(), APP_SECRET)).toEqual({ ok: true, signature: sign(body) });
  });

  it('rejects missing, malformed, wrong-secret and tampered-body signatures', () => {
    expect(verifySignature(body, undefined, APP_SECRET)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifySignature(body, '', APP_SECRET)).toEqual({ ok: false, reason: 'missing_signature' });
    for (const bad of ['sha1=' + sign(body).slice(7, 47), sign(body).slice(0, -2), 'sha256=zz' + sign(body).slice(9), sign(body) + '00', [sign(body), sign(body)]]) {
      expect(verifySignature(body, bad, APP_SECRET)).toEqual({ ok: false, reason: 'bad_signature' });
    }
    expect(verifySignature(body, sign(body, 'another-secret'), APP_SECRET).ok).toBe(false);
    const tampered = Buffer.from(webhookBody(1).replace('psid-1', 'psid-2'), 'utf8');
    expect(verifySignature(tampered, sign(body), APP_SECRET).ok).toBe(false);
    // Same text, different bytes (an escape decoded): the signature is over bytes, so it fails.
    const decoded = Buffer.from(webhookBody(1).replace('\\u00b0', '°'), 'utf8');
    expect(verifySignature(decoded, sign(body), APP_SECRET).ok).toBe(false);
  });

  it('compares tokens without leaking length or prefix, and reads bearer tokens strictly', () => {
    expect(tokenEquals('abc', 'abc')).toBe(true);
    expect(tokenEquals('abc', 'abcd')).toBe(false);
    expect(tokenEquals('', 'abc')).toBe(false);
    expect(bearerToken('Bearer tok123')).toBe('tok123');
    expect(bearerToken('bearer tok123')).toBe('tok123');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBe('');
    expect(bearerToken('Bearer a b')).toBe('');
    expect(bearerToken(undefined)).toBe('');
  });
});
