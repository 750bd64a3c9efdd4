import fs from 'node:fs';
import type { FaultKind, Scenario } from '../../../shared/domain/scenario';
import { Rng } from './rng';
import { signBody, type WebhookDelivery } from './webhook';

/** A deliberately broken archive line, so import tests know exactly what to expect. */
export interface BadLine {
  /** 1-based line number in the archive. */
  line: number;
  kind: FaultKind;
  reason: string;
}

export interface ArchiveEncoderOptions {
  /** When set, each line wraps the raw body with its signature: {"raw","signature","received_at"}. */
  appSecret?: string;
  faults?: Scenario['faults'];
  /** Seed of the fault stream (the scenario's seed and Page id). */
  faultSeed?: string;
}

const REASONS: Record<FaultKind, string> = {
  truncated_json: 'truncated JSON',
  wrong_object: 'object is "user", not "page"',
  watermark_seconds: 'watermark in seconds instead of milliseconds',
  bad_signature: 'signature does not match the body',
};

const WATERMARK_MS = /"watermark":(\d{13})/g;

/**
 * Turns webhook bodies into NDJSON archive lines: the body itself, or with an app
 * secret a wrapper carrying the exact raw body and its X-Hub-Signature-256 value.
 * The fault injector adds bad lines *next to* good ones (never instead), so the good
 * lines alone still hold every event and the ground truth stays exact.
 */
export class ArchiveEncoder {
  lines = 0;
  readonly badLines: BadLine[] = [];
  private readonly rng: Rng;
  private readonly rate: number;
  private readonly kinds: readonly FaultKind[];

  constructor(private readonly options: ArchiveEncoderOptions = {}) {
    this.rng = new Rng(options.faultSeed ?? 'faults', 'faults');
    this.rate = options.faults?.badLineRate ?? 0;
    this.kinds = options.faults?.kinds ?? [];
  }

  /** The line(s) for one body, each ending with a newline. */
  encode(d: WebhookDelivery): string {
    const good = this.line(d.raw, d.receivedAt, this.options.appSecret);
    this.lines++;
    if (!(this.rate > 0) || !(this.rng.next() < this.rate)) return `${good}\n`;
    const bad = this.fault(d, good);
    if (bad === null) return `${good}\n`;
    this.lines++;
    this.badLines.push({ line: this.lines, kind: bad.kind, reason: REASONS[bad.kind] });
    return `${good}\n${bad.text}\n`;
  }

  private line(raw: string, receivedAt: number, secret: string | undefined): string {
    if (secret === undefined) return raw;
    return JSON.stringify({ raw, signature: signBody(raw, secret), received_at: receivedAt });
  }

  private fault(d: WebhookDelivery, good: string): { kind: FaultKind; text: string } | null {
    const secret = this.options.appSecret;
    const hasReceipt = d.raw.includes('"watermark":');
    const usable = this.kinds.filter((k) => (k === 'bad_signature' ? secret !== undefined : k === 'watermark_seconds' ? hasReceipt : true));
    if (usable.length === 0) return null;
    const kind = usable[this.rng.int(usable.length)] as FaultKind;
    switch (kind) {
      case 'truncated_json':
        // Any proper prefix of a JSON object is invalid JSON.
        return { kind, text: good.slice(0, 1 + this.rng.int(good.length - 2)) };
      case 'wrong_object':
        return { kind, text: this.line(d.raw.replace('{"object":"page"', '{"object":"user"'), d.receivedAt, secret) };
      case 'watermark_seconds':
        return { kind, text: this.line(d.raw.replace(WATERMARK_MS, (_m, ms: string) => `"watermark":${Math.floor(Number(ms) / 1000)}`), d.receivedAt, secret) };
      case 'bad_signature':
        return { kind, text: JSON.stringify({ raw: d.raw, signature: signBody(d.raw, `${secret ?? ''}-wrong`), received_at: d.receivedAt }) };
    }
  }
}

export interface ArchiveSummary {
  path: string;
  lines: number;
  bytes: number;
  signed: boolean;
  badLines: BadLine[];
}

const FLUSH_BYTES = 1 << 20;

/** Streams archive lines to a file, with back-pressure, in bounded memory. */
export class ArchiveWriter {
  private readonly encoder: ArchiveEncoder;
  private readonly stream: fs.WriteStream;
  private buffer: string[] = [];
  private buffered = 0;
  private failure: Error | null = null;

  constructor(
    readonly path: string,
    private readonly options: ArchiveEncoderOptions = {},
  ) {
    this.encoder = new ArchiveEncoder(options);
    this.stream = fs.createWriteStream(path, { encoding: 'utf8' });
    this.stream.on('error', (e) => {
      this.failure = e;
    });
  }

  async write(d: WebhookDelivery): Promise<void> {
    const text = this.encoder.encode(d);
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (e: Error) => {
          this.stream.off('drain', onDrain);
          reject(e);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  async close(): Promise<ArchiveSummary> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
    if (this.failure) throw this.failure;
    return {
      path: this.path,
      lines: this.encoder.lines,
      bytes: this.stream.bytesWritten,
      signed: this.options.appSecret !== undefined,
      badLines: [...this.encoder.badLines],
    };
  }
}

/** Writes a whole stream of bodies to an archive file. */
export async function writeArchive(
  source: AsyncIterable<WebhookDelivery> | Iterable<WebhookDelivery>,
  path: string,
  options: ArchiveEncoderOptions = {},
): Promise<ArchiveSummary> {
  const w = new ArchiveWriter(path, options);
  for await (const d of source) await w.write(d);
  return w.close();
}
