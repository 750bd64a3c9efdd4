import { create } from 'zustand';
import type { RelaisClient } from '../../../shared/api/client';
import { ApiError } from '../../../shared/api/errors';
import type { UiLanguage, Workspace } from '../../../shared/domain/workspace';
import { guessLanguage } from '../i18n';

/** Ids come from pages/registry.ts. */
export type PageId = string;

export interface Notice {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

interface AppState {
  client: RelaisClient | null;
  ready: boolean;
  startError: string | null;
  language: UiLanguage;
  workspaces: Workspace[];
  currentWorkspaceId: number | null;
  page: PageId;
  notice: Notice | null;
  init(client: RelaisClient): Promise<void>;
  setLanguage(lang: UiLanguage): Promise<void>;
  refreshWorkspaces(): Promise<void>;
  switchWorkspace(id: number | null): Promise<void>;
  go(page: PageId): void;
  notify(kind: Notice['kind'], text: string): void;
  clearNotice(): void;
}

let noticeSeq = 0;

export const useApp = create<AppState>((set, get) => ({
  client: null,
  ready: false,
  startError: null,
  language: guessLanguage(typeof navigator === 'undefined' ? undefined : navigator.language),
  workspaces: [],
  currentWorkspaceId: null,
  // The home page of a workspace; init() falls back to 'workspaces' while there is none.
  page: 'dashboard',
  notice: null,

  async init(client) {
    set({ client });
    try {
      const [settings, workspaces] = await Promise.all([client.call('settings:get', {}), client.call('workspace:list', {})]);
      const current = settings.currentWorkspaceId ?? workspaces[0]?.id ?? null;
      set({
        ready: true,
        language: settings.uiLanguage ?? get().language,
        workspaces,
        currentWorkspaceId: current,
        page: workspaces.length === 0 ? 'workspaces' : get().page,
      });
    } catch (e) {
      set({ ready: true, startError: e instanceof ApiError ? e.message : String(e) });
    }
  },

  async setLanguage(language) {
    set({ language });
    await get().client?.call('settings:set', { uiLanguage: language });
  },

  async refreshWorkspaces() {
    const client = get().client;
    if (!client) return;
    const workspaces = await client.call('workspace:list', {});
    const current = get().currentWorkspaceId;
    set({ workspaces, currentWorkspaceId: workspaces.some((w) => w.id === current) ? current : (workspaces[0]?.id ?? null) });
  },

  async switchWorkspace(id) {
    set({ currentWorkspaceId: id });
    await get().client?.call('settings:set', { currentWorkspaceId: id });
  },

  go(page) {
    set({ page });
  },

  notify(kind, text) {
    set({ notice: { id: ++noticeSeq, kind, text } });
  },

  clearNotice() {
    set({ notice: null });
  },
}));

export function useCurrentWorkspace(): Workspace | null {
  return useApp((s) => s.workspaces.find((w) => w.id === s.currentWorkspaceId) ?? null);
}
