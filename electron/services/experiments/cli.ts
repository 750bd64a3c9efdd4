import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { AbAnalyzeInput, AbPlanInput, MAX_VARIANTS, MIN_VARIANTS } from '../../../shared/domain/experiments';
import { analyzeExperiment, DEFAULT_ALPHA, DEFAULT_POWER, sampleSizePerVariant, type ExperimentAnalysis } from '../../../shared/stats';
import type { CliIO } from '../../cli/output';

const USAGE = `Usage:
  relais ab analyze FILE [--json]
      FILE: {"variants":[{"name":"A","exposures":1000,"conversions":120},…],"control":"A","alpha":0.05,"expectedSplit":[0.5,0.5]}
      (alpha and expectedSplit are optional: 0.05 and an equal split by default)
  relais ab plan --baseline RATE --mde DIFF [--alpha 0.05] [--power 0.8] [--variants 2] [--json]
      contacts needed per variant to detect an absolute change DIFF from the rate RATE`;

/** English for the validation keys of the shared schemas (the UI has its own FR/EN catalogs). */
const validationText: Record<string, string> = {
  'experiments.error.count': 'must be a whole number, 0 or more',
  'experiments.error.conversionsAboveExposures': 'cannot exceed exposures',
  'experiments.error.variantCount': `needs between ${MIN_VARIANTS} and ${MAX_VARIANTS} variants`,
  'experiments.error.control': 'must be the name of one of the variants',
  'experiments.error.alpha': 'must be strictly between 0 and 1',
  'experiments.error.share': 'must be a positive number',
  'experiments.error.splitLength': 'needs one weight per variant, in the order of "variants"',
  'experiments.error.variantNameRequired': 'a variant needs a non-empty name',
  'experiments.error.variantNameTooLong': 'is too long (60 characters at most)',
  'experiments.error.variantNameTaken': 'is the name of another variant too',
  'experiments.error.plannedPerVariant': 'must be a whole number, 1 or more',
  'experiments.error.baseline': 'must be a rate strictly between 0 and 1 (0.2 for 20 %)',
  'experiments.error.mde': 'must be a non-zero change that keeps baseline + mde strictly between 0 and 1 (0.02 for +2 points)',
  'experiments.error.power': 'must be strictly between 0 and 1 (0.8 for 80 %)',
};

class BadInput extends Error {}

/** ["variants", 0, "exposures"] → "variants[0].exposures". */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)), '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssues(error: z.ZodError, raw: unknown, rename: (field: string) => string): string {
  return error.issues
    .map((issue) => {
      const field = rename(fieldName(issue.path)) || 'input';
      const value = valueAt(raw, issue.path);
      const shown = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
      return `${field}: ${validationText[issue.message] ?? issue.message}${shown}`;
    })
    .join('\n');
}

function analyzeOutput(analysis: ExperimentAnalysis) {
  return {
    srm: { pValue: analysis.srm.pValue, mismatch: analysis.srm.mismatch },
    variants: analysis.variants.map((v) => ({
      name: v.name,
      exposures: v.exposures,
      conversions: v.conversions,
      rate: v.rate,
      ciLow: v.interval?.low ?? null,
      ciHigh: v.interval?.high ?? null,
    })),
    comparisons: analysis.comparisons.map((c) => ({
      variant: c.variant,
      control: c.control,
      absoluteLift: c.absoluteLift,
      relativeLift: c.relativeLift,
      diffCiLow: c.diffCiLow,
      diffCiHigh: c.diffCiHigh,
      pValue: c.pValue,
      method: c.method,
      adjustedPValue: c.adjustedPValue,
      probabilityToBeatControl: c.probabilityToBeatControl,
      expectedLoss: c.expectedLoss,
      significant: c.significant,
    })),
  };
}

const pct = (x: number | null, digits = 1) => (x === null ? '–' : `${(x * 100).toFixed(digits)} %`);
const pts = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`);
const pv = (p: number | null) => (p === null ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

function analyzeText(analysis: ExperimentAnalysis): string {
  const level = `${Math.round((1 - analysis.alpha) * 1000) / 10} %`;
  const lines = analysis.variants.map(
    (v) => `${v.name.padEnd(12)} ${String(v.conversions).padStart(8)} / ${String(v.exposures).padEnd(8)} ${pct(v.rate).padStart(8)}   ${level} interval ${pct(v.interval?.low ?? null)} to ${pct(v.interval?.high ?? null)}`,
  );
  for (const c of analysis.comparisons) {
    lines.push(
      `${c.variant} vs ${c.control}: ${pts(c.absoluteLift)} points (${level} interval ${pts(c.diffCiLow)} to ${pts(c.diffCiHigh)}), ` +
        `p = ${pv(c.pValue)} (${c.method}), Holm-adjusted p = ${pv(c.adjustedPValue)}, ` +
        `${pct(c.probabilityToBeatControl, 0)} chance to beat ${c.control}${c.significant ? ' — significant' : ''}`,
    );
  }
  lines.push(
    analysis.srm.mismatch
      ? `Sample-ratio mismatch (p = ${pv(analysis.srm.pValue)}): exposures do not follow the planned split; check send hours, closed 24-hour windows and rate limits before trusting the result.`
      : `Sample ratio: consistent with the planned split (p = ${pv(analysis.srm.pValue)}).`,
  );
  return lines.join('\n');
}

function runAnalyze(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new BadInput(`FILE: give exactly one file to analyse.\n${USAGE}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInput(`FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadInput(`FILE: ${file} is not valid JSON (${(e as Error).message})`);
  }
  const parsed = AbAnalyzeInput.safeParse(raw);
  if (!parsed.success) throw new BadInput(describeIssues(parsed.error, raw, (field) => field));
  let analysis: ExperimentAnalysis;
  try {
    analysis = analyzeExperiment({
      variants: parsed.data.variants,
      control: parsed.data.control,
      alpha: parsed.data.alpha ?? DEFAULT_ALPHA,
      expectedSplit: parsed.data.expectedSplit,
    });
  } catch (e) {
    // The engine's messages start with the field they reject.
    if (e instanceof RangeError) throw new BadInput(e.message);
    throw e;
  }
  io.out(values.json ? JSON.stringify(analyzeOutput(analysis), null, 2) : analyzeText(analysis));
  return 0;
}

const planOptions = {
  baseline: { type: 'string' },
  mde: { type: 'string' },
  alpha: { type: 'string' },
  power: { type: 'string' },
  variants: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** parseArgs reads "--mde -0.02" as two options; a negative change is normal here, so glue number values on. */
function joinNegativeNumbers(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if (/^--\w+$/.test(arg) && next !== undefined && /^-\d*\.?\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

function runPlan(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({ args: joinNegativeNumbers(args), options: planOptions, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new BadInput(`unexpected argument "${positionals[0]}".\n${USAGE}`);
  const raw: Record<string, number> = {};
  for (const name of ['baseline', 'mde', 'alpha', 'power', 'variants'] as const) {
    const text = values[name];
    if (text === undefined) {
      if (name === 'baseline' || name === 'mde') throw new BadInput(`--${name}: required.\n${USAGE}`);
      continue;
    }
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new BadInput(`--${name}: "${text}" is not a number`);
    raw[name] = value;
  }
  const parsed = AbPlanInput.safeParse(raw);
  if (!parsed.success) throw new BadInput(describeIssues(parsed.error, raw, (field) => `--${field}`));
  let plan: ReturnType<typeof sampleSizePerVariant>;
  try {
    plan = sampleSizePerVariant(parsed.data);
  } catch (e) {
    if (e instanceof RangeError) throw new BadInput(`--${e.message}`);
    throw e;
  }
  if (values.json) {
    io.out(JSON.stringify({ perVariant: plan.perVariant, total: plan.total }, null, 2));
  } else {
    const variants = parsed.data.variants ?? 2;
    io.out(
      `${plan.perVariant} contacts per variant, ${plan.total} in total (${variants} variants), ` +
        `to detect ${pts(parsed.data.mde)} points from ${pct(parsed.data.baseline)} ` +
        `with ${pct(parsed.data.power ?? DEFAULT_POWER, 0)} power at alpha ${parsed.data.alpha ?? DEFAULT_ALPHA}` +
        (variants > 2 ? ` (${plan.alphaPerComparison.toPrecision(3)} per comparison, Bonferroni).` : '.'),
    );
  }
  return 0;
}

/**
 * `relais ab analyze FILE [--json]` and `relais ab plan … [--json]`, with
 * `argv` the words after `ab` (a leading "ab" is tolerated). Needs no data
 * folder: it reads numbers, not the database. Exit 0 on success, 2 on bad
 * input or usage (the message names the field), 1 on anything unexpected.
 */
export function runAbCommand(argv: readonly string[], io: CliIO): number {
  const args = argv[0] === 'ab' ? argv.slice(1) : [...argv];
  const [sub, ...rest] = args;
  try {
    if (sub === 'analyze') return runAnalyze(rest, io);
    if (sub === 'plan') return runPlan(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(USAGE);
      return sub === undefined ? 2 : 0;
    }
    throw new BadInput(`unknown command "ab ${sub}".\n${USAGE}`);
  } catch (e) {
    if (e instanceof BadInput) {
      io.err(`relais ab: ${e.message}`);
      return 2;
    }
    // parseArgs rejects unknown or malformed options with a TypeError whose code says so.
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`relais ab: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    io.err(`relais ab: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
