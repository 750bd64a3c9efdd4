import { z } from 'zod';
import { Locale, LogoDataUrl, TimeZone, UiLanguage, Workspace, WorkspaceId, WorkspaceName } from '../../domain/workspace';
import { JobView } from '../../domain/jobs';
import type { ContractEntries } from './types';

export const none = z.object({}).strict();

/** App, settings, workspaces, jobs and the database itself. */
export const coreContract = {
  'app:info': {
    input: none,
    output: z.object({
      version: z.string(),
      schemaVersion: z.number().int(),
      dataDir: z.string(),
      /** What this shell can do beyond the common API (the desktop app has native dialogs). */
      capabilities: z.object({ chooseFile: z.boolean(), notifications: z.boolean() }),
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
  'jobs:get': {
    input: z.object({ id: z.string().min(1).max(64) }).strict(),
    output: JobView,
  },
  'jobs:list': {
    input: none,
    output: z.array(JobView),
  },
  'jobs:cancel': {
    input: z.object({ id: z.string().min(1).max(64) }).strict(),
    output: JobView,
  },
} as const satisfies ContractEntries;
