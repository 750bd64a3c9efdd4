// Entry of the child processes the crash tests start and kill -9. Bundled at test time;
// configuration comes as JSON in RELAIS_TEST_CHILD, progress goes to stdout as JSON lines.
import { relayCommand } from '../../../../electron/services/webhooks/commands';
import { pullFromRelay } from '../../../../electron/services/webhooks/pullClient';
import { openPullFile } from '../../../../electron/services/webhooks/pullFile';
import { startWebhookReceiver } from '../../../../electron/services/webhooks/receiver';
import { startRelay } from '../../../../electron/services/webhooks/relay';
import { openSpool } from '../../../../electron/services/webhooks/spool';

interface ChildConfig {
  dir: string;
  port?: number;
  appSecret: string;
  verifyToken: string;
  pullToken?: string;
  url?: string;
  file?: string;
  limit?: number;
  delayMs?: number;
  segmentMaxBytes?: number;
}

const say = (msg: object) => process.stdout.write(JSON.stringify(msg) + '\n');
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(m + '\n') };

async function main(): Promise<void> {
  const mode = process.argv[2];
  const cfg = JSON.parse(process.env.RELAIS_TEST_CHILD ?? '{}') as ChildConfig;
  if (mode === 'receiver') {
    const spool = await openSpool(cfg.dir, { segmentMaxBytes: cfg.segmentMaxBytes });
    const r = await startWebhookReceiver({ port: cfg.port ?? 0, verifyToken: cfg.verifyToken, appSecret: cfg.appSecret, spool, log: quiet });
    say({ ready: true, port: r.port });
  } else if (mode === 'relay') {
    const r = await startRelay({ port: cfg.port ?? 0, storeDir: cfg.dir, verifyToken: cfg.verifyToken, appSecret: cfg.appSecret, pullToken: cfg.pullToken!, segmentMaxBytes: cfg.segmentMaxBytes, log: quiet });
    say({ ready: true, port: r.port });
  } else if (mode === 'pull') {
    const sink = await openPullFile({ file: cfg.file! });
    say({ ready: true, discardedBytes: sink.discardedBytes });
    const result = await pullFromRelay({
      url: cfg.url!,
      pullToken: cfg.pullToken!,
      cursor: sink.cursor,
      limit: cfg.limit,
      onBatch: async (lines, next) => {
        await sink.onBatch(lines, next);
        say({ batch: lines.length });
        await new Promise((r) => setTimeout(r, cfg.delayMs ?? 0));
      },
    });
    await sink.close();
    say({ done: true, events: result.events });
  } else if (mode === 'relay-command') {
    // Secrets from the environment, as under systemd; exits by itself once SIGTERM stopped it.
    // stdout carries this harness's JSON lines, so the command's own output goes to stderr.
    const io = { out: (t: string) => void process.stderr.write(t + '\n'), err: (t: string) => void process.stderr.write(t + '\n') };
    const code = await relayCommand({ port: 0, storeDir: cfg.dir, io, onReady: (info) => say({ ready: true, port: info.port }) });
    process.exitCode = code;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
