import { useEffect, useState } from 'react';
import type { SegmentRule } from '../../../../shared/domain/segmentRule';
import type { CountOutput } from '../../../../shared/domain/segments';
import { useApp } from '../../stores/appStore';

export const COUNT_DEBOUNCE_MS = 300;

export interface LiveCount {
  data: CountOutput | null;
  /** The failure of the latest rule, if it failed (e.g. BAD_INPUT pointing at a condition). */
  error: unknown;
  /** A count for the current rule is on its way (or waiting out the debounce). */
  pending: boolean;
}

/**
 * Counts the members of the rule being edited, 300 ms after the last valid change. Answers for
 * an older rule are dropped, and the last figures stay on screen while the next count runs.
 */
export function useLiveCount(workspaceId: number, rule: SegmentRule | null, segmentId: number | null): LiveCount {
  const client = useApp((s) => s.client);
  const key = rule === null ? null : JSON.stringify(rule);
  const [state, setState] = useState<{ key: string | null; data: CountOutput | null; error: unknown }>({ key: null, data: null, error: null });

  useEffect(() => {
    if (!client || key === null) return;
    let live = true;
    const timer = setTimeout(() => {
      const input = { workspaceId, rule: JSON.parse(key) as SegmentRule, ...(segmentId !== null ? { segmentId } : {}) };
      client.call('segments:count', input).then(
        (data) => live && setState({ key, data, error: null }),
        (error: unknown) => live && setState((s) => ({ key, data: s.data, error })),
      );
    }, COUNT_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, key, workspaceId, segmentId]);

  const current = state.key === key;
  return { data: state.data, error: current ? state.error : null, pending: key !== null && !current };
}
