import { importsEn } from './features/imports';
import { experimentsEn } from './features/experiments';
import { receiversEn } from './features/receivers';
import { monitoringEn } from './features/monitoring';
import { sendTimeEn } from './features/sendTime';
import { segmentsEn } from './features/segments';
import { syncEn } from './features/sync';

/**
 * English catalog: the source of the key set. `fr.ts` must have exactly the same
 * keys (the type system and a unit test both enforce it). `{name}` placeholders
 * are filled by `t(key, { name })`. Each feature keeps its strings in
 * `features/<feature>.ts` (an `…En` and an `…Fr` object), spread in here and in fr.ts.
 */
const coreEn = {
  'app.name': 'Relais',
  'app.tagline': 'Messages that get seen',
  'app.skipToContent': 'Skip to content',
  'app.loading': 'Loading…',
  'app.startFailed': 'Relais could not start: {message}',
  'nav.label': 'Main',
  'nav.workspaces': 'Workspaces',
  'nav.settings': 'Workspace settings',
  'nav.about': 'About & data',
  'language.label': 'Language',
  'language.fr': 'Français',
  'language.en': 'English',
  'switcher.label': 'Workspace',
  'switcher.none': 'No workspace yet',

  'workspaces.title': 'Workspaces',
  'workspaces.intro': 'One workspace per client or Page owner: its own time zone, language for reports and logo.',
  'workspaces.empty.title': 'No workspace yet',
  'workspaces.empty.body': 'Create a first workspace below — for example your restaurant, your shop, or a client you manage.',
  'workspaces.list.caption': 'Your workspaces',
  'workspaces.col.name': 'Name',
  'workspaces.col.timeZone': 'Time zone',
  'workspaces.col.locale': 'Language and formats',
  'workspaces.col.created': 'Created',
  'workspaces.col.actions': 'Actions',
  'workspaces.current': 'Current',
  'workspaces.open': 'Open {name}',
  'workspaces.openShort': 'Open',
  'workspaces.create.title': 'New workspace',
  'workspaces.create.submit': 'Create workspace',
  'workspaces.created': 'Workspace “{name}” created.',
  'workspaces.switched': 'Now working in “{name}”.',

  'field.name': 'Name',
  'field.timeZone': 'Time zone',
  'field.locale': 'Language and formats',
  'field.timeZone.hint': 'Dates, hours and send plans are shown in this time zone.',
  'field.locale.hint': 'Used for dates, numbers and the language of reports.',

  'settings.title': 'Workspace settings',
  'settings.noWorkspace': 'Choose or create a workspace first.',
  'settings.general': 'General',
  'settings.save': 'Save changes',
  'settings.saved': 'Changes saved.',
  'settings.preview': 'Preview: {date} · {number} · {percent}',
  'settings.logo.title': 'Logo',
  'settings.logo.hint': 'Shown on reports. PNG, JPEG or WebP, at most 512 KB.',
  'settings.logo.choose': 'Choose a logo…',
  'settings.logo.remove': 'Remove logo',
  'settings.logo.alt': 'Logo of {name}',
  'settings.logo.none': 'No logo yet.',
  'settings.logo.saved': 'Logo updated.',
  'settings.logo.removed': 'Logo removed.',
  'settings.delete.title': 'Delete this workspace',
  'settings.delete.warning': 'This deletes “{name}” and all its Pages, contacts, messages, campaigns and segments from this computer. It cannot be undone.',
  'settings.delete.confirmLabel': 'Type “{name}” to confirm',
  'settings.delete.submit': 'Delete workspace',
  'settings.deleted': 'Workspace “{name}” deleted.',

  'about.title': 'About & data',
  'about.version': 'Version',
  'about.dataDir': 'Data folder',
  'about.dbPath': 'Database file',
  'about.schema': 'Schema version',
  'about.journal': 'Journal mode',
  'about.size': 'Size on disk',
  'about.rows': 'Rows stored',
  'about.table': 'Table',
  'about.count': 'Rows',
  'about.refresh': 'Refresh',
  'table.workspaces': 'Workspaces',
  'table.pages': 'Pages',
  'table.contacts': 'Contacts',
  'table.conversations': 'Conversations',
  'table.messages': 'Messages',
  'table.receipt_events': 'Receipt events',
  'table.campaigns': 'Campaigns',
  'table.variants': 'Variants',
  'table.segments': 'Segments',
  'table.sync_state': 'Sync states',

  'error.title': 'Something went wrong',
  'error.dismiss': 'Dismiss',
  'error.generic': 'Something went wrong: {message}',
  'error.storage': 'Nothing was saved: {message}',
  'error.unauthorized': 'This page lost its access key. Open the address Relais printed when it started.',
  'error.name.required': 'Enter a name.',
  'error.name.tooLong': 'The name is too long (80 characters at most).',
  'error.name.taken': 'Another workspace already has this name.',
  'error.timeZone.invalid': 'Choose a time zone from the list.',
  'error.locale.invalid': 'Choose a language and format from the list.',
  'error.logo.format': 'The logo must be a PNG, JPEG or WebP image.',
  'error.logo.tooLarge': 'The logo is larger than 512 KB.',
  'error.confirm.mismatch': 'The name you typed does not match.',
} as const;

export const en = {
  ...coreEn,
  ...importsEn,
  ...experimentsEn,
  ...receiversEn,
  ...monitoringEn,
  ...sendTimeEn,
  ...segmentsEn,
  ...syncEn,
};

export type MessageKey = keyof typeof en;
export type CoreKey = keyof typeof coreEn;
