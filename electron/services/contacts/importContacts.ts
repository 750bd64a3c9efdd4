import fs from 'node:fs';
import type { Database } from 'better-sqlite3';

/**
 * Contact details a business keeps elsewhere (its CRM, its booking tool): names,
 * phone numbers, e-mail addresses and consent per channel, keyed by Page and PSID.
 * Webhooks never carry them, and the SMS/e-mail fallback needs them. Importing the
 * same file twice changes nothing; rows that cannot be used are reported by line.
 */
export const CONTACT_COLUMNS = ['page_id', 'psid', 'name', 'phone', 'email', 'sms_consent', 'email_consent', 'messenger_opt_out'] as const;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ContactRowProblem {
  line: number;
  reason: 'wrong_columns' | 'missing_psid' | 'page_not_in_workspace' | 'bad_boolean' | 'bad_date' | 'bad_email';
  detail: string;
}

export interface ContactImportSummary {
  rows: number;
  updated: number;
  created: number;
  problems: number;
  problemReport: ContactRowProblem[];
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let i = 0;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
      } else if (ch === '"' && field.length === 0) {
        quoted = true;
        i++;
      } else if (ch === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (ch === '\n' || ch === '\r') {
        fields.push(field);
        i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      } else {
        field += ch;
        i++;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: startLine, fields };
  }
}

const TRUE = new Set(['1', 'true', 'yes', 'oui', 'y', 'o']);
const FALSE = new Set(['0', 'false', 'no', 'non', 'n', '']);

function parseBoolean(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

export function importContactsCsv(db: Database, opts: { file: string; workspaceId: number }): ContactImportSummary {
  const size = fs.statSync(opts.file).size;
  if (size > MAX_FILE_BYTES) throw new Error(`${opts.file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it.`);
  const text = fs.readFileSync(opts.file, 'utf8');
  const pages = new Map(
    (db.prepare('SELECT id, page_id FROM pages WHERE workspace_id = ?').all(opts.workspaceId) as { id: number; page_id: string }[]).map((p) => [p.page_id, p.id]),
  );
  const find = db.prepare('SELECT id FROM contacts WHERE page_ref = ? AND psid = ?');
  const insert = db.prepare('INSERT INTO contacts (page_ref, psid) VALUES (?, ?)');
  const update = db.prepare(
    `UPDATE contacts SET name = coalesce(?, name), phone = ?, email = ?, consent_sms = ?, consent_email = ?, opted_out_at = ? WHERE id = ?`,
  );
  // Optional `labels` column: tags separated by ";" or "|", replacing the contact's labels.
  const clearLabels = db.prepare('DELETE FROM contact_labels WHERE contact_ref = ?');
  const addLabel = db.prepare('INSERT OR IGNORE INTO contact_labels (contact_ref, label) VALUES (?, ?)');
  const summary: ContactImportSummary = { rows: 0, updated: 0, created: 0, problems: 0, problemReport: [] };
  const problem = (p: ContactRowProblem) => {
    summary.problems++;
    if (summary.problemReport.length < 1000) summary.problemReport.push(p);
  };

  db.transaction(() => {
    let header: string[] | null = null;
    for (const { line, fields } of csvRecords(text)) {
      if (!header) {
        header = fields.map((f) => f.trim().toLowerCase());
        const missing = CONTACT_COLUMNS.filter((c) => !header!.includes(c));
        if (missing.length > 0) throw new Error(`The header lacks the columns ${missing.join(', ')} (expected: ${CONTACT_COLUMNS.join(',')}).`);
        continue;
      }
      summary.rows++;
      if (fields.length !== header.length) {
        problem({ line, reason: 'wrong_columns', detail: `${fields.length} fields, expected ${header.length}` });
        continue;
      }
      // Exports guarded against spreadsheet formulas prefix such cells with a quote ("'+33…"): undo it.
      const get = (c: (typeof CONTACT_COLUMNS)[number]) => fields[header!.indexOf(c)]!.trim().replace(/^'(?=[=+\-@])/, '');
      const psid = get('psid');
      if (!psid) {
        problem({ line, reason: 'missing_psid', detail: '' });
        continue;
      }
      const pageRef = pages.get(get('page_id'));
      if (pageRef === undefined) {
        problem({ line, reason: 'page_not_in_workspace', detail: get('page_id') });
        continue;
      }
      const sms = parseBoolean(get('sms_consent'));
      const mail = parseBoolean(get('email_consent'));
      if (sms === null || mail === null) {
        problem({ line, reason: 'bad_boolean', detail: sms === null ? get('sms_consent') : get('email_consent') });
        continue;
      }
      const optOutText = get('messenger_opt_out');
      const optOut = optOutText ? Date.parse(optOutText) : null;
      if (optOut !== null && Number.isNaN(optOut)) {
        problem({ line, reason: 'bad_date', detail: optOutText });
        continue;
      }
      const email = get('email') || null;
      if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        problem({ line, reason: 'bad_email', detail: email });
        continue;
      }
      let row = find.get(pageRef, psid) as { id: number } | undefined;
      if (!row) {
        row = { id: Number(insert.run(pageRef, psid).lastInsertRowid) };
        summary.created++;
      } else summary.updated++;
      update.run(get('name') || null, get('phone') || null, email, sms ? 1 : 0, mail ? 1 : 0, optOut, row.id);
      const labelsAt = header.indexOf('labels');
      if (labelsAt >= 0) {
        clearLabels.run(row.id);
        for (const label of fields[labelsAt]!.split(/[;|]/)) {
          const l = label.trim().slice(0, 200);
          if (l) addLabel.run(row.id, l);
        }
      }
    }
  })();
  return summary;
}
