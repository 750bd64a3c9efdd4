import type { SafeStorageLike } from './secrets';
import { openStore, type OpenStoreOptions, type Store } from './db/store';
import { JobRegistry } from './jobs';
import type { LocalReceiver } from './receiver/localReceiver';
import { SettingsService } from './settings';
import { WorkspaceService } from './workspaces';

export const APP_VERSION: string = process.env.RELAIS_VERSION ?? '0.1.0';

/** Native abilities only the desktop shell has; the browser shell leaves them out. */
export interface DesktopCapabilities {
  chooseFile?(purpose: 'webhookArchive'): Promise<string | null>;
  notify?(title: string, body: string): void;
  /** Electron's safeStorage (OS keychain / DPAPI / libsecret): the desktop app's token encryption. */
  safeStorage?: SafeStorageLike;
}

/** Everything a handler may use. Built once per process; it owns the single writer. */
export interface AppContext {
  store: Store;
  version: string;
  workspaces: WorkspaceService;
  settings: SettingsService;
  jobs: JobRegistry;
  desktop?: DesktopCapabilities;
  /** Electron's build of better-sqlite3, handed on to worker threads. */
  nativeBinding?: string;
  /** Overrides where the job worker bundle is found (tests). */
  workerScript?: string;
  /** The local webhook receiver while it is switched on (Settings); shutdown stops it. */
  receiver?: LocalReceiver;
}

export function createContext(opts: OpenStoreOptions): AppContext {
  const store = openStore(opts);
  return {
    store,
    version: APP_VERSION,
    workspaces: new WorkspaceService(store.db, store.dataDir),
    settings: new SettingsService(store.db),
    jobs: new JobRegistry(),
    nativeBinding: opts.nativeBinding,
  };
}
