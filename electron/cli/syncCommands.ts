import { parseArgs } from 'node:util';
import { createContext, type AppContext } from '../services/context';
import { resolveDataDir } from '../services/dataDir';
import { StoreError } from '../services/db/store';
import { openTokenStore, type TokenStore } from '../services/secrets';
import { startDeviceLogin, waitForDeviceLogin } from '../services/sync/deviceLogin';
import { GraphError } from '../services/sync/graphErrors';
import type { PageProgress } from '../services/sync/pageSync';
import { clientOptionsFromEnv, connectPages, graphEndpoint, makeClient, saveEndpoint, syncStatus, syncWorkspace } from '../services/sync/service';
import { CliError, table, type CliIO } from './output';
import { chooseWorkspace } from './workspaceArg';

const COMMANDS = new Set(['sync', 'login', 'pages']);

const options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  workspace: { type: 'string' },
  page: { type: 'string', multiple: true },
  'graph-url': { type: 'string' },
  'graph-version': { type: 'string' },
  'token-env': { type: 'string' },
  'app-token-env': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const USAGE = `Usage:
  relais login [--workspace W] [--graph-url URL] [--app-token-env VAR | --token-env VAR]
      Device login: shows a code to enter at facebook.com/device (app token APP_ID|CLIENT_TOKEN from
      the variable named by --app-token-env, default RELAIS_FB_APP_TOKEN). With --token-env, uses the
      user access token in that variable instead. Lists your Pages and keeps their tokens.
  relais pages [--workspace W] [--json]          the connected Pages and their sync state
  relais sync [--workspace W] [--page P]… [--graph-url URL] [--graph-version v25.0] [--json]
      brings each Page's inbox history in (Conversations API); resumes where a stopped sync stopped`;

/** The sync command named in argv (after options such as --data-dir DIR), if any. */
export function syncCommandOf(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return COMMANDS.has(a) ? a : null;
  }
  return null;
}

function explainFailure(kind: string, message: string, fbtraceId?: string | null): string {
  const trace = fbtraceId ? ` (fbtrace_id ${fbtraceId})` : '';
  switch (kind) {
    case 'auth':
      return `the access token was refused or revoked — run: relais login${trace}`;
    case 'network':
    case 'offline':
      return 'Graph could not be reached — check the connection, then run relais sync again: it resumes where it stopped';
    case 'rateLimit':
      return `Meta's rate limit held for too long — run relais sync later: it resumes where it stopped${trace}`;
    case 'transient':
      return `Graph kept failing for a while — run relais sync again later: it resumes where it stopped${trace}`;
    case 'cancelled':
      return 'stopped — the next sync resumes where this one stopped';
    default:
      return `${message}${trace}`;
  }
}

export async function runSyncCommand(argv: string[], deps: { io: CliIO; env: NodeJS.ProcessEnv }): Promise<number> {
  const { io, env } = deps;
  let values: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  } catch (e) {
    io.err(`relais: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const command = positionals[0]!;
  if (values.help || positionals.length > 1) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  let ctx: AppContext | null = null;
  let tokens: TokenStore | null = null;
  const clean = (s: string) => (tokens ? tokens.redact(s) : s);
  try {
    const dataDir = resolveDataDir(values['data-dir'], env);
    ctx = createContext({ dataDir });
    tokens = await openTokenStore({ dataDir });
    const ws = chooseWorkspace(ctx, values.workspace);
    const graphUrl = values['graph-url'];
    if (graphUrl !== undefined && !/^https?:\/\/[^\s?#@]+$/.test(graphUrl)) throw new CliError('--graph-url takes an http(s) address such as https://graph.facebook.com', 2);
    const graphVersion = values['graph-version'];
    if (graphVersion !== undefined && !/^v\d+\.\d+$/.test(graphVersion)) throw new CliError('--graph-version takes a version such as v25.0', 2);
    const db = ctx.store.db;
    const storage = tokens.describe();
    switch (command) {
      case 'login': {
        if (graphUrl || graphVersion) saveEndpoint(db, ws.id, graphUrl?.replace(/\/+$/, ''), graphVersion);
        if (storage.unencrypted) io.err(`relais: warning: ${storage.explanation}`);
        let userToken: string;
        if (values['token-env']) {
          const t = env[values['token-env']];
          if (!t) throw new CliError(`The variable ${values['token-env']} is empty.`, 2);
          userToken = t.trim();
        } else {
          const appVar = values['app-token-env'] ?? 'RELAIS_FB_APP_TOKEN';
          const appToken = env[appVar];
          if (!appToken || !appToken.includes('|')) throw new CliError(`Device login needs the app token APP_ID|CLIENT_TOKEN in ${appVar} (or give a user token with --token-env VAR).`, 2);
          const endpoint = graphEndpoint(db, ws.id, env);
          const minuteMs = clientOptionsFromEnv(env).minuteMs ?? 60_000;
          const o = { baseUrl: endpoint.graphUrl, version: endpoint.version, appToken, secondMs: minuteMs / 60 };
          const device = await startDeviceLogin(o);
          io.err(`To connect your Pages, open ${device.verificationUri} and enter the code ${device.userCode} (valid ${Math.round(device.expiresInS / 60)} min). Waiting…`);
          userToken = await waitForDeviceLogin(o, device);
        }
        const pages = await connectPages(db, tokens, makeClient(db, ws.id, { retry: { maxAttempts: 3 } }, env), { workspaceId: ws.id, userToken });
        io.err(`relais: tokens kept: ${storage.explanation}`);
        io.out(values.json ? JSON.stringify({ workspace: ws.name, pages }, null, 2) : pages.length ? table(pages.map((p) => ({ page: p.pageId, name: p.name ?? '' })), ['page', 'name']) : 'No Page found for this account.');
        return 0;
      }
      case 'pages': {
        const view = await syncStatus(db, tokens, ws.id, env);
        const rows = view.pages.map(({ pageId, name, status, selected, hasToken, messagesDone, lastSuccessAt, truncatedConversations, messagesOutOfReach }) => ({
          pageId,
          name,
          status,
          selected,
          hasToken,
          messages: messagesDone,
          lastSuccess: lastSuccessAt === null ? null : new Date(lastSuccessAt).toISOString(),
          truncatedConversations,
          messagesOutOfReach,
        }));
        io.out(
          values.json
            ? JSON.stringify({ graphUrl: view.graphUrl, offline: view.offline, dataFrom: view.dataFrom, pages: rows }, null, 2)
            : rows.length
              ? table(rows.map((r) => ({ ...r, lastSuccess: r.lastSuccess ?? 'never', selected: r.selected ? 'yes' : 'no', hasToken: r.hasToken ? 'yes' : 'no — relais login' })), ['pageId', 'name', 'status', 'selected', 'hasToken', 'messages', 'lastSuccess'])
              : 'No Page connected yet. Run: relais login',
        );
        return 0;
      }
      case 'sync': {
        if (graphUrl || graphVersion) saveEndpoint(db, ws.id, graphUrl?.replace(/\/+$/, ''), graphVersion);
        const controller = new AbortController();
        const stop = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        let lastLine = 0;
        const onProgress = (p: PageProgress) => {
          if (values.json || (Date.now() - lastLine < 1000 && p.status === 'running')) return;
          lastLine = Date.now();
          const total = p.conversationsTotal === null ? '' : `/${p.conversationsTotal}`;
          const wait = p.backoff ? `, waiting ${Math.ceil((p.backoff.until - Date.now()) / 1000)} s (${p.backoff.reason === 'usage' ? 'close to the rate limit' : p.backoff.reason === 'rateLimit' ? 'rate limited' : 'retrying'})` : '';
          const eta = p.etaMs ? `, about ${Math.ceil(p.etaMs / 1000)} s left` : '';
          io.err(`Page ${p.pageId}: ${p.conversationsDone}${total} conversations, ${p.messagesDone} messages${eta}${wait}`);
        };
        let outcomes;
        try {
          outcomes = await syncWorkspace(db, tokens, makeClient(db, ws.id, {}, env), { workspaceId: ws.id, pageIds: values.page, signal: controller.signal, onProgress });
        } finally {
          process.removeListener('SIGINT', stop);
        }
        if (outcomes.length === 0) throw new CliError(values.page ? 'None of these Pages is connected. See: relais pages' : 'No Page connected yet. Run: relais login', 3);
        const status = await syncStatus(db, tokens, ws.id, env);
        const report = outcomes.map((o) => {
          const page = status.pages.find((p) => p.pageId === o.pageId);
          return {
            pageId: o.pageId,
            status: o.status,
            messagesAdded: o.messagesAdded,
            conversations: o.conversations,
            truncatedConversations: page?.truncatedConversations ?? 0,
            messagesOutOfReach: page?.messagesOutOfReach ?? 0,
            error: o.error ? { kind: o.error.kind, message: clean(o.error.message), code: o.error.code ?? null, fbtraceId: o.error.fbtraceId ?? null } : null,
          };
        });
        if (values.json) io.out(JSON.stringify({ workspace: ws.name, pages: report }, null, 2));
        else {
          io.out(
            report
              .map((r) =>
                r.status === 'done'
                  ? `Page ${r.pageId}: done, ${r.conversations} conversations, ${r.messagesAdded} new messages` +
                    (r.truncatedConversations ? ` (${r.truncatedConversations} conversations have older messages the API does not give: only the 20 most recent are available)` : '')
                  : `Page ${r.pageId}: ${r.status} — ${explainFailure(r.error?.kind ?? 'other', r.error?.message ?? '', r.error?.fbtraceId)}`,
              )
              .join('\n'),
          );
        }
        for (const r of report) if (r.status !== 'done' && !values.json) io.err(`relais: Page ${r.pageId}: ${explainFailure(r.error?.kind ?? 'other', r.error?.message ?? '', r.error?.fbtraceId)}`);
        return report.every((r) => r.status === 'done') ? 0 : 1;
      }
      default:
        throw new CliError(USAGE, 2);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`relais: ${clean(e.message)}`);
      return e.exitCode;
    }
    if (e instanceof GraphError) {
      io.err(`relais: ${explainFailure(e.kind, clean(e.message), e.details.fbtraceId)}`);
      return 1;
    }
    if (e instanceof StoreError) {
      io.err(`relais: ${e.message}`);
      return 4;
    }
    io.err(`relais: ${clean((e as Error).message ?? String(e))}`);
    return 1;
  } finally {
    ctx?.store.close();
  }
}
