import { CliError, processIO, type CliIO } from '../../cli/output';
import type { WebhookLog } from './http';
import { startWebhookReceiver } from './receiver';
import { startRelay } from './relay';
import { openSpool, SpoolFormatError, SpoolLockedError } from './spool';

export const ENV_APP_SECRET = 'RELAIS_APP_SECRET';
export const ENV_VERIFY_TOKEN = 'RELAIS_VERIFY_TOKEN';
export const ENV_PULL_TOKEN = 'RELAIS_PULL_TOKEN';

const SUBSCRIBE_FIELDS = 'messages, message_echoes, message_deliveries, message_reads';

interface CommonCommandOptions {
  port?: number;
  host?: string;
  /** Secrets come from the environment unless given here (never from command-line flags: they end up in shell history and `ps`). */
  appSecret?: string;
  verifyToken?: string;
  env?: NodeJS.ProcessEnv;
  io?: CliIO;
  /** Stops the server like SIGINT does (tests, the Settings toggle). */
  signal?: AbortSignal;
  onReady?: (info: { url: string; port: number }) => void;
  maxBodyBytes?: number;
}

export interface ServeWebhooksCommandOptions extends CommonCommandOptions {
  /** Where accepted deliveries are stored (e.g. <data dir>/webhooks). */
  spoolDir: string;
}

export interface RelayCommandOptions extends CommonCommandOptions {
  storeDir: string;
  pullToken?: string;
  retentionDays?: number;
  pageSize?: number;
}

function secret(explicit: string | undefined, env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const value = explicit ?? env[name];
  if (!value) throw new CliError(`${name} is not set. ${hint}`, 2);
  return value;
}

function ioLog(io: CliIO): WebhookLog {
  return { info: () => undefined, warn: (m) => io.err(m), error: (m) => io.err(`relais: ${m}`) };
}

function validPort(port: number | undefined): number {
  const p = port ?? 0;
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new CliError('--port takes a number between 0 and 65535', 2);
  return p;
}

function asCliError(e: unknown): unknown {
  if (e instanceof SpoolLockedError || e instanceof SpoolFormatError) return new CliError(e.message, 1);
  if (e instanceof TypeError || e instanceof RangeError) return new CliError(e.message, 2);
  if (e instanceof Error && !(e instanceof CliError) && /already in use|permission|not an address/.test(e.message)) return new CliError(e.message, 1);
  return e;
}

/** Resolves on SIGINT, SIGTERM or `signal`, whichever comes first. */
function untilStopped(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    const onAbort = () => done('stop requested');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) return done('stop requested');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const TOKEN_HINT = 'Choose a long random value (for example: openssl rand -hex 32) and export it before starting';

/** `relais serve-webhooks`: the local receiver until Ctrl+C. Returns the exit code. */
export async function serveWebhooksCommand(opts: ServeWebhooksCommandOptions): Promise<number> {
  const io = opts.io ?? processIO;
  const env = opts.env ?? process.env;
  try {
    const appSecret = secret(opts.appSecret, env, ENV_APP_SECRET, 'Set it to your Meta app’s App Secret (App settings → Basic) to check webhook signatures.');
    const verifyToken = secret(opts.verifyToken, env, ENV_VERIFY_TOKEN, `${TOKEN_HINT}; enter the same value as the verify token in the Meta app dashboard.`);
    const port = validPort(opts.port);
    const spool = await openSpool(opts.spoolDir);
    try {
      if (spool.repaired) io.err(`relais: cut ${spool.repaired.droppedBytes} bytes of an unfinished write from ${spool.repaired.segment} (left by a crash; never acknowledged).`);
      const receiver = await startWebhookReceiver({ host: opts.host, port, verifyToken, appSecret, spool, maxBodyBytes: opts.maxBodyBytes, log: ioLog(io) });
      io.out(receiver.url);
      io.err(
        [
          `Relais webhook receiver listening on ${receiver.url}`,
          `Events are stored in ${opts.spoolDir}`,
          'To receive your Page’s webhooks here:',
          `  1. Expose port ${receiver.port} over HTTPS with a tunnel (cloudflared, ngrok…), or use \`relais relay\` on a server.`,
          '  2. Meta app dashboard → Webhooks → Page → Callback URL: https://<your-tunnel-host>/webhook,',
          `     Verify token: the value of ${ENV_VERIFY_TOKEN}.`,
          `  3. Subscribe the fields: ${SUBSCRIBE_FIELDS}; subscribe the Page to the app.`,
          'Press Ctrl+C to stop.',
        ].join('\n'),
      );
      opts.onReady?.({ url: receiver.url, port: receiver.port });
      const why = await untilStopped(opts.signal);
      await receiver.close();
      io.err(`Stopped (${why}). ${receiver.counters.accepted} event(s) received.`);
    } finally {
      await spool.close();
    }
    return 0;
  } catch (e) {
    throw asCliError(e);
  }
}

/** `relais relay --port P --store DIR`: the 24/7 relay until SIGTERM. Returns the exit code. */
export async function relayCommand(opts: RelayCommandOptions): Promise<number> {
  const io = opts.io ?? processIO;
  const env = opts.env ?? process.env;
  try {
    const appSecret = secret(opts.appSecret, env, ENV_APP_SECRET, 'Set it to your Meta app’s App Secret (App settings → Basic) to check webhook signatures.');
    const verifyToken = secret(opts.verifyToken, env, ENV_VERIFY_TOKEN, `${TOKEN_HINT}; enter the same value as the verify token in the Meta app dashboard.`);
    const pullToken = secret(opts.pullToken, env, ENV_PULL_TOKEN, `${TOKEN_HINT}; enter the same value in Relais on your computer (Import receipts → From a relay).`);
    const port = validPort(opts.port);
    const relay = await startRelay({
      host: opts.host,
      port,
      storeDir: opts.storeDir,
      verifyToken,
      appSecret,
      pullToken,
      retentionDays: opts.retentionDays,
      pageSize: opts.pageSize,
      maxBodyBytes: opts.maxBodyBytes,
      log: ioLog(io),
    });
    io.out(relay.url);
    io.err(
      [
        `Relais relay listening on ${relay.url} — store ${opts.storeDir}, events kept ${opts.retentionDays ?? 14} days`,
        `  Webhooks:        ${relay.url}/webhook`,
        `  Pull (the app):  ${relay.url}/events  (Authorization: Bearer <${ENV_PULL_TOKEN}>)`,
        'Facebook set-up (once):',
        `  1. Put HTTPS in front of port ${relay.port} (Caddy, nginx) on a public host name.`,
        '  2. Meta app dashboard → Webhooks → Page → Callback URL: https://<your-host>/webhook,',
        `     Verify token: the value of ${ENV_VERIFY_TOKEN}.`,
        `  3. Subscribe the fields: ${SUBSCRIBE_FIELDS}; subscribe the Page to the app.`,
        '  4. In Relais on your computer: relay address https://<your-host> and the pull token.',
      ].join('\n'),
    );
    opts.onReady?.({ url: relay.url, port: relay.port });
    const why = await untilStopped(opts.signal);
    await relay.close();
    io.err(`Stopped (${why}). ${relay.counters.accepted} event(s) received, ${relay.counters.pulledEvents} served.`);
    return 0;
  } catch (e) {
    throw asCliError(e);
  }
}
