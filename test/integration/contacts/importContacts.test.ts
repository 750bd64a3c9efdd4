import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvRecords, importContactsCsv } from '../../../electron/services/contacts/importContacts';
import { createContext, type AppContext } from '../../../electron/services/context';
import { makeTempDir } from '../../support/tempDir';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let workspaceId: number;
beforeEach(() => {
  tmp = makeTempDir();
  ctx = createContext({ dataDir: tmp.dir });
  workspaceId = ctx.workspaces.create({ name: 'Bistro', timeZone: 'Europe/Paris', locale: 'fr-FR' }).id;
  const pageRef = ctx.store.db.prepare("INSERT INTO pages (workspace_id, page_id, created_at) VALUES (?, '111', 0)").run(workspaceId).lastInsertRowid;
  ctx.store.db.prepare("INSERT INTO contacts (page_ref, psid) VALUES (?, '9001')").run(pageRef);
});
afterEach(() => {
  ctx.store.close();
  tmp.cleanup();
});

const header = 'page_id,psid,name,phone,email,sms_consent,email_consent,messenger_opt_out';
const write = (lines: string[]) => {
  const file = path.join(tmp.dir, 'contacts.csv');
  fs.writeFileSync(file, [header, ...lines].join('\r\n') + '\r\n');
  return file;
};

describe('contact list import (CSV)', () => {
  it('parses RFC 4180 quoting, doubled quotes and line breaks inside fields', () => {
    const records = [...csvRecords('a,"b, c","say ""hi""","two\nlines"\r\nx,y,z,w\n')];
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"', 'two\nlines'] },
      { line: 3, fields: ['x', 'y', 'z', 'w'] },
    ]);
  });

  it('updates known contacts, adds new ones, reports bad rows by line, and is idempotent', () => {
    const file = write([
      `111,9001,"Léa Martin","'+33 6 12 34 56 78",lea@example.com,oui,no,`,
      `111,9002,Paul,,paul@example.com,no,yes,2026-05-01T10:00:00Z`,
      `222,9003,Other Page,,,,,`,
      `111,9004,Bad,,,maybe,no,`,
      `111,,No psid,,,,,`,
      `111,9005,Bad mail,,not-an-email,no,no,`,
    ]);
    const first = importContactsCsv(ctx.store.db, { file, workspaceId });
    expect(first).toMatchObject({ rows: 6, updated: 1, created: 1, problems: 4 });
    expect(first.problemReport.map((p) => [p.line, p.reason])).toEqual([
      [4, 'page_not_in_workspace'],
      [5, 'bad_boolean'],
      [6, 'missing_psid'],
      [7, 'bad_email'],
    ]);
    const rows = () => ctx.store.db.prepare('SELECT psid, name, phone, email, consent_sms, consent_email, opted_out_at FROM contacts ORDER BY psid').all();
    const after = rows();
    expect(after).toEqual([
      { psid: '9001', name: 'Léa Martin', phone: '+33 6 12 34 56 78', email: 'lea@example.com', consent_sms: 1, consent_email: 0, opted_out_at: null },
      { psid: '9002', name: 'Paul', phone: null, email: 'paul@example.com', consent_sms: 0, consent_email: 1, opted_out_at: Date.parse('2026-05-01T10:00:00Z') },
    ]);
    importContactsCsv(ctx.store.db, { file, workspaceId });
    expect(rows()).toEqual(after);
  });

  it('refuses a file without the expected columns and writes nothing', () => {
    const file = path.join(tmp.dir, 'wrong.csv');
    fs.writeFileSync(file, 'id,phone\n9001,+33\n');
    expect(() => importContactsCsv(ctx.store.db, { file, workspaceId })).toThrow(/lacks the columns/);
    expect(ctx.store.db.prepare("SELECT phone FROM contacts WHERE psid = '9001'").get()).toEqual({ phone: null });
  });
});
