import type { Database } from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { ImportStaticOutput } from '../../../shared/domain/segments';
import { csvRecords } from '../contacts/importContacts';
import { getSegment, saveVersion, segmentRow } from './store';

/**
 * A static segment from a CSV of PSIDs (column `psid`, optionally `page` / `page_id` with the
 * Page id to tell apart one person's PSIDs on two Pages). A PSID without a Page matches that
 * PSID on every Page of the workspace. Rows matching no contact come back with their line
 * numbers; a file that is not UTF-8, or not comma-separated, is refused before anything is saved.
 */

const SEPARATORS: [string, string][] = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

function firstLine(text: string): string {
  const end = text.search(/\r|\n/);
  return (end < 0 ? text : text.slice(0, end)).replace(/^\uFEFF/, '');
}

export function parseStaticCsv(text: string): { line: number; psid: string; page: string | null }[] {
  if (text.includes('\uFFFD')) {
    throw new ApiError('BAD_INPUT', 'The file is not UTF-8 text (some bytes could not be read); save it as “CSV UTF-8” and import it again.', [
      { path: 'csvText', message: 'segments.error.csvEncoding' },
    ]);
  }
  if (text.includes('\u0000')) {
    throw new ApiError('BAD_INPUT', 'The file looks like UTF-16 text; save it as “CSV UTF-8” and import it again.', [{ path: 'csvText', message: 'segments.error.csvEncoding' }]);
  }
  const head = firstLine(text);
  const header = head.split(',').map((f) => f.trim().replace(/^"|"$/g, '').toLowerCase());
  const psidAt = header.indexOf('psid');
  if (psidAt < 0) {
    for (const [sep, name] of SEPARATORS) {
      if (head.split(sep).some((f) => f.trim().replace(/^"|"$/g, '').toLowerCase() === 'psid')) {
        throw new ApiError('BAD_INPUT', `The columns are separated by ${name}; Relais reads comma-separated files. Export the file again as CSV with commas.`, [
          { path: 'csvText', message: 'segments.error.csvSeparator' },
        ]);
      }
    }
    throw new ApiError('BAD_INPUT', 'Line 1 has no “psid” column; the first line must name the columns, one of them psid.', [{ path: 'csvText', message: 'segments.error.csvNoPsid' }]);
  }
  const pageAt = header.findIndex((h) => h === 'page' || h === 'page_id');
  const rows: { line: number; psid: string; page: string | null }[] = [];
  let first = true;
  for (const { line, fields } of csvRecords(text)) {
    if (first) {
      first = false;
      continue;
    }
    const clean = (v: string | undefined) => (v ?? '').trim().replace(/^'(?=[=+\-@])/, '');
    rows.push({ line, psid: clean(fields[psidAt]), page: pageAt < 0 ? null : clean(fields[pageAt]) || null });
  }
  if (rows.length === 0) throw new ApiError('BAD_INPUT', 'The file has a header but no PSID rows.', [{ path: 'csvText', message: 'segments.error.csvEmpty' }]);
  return rows;
}

export function importStaticSegment(
  db: Database,
  input: { workspaceId: number; name: string; csvText: string; segmentId?: number | undefined; note?: string | undefined },
): ImportStaticOutput {
  if (input.segmentId !== undefined) segmentRow(db, input.workspaceId, input.segmentId);
  const rows = parseStaticCsv(input.csvText);
  const pages = new Map(
    (db.prepare('SELECT id, page_id FROM pages WHERE workspace_id = ?').all(input.workspaceId) as { id: number; page_id: string }[]).map((p) => [p.page_id, p.id]),
  );
  const onPage = db.prepare('SELECT id FROM contacts WHERE page_ref = ? AND psid = ?').pluck();
  const anyPage = db.prepare('SELECT c.id FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? AND c.psid = ?').pluck();
  const members = new Set<number>();
  const seen = new Set<string>();
  const unmatched: ImportStaticOutput['unmatched'] = [];
  for (const row of rows) {
    if (!row.psid) {
      unmatched.push({ line: row.line, psid: '', reason: 'emptyPsid' });
      continue;
    }
    const key = `${row.page ?? ''}\u0000${row.psid}`;
    if (seen.has(key)) {
      unmatched.push({ line: row.line, psid: row.psid, reason: 'duplicate' });
      continue;
    }
    seen.add(key);
    let ids: number[];
    if (row.page !== null) {
      const pageRef = pages.get(row.page);
      if (pageRef === undefined) {
        unmatched.push({ line: row.line, psid: row.psid, reason: 'unknownPage' });
        continue;
      }
      ids = onPage.all(pageRef, row.psid) as number[];
    } else ids = anyPage.all(input.workspaceId, row.psid) as number[];
    if (ids.length === 0) unmatched.push({ line: row.line, psid: row.psid, reason: 'noContact' });
    for (const id of ids) members.add(id);
  }
  if (members.size === 0) {
    throw new ApiError('BAD_INPUT', `None of the ${rows.length} rows matches a contact of this workspace; nothing was saved.`, [
      { path: 'csvText', message: 'segments.error.csvNoMatch' },
    ]);
  }
  const id = saveVersion(db, {
    workspaceId: input.workspaceId,
    segmentId: input.segmentId,
    name: input.name,
    note: input.note,
    content: { kind: 'static', contactIds: [...members].sort((a, b) => a - b) },
  });
  return { segment: getSegment(db, input.workspaceId, id), matched: members.size, unmatched };
}
