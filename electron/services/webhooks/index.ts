// The webhook intake: spool, local receiver, relay, pull client. Import from here.
export { formatWebhookLine, parseWebhookLine, isWebhookLine, type WebhookLine } from './line';
export { signBody, verifySignature, SIGNATURE_HEADER } from './signature';
export {
  openSpool,
  segmentName,
  SpoolClosedError,
  SpoolCursorError,
  SpoolFormatError,
  SpoolLockedError,
  SpoolWriteError,
  type Spool,
  type SpoolOptions,
  type SpoolPage,
  type SpoolRepair,
  type SpoolStats,
} from './spool';
export { startWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions } from './receiver';
export { createCounters, type RejectReason, type WebhookCounters, WEBHOOK_PATH } from './webhookEndpoint';
export { startRelay, EVENTS_PATH, HEALTH_PATH, type Relay, type RelayCounters, type RelayOptions } from './relay';
export { pullFromRelay, backoffDelay, RelayPullError, type PullOptions, type PullResult, type RelayPullErrorCode, type RetryOptions } from './pullClient';
export { openPullFile, pullToFile, PullFileError, type PullFile, type PullToFileOptions } from './pullFile';
export { drainSpool, type DrainSpoolOptions } from './drainSpool';
export { serveWebhooksCommand, relayCommand, ENV_APP_SECRET, ENV_PULL_TOKEN, ENV_VERIFY_TOKEN, type RelayCommandOptions, type ServeWebhooksCommandOptions } from './commands';
export type { WebhookLog } from './http';
