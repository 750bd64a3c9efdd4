import type { Migration } from '../migrate';
import { initial } from './001_initial';
import { settings } from './002_settings';
import { ingest } from './003_ingest';
import { monitoring } from './004_monitoring';
import { experiments } from './005_experiments';
import { segments } from './006_segments';
import { sendTimePlans } from './007_sendTime';
import { graphSync } from './008_graphSync';
import { segmentLinks } from './009_segmentLinks';
import { segmentCountIndex } from './010_segmentCountIndex';

/** Ordered; a migration is never edited once released, only followed by a new one. */
export const migrations: readonly Migration[] = [
  initial,
  settings,
  ingest,
  monitoring,
  experiments,
  segments,
  sendTimePlans,
  graphSync,
  segmentLinks,
  segmentCountIndex,
];
