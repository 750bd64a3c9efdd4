import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { ApiError } from '../../shared/api/errors';
import type { Workspace } from '../../shared/domain/workspace';

interface WorkspaceRow {
  id: number;
  name: string;
  time_zone: string;
  locale: string;
  logo_path: string | null;
  created_at: number;
  updated_at: number;
}

const toWorkspace = (r: WorkspaceRow): Workspace => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  locale: r.locale,
  hasLogo: r.logo_path !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** One workspace per client: its name, time zone, locale and logo. */
export class WorkspaceService {
  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Workspace[] {
    return (this.db.prepare('SELECT * FROM workspaces ORDER BY name COLLATE NOCASE').all() as WorkspaceRow[]).map(toWorkspace);
  }

  get(id: number): Workspace {
    const row = this.db.prepare('SELECT * FROM workspaces WHERE id = ?').get(id) as WorkspaceRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `Workspace ${id} does not exist.`);
    return toWorkspace(row);
  }

  findByName(name: string): Workspace | null {
    const row = this.db.prepare('SELECT * FROM workspaces WHERE name = ? COLLATE NOCASE').get(name) as WorkspaceRow | undefined;
    return row ? toWorkspace(row) : null;
  }

  create(input: { name: string; timeZone: string; locale: string }): Workspace {
    const t = this.now();
    try {
      const info = this.db
        .prepare('INSERT INTO workspaces (name, time_zone, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.name, input.timeZone, input.locale, t, t);
      return this.get(Number(info.lastInsertRowid));
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError('CONFLICT', `A workspace named "${input.name}" already exists.`, [{ path: 'name', message: 'name.taken' }]);
      throw e;
    }
  }

  update(input: { id: number; name?: string | undefined; timeZone?: string | undefined; locale?: string | undefined }): Workspace {
    const current = this.get(input.id);
    try {
      this.db
        .prepare('UPDATE workspaces SET name = ?, time_zone = ?, locale = ?, updated_at = ? WHERE id = ?')
        .run(input.name ?? current.name, input.timeZone ?? current.timeZone, input.locale ?? current.locale, this.now(), input.id);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError('CONFLICT', `A workspace named "${input.name}" already exists.`, [{ path: 'name', message: 'name.taken' }]);
      throw e;
    }
    return this.get(input.id);
  }

  delete(id: number, confirmName: string): void {
    const ws = this.get(id);
    if (confirmName.trim() !== ws.name) {
      throw new ApiError('BAD_INPUT', 'Type the workspace name exactly to confirm deletion.', [{ path: 'confirmName', message: 'confirm.mismatch' }]);
    }
    const logo = this.logoFile(id);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM workspaces WHERE id = ?').run(id);
      this.db.prepare("DELETE FROM app_settings WHERE key = 'currentWorkspaceId' AND value = ?").run(String(id));
    })();
    if (logo) fs.rmSync(logo, { force: true });
  }

  private logoFile(id: number): string | null {
    const row = this.db.prepare('SELECT logo_path FROM workspaces WHERE id = ?').get(id) as { logo_path: string | null } | undefined;
    return row?.logo_path ? path.join(this.dataDir, row.logo_path) : null;
  }

  /** Logos are stored as files in the data folder; the row keeps a relative path. */
  setLogo(id: number, dataUrl: string | null): Workspace {
    this.get(id);
    const old = this.logoFile(id);
    if (dataUrl === null) {
      this.db.prepare('UPDATE workspaces SET logo_path = NULL, updated_at = ? WHERE id = ?').run(this.now(), id);
      if (old) fs.rmSync(old, { force: true });
      return this.get(id);
    }
    const match = /^data:image\/(png|jpeg|webp);base64,(.*)$/.exec(dataUrl);
    if (!match) throw new ApiError('BAD_INPUT', 'The logo must be a PNG, JPEG or WebP image.');
    const ext = match[1] === 'jpeg' ? 'jpg' : match[1]!;
    const rel = path.join('logos', `workspace-${id}-${this.now()}.${ext}`);
    const abs = path.join(this.dataDir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    // Write to a temporary name and rename, so a crash never leaves half a logo.
    fs.writeFileSync(`${abs}.tmp`, Buffer.from(match[2]!, 'base64'));
    fs.renameSync(`${abs}.tmp`, abs);
    this.db.prepare('UPDATE workspaces SET logo_path = ?, updated_at = ? WHERE id = ?').run(rel, this.now(), id);
    if (old && old !== abs) fs.rmSync(old, { force: true });
    return this.get(id);
  }

  logo(id: number): string | null {
    this.get(id);
    const file = this.logoFile(id);
    if (!file || !fs.existsSync(file)) return null;
    const ext = path.extname(file).slice(1);
    const mime = ext === 'jpg' ? 'jpeg' : ext;
    return `data:image/${mime};base64,${fs.readFileSync(file).toString('base64')}`;
  }
}
