import { describe, expect, it } from 'vitest';
import { TokenRedactor, redact } from '../../../electron/services/secrets';

const TOKEN = 'EAAGabc123DEF456ghi789JKL012mno345PQR678';
const APP = '1517776481860111|0123456789abcdef0123456789abcdef';

describe('redact', () => {
  it('replaces known tokens wherever they appear, percent-encoded too', () => {
    expect(redact(`x ${TOKEN} y ${TOKEN}`, [TOKEN])).toBe('x [redacted] y [redacted]');
    expect(redact(`code=${encodeURIComponent(APP)}`, [APP])).toBe('code=[redacted]');
    expect(redact(`app ${APP}`, [APP])).toBe('app [redacted]');
  });

  it('replaces access_token values and bearer credentials even when the token is not known', () => {
    expect(redact('https://h/v25.0/me/accounts?limit=25&access_token=EAAGunknown999&after=abc')).toBe('https://h/v25.0/me/accounts?limit=25&access_token=[redacted]&after=abc');
    expect(redact('{"access_token":"EAAGsecret","expires_in":3600}')).toBe('{"access_token":"[redacted]","expires_in":3600}');
    expect(redact('Authorization: Bearer EAAGsecretsecret')).toBe('Authorization: Bearer [redacted]');
    expect(redact('next=https%3A%2F%2Fh%2Fx%3Faccess_token%3DEAAGzzz%26a%3D1')).not.toContain('EAAGzzz');
  });

  it('a longer token containing a shorter one is removed whole', () => {
    const short = TOKEN.slice(0, 16);
    expect(redact(`${TOKEN}`, [short, TOKEN])).toBe('[redacted]');
  });

  it('leaves text without tokens alone and ignores too-short "tokens"', () => {
    expect(redact('nothing secret here: page 1048', ['abc'])).toBe('nothing secret here: page 1048');
  });

  it('TokenRedactor cleans an Error message and stack', () => {
    const r = new TokenRedactor();
    r.add(TOKEN);
    const e = r.redactError(new Error(`request with ${TOKEN} failed`));
    expect(e.message).toBe('request with [redacted] failed');
    expect(e.stack).not.toContain(TOKEN);
    r.forget(TOKEN);
    expect(r.redact(TOKEN)).toBe(TOKEN);
  });
});
