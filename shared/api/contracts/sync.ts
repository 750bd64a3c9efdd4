import { z } from 'zod';
import { JobView } from '../../domain/jobs';
import { WorkspaceId } from '../../domain/workspace';
import type { ContractEntries } from './types';

/**
 * Page history sync through the Graph API (Conversations API). Tokens go in (sync:connect)
 * and never come back out: they stay in the main process's token store.
 */

/** http(s)://host[:port][/path]; no user info, query or fragment (they could hide a token). */
const GraphUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s?#@]*)?$/, 'sync.graphUrl.invalid')
  .transform((u) => u.replace(/\/+$/, ''));

const PageId = z.string().regex(/^\d{1,32}$/);

export const SyncFailureKind = z.enum(['offline', 'auth', 'rateLimit', 'transient', 'network', 'cursorExpired', 'cancelled', 'malformed', 'other']);
export type SyncFailureKind = z.infer<typeof SyncFailureKind>;

export const SyncPageView = z.object({
  pageId: z.string(),
  name: z.string().nullable(),
  selected: z.boolean(),
  hasToken: z.boolean(),
  status: z.enum(['idle', 'running', 'done', 'failed', 'reconnect']),
  conversationsDone: z.number().int(),
  conversationsTotal: z.number().int().nullable(),
  messagesDone: z.number().int(),
  /** Conversations with more than the 20 most recent messages the API details. */
  truncatedConversations: z.number().int(),
  messagesOutOfReach: z.number().int(),
  lastSuccessAt: z.number().nullable(),
  lastError: z
    .object({ kind: z.string(), message: z.string(), at: z.number().nullable(), fbtraceId: z.string().nullable(), code: z.number().nullable() })
    .nullable(),
  /** While a sync runs: messages per second, time left, and the wait Graph imposes now. */
  live: z
    .object({
      rate: z.number().nullable(),
      etaMs: z.number().nullable(),
      backoff: z.object({ until: z.number(), reason: z.enum(['usage', 'rateLimit', 'transient']) }).nullable(),
    })
    .nullable(),
});
export type SyncPageView = z.infer<typeof SyncPageView>;

export const SyncStatus = z.object({
  connected: z.boolean(),
  graphUrl: z.string(),
  version: z.string(),
  lastReachedAt: z.number().nullable(),
  lastUnreachableAt: z.number().nullable(),
  /** Graph could not be reached the last time it was tried. */
  offline: z.boolean(),
  /** The newest successful sync: what the data shown dates from. */
  dataFrom: z.number().nullable(),
  pages: z.array(SyncPageView),
  job: JobView.nullable(),
  /** Where tokens are kept; `unencrypted` is said plainly in the UI. */
  tokenStorage: z.object({ mode: z.enum(['os-keychain', 'encrypted-file', 'plain-file']), reason: z.string(), unencrypted: z.boolean() }),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const syncContract = {
  'sync:status': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: SyncStatus,
  },
  'sync:connect': {
    input: z
      .object({
        workspaceId: WorkspaceId,
        /** Another Graph base URL (the simulator's); kept for the workspace. */
        graphUrl: GraphUrl.optional(),
        /** A user access token; stored in the main process, never returned. */
        userToken: z.string().trim().min(8, 'sync.token.tooShort').max(4096).regex(/^\S+$/, 'sync.token.invalid'),
      })
      .strict(),
    output: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), pages: z.array(z.object({ pageId: z.string(), name: z.string().nullable() })) }),
      z.object({ ok: z.literal(false), reason: SyncFailureKind, message: z.string(), fbtraceId: z.string().nullable() }),
    ]),
  },
  'sync:pages': {
    input: z.object({ workspaceId: WorkspaceId, selected: z.array(PageId).max(500).optional() }).strict(),
    output: z.array(SyncPageView),
  },
  'sync:start': {
    input: z.object({ workspaceId: WorkspaceId, pageIds: z.array(PageId).max(500).optional() }).strict(),
    output: JobView,
  },
  'sync:cancel': {
    input: z.object({ jobId: z.string().min(1).max(100) }).strict(),
    output: JobView,
  },
  'sync:disconnect': {
    input: z.object({ workspaceId: WorkspaceId }).strict(),
    output: z.object({ disconnected: z.literal(true) }),
  },
} as const satisfies ContractEntries;
