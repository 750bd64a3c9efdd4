import type { Database } from 'better-sqlite3';
import { UiLanguage } from '../../shared/domain/workspace';

export interface AppSettings {
  uiLanguage: UiLanguage | null;
  currentWorkspaceId: number | null;
}

/** App-wide preferences, kept in the store so every shell remembers them. */
export class SettingsService {
  constructor(private readonly db: Database) {}

  get(): AppSettings {
    const rows = this.db.prepare('SELECT key, value FROM app_settings').all() as { key: string; value: string }[];
    const map = new Map(rows.map((r) => [r.key, r.value]));
    const lang = UiLanguage.safeParse(map.get('uiLanguage'));
    const wsRaw = map.get('currentWorkspaceId');
    let currentWorkspaceId: number | null = null;
    if (wsRaw !== undefined) {
      const id = Number(wsRaw);
      const exists = this.db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(id);
      currentWorkspaceId = exists ? id : null;
    }
    return { uiLanguage: lang.success ? lang.data : null, currentWorkspaceId };
  }

  set(patch: { uiLanguage?: UiLanguage | undefined; currentWorkspaceId?: number | null | undefined }): AppSettings {
    const upsert = this.db.prepare('INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      if (patch.uiLanguage !== undefined) upsert.run('uiLanguage', patch.uiLanguage);
      if (patch.currentWorkspaceId === null) this.db.prepare("DELETE FROM app_settings WHERE key = 'currentWorkspaceId'").run();
      else if (patch.currentWorkspaceId !== undefined) upsert.run('currentWorkspaceId', String(patch.currentWorkspaceId));
    })();
    return this.get();
  }
}
