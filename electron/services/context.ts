import { openStore, type OpenStoreOptions, type Store } from './db/store';
import { JobRegistry } from './jobs';
import { SettingsService } from './settings';
import { WorkspaceService } from './workspaces';

export const APP_VERSION: string = process.env.RELAIS_VERSION ?? '0.1.0';

/** Everything a handler may use. Built once per process; it owns the single writer. */
export interface AppContext {
  store: Store;
  version: string;
  workspaces: WorkspaceService;
  settings: SettingsService;
  jobs: JobRegistry;
}

export function createContext(opts: OpenStoreOptions): AppContext {
  const store = openStore(opts);
  return {
    store,
    version: APP_VERSION,
    workspaces: new WorkspaceService(store.db, store.dataDir),
    settings: new SettingsService(store.db),
    jobs: new JobRegistry(),
  };
}
