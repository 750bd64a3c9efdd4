import { z } from 'zod';
import { Locale, LogoDataUrl, TimeZone, UiLanguage, Workspace, WorkspaceId, WorkspaceName } from '../domain/workspace';

/**
 * The one API of Relais. Each entry is `domain:verb` with the zod schemas of its
 * input and output. The Electron IPC adapter and the browser shell both dispatch
 * through the handler table typed by this object; the renderer calls it through
 * one client interface. Adding a capability = an entry here + a handler + a page.
 */
const none = z.object({}).strict();

export const contract = {
  'app:info': {
    input: none,
    output: z.object({
      version: z.string(),
      schemaVersion: z.number().int(),
      dataDir: z.string(),
    }),
  },
  'settings:get': {
    input: none,
    output: z.object({
      uiLanguage: UiLanguage.nullable(),
      currentWorkspaceId: WorkspaceId.nullable(),
    }),
  },
  'settings:set': {
    input: z
      .object({
        uiLanguage: UiLanguage.optional(),
        currentWorkspaceId: WorkspaceId.nullable().optional(),
      })
      .strict(),
    output: z.object({
      uiLanguage: UiLanguage.nullable(),
      currentWorkspaceId: WorkspaceId.nullable(),
    }),
  },
  'workspace:list': {
    input: none,
    output: z.array(Workspace),
  },
  'workspace:create': {
    input: z.object({ name: WorkspaceName, timeZone: TimeZone, locale: Locale }).strict(),
    output: Workspace,
  },
  'workspace:update': {
    input: z
      .object({
        id: WorkspaceId,
        name: WorkspaceName.optional(),
        timeZone: TimeZone.optional(),
        locale: Locale.optional(),
      })
      .strict(),
    output: Workspace,
  },
  'workspace:delete': {
    /** The caller repeats the workspace's name: deleting a client's data is never one stray click. */
    input: z.object({ id: WorkspaceId, confirmName: z.string() }).strict(),
    output: z.object({ deleted: z.literal(true) }),
  },
  'workspace:setLogo': {
    input: z.object({ id: WorkspaceId, dataUrl: LogoDataUrl.nullable() }).strict(),
    output: Workspace,
  },
  'workspace:logo': {
    input: z.object({ id: WorkspaceId }).strict(),
    output: z.object({ dataUrl: z.string().nullable() }),
  },
  'db:info': {
    input: none,
    output: z.object({
      path: z.string(),
      schemaVersion: z.number().int(),
      sizeBytes: z.number().int(),
      journalMode: z.string(),
      counts: z.record(z.string(), z.number().int()),
    }),
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type Method = keyof Contract;
/** What a caller passes (before defaults and transforms). */
export type Input<M extends Method> = z.input<Contract[M]['input']>;
/** What a handler receives (after validation). */
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type Output<M extends Method> = z.output<Contract[M]['output']>;

export const methods = Object.keys(contract) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
