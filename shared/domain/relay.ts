import { z } from 'zod';
import { ImportResult } from './imports';

/**
 * Relay pulls and the local webhook receiver: the two ways receipts reach the app
 * without an archive file. Both land events in a local file, import it through the
 * webhook archive importer, and only then move their cursor in `sync_state`.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** scheme://host[:port][/path], no user info, query or fragment (they have no meaning for a relay and could hide a token). */
const RELAY_URL = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s?#@]*)?$/;

/**
 * Normalises a relay address: lower-case scheme and host, no trailing slash, and a
 * trailing "/events" dropped (people paste the pull endpoint). Null when it is not
 * an address we accept.
 */
export function normaliseRelayUrl(input: string): string | null {
  const match = RELAY_URL.exec(input.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const host = match[2]!.toLowerCase();
  const port = match[3] ?? '';
  if (port !== '' && Number(port.slice(1)) > 65535) return null;
  const path = (match[4] ?? '').replace(/\/+$/, '').replace(/\/events$/, '');
  return `${scheme}://${host}${port}${path}`;
}

/** Plain http only reaches a relay on this machine (tests, an SSH tunnel); anything else must be https. */
export function isAllowedRelayUrl(url: string): boolean {
  const match = RELAY_URL.exec(url);
  if (!match) return false;
  return match[1] === 'https' || LOOPBACK_HOSTS.has(match[2]!.toLowerCase());
}

export const RelayUrl = z
  .string()
  .trim()
  .min(1, 'relay.url.required')
  .max(2048, 'relay.url.invalid')
  .transform((value, ctx) => {
    const url = normaliseRelayUrl(value);
    if (url === null) {
      ctx.addIssue({ code: 'custom', message: 'relay.url.invalid' });
      return z.NEVER;
    }
    if (!isAllowedRelayUrl(url)) {
      ctx.addIssue({ code: 'custom', message: 'relay.url.insecure' });
      return z.NEVER;
    }
    return url;
  });

/** The relay's bearer token: as long as the relay demands (16+), one word, never stored by the app. */
export const PullToken = z.string().min(16, 'relay.token.short').max(512, 'relay.token.invalid').regex(/^[\x21-\x7e]+$/, 'relay.token.invalid');

/** Failure codes of a relay pull job (JobView.error.code). */
export const RelayErrorCode = z.enum(['RELAY_UNAVAILABLE', 'RELAY_UNAUTHORIZED', 'RELAY_BAD_CURSOR', 'RELAY_PROTOCOL']);
export type RelayErrorCode = z.infer<typeof RelayErrorCode>;

/** What a relay pull job returns. */
export const RelayPullResult = z.object({
  url: z.string(),
  /** Events fetched from the relay by this pull. */
  pulled: z.number().int(),
  pages: z.number().int(),
  /** The relay had already deleted (retention) events this workspace never pulled. */
  gap: z.boolean(),
  /** Started from the beginning of the relay's store, as asked. */
  restarted: z.boolean(),
  /** The import of what this pull fetched; null when there was nothing new. */
  imported: ImportResult.nullable(),
  /** Events an interrupted earlier pull had fetched but not imported, imported first. */
  recovered: ImportResult.nullable(),
});
export type RelayPullResult = z.infer<typeof RelayPullResult>;

export const RelayStatus = z.object({
  /** The relay this workspace last pulled from. */
  url: z.string().nullable(),
  /** A next pull continues where the last one stopped. */
  hasCursor: z.boolean(),
  lastPullAt: z.number().nullable(),
  /** Events the last pull fetched. */
  lastEvents: z.number().int().nullable(),
  lastGap: z.boolean(),
});
export type RelayStatus = z.infer<typeof RelayStatus>;

export const DEFAULT_RECEIVER_PORT = 8787;

export const ReceiverStatus = z.object({
  running: z.boolean(),
  /** The local callback address, e.g. http://127.0.0.1:8787/webhook. */
  url: z.string().nullable(),
  port: z.number().int().nullable(),
  host: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  /** Both RELAIS_APP_SECRET and RELAIS_VERIFY_TOKEN are set in the app's environment (values never leave the backend). */
  secretsConfigured: z.boolean(),
  spoolDir: z.string(),
  /** Seconds between automatic imports into the current workspace while running. */
  importEverySeconds: z.number().int(),
  lastImport: z.object({ at: z.number(), workspaceId: z.number().int(), events: z.number().int() }).nullable(),
  lastError: z.object({ at: z.number(), code: z.string(), message: z.string() }).nullable(),
});
export type ReceiverStatus = z.infer<typeof ReceiverStatus>;

/** What a receiver import job returns. */
export const ReceiverImportResult = z.object({
  workspaceId: z.number().int(),
  /** Events taken from the receiver's store by this run. */
  drained: z.number().int(),
  imported: ImportResult.nullable(),
  recovered: ImportResult.nullable(),
});
export type ReceiverImportResult = z.infer<typeof ReceiverImportResult>;
