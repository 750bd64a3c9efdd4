import type { Method, Output, ParsedInput } from '../../../shared/api/contract';
import type { AppContext } from '../context';
import { dbInfo } from '../dbInfo';

export type Handler<M extends Method> = (input: ParsedInput<M>, ctx: AppContext) => Output<M> | Promise<Output<M>>;
/** The compiler makes sure every contract entry has exactly one handler. */
export type HandlerTable = { [M in Method]: Handler<M> };

export const handlers: HandlerTable = {
  'app:info': (_input, ctx) => ({
    version: ctx.version,
    schemaVersion: ctx.store.db.pragma('user_version', { simple: true }) as number,
    dataDir: ctx.store.dataDir,
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
};
