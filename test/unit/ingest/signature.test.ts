import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../../electron/services/ingest/signature';

describe('X-Hub-Signature-256', () => {
  const body = '{"object":"page","entry":[{"id":"1","time":1775044800000,"messaging":[{"message":{"text":"à 12 €"}}]}]}';

  it('is the HMAC-SHA256 of the raw UTF-8 body with the app secret', () => {
    const expected = `sha256=${crypto.createHmac('sha256', 'secret').update(Buffer.from(body, 'utf8')).digest('hex')}`;
    expect(signWebhookBody(body, 'secret')).toBe(expected);
    expect(verifyWebhookSignature(body, expected, 'secret')).toBe(true);
    expect(verifyWebhookSignature(body, expected.toUpperCase().replace('SHA256=', 'sha256='), 'secret')).toBe(true);
    expect(verifyWebhookSignature(body, expected, new TextEncoder().encode('secret'))).toBe(true);
  });

  it('rejects another secret, another body and malformed signatures without throwing', () => {
    const sig = signWebhookBody(body, 'secret');
    expect(verifyWebhookSignature(body, sig, 'other')).toBe(false);
    expect(verifyWebhookSignature(`${body} `, sig, 'secret')).toBe(false);
    for (const bad of ['', 'sha256=', 'sha1=abc', sig.slice(0, -2), `${sig}00`, `sha256=${'z'.repeat(64)}`, sig.replace('sha256=', '')]) {
      expect(verifyWebhookSignature(body, bad, 'secret')).toBe(false);
    }
  });
});
