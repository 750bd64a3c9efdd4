import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import { csvDocument } from '../monitoring/csv';
import { CONTACT_COLUMNS } from './importContacts';

interface PopulationLine {
  psid: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  smsConsent: boolean;
  emailConsent: boolean;
}

/** The demo business's contact list, written from the simulated population for the people who wrote to its Page. */
export function writeDemoContactsCsv(db: Database, workspaceId: number, pageId: string, populationFile: string, out: string): number {
  const known = new Set(
    (db.prepare('SELECT c.psid FROM contacts c JOIN pages p ON p.id = c.page_ref WHERE p.workspace_id = ? AND p.page_id = ?').all(workspaceId, pageId) as { psid: string }[]).map((r) => r.psid),
  );
  const rows: (string | number | null)[][] = [];
  for (const line of fs.readFileSync(populationFile, 'utf8').split('\n')) {
    if (!line) continue;
    const c = JSON.parse(line) as PopulationLine;
    if (!known.has(c.psid)) continue;
    rows.push([pageId, c.psid, `${c.firstName} ${c.lastName}`, c.phone, c.email, c.smsConsent ? 'yes' : 'no', c.emailConsent ? 'yes' : 'no', '']);
  }
  fs.writeFileSync(out, csvDocument(CONTACT_COLUMNS, rows));
  return rows.length;
}
