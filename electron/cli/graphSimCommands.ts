import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadScenarioFile } from '../services/simulator';
import { GraphFaultOptions, expectedSync, startGraphServer, type GraphServer } from '../services/simulator/graph';
import { CliError, type CliIO } from './output';

const graphSimOptions = {
  scenario: { type: 'string', multiple: true },
  seed: { type: 'string' },
  port: { type: 'string' },
  faults: { type: 'string' },
  'rate-limits': { type: 'string' },
  truth: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const USAGE = 'Usage: relais simulate-graph --scenario F [--scenario F2 …] [--seed N] [--port P] [--faults JSON|FILE] [--rate-limits JSON] [--truth FILE] [--json]';

const RateLimits = z
  .object({
    minuteMs: z.number().positive().optional(),
    windowMinutes: z.number().positive().optional(),
    appCallsPerWindow: z.number().int().positive().optional(),
    pageCallsPerWindow: z.number().int().positive().optional(),
    penaltyMinutes: z.number().positive().optional(),
  })
  .strict();

function jsonArg<T>(flag: string, value: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    try {
      text = fs.readFileSync(path.resolve(value), 'utf8');
    } catch {
      throw new CliError(`${flag}: not JSON and not a readable file: ${value}`, 2);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${flag}: invalid JSON (${(e as Error).message})`, 2);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CliError(`${flag}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`, 2);
  return parsed.data;
}

export interface GraphSimCommandDeps {
  /** Stops the server (tests); by default SIGINT/SIGTERM do. */
  signal?: AbortSignal;
  /** Called once the server listens (tests). */
  onReady?: (server: GraphServer) => void;
}

/**
 * `relais simulate-graph`: serves the simulated Pages through the Graph API face
 * until stopped, for manual runs of the sync and its end-to-end test. Prints the
 * URL and the user token on stdout (one JSON line with --json).
 */
export async function runGraphSimCommand(argv: string[], io: CliIO, deps: GraphSimCommandDeps = {}): Promise<number> {
  try {
    return await graphSimCommand(argv, io, deps);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`relais: ${e.message}`);
      return e.exitCode;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`relais: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    io.err(`relais: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

async function graphSimCommand(argv: string[], io: CliIO, deps: GraphSimCommandDeps): Promise<number> {
  const { values } = parseArgs({ args: argv, options: graphSimOptions, allowPositionals: false, strict: true });
  const files = values.scenario ?? [];
  if (files.length === 0) throw new CliError(USAGE, 2);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port takes a number between 0 and 65535', 2);
  const seed = values.seed;
  if (seed !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(seed)) throw new CliError('--seed takes a number or a short word', 2);
  const faults = jsonArg('--faults', values.faults, GraphFaultOptions);
  const rateLimits = jsonArg('--rate-limits', values['rate-limits'], RateLimits);

  const scenarios = await Promise.all(
    files.map((f) =>
      loadScenarioFile(path.resolve(f)).catch((e: Error) => {
        throw new CliError(`--scenario: ${e.message}`, 3);
      }),
    ),
  );
  // --seed replays the same scenario with another draw (numbers stay numbers).
  const seeded = seed === undefined ? scenarios : scenarios.map((s) => ({ ...s, seed: /^\d+$/.test(seed) ? Number(seed) : seed }));
  io.err(`relais: simulating ${seeded.map((s) => s.name).join(', ')}…`);
  let server: GraphServer;
  try {
    server = await startGraphServer({ scenarios: seeded, port, seed, faults, rateLimits });
  } catch (e) {
    throw new CliError(`could not start the Graph simulator: ${(e as Error).message}`, 1);
  }
  if (values.truth) fs.writeFileSync(path.resolve(values.truth), JSON.stringify(expectedSync(server.world), null, 2));
  const pages = server.world.pages.map((p) => ({ id: p.id, name: p.name, conversations: p.conversations.length, messages: p.conversations.reduce((a, c) => a + c.messages.length, 0) }));
  if (values.json) {
    io.out(JSON.stringify({ url: server.url, version: server.version, userToken: server.tokens.user, appToken: server.tokens.app, pages }));
  } else {
    io.out(
      [
        `url:        ${server.url}/${server.version}/`,
        `user token: ${server.tokens.user}`,
        `app token:  ${server.tokens.app}`,
        ...pages.map((p) => `page:       ${p.id} "${p.name}" — ${p.conversations} conversations, ${p.messages} messages`),
      ].join('\n'),
    );
  }
  io.err('Graph simulator ready. Press Ctrl+C to stop.');
  deps.onReady?.(server);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (deps.signal) {
      if (deps.signal.aborted) stop();
      else deps.signal.addEventListener('abort', stop, { once: true });
    } else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  const s = server.stats;
  io.err(`relais: Graph simulator stopped after ${s.calls} calls (${s.faultsTotal} faults injected, ${s.throttled} throttled).`);
  await server.close();
  return 0;
}
