import type { coreContract } from '../../../shared/api/contracts/core';
import { dbInfo } from '../dbInfo';
import type { HandlersFor } from './types';

export const coreHandlers: HandlersFor<typeof coreContract> = {
  'app:info': (_input, ctx) => ({
    version: ctx.version,
    schemaVersion: ctx.store.db.pragma('user_version', { simple: true }) as number,
    dataDir: ctx.store.dataDir,
    capabilities: { chooseFile: Boolean(ctx.desktop?.chooseFile), notifications: Boolean(ctx.desktop?.notify) },
  }),
  'settings:get': (_input, ctx) => ctx.settings.get(),
  'settings:set': (input, ctx) => {
    if (input.currentWorkspaceId != null) ctx.workspaces.get(input.currentWorkspaceId);
    return ctx.settings.set(input);
  },
  'workspace:list': (_input, ctx) => ctx.workspaces.list(),
  'workspace:create': (input, ctx) => ctx.workspaces.create(input),
  'workspace:update': (input, ctx) => ctx.workspaces.update(input),
  'workspace:delete': (input, ctx) => {
    ctx.workspaces.delete(input.id, input.confirmName);
    return { deleted: true as const };
  },
  'workspace:setLogo': (input, ctx) => ctx.workspaces.setLogo(input.id, input.dataUrl),
  'workspace:logo': (input, ctx) => ({ dataUrl: ctx.workspaces.logo(input.id) }),
  'db:info': (_input, ctx) => dbInfo(ctx.store.db, ctx.store.path),
  'jobs:get': (input, ctx) => ctx.jobs.get(input.id),
  'jobs:list': (_input, ctx) => ctx.jobs.list(),
  'jobs:cancel': (input, ctx) => ctx.jobs.cancel(input.id),
};
