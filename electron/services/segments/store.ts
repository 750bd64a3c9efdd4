import os from 'node:os';
import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import {
  checkSegmentReferences,
  SegmentCycleError,
  SegmentRule,
  UnknownSegmentError,
  type RuleNode,
  type SegmentDefinition,
  type SegmentResolver,
} from '../../../shared/domain/segmentRule';
import type { SegmentAudience, SegmentDetail, SegmentDiff, SegmentKind, SegmentSummary, SegmentUse, SegmentVersion } from '../../../shared/domain/segments';
import { diffRules } from '../../../shared/segments/diff';

/**
 * Saved segments and their versions. Every save inserts a version row (who, when, note) and
 * moves the segment's `current_version`; nothing is ever rewritten, so a restore is a new
 * version copying an old one. "Who" is the OS user name of the process (Relais has no user
 * accounts), or `RELAIS_USER` when set.
 */

export function currentUser(): string {
  const fromEnv = process.env.RELAIS_USER?.trim();
  if (fromEnv) return fromEnv;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

interface SegmentRow {
  id: number;
  workspace_id: number;
  name: string;
  kind: SegmentKind;
  current_version: number;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  id: number;
  version: number;
  kind: SegmentKind;
  rule: string | null;
  note: string | null;
  saved_by: string;
  saved_at: number;
  restored_from: number | null;
}

export function segmentRow(db: Database, workspaceId: number, segmentId: number): SegmentRow {
  const row = db.prepare('SELECT * FROM segments WHERE id = ? AND workspace_id = ?').get(segmentId, workspaceId) as SegmentRow | undefined;
  if (!row || row.current_version === 0) throw new ApiError('NOT_FOUND', `Segment #${segmentId} does not exist in this workspace.`);
  return row;
}

function versionRow(db: Database, segmentId: number, version: number): VersionRow {
  const row = db.prepare('SELECT * FROM segment_versions WHERE segment_id = ? AND version = ?').get(segmentId, version) as VersionRow | undefined;
  if (!row) throw new ApiError('NOT_FOUND', `Segment #${segmentId} has no version ${version}.`, [{ path: 'version', message: 'segments.error.noVersion' }]);
  return row;
}

/** A stored rule, checked again: a rule saved by a newer Relais is refused rather than misread. */
function parseStoredRule(json: string): SegmentRule {
  const parsed = SegmentRule.safeParse(JSON.parse(json));
  if (!parsed.success) throw new ApiError('CONFLICT', 'A saved version of this segment was written in a newer or unknown rule format.');
  return parsed.data;
}

function membersOf(db: Database, versionId: number): number[] {
  return db.prepare('SELECT contact_ref FROM segment_static_members WHERE version_id = ? ORDER BY contact_ref').pluck().all(versionId) as number[];
}

/** Resolves segment references of a workspace to their current version. */
export function resolverFor(db: Database, workspaceId: number): SegmentResolver {
  const cache = new Map<number, SegmentDefinition | undefined>();
  return (id) => {
    if (cache.has(id)) return cache.get(id);
    const row = db
      .prepare(
        `SELECT v.id, v.kind, v.rule FROM segments s JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
         WHERE s.id = ? AND s.workspace_id = ?`,
      )
      .get(id, workspaceId) as { id: number; kind: SegmentKind; rule: string | null } | undefined;
    const def: SegmentDefinition | undefined = !row
      ? undefined
      : row.kind === 'rule'
        ? { kind: 'rule', rule: parseStoredRule(row.rule!) }
        : { kind: 'static', contactIds: membersOf(db, row.id) };
    cache.set(id, def);
    return def;
  };
}

/** Path (for ApiError issues) of the first condition referring to a segment. */
function referencePath(node: RuleNode, segmentId: number, path: string): string | null {
  if (node.type === 'condition') return node.field === 'segment' && node.segmentId === segmentId ? `${path}.segmentId` : null;
  for (let i = 0; i < node.children.length; i++) {
    const found = referencePath(node.children[i]!, segmentId, `${path}.children.${i}`);
    if (found) return found;
  }
  return null;
}

/** Cycles and unknown segments as BAD_INPUT pointing at the reference in the rule. */
export function checkReferences(db: Database, workspaceId: number, rule: SegmentRule, selfId: number | null): void {
  try {
    checkSegmentReferences(rule, resolverFor(db, workspaceId), selfId);
  } catch (e) {
    throw referenceError(e, rule, selfId);
  }
}

/** `selfId`: the segment being saved, which heads the cycle's path; the rule's own reference comes next. */
export function referenceError(e: unknown, rule: SegmentRule, selfId: number | null): unknown {
  if (e instanceof SegmentCycleError) {
    const direct = e.path[selfId === null ? 0 : 1] ?? e.path[0]!;
    const at = referencePath(rule.root, direct, 'rule.root') ?? 'rule.root';
    return new ApiError('BAD_INPUT', e.message, [{ path: at, message: 'segments.error.cycle' }]);
  }
  if (e instanceof UnknownSegmentError) {
    return new ApiError('BAD_INPUT', e.message, [{ path: referencePath(rule.root, e.segmentId, 'rule.root') ?? 'rule.root', message: 'segments.error.unknownSegment' }]);
  }
  return e;
}

function versionDiff(db: Database, segmentId: number, before: VersionRow | null, after: VersionRow): SegmentDiff {
  const rule = (v: VersionRow | null) => (v && v.kind === 'rule' ? parseStoredRule(v.rule!) : null);
  let members: SegmentDiff['members'] = null;
  if (after.kind === 'static' || before?.kind === 'static') {
    const a = new Set(before?.kind === 'static' ? membersOf(db, before.id) : []);
    const b = new Set(after.kind === 'static' ? membersOf(db, after.id) : []);
    members = { added: [...b].filter((x) => !a.has(x)).length, removed: [...a].filter((x) => !b.has(x)).length };
  }
  const bothRules = before !== null && before.kind === 'rule' && after.kind === 'rule';
  return {
    from: before?.version ?? 0,
    to: after.version,
    kindChange: before && before.kind !== after.kind ? { before: before.kind, after: after.kind } : null,
    changes: bothRules ? diffRules(rule(before), rule(after)) : before === null && after.kind === 'rule' ? diffRules(null, rule(after)) : [],
    members,
    restoredFrom: after.restored_from,
  };
}

export function diffVersions(db: Database, workspaceId: number, segmentId: number, from: number, to: number): SegmentDiff {
  segmentRow(db, workspaceId, segmentId);
  return versionDiff(db, segmentId, versionRow(db, segmentId, from), versionRow(db, segmentId, to));
}

/** Campaigns and experiments that recorded a version of the segment, by version row id. */
function usesOf(db: Database, segmentId: number): Map<number, SegmentUse[]> {
  const rows = db
    .prepare(
      `SELECT c.segment_version_id AS vid, 'campaign' AS kind, c.id, c.name FROM campaigns c
         WHERE c.segment_version_id IN (SELECT id FROM segment_versions WHERE segment_id = ?)
       UNION ALL
       SELECT e.segment_version_id, 'experiment', e.id, e.name FROM experiments e
         WHERE e.segment_version_id IN (SELECT id FROM segment_versions WHERE segment_id = ?)
       ORDER BY 1, 2, 3`,
    )
    .all(segmentId, segmentId) as { vid: number; kind: SegmentUse['kind']; id: number; name: string }[];
  const byVersion = new Map<number, SegmentUse[]>();
  for (const r of rows) {
    const list = byVersion.get(r.vid) ?? [];
    list.push({ kind: r.kind, id: r.id, name: r.name });
    byVersion.set(r.vid, list);
  }
  return byVersion;
}

/**
 * The version row a campaign or an experiment records as its audience: the segment's current
 * version. `expected` is the version the caller built its audience from; when the segment was
 * saved since, CONFLICT (issue at `paths.version`) rather than recording a version the audience did not
 * come from. Call it inside the transaction that writes the record.
 */
export function currentVersionFor(
  db: Database,
  workspaceId: number,
  segmentId: number,
  expected: number | undefined,
  paths: { segmentId: string; version: string },
): { versionId: number; audience: SegmentAudience } {
  const seg = db.prepare('SELECT * FROM segments WHERE id = ? AND workspace_id = ?').get(segmentId, workspaceId) as SegmentRow | undefined;
  if (!seg || seg.current_version === 0) {
    throw new ApiError('NOT_FOUND', `Segment #${segmentId} does not exist in this workspace.`, [{ path: paths.segmentId, message: 'segments.error.notFound' }]);
  }
  if (expected !== undefined && expected !== seg.current_version) {
    throw new ApiError(
      'CONFLICT',
      `Segment “${seg.name}” was saved again (now version ${seg.current_version}) after this audience was built from version ${expected}; build it again.`,
      [{ path: paths.version, message: 'segments.error.audienceStale' }],
    );
  }
  const versionId = db.prepare('SELECT id FROM segment_versions WHERE segment_id = ? AND version = ?').pluck().get(segmentId, seg.current_version) as number;
  return { versionId, audience: { segmentId: seg.id, name: seg.name, version: seg.current_version } };
}

/** The segment and version number a recorded `segment_version_id` stands for (null for none). */
export function audienceOf(db: Database, versionId: number | null): SegmentAudience | null {
  if (versionId === null) return null;
  const row = db
    .prepare('SELECT s.id AS segmentId, s.name, v.version FROM segment_versions v JOIN segments s ON s.id = v.segment_id WHERE v.id = ?')
    .get(versionId) as SegmentAudience | undefined;
  return row ?? null;
}

export function getSegment(db: Database, workspaceId: number, segmentId: number): SegmentDetail {
  const seg = segmentRow(db, workspaceId, segmentId);
  const rows = db.prepare('SELECT * FROM segment_versions WHERE segment_id = ? ORDER BY version').all(segmentId) as VersionRow[];
  const uses = usesOf(db, segmentId);
  const versions: SegmentVersion[] = rows.map((r, i) => ({
    version: r.version,
    kind: r.kind,
    savedAt: r.saved_at,
    savedBy: r.saved_by,
    note: r.note,
    rule: r.kind === 'rule' ? parseStoredRule(r.rule!) : null,
    memberCount: r.kind === 'static' ? (db.prepare('SELECT count(*) FROM segment_static_members WHERE version_id = ?').pluck().get(r.id) as number) : null,
    change: versionDiff(db, segmentId, i === 0 ? null : rows[i - 1]!, r),
    usedBy: uses.get(r.id) ?? [],
  }));
  return {
    id: seg.id,
    workspaceId: seg.workspace_id,
    name: seg.name,
    kind: seg.kind,
    version: seg.current_version,
    createdAt: seg.created_at,
    updatedAt: seg.updated_at,
    versions: versions.reverse(),
  };
}

export function listSegments(db: Database, workspaceId: number): SegmentSummary[] {
  return (
    db
      .prepare(
        `SELECT s.id, s.name, s.kind, s.current_version AS version, s.updated_at AS updatedAt, v.saved_by AS updatedBy
         FROM segments s JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
         WHERE s.workspace_id = ? ORDER BY s.updated_at DESC, s.id DESC`,
      )
      .all(workspaceId) as SegmentSummary[]
  ).map((s) => ({ ...s }));
}

export interface NewVersion {
  workspaceId: number;
  segmentId?: number | undefined;
  name: string;
  note?: string | undefined;
  baseVersion?: number | undefined;
  restoredFrom?: number | null;
  content: { kind: 'rule'; rule: SegmentRule } | { kind: 'static'; contactIds: readonly number[] };
}

/** Saves a version in one transaction (a new segment when no id is given); returns the segment id. */
export function saveVersion(db: Database, v: NewVersion): number {
  const now = Date.now();
  return db.transaction((): number => {
    let segmentId: number;
    let version: number;
    const clash = db
      .prepare('SELECT id FROM segments WHERE workspace_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?')
      .pluck()
      .get(v.workspaceId, v.name, v.segmentId ?? null) as number | undefined;
    if (clash !== undefined) throw new ApiError('CONFLICT', `A segment named “${v.name}” already exists.`, [{ path: 'name', message: 'segments.error.nameTaken' }]);
    if (v.segmentId === undefined) {
      segmentId = Number(
        db.prepare('INSERT INTO segments (workspace_id, name, created_at, kind, current_version, updated_at) VALUES (?, ?, ?, ?, 0, ?)').run(v.workspaceId, v.name, now, v.content.kind, now)
          .lastInsertRowid,
      );
      version = 1;
    } else {
      const seg = segmentRow(db, v.workspaceId, v.segmentId);
      if (v.baseVersion !== undefined && v.baseVersion !== seg.current_version) {
        throw new ApiError('CONFLICT', `Segment “${seg.name}” was saved meanwhile (version ${seg.current_version}); reload it before saving.`, [
          { path: 'baseVersion', message: 'segments.error.staleVersion' },
        ]);
      }
      segmentId = seg.id;
      version = seg.current_version + 1;
    }
    if (v.content.kind === 'rule') checkReferences(db, v.workspaceId, v.content.rule, segmentId);
    const versionId = Number(
      db
        .prepare('INSERT INTO segment_versions (segment_id, version, kind, rule, note, saved_by, saved_at, restored_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(segmentId, version, v.content.kind, v.content.kind === 'rule' ? JSON.stringify(v.content.rule) : null, v.note || null, currentUser(), now, v.restoredFrom ?? null)
        .lastInsertRowid,
    );
    if (v.content.kind === 'static') {
      const add = db.prepare('INSERT OR IGNORE INTO segment_static_members (version_id, contact_ref) VALUES (?, ?)');
      for (const id of v.content.contactIds) add.run(versionId, id);
    }
    db.prepare('UPDATE segments SET name = ?, kind = ?, current_version = ?, updated_at = ? WHERE id = ?').run(v.name, v.content.kind, version, now, segmentId);
    return segmentId;
  })();
}

export function restoreVersion(db: Database, workspaceId: number, segmentId: number, version: number, note?: string): number {
  const seg = segmentRow(db, workspaceId, segmentId);
  const old = versionRow(db, segmentId, version);
  const content: NewVersion['content'] = old.kind === 'rule' ? { kind: 'rule', rule: parseStoredRule(old.rule!) } : { kind: 'static', contactIds: membersOf(db, old.id) };
  return saveVersion(db, { workspaceId, segmentId, name: seg.name, note, restoredFrom: version, content });
}

export function deleteSegment(db: Database, workspaceId: number, segmentId: number): void {
  db.transaction(() => {
    const seg = segmentRow(db, workspaceId, segmentId);
    const users = db
      .prepare(
        `SELECT s.name, v.rule FROM segments s JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
         WHERE s.workspace_id = ? AND s.id <> ? AND v.kind = 'rule'`,
      )
      .all(workspaceId, segmentId) as { name: string; rule: string }[];
    const user = users.find((u) => referencePath(parseStoredRule(u.rule).root, segmentId, 'root') !== null);
    if (user) throw new ApiError('CONFLICT', `Segment “${user.name}” refers to “${seg.name}”; change it first.`);
    // Campaigns and experiments keep the version they were sent to: that record is not thrown away.
    const usedBy = db
      .prepare(
        `SELECT name FROM campaigns WHERE segment_version_id IN (SELECT id FROM segment_versions WHERE segment_id = ?)
         UNION ALL SELECT name FROM experiments WHERE segment_version_id IN (SELECT id FROM segment_versions WHERE segment_id = ?) LIMIT 1`,
      )
      .pluck()
      .get(segmentId, segmentId) as string | undefined;
    if (usedBy !== undefined) {
      throw new ApiError('CONFLICT', `“${usedBy}” was sent to a version of “${seg.name}”; a segment a campaign or an experiment used is kept.`, [
        { path: 'segmentId', message: 'segments.error.inUse' },
      ]);
    }
    db.prepare('DELETE FROM segments WHERE id = ?').run(segmentId);
  })();
}
