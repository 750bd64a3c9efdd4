import type { Workspace } from '../../shared/domain/workspace';
import type { AppContext } from '../services/context';
import { CliError } from './output';

/** The workspace a `--workspace NAME|ID` option names; without it, the only workspace there is. */
export function chooseWorkspace(ctx: AppContext, name: string | undefined): Workspace {
  const list = ctx.workspaces.list();
  if (!name) {
    if (list.length === 1) return list[0]!;
    throw new CliError(list.length === 0 ? 'No workspace yet.' : 'Choose a workspace with --workspace NAME.', 2);
  }
  const ws = ctx.workspaces.findByName(name) ?? list.find((w) => String(w.id) === name);
  if (!ws) throw new CliError(`No workspace named "${name}".`, 2);
  return ws;
}
