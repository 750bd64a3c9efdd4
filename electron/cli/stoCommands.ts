import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { POLICIES, evaluateSendTime, type SendTimeEvaluation } from '../services/sendTime/evaluate';
import { CliError, table, type CliIO } from './output';

const USAGE = `Usage: relais sto evaluate --scenario F [--seed N] [--horizon MIN] [--contacts N] [--days N]
                            [--eval-days N] [--from-hour H] [--to-hour H] [--quiet 22-8|none] [--cap N] [--json]

Simulates the scenario, imports its webhook archive into a temporary database, then for each of the
last --eval-days days (default 7) trains on the history before it and plans that day's campaign.
Every policy is scored with the simulator's true probabilities (seen within --horizon minutes,
default 60). --contacts and --days scale the scenario down for speed.`;

function intArg(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} takes a whole number between ${min} and ${max}, got "${value}"`, 2);
  return n;
}

export function formatEvaluation(e: SendTimeEvaluation): string {
  const rows = POLICIES.map((p) => ({ policy: p, 'seen within H': (e.rates[p] * 100).toFixed(1) + ' %' }));
  return [
    `${e.scenario} — ${e.contacts} contacts, ${e.days} days, seed ${e.seed}; H = ${e.horizonMinutes} min; ${e.evaluated} contact-campaigns over ${e.perDay.length} days`,
    table(rows, ['policy', 'seen within H']),
    `captured = (relais − fixed) / (oracle − fixed) = ${e.captured.toFixed(3)}`,
    `timings: simulate ${e.timings.simulateMs} ms, import ${e.timings.importMs} ms, evaluate ${e.timings.evaluateMs} ms`,
  ].join('\n');
}

/** `relais sto …`: send-time optimisation tools that need no workspace. */
export async function runStoCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        scenario: { type: 'string' },
        seed: { type: 'string' },
        horizon: { type: 'string' },
        contacts: { type: 'string' },
        days: { type: 'string' },
        'eval-days': { type: 'string' },
        'from-hour': { type: 'string' },
        'to-hour': { type: 'string' },
        quiet: { type: 'string' },
        cap: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`relais: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    if (positionals[0] !== 'evaluate' || !values.scenario) throw new CliError(USAGE, 2);
    const file = path.resolve(values.scenario);
    let scenario: unknown;
    try {
      scenario = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new CliError(`${file}: ${(e as Error).message}`, 3);
    }
    let quietHours: { startHour: number; endHour: number } | null | undefined;
    if (values.quiet === 'none') quietHours = null;
    else if (values.quiet !== undefined) {
      const m = /^(\d{1,2})-(\d{1,2})$/.exec(values.quiet);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 23) throw new CliError(`--quiet takes START-END local hours such as 22-8, or none; got "${values.quiet}"`, 2);
      quietHours = { startHour: Number(m[1]), endHour: Number(m[2]) };
    }
    const seedText = values.seed;
    const seed = seedText === undefined ? undefined : /^\d+$/.test(seedText) ? Number(seedText) : seedText;
    const result = await evaluateSendTime({
      scenario,
      seed,
      contacts: intArg(values.contacts, '--contacts', 10, 1_000_000),
      days: intArg(values.days, '--days', 2, 3660),
      horizonMinutes: intArg(values.horizon, '--horizon', 1, 1440) ?? 60,
      evaluationDays: intArg(values['eval-days'], '--eval-days', 1, 60),
      fromHour: intArg(values['from-hour'], '--from-hour', 0, 23),
      toHour: intArg(values['to-hour'], '--to-hour', 1, 24),
      quietHours,
      perMinuteCap: intArg(values.cap, '--cap', 1, 1_000_000) ?? null,
      onProgress: (m) => io.err(`relais: ${m}`),
    });
    io.out(values.json ? JSON.stringify(result, null, 2) : formatEvaluation(result));
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`relais: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof RangeError || (e as Error).name === 'ZodError') {
      io.err(`relais: ${(e as Error).message}`);
      return 3;
    }
    throw e;
  }
}
