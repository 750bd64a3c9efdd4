import { z } from 'zod';
import { hashUnit } from '../rng';

/**
 * Faults the simulated Graph API can inject, per Graph call (a batch item is a call).
 * Random ones are drawn from the seed and the call number only, so a run is
 * reproducible whatever the timing; scripted ones hit call N exactly.
 */
export const GRAPH_FAULT_KINDS = [
  'rate-limit-4',
  'rate-limit-17',
  'rate-limit-32',
  'rate-limit-613',
  'rate-limit-80006',
  'server-500',
  'server-503',
  'temporary-1200',
  'connection-reset',
  'timeout',
  'expired-cursor',
  'token-revoked',
] as const;
export type GraphFaultKind = (typeof GRAPH_FAULT_KINDS)[number];

const Kind = z.enum(GRAPH_FAULT_KINDS);

export const GraphFaultOptions = z
  .object({
    seed: z.union([z.string(), z.number()]).optional(),
    /** Chance per call of each fault (token-revoked is scripted only). */
    rates: z.partialRecord(Kind.exclude(['token-revoked']), z.number().min(0).max(1)).optional(),
    /**
     * Scripted faults: at call `at` (1-based), `times` calls in a row (default 1).
     * `expired-cursor` waits for the first call at or after `at` that carries a cursor.
     * `token-revoked` revokes `token` ('user', a Page id, or the token itself) from call `at` on.
     */
    script: z
      .array(
        z.object({
          at: z.number().int().min(1),
          kind: Kind,
          times: z.number().int().min(1).optional(),
          token: z.string().optional(),
        }),
      )
      .optional(),
    /** Cursors older than this many Graph minutes are refused as expired (default: never). */
    cursorTtlMinutes: z.number().positive().optional(),
  })
  .strict();
export type GraphFaultOptions = z.infer<typeof GraphFaultOptions>;

export interface CallFaultContext {
  /** 1-based Graph call number. */
  n: number;
  hasCursor: boolean;
}

interface PendingScript {
  at: number;
  kind: GraphFaultKind;
  left: number;
  token?: string;
}

export class FaultPlan {
  private readonly seed: string;
  private readonly rates: [GraphFaultKind, number][];
  private readonly pending: PendingScript[];
  /** Revocations that have come due: token selector → call number. */
  readonly revocations: { token: string; at: number }[] = [];

  constructor(options: GraphFaultOptions = {}) {
    const o = GraphFaultOptions.parse(options);
    this.seed = String(o.seed ?? 'graph-faults');
    this.rates = GRAPH_FAULT_KINDS.filter((k) => k !== 'token-revoked').map((k) => [k, o.rates?.[k as Exclude<GraphFaultKind, 'token-revoked'>] ?? 0] as [GraphFaultKind, number]).filter(([, r]) => r > 0);
    this.pending = (o.script ?? []).map((s) => ({ at: s.at, kind: s.kind, left: s.times ?? 1, token: s.token })).sort((a, b) => a.at - b.at);
    for (const p of this.pending) {
      if (p.kind === 'token-revoked' && !p.token) throw new Error('A token-revoked fault needs "token": "user", a Page id or a token.');
    }
  }

  /** The fault for this call, if any (token revocations are reported through `revocations`). */
  draw(ctx: CallFaultContext): GraphFaultKind | null {
    let hit: GraphFaultKind | null = null;
    for (const p of this.pending) {
      if (p.left <= 0 || p.at > ctx.n) continue;
      if (p.kind === 'token-revoked') {
        this.revocations.push({ token: p.token as string, at: ctx.n });
        p.left = 0;
        continue;
      }
      if (p.kind === 'expired-cursor' && !ctx.hasCursor) continue;
      // A scripted fault fires on consecutive calls from `at`; one that was passed over (another fault took the call) still fires next.
      if (hit === null) {
        hit = p.kind;
        p.left--;
      }
    }
    if (hit) return hit;
    for (const [kind, rate] of this.rates) {
      if (kind === 'expired-cursor' && !ctx.hasCursor) continue;
      if (hashUnit(this.seed, 'graph-fault', ctx.n, kind) < rate) return kind;
    }
    return null;
  }
}
