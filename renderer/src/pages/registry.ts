import type { ComponentType } from 'react';
import type { MessageKey } from '../i18n';
import { AboutPage } from './AboutPage';
import { DashboardPage } from './DashboardPage';
import { ExperimentsPage } from './ExperimentsPage';
import { ImportPage } from './ImportPage';
import { SegmentsPage } from './SegmentsPage';
import { SendTimePage } from './SendTimePage';
import { SettingsPage } from './SettingsPage';
import { SyncPage } from './SyncPage';
import { WorkspacesPage } from './WorkspacesPage';

export interface PageEntry {
  id: string;
  /** Label in the navigation. */
  navKey: MessageKey;
  component: ComponentType;
  /** Hidden from the navigation until a workspace exists. */
  needsWorkspace: boolean;
}

/** The app's pages in navigation order. A new capability adds its entry here. */
export const pageRegistry: PageEntry[] = [
  { id: 'dashboard', navKey: 'nav.dashboard', component: DashboardPage, needsWorkspace: true },
  { id: 'workspaces', navKey: 'nav.workspaces', component: WorkspacesPage, needsWorkspace: false },
  { id: 'import', navKey: 'nav.import', component: ImportPage, needsWorkspace: true },
  { id: 'experiments', navKey: 'nav.experiments', component: ExperimentsPage, needsWorkspace: true },
  { id: 'sendtime', navKey: 'nav.sendtime', component: SendTimePage, needsWorkspace: true },
  { id: 'segments', navKey: 'nav.segments', component: SegmentsPage, needsWorkspace: true },
  { id: 'sync', navKey: 'nav.sync', component: SyncPage, needsWorkspace: true },
  { id: 'settings', navKey: 'nav.settings', component: SettingsPage, needsWorkspace: true },
  { id: 'about', navKey: 'nav.about', component: AboutPage, needsWorkspace: false },
];
