import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Input, Method, Output } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { dispatch } from '../services/api/dispatch';
import { createContext, APP_VERSION, type AppContext } from '../services/context';
import { resolveDataDir } from '../services/dataDir';
import { StoreError } from '../services/db/store';
import { importContactsCsv } from '../services/contacts/importContacts';
import { runAbCommand } from '../services/experiments/cli';
import { relayCommand, serveWebhooksCommand } from '../services/webhooks/commands';
import { alertsCommand, funnelCommand } from './monitoringCommands';
import { demoCommand, describeImport, importCommand, simulateCommand } from './receiptsCommands';
import { CliError, processIO, table, type CliIO } from './output';
import { runStoCommand } from './stoCommands';
import { runGraphSimCommand } from './graphSimCommands';
import { runSyncCommand, syncCommandOf } from './syncCommands';
import { runSegmentCommand } from './segmentCommands';
import { chooseWorkspace } from './workspaceArg';

const HELP = `relais ${APP_VERSION} — Messenger campaign planning, from the command line

Usage: relais <command> [options]

Commands:
  workspace list                         list workspaces
  workspace create NAME [--tz ZONE] [--locale TAG]
                                         create a workspace (defaults: Europe/Paris, fr-FR)
  workspace rename NAME NEW_NAME         rename a workspace
  workspace set NAME [--tz ZONE] [--locale TAG]
                                         change a workspace's time zone or locale
  workspace delete NAME --confirm NAME   delete a workspace and all its data
  db info                                database path, schema version, row counts
  ui [--port P] [--no-open] [--demo-if-empty]
                                         serve the app to your browser (browser shell)
  demo                                   create the two demo workspaces (simulated, imported)
  funnel [--workspace W] [--campaign C] [--from D --to D]
                                         sent → delivered → seen → replied, latency percentiles
  alerts [--workspace W]                 evaluate the alert rules and list alerts
  import webhooks FILE [--workspace W] [--add-pages] [--app-secret-env VAR]
                                         import a webhook archive (NDJSON or JSON array)
  import contacts FILE [--workspace W]   names, phone, e-mail and consent per PSID (CSV)
  simulate --scenario F (--archive OUT | --post URL) [--truth DIR]
                                         run the Messenger simulator
  serve-webhooks [--port P] [--host H]   local webhook receiver (secrets from RELAIS_APP_SECRET,
                                         RELAIS_VERIFY_TOKEN); events kept in <data dir>/webhooks
  relay --store DIR [--port P] [--host H] [--retention-days N]
                                         24/7 relay (also RELAIS_PULL_TOKEN)
  ab analyze FILE | ab plan --baseline P --mde D [--alpha A] [--power B] [--variants K]
                                         A/B test statistics
  sto evaluate --scenario F [--seed N] [--horizon MIN] [--contacts N] [--days N]
                                         send-time plan vs fixed/best-hour/random/oracle (simulated)
  segment list|count|export --workspace W [--rule FILE | --segment NAME] [--channel C] [--fields F] [--out FILE]
                                         saved segments, live counts, consent-filtered CSV exports
  simulate-graph --scenario F [--seed N] [--port P] [--faults JSON] [--json]
                                         serve the simulated Pages through a Graph API simulator
  login | pages | sync [--workspace W] [--page P] [--graph-url URL]
                                         Page history through the Graph API (relais sync --help)

Options:
  --data-dir DIR   data folder (default: the OS app-data folder; or RELAIS_DATA_DIR)
  --json           machine-readable output on stdout
  -h, --help       this help
  -v, --version    print the version
`;

const options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
  tz: { type: 'string' },
  locale: { type: 'string' },
  confirm: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'no-open': { type: 'boolean', default: false },
  'demo-if-empty': { type: 'boolean', default: false },
  workspace: { type: 'string' },
  'add-pages': { type: 'boolean', default: false },
  'app-secret-env': { type: 'string' },
  scenario: { type: 'string' },
  archive: { type: 'string' },
  post: { type: 'string' },
  truth: { type: 'string' },
  store: { type: 'string' },
  'retention-days': { type: 'string' },
  campaign: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  baseline: { type: 'string' },
  mde: { type: 'string' },
  alpha: { type: 'string' },
  power: { type: 'string' },
  variants: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/** English sentences for the validation keys the API sends (the UI has its own catalogs). */
const validationText: Record<string, string> = {
  'name.required': 'a name is required',
  'name.tooLong': 'the name is too long (80 characters at most)',
  'name.taken': 'another workspace already has this name',
  'timeZone.invalid': 'unknown time zone (use an IANA name such as Europe/Paris)',
  'locale.invalid': 'invalid locale (use a tag such as fr-FR or en-CA)',
  'confirm.mismatch': 'the confirmation does not match the workspace name',
};

async function call<M extends Method>(ctx: AppContext, method: M, input: Input<M>): Promise<Output<M>> {
  const reply = await dispatch(ctx, method, input);
  if (!reply.ok) throw ApiError.fromBody(reply.error);
  return reply.data as Output<M>;
}

function findWorkspace(list: Output<'workspace:list'>, name: string) {
  const ws = list.find((w) => w.name.toLowerCase() === name.toLowerCase()) ?? list.find((w) => String(w.id) === name);
  if (!ws) throw new CliError(`No workspace named "${name}". See: relais workspace list`);
  return ws;
}

export interface CliDeps {
  io?: CliIO;
  env?: NodeJS.ProcessEnv;
  /** Serves the UI; injected so the CLI stays testable and the server stays a thin adapter. */
  serveUi?: (ctx: AppContext, opts: { port?: number; open: boolean; demoIfEmpty: boolean; io: CliIO }) => Promise<void>;
  rendererDir?: string;
}

export async function runCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? processIO;
  if (argv[0] === 'sto') return runStoCommand(argv.slice(1), io);
  if (argv[0] === 'simulate-graph') return runGraphSimCommand(argv.slice(1), io);
  if (syncCommandOf(argv)) return runSyncCommand(argv, { io, env: deps.env ?? process.env });
  if (argv[0] === 'segment') return runSegmentCommand(argv.slice(1), { io, env: deps.env ?? process.env });
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  } catch (e) {
    io.err(`relais: ${(e as Error).message}\nSee: relais --help`);
    return 2;
  }
  if (values.version) {
    io.out(APP_VERSION);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    io.out(HELP);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  const [command, sub, ...rest] = positionals;
  const json = values.json;
  const print = (data: unknown, human: () => string) => io.out(json ? JSON.stringify(data, null, 2) : human());

  let ctx: AppContext | null = null;
  try {
    const dataDir = resolveDataDir(values['data-dir'], deps.env ?? process.env);
    const env = deps.env ?? process.env;
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new CliError('--port takes a number between 0 and 65535', 2);

    // Commands that never open the app's database.
    switch (command) {
      case 'ab':
        return runAbCommand(argv.slice(argv.indexOf('ab') + 1), io);
      case 'simulate':
        return await simulateCommand({ scenario: values.scenario, archive: values.archive, post: values.post, truth: values.truth, json, env, appSecretEnv: values['app-secret-env'], io });
      case 'serve-webhooks':
        return await serveWebhooksCommand({ spoolDir: path.join(dataDir, 'webhooks'), port, host: values.host, env, io });
      case 'relay': {
        if (!values.store) throw new CliError('Usage: relais relay --store DIR [--port P] [--host H] [--retention-days N]', 2);
        const retentionDays = values['retention-days'] === undefined ? undefined : Number(values['retention-days']);
        if (retentionDays !== undefined && !(retentionDays > 0)) throw new CliError('--retention-days takes a positive number', 2);
        return await relayCommand({ storeDir: path.resolve(values.store), port, host: values.host, retentionDays, env, io });
      }
    }

    ctx = createContext({ dataDir });
    if (ctx.store.migration.backupPath) io.err(`relais: database upgraded to schema ${ctx.store.migration.to}; backup at ${ctx.store.migration.backupPath}`);

    switch (`${command} ${sub ?? ''}`.trim()) {
      case 'workspace list': {
        const list = await call(ctx, 'workspace:list', {});
        print(list, () =>
          list.length === 0 ? 'No workspaces yet. Create one: relais workspace create "Client name"' : table(list.map((w) => ({ id: w.id, name: w.name, timeZone: w.timeZone, locale: w.locale })), ['id', 'name', 'timeZone', 'locale']),
        );
        return 0;
      }
      case 'workspace create': {
        const name = rest.join(' ');
        if (!name) throw new CliError('Usage: relais workspace create NAME [--tz ZONE] [--locale TAG]', 2);
        const ws = await call(ctx, 'workspace:create', { name, timeZone: values.tz ?? 'Europe/Paris', locale: values.locale ?? 'fr-FR' });
        print(ws, () => `Created workspace ${ws.id} "${ws.name}" (${ws.timeZone}, ${ws.locale})`);
        return 0;
      }
      case 'workspace rename': {
        const [from, to] = rest;
        if (!from || !to) throw new CliError('Usage: relais workspace rename NAME NEW_NAME', 2);
        const ws = findWorkspace(await call(ctx, 'workspace:list', {}), from);
        const updated = await call(ctx, 'workspace:update', { id: ws.id, name: to });
        print(updated, () => `Renamed workspace ${ws.id} to "${updated.name}"`);
        return 0;
      }
      case 'workspace set': {
        const [name] = rest;
        if (!name || (!values.tz && !values.locale)) throw new CliError('Usage: relais workspace set NAME [--tz ZONE] [--locale TAG]', 2);
        const ws = findWorkspace(await call(ctx, 'workspace:list', {}), name);
        const updated = await call(ctx, 'workspace:update', { id: ws.id, timeZone: values.tz, locale: values.locale });
        print(updated, () => `Workspace "${updated.name}": ${updated.timeZone}, ${updated.locale}`);
        return 0;
      }
      case 'workspace delete': {
        const [name] = rest;
        if (!name) throw new CliError('Usage: relais workspace delete NAME --confirm NAME', 2);
        const ws = findWorkspace(await call(ctx, 'workspace:list', {}), name);
        if (values.confirm === undefined) throw new CliError(`This deletes "${ws.name}" and all its data. Repeat its name to confirm: --confirm "${ws.name}"`, 2);
        await call(ctx, 'workspace:delete', { id: ws.id, confirmName: values.confirm });
        print({ deleted: true, id: ws.id }, () => `Deleted workspace "${ws.name}"`);
        return 0;
      }
      case 'db info': {
        const info = await call(ctx, 'db:info', {});
        print(info, () =>
          [
            `path:           ${info.path}`,
            `schema version: ${info.schemaVersion}`,
            `journal mode:   ${info.journalMode}`,
            `size:           ${info.sizeBytes} bytes`,
            'rows:',
            ...Object.entries(info.counts).map(([t, n]) => `  ${t.padEnd(16)} ${n}`),
          ].join('\n'),
        );
        return 0;
      }
      case 'demo': {
        const result = await demoCommand(ctx, { io, json });
        print(result, () => result.workspaces.map((w) => `${w.name}: ${w.messages} messages, ${w.contacts} contacts`).join('\n'));
        return 0;
      }
      case 'funnel':
        return funnelCommand(ctx, { workspace: values.workspace, campaign: values.campaign, from: values.from, to: values.to, json, io });
      case 'alerts':
        return alertsCommand(ctx, { workspace: values.workspace, json, io });
      case 'import contacts': {
        const file = rest[0];
        if (!file) throw new CliError('Usage: relais import contacts FILE --workspace W   (columns: page_id,psid,name,phone,email,sms_consent,email_consent,messenger_opt_out)', 2);
        const ws = chooseWorkspace(ctx, values.workspace);
        const summary = importContactsCsv(ctx.store.db, { file: path.resolve(file), workspaceId: ws.id });
        print(summary, () =>
          [`${summary.rows} rows: ${summary.updated} contacts updated, ${summary.created} added, ${summary.problems} set aside`, ...summary.problemReport.slice(0, 20).map((p) => `  line ${p.line}: ${p.reason} ${p.detail}`)].join('\n'),
        );
        return 0;
      }
      case 'import webhooks': {
        const file = rest[0];
        if (!file) throw new CliError('Usage: relais import webhooks FILE [--workspace W] [--add-pages] [--app-secret-env VAR]', 2);
        const result = await importCommand(ctx, { file: path.resolve(file), workspace: values.workspace, addPages: values['add-pages'], appSecretEnv: values['app-secret-env'], env, io, json });
        print(result, () => describeImport(result));
        return 0;
      }
      case 'ui': {
        if (!deps.serveUi) throw new CliError('The UI server is not available in this build.');
        await deps.serveUi(ctx, { port, open: !values['no-open'], demoIfEmpty: values['demo-if-empty'], io });
        ctx = null; // the server owns the store now
        return 0;
      }
      default:
        throw new CliError(`Unknown command "${[command, sub].filter(Boolean).join(' ')}". See: relais --help`, 2);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`relais: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ApiError) {
      const detail = e.issues?.length ? ` (${e.issues.map((i) => `${i.path || 'input'}: ${validationText[i.message] ?? i.message}`).join('; ')})` : '';
      io.err(`relais: ${e.message}${detail}`);
      if (json) io.out(JSON.stringify({ error: e.toBody() }));
      return e.code === 'BAD_INPUT' || e.code === 'NOT_FOUND' || e.code === 'CONFLICT' ? 3 : 1;
    }
    if (e instanceof StoreError) {
      io.err(`relais: ${e.message}`);
      return 4;
    }
    io.err(`relais: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  } finally {
    ctx?.store.close();
  }
}

export const defaultRendererDir = (distElectronDir: string) => path.join(distElectronDir, '..', 'renderer');
