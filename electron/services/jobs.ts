import crypto from 'node:crypto';
import { ApiError } from '../../shared/api/errors';
import type { JobProgress, JobView } from '../../shared/domain/jobs';

export interface JobHandle {
  readonly signal: AbortSignal;
  progress(p: Partial<JobProgress>): void;
}

type JobRecord = JobView & { controller: AbortController };

/**
 * In-process registry of running and finished jobs. The work itself runs in a
 * worker thread (or is async I/O); this only tracks state for the UI and CLI.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly keep = 50;
  constructor(private readonly now: () => number = Date.now) {}

  start<T>(
    meta: { kind: JobView['kind']; label: string; workspaceId: number | null; unit: JobProgress['unit']; phase: string },
    work: (job: JobHandle) => Promise<T>,
    onSettled?: (view: JobView) => void,
  ): JobView {
    const controller = new AbortController();
    const record: JobRecord = {
      id: crypto.randomUUID(),
      kind: meta.kind,
      workspaceId: meta.workspaceId,
      label: meta.label,
      state: 'running',
      startedAt: this.now(),
      endedAt: null,
      progress: { phase: meta.phase, done: 0, total: null, unit: meta.unit, rate: null, etaMs: null, counters: {} },
      result: null,
      error: null,
      controller,
    };
    this.jobs.set(record.id, record);
    this.trim();
    const handle: JobHandle = {
      signal: controller.signal,
      progress: (p) => {
        record.progress = { ...record.progress, ...p, counters: { ...record.progress.counters, ...(p.counters ?? {}) } };
      },
    };
    void work(handle).then(
      (result) => {
        record.state = controller.signal.aborted ? 'cancelled' : 'done';
        record.result = result ?? null;
        record.endedAt = this.now();
        onSettled?.(this.view(record));
      },
      (e: unknown) => {
        record.state = controller.signal.aborted ? 'cancelled' : 'failed';
        const err = e as { code?: unknown; message?: unknown; details?: unknown };
        record.error = {
          code: typeof err.code === 'string' ? err.code : 'FAILED',
          message: typeof err.message === 'string' ? err.message : String(e),
          ...(Array.isArray(err.details) ? { details: err.details.map(String) } : {}),
        };
        record.endedAt = this.now();
        onSettled?.(this.view(record));
      },
    );
    return this.view(record);
  }

  get(id: string): JobView {
    const r = this.jobs.get(id);
    if (!r) throw new ApiError('NOT_FOUND', `No job ${id}.`);
    return this.view(r);
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((r) => this.view(r)).sort((a, b) => b.startedAt - a.startedAt);
  }

  running(kind?: JobView['kind']): JobView[] {
    return this.list().filter((j) => j.state === 'running' && (!kind || j.kind === kind));
  }

  cancel(id: string): JobView {
    const r = this.jobs.get(id);
    if (!r) throw new ApiError('NOT_FOUND', `No job ${id}.`);
    if (r.state === 'running') r.controller.abort();
    return this.view(r);
  }

  /** Resolves when the job has settled (used by the CLI and tests). */
  async wait(id: string, pollMs = 50): Promise<JobView> {
    for (;;) {
      const v = this.get(id);
      if (v.state !== 'running') return v;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private view(r: JobRecord): JobView {
    const { controller: _c, ...view } = r;
    return { ...view, progress: { ...view.progress, counters: { ...view.progress.counters } } };
  }

  private trim(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running').sort((a, b) => a.startedAt - b.startedAt);
    while (this.jobs.size > this.keep && finished.length > 0) this.jobs.delete(finished.shift()!.id);
  }
}
