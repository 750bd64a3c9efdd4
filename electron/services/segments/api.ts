import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { segmentsContract } from '../../../shared/api/contracts/segments';
import type { SegmentRule } from '../../../shared/domain/segmentRule';
import type { HandlersFor } from '../api/types';
import { countSegment, exportFileName, exportLines, fieldsOf, startingPoints, type ExportSummary } from './query';
import { importStaticSegment } from './staticImport';
import { deleteSegment, diffVersions, getSegment, listSegments, resolverFor, restoreVersion, saveVersion, segmentRow } from './store';

/** The `segments:*` handlers: thin calls into the segment service. */
export const segmentsHandlers: HandlersFor<typeof segmentsContract> = {
  'segments:list': ({ workspaceId }, ctx) => {
    ctx.workspaces.get(workspaceId);
    return { segments: listSegments(ctx.store.db, workspaceId), startingPoints: startingPoints(Date.now()) };
  },
  'segments:get': ({ workspaceId, segmentId }, ctx) => getSegment(ctx.store.db, workspaceId, segmentId),
  'segments:fields': ({ workspaceId }, ctx) => fieldsOf(ctx.store.db, workspaceId),
  'segments:count': (input, ctx) => countSegment(ctx.store.db, input),
  'segments:save': (input, ctx) => {
    const id = saveVersion(ctx.store.db, {
      workspaceId: input.workspaceId,
      segmentId: input.segmentId,
      name: input.name,
      note: input.note,
      baseVersion: input.baseVersion,
      content: { kind: 'rule', rule: input.rule },
    });
    return getSegment(ctx.store.db, input.workspaceId, id);
  },
  'segments:diff': ({ workspaceId, segmentId, from, to }, ctx) => diffVersions(ctx.store.db, workspaceId, segmentId, from, to),
  'segments:restore': ({ workspaceId, segmentId, version, note }, ctx) =>
    getSegment(ctx.store.db, workspaceId, restoreVersion(ctx.store.db, workspaceId, segmentId, version, note)),
  'segments:importStatic': (input, ctx) => importStaticSegment(ctx.store.db, input),
  'segments:export': (input, ctx) => {
    const db = ctx.store.db;
    const { rule, name } = ruleToExport(db, input.workspaceId, input.segmentId, input.rule);
    const summary: ExportSummary = { rows: 0, excluded: 0, count: 0 };
    const csv = [...exportLines(db, { ...input, rule, selfId: null }, summary)].join('');
    return { csv, fileName: exportFileName(name, input.channel), ...summary };
  },
  'segments:delete': ({ workspaceId, segmentId }, ctx) => {
    deleteSegment(ctx.store.db, workspaceId, segmentId);
    return { deleted: true as const };
  },
};

/** A saved segment's current definition as a rule (a static one as a reference to itself), or the rule given. */
export function ruleToExport(
  db: Database,
  workspaceId: number,
  segmentId: number | undefined,
  rule: SegmentRule | undefined,
): { rule: SegmentRule; name: string } {
  if (rule) return { rule, name: 'segment' };
  if (segmentId === undefined) throw new ApiError('BAD_INPUT', 'Give a rule or a saved segment to export.', [{ path: 'rule', message: 'segments.error.ruleOrSegment' }]);
  const seg = segmentRow(db, workspaceId, segmentId);
  const def = resolverFor(db, workspaceId)(segmentId);
  if (!def) throw new ApiError('NOT_FOUND', `Segment #${segmentId} does not exist in this workspace.`);
  return {
    name: seg.name,
    rule: { version: 1, root: { type: 'group', op: 'and', children: [{ type: 'condition', field: 'segment', segmentId, op: 'isTrue' }] } },
  };
}
