import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/api/errors';
import { Channel, SEGMENT_RULE_VERSION, SegmentRule } from '../../shared/domain/segmentRule';
import { ExportField } from '../../shared/domain/segments';
import { createContext, type AppContext } from '../services/context';
import { resolveDataDir } from '../services/dataDir';
import { StoreError } from '../services/db/store';
import { countSegment, exportFileName, exportLines, startingPoints, type ExportSummary } from '../services/segments/query';
import { listSegments } from '../services/segments/store';
import { CliError, table, type CliIO } from './output';
import { chooseWorkspace } from './workspaceArg';

/**
 * `relais segment list|count|export`: saved segments and the starting points, live counts and
 * consent-filtered CSV exports of a rule file (JSON, shared/domain/segmentRule.ts) or a saved
 * segment. The export is written row by row as the database yields it: constant memory.
 */

const USAGE = `Usage:
  relais segment list --workspace W [--json]
  relais segment count --workspace W (--rule FILE | --segment NAME) [--at ISO_TIME] [--json]
  relais segment export --workspace W (--rule FILE | --segment NAME) [--channel messenger|sms|email]
                        [--fields psid,name,…] [--out FILE] [--json]`;

const options = {
  'data-dir': { type: 'string' },
  workspace: { type: 'string' },
  rule: { type: 'string' },
  segment: { type: 'string' },
  channel: { type: 'string', default: 'messenger' },
  fields: { type: 'string' },
  out: { type: 'string' },
  at: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A rule file, refused with a message naming the problem (a newer format version first). */
export function readRuleFile(file: string): SegmentRule {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`Cannot read the rule file ${file}: ${(e as Error).message}`, 3);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > SEGMENT_RULE_VERSION) {
    throw new CliError(`The rule file ${file} uses rule format version ${version}; this Relais reads version ${SEGMENT_RULE_VERSION} at most. Update Relais.`, 3);
  }
  const parsed = SegmentRule.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['rule', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    throw new CliError(`The rule file ${file} is not a valid segment rule (${issues}).`, 3);
  }
  return parsed.data;
}

function ruleOf(ctx: AppContext, workspaceId: number, values: { rule?: string | undefined; segment?: string | undefined }): { rule: SegmentRule; name: string; selfId: number | null } {
  if ((values.rule === undefined) === (values.segment === undefined)) throw new CliError(`Give either --rule FILE or --segment NAME.\n${USAGE}`, 2);
  if (values.rule !== undefined) return { rule: readRuleFile(path.resolve(values.rule)), name: path.basename(values.rule).replace(/\.json$/i, ''), selfId: null };
  const list = listSegments(ctx.store.db, workspaceId);
  const seg = list.find((s) => s.name.toLowerCase() === values.segment!.toLowerCase()) ?? list.find((s) => String(s.id) === values.segment);
  if (!seg) throw new CliError(`No segment named "${values.segment}". See: relais segment list --workspace W`, 3);
  return {
    name: seg.name,
    selfId: null,
    rule: { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'segment', segmentId: seg.id, op: 'isTrue' }] } },
  };
}

export async function runSegmentCommand(argv: string[], deps: { io: CliIO; env: NodeJS.ProcessEnv }): Promise<number> {
  const { io } = deps;
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  } catch (e) {
    io.err(`relais: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const sub = positionals[0];
  if (values.help || !sub || !['list', 'count', 'export'].includes(sub)) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  let ctx: AppContext | null = null;
  try {
    const dataDir = resolveDataDir(values['data-dir'], deps.env);
    ctx = createContext({ dataDir });
    const ws = chooseWorkspace(ctx, values.workspace);
    const db = ctx.store.db;
    const at = values.at === undefined ? Date.now() : Date.parse(values.at);
    if (Number.isNaN(at)) throw new CliError('--at takes an ISO time such as 2026-06-01T12:00:00Z', 2);
    if (sub === 'list') {
      const result = { workspace: { id: ws.id, name: ws.name }, segments: listSegments(db, ws.id), startingPoints: startingPoints(Date.now()) };
      io.out(
        values.json
          ? JSON.stringify(result, null, 2)
          : [
              result.segments.length ? table(result.segments, ['id', 'name', 'kind', 'version', 'updatedBy']) : 'No saved segment yet.',
              '',
              `Starting points: ${result.startingPoints.map((s) => s.key).join(', ')}`,
            ].join('\n'),
      );
      return 0;
    }
    const { rule, name, selfId } = ruleOf(ctx, ws.id, values);
    if (sub === 'count') {
      const result = countSegment(db, { workspaceId: ws.id, rule, at, segmentId: selfId ?? undefined });
      io.out(values.json ? JSON.stringify(result, null, 2) : `${result.count} contacts, ${result.messageableNow} messageable on Messenger now`);
      return 0;
    }
    const channel = Channel.safeParse(values.channel);
    if (!channel.success) throw new CliError(`--channel takes messenger, sms or email (not "${values.channel}")`, 2);
    const fieldNames = (values.fields ?? 'psid,name').split(',').map((f) => f.trim()).filter(Boolean);
    const bad = fieldNames.filter((f) => !ExportField.safeParse(f).success);
    if (bad.length) throw new CliError(`Unknown field(s) ${bad.join(', ')}; choose among ${ExportField.options.join(', ')}`, 2);
    const fields = fieldNames as ExportField[];
    const summary: ExportSummary = { rows: 0, excluded: 0, count: 0 };
    const lines = exportLines(db, { workspaceId: ws.id, rule, channel: channel.data, fields, at, selfId }, summary);
    if (values.out) {
      const file = path.resolve(values.out);
      const tmp = `${file}.part`;
      const fd = fs.openSync(tmp, 'w');
      try {
        // Lines are gathered into ~64 KB writes; nothing else is kept.
        let buffer = '';
        for (const line of lines) {
          buffer += line;
          if (buffer.length >= 65536) {
            fs.writeSync(fd, buffer);
            buffer = '';
          }
        }
        if (buffer) fs.writeSync(fd, buffer);
      } catch (e) {
        fs.closeSync(fd);
        fs.rmSync(tmp, { force: true });
        throw e;
      }
      fs.closeSync(fd);
      fs.renameSync(tmp, file);
      const report = { file, fileName: exportFileName(name, channel.data), channel: channel.data, ...summary };
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else io.err(`${summary.rows} rows written to ${file} (${summary.excluded} members without ${channel.data} consent or address left out)`);
    } else {
      // Synchronous writes to fd 1: a slow pipe holds the export back instead of filling memory.
      for (const line of lines) fs.writeSync(1, line);
      io.err(`${summary.rows} rows (${summary.excluded} members without ${channel.data} consent or address left out)`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`relais: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ApiError) {
      const detail = e.issues?.length ? ` (${e.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : '';
      io.err(`relais: ${e.message}${detail}`);
      if (values.json) io.out(JSON.stringify({ error: e.toBody() }));
      return e.code === 'BAD_INPUT' || e.code === 'NOT_FOUND' || e.code === 'CONFLICT' ? 3 : 1;
    }
    if (e instanceof StoreError) {
      io.err(`relais: ${e.message}`);
      return 4;
    }
    throw e;
  } finally {
    ctx?.store.close();
  }
}
