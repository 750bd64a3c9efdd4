import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { ImportResult } from '../../../shared/domain/imports';
import type { JobView } from '../../../shared/domain/jobs';
import { DEFAULT_RECEIVER_PORT, type ReceiverImportResult, type ReceiverStatus } from '../../../shared/domain/relay';
import type { AppContext } from '../context';
import { runTaskInWorker } from '../imports/runner';
import type { JobHandle } from '../jobs';
import { landAndImport } from '../relay/landing';
import { latestSyncStateForKey, saveSyncState } from '../relay/syncState';
import {
  drainSpool,
  ENV_APP_SECRET,
  ENV_VERIFY_TOKEN,
  openSpool,
  SpoolCursorError,
  SpoolFormatError,
  SpoolLockedError,
  startWebhookReceiver,
  type Spool,
  type WebhookLine,
  type WebhookLog,
  type WebhookReceiver,
} from '../webhooks';

export const RECEIVER_HOST = '127.0.0.1';
export const RECEIVER_IMPORT_INTERVAL_MS = 30_000;
/** How long stopping waits for a running import to wind down before closing the store under it. */
const STOP_GRACE_MS = 10_000;

export interface ReceiverSecrets {
  appSecret: string;
  verifyToken: string;
}

/**
 * The receiver's secrets, from the environment until the OS keychain store arrives with
 * Page sync. They stay in this process: the UI only learns whether they are set.
 */
export function receiverSecrets(env: NodeJS.ProcessEnv = process.env): ReceiverSecrets | null {
  const appSecret = env[ENV_APP_SECRET];
  const verifyToken = env[ENV_VERIFY_TOKEN];
  return appSecret && verifyToken ? { appSecret, verifyToken } : null;
}

/** The same store `relais serve-webhooks` writes, so events it received are imported too. */
export const receiverSpoolDir = (dataDir: string) => path.join(dataDir, 'webhooks');
export const receiverLandingFile = (dataDir: string) => path.join(dataDir, 'receiver', 'webhook-receiver.ndjson');

/** The running receiver, kept on AppContext.receiver while it is switched on. */
export interface LocalReceiver {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly spoolDir: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly importEverySeconds: number;
  readonly lastImport: ReceiverStatus['lastImport'];
  readonly lastError: ReceiverStatus['lastError'];
  /** Whether `jobId` is one of this receiver's import jobs. */
  owns(jobId: string): boolean;
  /** Imports what arrived into a workspace as a job; queues behind a running one. */
  importNow(workspaceId: number): JobView;
  /** Stops listening, cancels a running import (what it landed is imported next time) and closes the store. */
  stop(): Promise<void>;
}

export interface StartReceiverOptions {
  port?: number;
  env?: NodeJS.ProcessEnv;
  importIntervalMs?: number;
  log?: WebhookLog;
}

/** Secrets and addresses never go to this log; the receiver only reports what it rejected and why. */
const quietLog: WebhookLog = { info: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) };

function secretsMissing(): ApiError {
  return new ApiError(
    'CONFLICT',
    `The receiver needs ${ENV_APP_SECRET} (your Meta app's App Secret, to check signatures) and ${ENV_VERIFY_TOKEN} ` +
      '(a long random value you also enter as the verify token in the Meta app dashboard) in the environment Relais starts from. ' +
      'Set both, restart Relais, then turn the receiver on.',
    [{ path: 'enabled', message: 'receiver.secretsMissing' }],
  );
}

function currentWorkspaceId(ctx: AppContext): number | null {
  return ctx.settings.get().currentWorkspaceId ?? ctx.workspaces.list()[0]?.id ?? null;
}

class RunningReceiver implements LocalReceiver {
  lastImport: ReceiverStatus['lastImport'] = null;
  lastError: ReceiverStatus['lastError'] = null;
  readonly importEverySeconds: number;
  /** Something may be in the store that no import took yet; true at start for what arrived while the app was off. */
  dirty = true;
  private readonly jobIds = new Set<string>();
  /** Settles when the last queued import has; imports run one after the other. */
  private chain: Promise<void> = Promise.resolve();
  /** A job queued behind the running one and not started yet: a second request joins it. */
  private waiting: { id: string; workspaceId: number } | null = null;
  private stopping = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly ctx: AppContext,
    private readonly receiver: WebhookReceiver,
    private readonly spool: Spool,
    private readonly secrets: ReceiverSecrets,
    readonly spoolDir: string,
    intervalMs: number,
  ) {
    this.importEverySeconds = Math.round(intervalMs / 1000);
    this.timer = setInterval(() => {
      // A timer callback that throws would take the whole app down; a failed tick is retried on the next.
      try {
        this.tick();
      } catch (e) {
        this.lastError = { at: Date.now(), code: (e as { code?: string }).code ?? 'FAILED', message: e instanceof Error ? e.message : String(e) };
      }
    }, intervalMs);
    this.timer.unref();
  }

  get url() {
    return this.receiver.url;
  }
  get host() {
    return this.receiver.host;
  }
  get port() {
    return this.receiver.port;
  }
  get accepted() {
    return this.receiver.counters.accepted;
  }
  get rejected() {
    return Object.values(this.receiver.counters.rejected).reduce((a, b) => a + b, 0);
  }

  owns(jobId: string): boolean {
    return this.jobIds.has(jobId);
  }

  onEvent(_line: WebhookLine): void {
    this.dirty = true;
  }

  private tick(): void {
    if (!this.dirty || this.stopping || this.waiting || this.ctx.jobs.running().some((j) => this.owns(j.id))) return;
    const workspaceId = currentWorkspaceId(this.ctx);
    if (workspaceId === null) return;
    // Another import in that workspace holds its write lock for a while: try again on the next tick.
    if (this.ctx.jobs.running().some((j) => j.kind === 'demo' || (j.workspaceId === workspaceId && (j.kind === 'import' || j.kind === 'relayPull')))) return;
    this.importNow(workspaceId);
  }

  importNow(workspaceId: number): JobView {
    if (this.stopping) throw new ApiError('CONFLICT', 'The receiver is stopping.', [{ path: 'workspaceId', message: 'receiver.notRunning' }]);
    if (this.waiting?.workspaceId === workspaceId) return this.ctx.jobs.get(this.waiting.id);
    const previous = this.chain;
    let settle!: () => void;
    this.chain = new Promise<void>((resolve) => (settle = resolve));
    const view = this.ctx.jobs.start(
      { kind: 'import', label: 'webhook receiver', workspaceId, unit: 'events', phase: 'draining' },
      async (job) => {
        try {
          await previous;
          if (this.waiting?.id === view.id) this.waiting = null;
          // Cancelled while queued (the receiver is stopping): a worker started now would never hear of it.
          job.signal.throwIfAborted();
          return await this.importInto(workspaceId, job);
        } finally {
          settle();
        }
      },
      (done) => this.settled(done),
    );
    this.jobIds.add(view.id);
    this.waiting = { id: view.id, workspaceId };
    return view;
  }

  private settled(job: JobView): void {
    this.jobIds.delete(job.id);
    if (this.waiting?.id === job.id) this.waiting = null;
    if (job.state === 'done' && job.result !== null) {
      const r = job.result as ReceiverImportResult;
      const events = (r.imported?.events ?? 0) + (r.recovered?.events ?? 0);
      this.lastImport = { at: job.endedAt ?? Date.now(), workspaceId: r.workspaceId, events };
      this.lastError = null;
      return;
    }
    // Whatever failed is still in the store or the landing file: the next tick tries again.
    this.dirty = true;
    if (job.state === 'failed' && job.error) this.lastError = { at: job.endedAt ?? Date.now(), code: job.error.code, message: job.error.message };
  }

  private async importInto(workspaceId: number, job: JobHandle): Promise<ReceiverImportResult> {
    const { db } = this.ctx.store;
    // Cleared before reading: an event stored from here on sets it again and is taken next time.
    this.dirty = false;
    let drained = 0;
    const landed = await landAndImport({
      file: receiverLandingFile(this.ctx.store.dataDir),
      fetch: async (sink) => {
        job.progress({ phase: 'draining', unit: 'events', done: 0, total: null, rate: null, etaMs: null, counters: { events: 0 } });
        const onBatch = async (lines: WebhookLine[], next: string) => {
          await sink.onBatch(lines, next);
          drained += lines.length;
          job.progress({ phase: 'draining', done: drained, counters: { events: drained } });
        };
        // The landing file's cursor commits first, so it is never behind sync_state's; the row covers a deleted file.
        const from = sink.cursor ?? latestSyncStateForKey(db, 'receiver', this.spool.storeId)?.cursor ?? null;
        try {
          return await drainSpool({ spool: this.spool, cursor: from, onBatch, signal: job.signal });
        } catch (e) {
          // The store folder was replaced: its events are all new to us. Replays would be harmless anyway.
          if (!(e instanceof SpoolCursorError) || drained > 0) throw e;
          return await drainSpool({ spool: this.spool, cursor: null, onBatch, signal: job.signal });
        }
      },
      importFile: async (file) =>
        (await runTaskInWorker(this.ctx, { kind: 'import', args: { workspaceId, file, addPages: true, appSecret: this.secrets.appSecret } }, job)) as ImportResult,
      commit: (cursor) => {
        const now = Date.now();
        saveSyncState(db, { workspaceId, source: 'receiver', sourceKey: this.spool.storeId, cursor, progress: { lastAt: now, lastEvents: drained, lastGap: false }, now });
      },
    });
    return { workspaceId, drained, imported: landed.imported, recovered: landed.recovered };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.timer);
    await this.receiver.close();
    for (const id of this.jobIds) this.ctx.jobs.cancel(id);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.chain, new Promise<void>((resolve) => (timeout = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(timeout);
    await this.spool.close();
  }
}

/**
 * Starts the local receiver inside the app process, on 127.0.0.1 (a tunnel connects to it
 * there), storing into `<dataDir>/webhooks`. Failures come back as ApiErrors the UI can explain.
 */
export async function startLocalReceiver(ctx: AppContext, opts: StartReceiverOptions = {}): Promise<LocalReceiver> {
  const secrets = receiverSecrets(opts.env);
  if (!secrets) throw secretsMissing();
  const port = opts.port ?? DEFAULT_RECEIVER_PORT;
  const spoolDir = receiverSpoolDir(ctx.store.dataDir);
  let spool: Spool;
  try {
    spool = await openSpool(spoolDir);
  } catch (e) {
    if (e instanceof SpoolLockedError) throw new ApiError('CONFLICT', `${e.message} (\`relais serve-webhooks\` uses the same store.)`, [{ path: 'enabled', message: 'receiver.spoolLocked' }]);
    if (e instanceof SpoolFormatError) throw new ApiError('CONFLICT', e.message, [{ path: 'enabled', message: 'receiver.spoolInvalid' }]);
    throw e;
  }
  const holder: { running: RunningReceiver | null } = { running: null };
  let receiver: WebhookReceiver;
  try {
    receiver = await startWebhookReceiver({
      host: RECEIVER_HOST,
      port,
      verifyToken: secrets.verifyToken,
      appSecret: secrets.appSecret,
      spool,
      onEvent: (line) => holder.running?.onEvent(line),
      log: opts.log ?? quietLog,
    });
  } catch (e) {
    await spool.close();
    const message = e instanceof Error ? e.message : String(e);
    if (/already in use/.test(message)) throw new ApiError('CONFLICT', `Port ${port} on ${RECEIVER_HOST} is already in use; choose another port.`, [{ path: 'port', message: 'receiver.portInUse' }]);
    if (/permission/.test(message)) throw new ApiError('CONFLICT', message, [{ path: 'port', message: 'receiver.portDenied' }]);
    throw e;
  }
  holder.running = new RunningReceiver(ctx, receiver, spool, secrets, spoolDir, opts.importIntervalMs ?? RECEIVER_IMPORT_INTERVAL_MS);
  return holder.running;
}

/** Status for the UI; works whether the receiver runs or not. */
export function receiverStatus(ctx: AppContext, env: NodeJS.ProcessEnv = process.env): ReceiverStatus {
  const r = ctx.receiver;
  return {
    running: r !== undefined,
    url: r?.url ?? null,
    port: r?.port ?? null,
    host: RECEIVER_HOST,
    accepted: r?.accepted ?? 0,
    rejected: r?.rejected ?? 0,
    secretsConfigured: receiverSecrets(env) !== null,
    spoolDir: receiverSpoolDir(ctx.store.dataDir),
    importEverySeconds: r?.importEverySeconds ?? Math.round(RECEIVER_IMPORT_INTERVAL_MS / 1000),
    lastImport: r?.lastImport ?? null,
    lastError: r?.lastError ?? null,
  };
}

/** Stops the receiver on `ctx` if one runs (shutdown paths call this). */
export async function stopLocalReceiver(ctx: AppContext): Promise<void> {
  const r = ctx.receiver;
  if (!r) return;
  ctx.receiver = undefined;
  await r.stop();
}
