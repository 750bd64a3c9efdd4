import fs from 'node:fs';
import path from 'node:path';
import type { DemoResult, ImportResult } from '../../shared/domain/imports';
import type { JobProgress } from '../../shared/domain/jobs';
import type { AppContext } from '../services/context';
import { runDemoTask, runImportTask } from '../services/imports/tasks';
import { ImportError } from '../services/ingest/errors';
import { loadScenarioFile, runSimulation } from '../services/simulator';
import { CliError, type CliIO } from './output';

/** Progress on stderr: one line rewritten in place on a terminal, a line every few seconds otherwise. */
function progressPrinter(io: CliIO, label: string) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(p: Partial<JobProgress>) {
      const now = Date.now();
      if (now - last < (tty ? 200 : 3000)) return;
      last = now;
      const pct = p.total ? ` ${Math.floor((100 * (p.done ?? 0)) / p.total)} %` : '';
      const events = p.counters?.events !== undefined ? ` · ${p.counters.events} events` : '';
      const rate = p.rate ? ` · ${Math.round(p.rate)}/s` : '';
      const eta = p.etaMs ? ` · ${Math.ceil(p.etaMs / 1000)} s left` : '';
      const text = `${label}: ${p.phase ?? ''}${pct}${events}${rate}${eta}`;
      if (tty) process.stderr.write(`\r${text.padEnd(78)}`);
      else io.err(text);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export async function demoCommand(ctx: AppContext, opts: { io: CliIO; json: boolean }): Promise<DemoResult> {
  const printer = progressPrinter(opts.io, 'demo');
  const stop = interruptible();
  try {
    return await runDemoTask(ctx.store.db, ctx.store.dataDir, (p) => printer.update(p), stop.signal);
  } finally {
    printer.end();
    stop.dispose();
  }
}

export async function importCommand(
  ctx: AppContext,
  opts: { file: string; workspace?: string; addPages: boolean; appSecretEnv?: string; env: NodeJS.ProcessEnv; io: CliIO; json: boolean },
): Promise<ImportResult> {
  if (!fs.existsSync(opts.file)) throw new CliError(`No file at ${opts.file}`, 2);
  let workspace = opts.workspace ? ctx.workspaces.findByName(opts.workspace) : null;
  if (!workspace) {
    const list = ctx.workspaces.list();
    if (opts.workspace) {
      // With --workspace NAME a missing workspace is created (in the Page's zone once known; Paris until then).
      workspace = ctx.workspaces.create({ name: opts.workspace, timeZone: 'Europe/Paris', locale: 'fr-FR' });
      opts.io.err(`relais: created workspace "${workspace.name}"`);
    } else if (list.length === 1) workspace = list[0]!;
    else throw new CliError(list.length === 0 ? 'No workspace yet: pass --workspace NAME to create one.' : 'Several workspaces exist: choose one with --workspace NAME.', 2);
  }
  let appSecret: string | undefined;
  if (opts.appSecretEnv) {
    appSecret = opts.env[opts.appSecretEnv];
    if (!appSecret) throw new CliError(`The environment variable ${opts.appSecretEnv} is empty or not set.`, 2);
  }
  const printer = progressPrinter(opts.io, `import ${path.basename(opts.file)}`);
  const stop = interruptible();
  try {
    return await runImportTask(ctx.store.db, { workspaceId: workspace.id, file: opts.file, addPages: opts.addPages, appSecret }, (p) => printer.update(p), stop.signal);
  } catch (e) {
    if (e instanceof ImportError) {
      const pages = e.pageIds.length ? `\nPages not in "${workspace.name}": ${e.pageIds.join(', ')}\nRun again with --add-pages to add them.` : '';
      throw new CliError(`${e.message}${pages}`, e.kind === 'pages_not_in_workspace' ? 3 : 1);
    }
    throw e;
  } finally {
    printer.end();
    stop.dispose();
  }
}

export function describeImport(r: ImportResult): string {
  const lines = [
    r.status === 'already_imported' ? 'Already imported: nothing changed.' : r.status === 'cancelled' ? 'Cancelled: what was imported is kept; run again to continue.' : 'Import complete.',
    `events ${r.events} (sent ${r.echoes}, inbound ${r.inbound}, deliveries ${r.deliveries}, reads ${r.reads}, ignored ${r.ignored})`,
    `bad lines ${r.badLines}${r.unverified ? `, unverified signed lines ${r.unverified}` : ''}`,
  ];
  if (r.pagesAdded.length) lines.push(`Pages added: ${r.pagesAdded.join(', ')}`);
  for (const b of r.badLineReport.slice(0, 20)) lines.push(`  line ${b.line}: ${b.reason}${b.detail ? ` (${b.detail})` : ''}`);
  if (r.badLines > 20) lines.push(`  … and ${r.badLines - 20} more (--json lists up to ${r.badLineReport.length})`);
  return lines.join('\n');
}

export async function simulateCommand(opts: {
  scenario?: string;
  archive?: string;
  post?: string;
  truth?: string;
  json: boolean;
  env: NodeJS.ProcessEnv;
  appSecretEnv?: string;
  io: CliIO;
}): Promise<number> {
  if (!opts.scenario || (!opts.archive && !opts.post)) throw new CliError('Usage: relais simulate --scenario F (--archive OUT | --post URL) [--truth DIR] [--app-secret-env VAR]', 2);
  const scenario = await loadScenarioFile(path.resolve(opts.scenario)).catch((e: Error) => {
    throw new CliError(e.message, 2);
  });
  const appSecret = opts.appSecretEnv ? opts.env[opts.appSecretEnv] : opts.post ? opts.env.RELAIS_APP_SECRET : undefined;
  if (opts.post && !appSecret) throw new CliError('Posting to a receiver needs the App Secret: set RELAIS_APP_SECRET (or --app-secret-env VAR).', 2);
  const printer = progressPrinter(opts.io, 'simulate');
  const stop = interruptible();
  try {
    const summary = await runSimulation(scenario, {
      archive: opts.archive ? path.resolve(opts.archive) : undefined,
      post: opts.post,
      appSecret,
      truthDir: opts.truth ? path.resolve(opts.truth) : undefined,
      signal: stop.signal,
      onProgress: (p) => printer.update({ phase: `day ${p.day}/${p.days}`, done: p.day, total: p.days, counters: { events: p.events } }),
    });
    printer.end();
    const { badLines, ...rest } = summary;
    if (opts.json) opts.io.out(JSON.stringify({ ...rest, badLines }, null, 2));
    else
      opts.io.out(
        [
          `${summary.scenario}: ${summary.days} days, ${summary.contacts} contacts, ${summary.messages.total} messages, ${summary.events.total} events in ${summary.bodies.total} bodies (${summary.durationMs} ms)`,
          summary.archive ? `archive: ${opts.archive}` : '',
          summary.posted ? `posted to ${opts.post}` : '',
          badLines.length ? `injected bad lines: ${badLines.length}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    return 0;
  } finally {
    stop.dispose();
  }
}
