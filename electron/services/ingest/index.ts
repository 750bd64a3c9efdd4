/** Webhook archive import: the API the CLI, the API handlers and the demo builder use. */
export {
  DEFAULT_BATCH_SIZE,
  importArchive,
  type ImportOptions,
  type ImportProgress,
  type ImportStatus,
  type ImportSummary,
} from './importArchive';
export { ImportError } from './errors';
export type { BadLine, ImportCounts } from './importRuns';
export { runImportInWorker, type ImportInWorker, type RunImportInWorkerOptions, type WorkerImportOptions } from './runInWorker';
export { signWebhookBody, verifyWebhookSignature } from './signature';
export { syntheticArchiveValues, writeSyntheticArchive, type SyntheticArchiveOptions, type SyntheticArchiveStats } from './syntheticArchive';
export { benchIngest, type IngestBenchOptions, type IngestBenchResult } from './bench';
