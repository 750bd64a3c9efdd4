import fs from 'node:fs';
import type { importsContract } from '../../../shared/api/contracts/imports';
import { ApiError } from '../../../shared/api/errors';
import type { HandlersFor } from '../api/types';
import { checkAlerts } from '../alertWatch';
import { ImportRuns } from '../ingest/importRuns';
import { runTaskInWorker } from './runner';

export const importsHandlers: HandlersFor<typeof importsContract> = {
  'import:webhooks': (input, ctx) => {
    const ws = ctx.workspaces.get(input.workspaceId);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input.path);
    } catch {
      throw new ApiError('BAD_INPUT', `No file at ${input.path}.`, [{ path: 'path', message: 'path.notFound' }]);
    }
    if (!stat.isFile()) throw new ApiError('BAD_INPUT', `${input.path} is not a file.`, [{ path: 'path', message: 'path.notFile' }]);
    if (ctx.jobs.running().some((j) => j.workspaceId === ws.id && (j.kind === 'import' || j.kind === 'demo'))) {
      throw new ApiError('CONFLICT', 'An import is already running in this workspace.');
    }
    return ctx.jobs.start(
      { kind: 'import', label: input.path, workspaceId: ws.id, unit: 'bytes', phase: 'scanning' },
      (job) => runTaskInWorker(ctx, { kind: 'import', args: { workspaceId: ws.id, file: input.path, addPages: input.addPages, appSecret: input.appSecret } }, job),
      // Alerts are evaluated after every import, as after every sync.
      (view) => view.state === 'done' && checkAlerts(ctx, ws.id),
    );
  },
  'import:runs': (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    const runs = new ImportRuns(ctx.store.db);
    const ids = ctx.store.db.prepare('SELECT id FROM import_runs WHERE workspace_id = ? ORDER BY started_at DESC LIMIT 100').all(input.workspaceId) as { id: number }[];
    return ids.map(({ id }) => runs.get(id)).map((r) => ({
      id: r.id,
      fileName: r.fileName,
      fileSize: r.fileSize,
      status: r.status,
      counts: r.counts,
      pagesAdded: r.pagesAdded,
      attempts: r.attempts,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    }));
  },
  'import:badLines': (input, ctx) => {
    ctx.workspaces.get(input.workspaceId);
    const owned = ctx.store.db.prepare('SELECT 1 FROM import_runs WHERE id = ? AND workspace_id = ?').get(input.runId, input.workspaceId);
    if (!owned) throw new ApiError('NOT_FOUND', `No import ${input.runId} in this workspace.`);
    return new ImportRuns(ctx.store.db).badLines(input.runId);
  },
  'demo:create': (_input, ctx) => {
    const running = ctx.jobs.running('demo')[0];
    if (running) return running;
    return ctx.jobs.start(
      { kind: 'demo', label: 'demo', workspaceId: null, unit: 'steps', phase: 'generating' },
      (job) => runTaskInWorker(ctx, { kind: 'demo' }, job),
      (view) => view.state === 'done' && checkAlerts(ctx),
    );
  },
  'system:chooseFile': async (input, ctx) => {
    if (!ctx.desktop?.chooseFile) return { supported: false, path: null };
    return { supported: true, path: await ctx.desktop.chooseFile(input.purpose) };
  },
};
