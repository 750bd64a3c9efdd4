/**
 * Keeps tokens out of logs and error messages. `redact` replaces every known token
 * with `[redacted]`, and also any value given as an `access_token` (query string,
 * form body, JSON) or after `Bearer`/`OAuth`, known or not: Graph's paging URLs
 * carry the token, and an error may quote a URL.
 */
export const REDACTED = '[redacted]';

const PARAM_RE = /(access_token=|access_token%3D)[^&\s"'<>]+/gi;
const JSON_RE = /("access_token"\s*:\s*")[^"]*(")/gi;
const HEADER_RE = /\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/|=-]{8,}/g;

/** Redacts `tokens` (shortest last, so a token inside another is covered) and token-shaped values. */
export function redact(text: string, tokens: Iterable<string> = []): string {
  let out = text;
  const list = [...new Set(tokens)].filter((t) => t.length >= 8).sort((a, b) => b.length - a.length);
  for (const t of list) {
    if (out.includes(t)) out = out.split(t).join(REDACTED);
    // The same token percent-encoded (an app token's `|`) is still the token.
    const enc = encodeURIComponent(t);
    if (enc !== t && out.includes(enc)) out = out.split(enc).join(REDACTED);
  }
  return out.replace(PARAM_RE, `$1${REDACTED}`).replace(JSON_RE, `$1${REDACTED}$2`).replace(HEADER_RE, `$1 ${REDACTED}`);
}

/** Remembers tokens as they pass and redacts them from any text later. */
export class TokenRedactor {
  private readonly known = new Set<string>();

  add(token: string): void {
    if (token.length >= 8) this.known.add(token);
  }

  forget(token: string): void {
    this.known.delete(token);
  }

  redact(text: string): string {
    return redact(text, this.known);
  }

  /** An Error whose message and stack no longer contain a known token. */
  redactError(e: unknown): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    const clean = new Error(this.redact(err.message));
    clean.name = err.name;
    if (err.stack) clean.stack = this.redact(err.stack);
    return clean;
  }
}
