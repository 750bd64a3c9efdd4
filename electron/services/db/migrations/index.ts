import type { Migration } from '../migrate';
import { initial } from './001_initial';
import { settings } from './002_settings';
import { ingest } from './003_ingest';

/** Ordered; a migration is never edited once released, only followed by a new one. */
export const migrations: readonly Migration[] = [initial, settings, ingest];
