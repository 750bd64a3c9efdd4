import { useCallback, useEffect, useState } from 'react';
import type { Input, Method, Output } from '../../api/client';
import { useApp } from '../../stores/appStore';

export interface Query<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * One API call kept in step with its input: a new input (compared by value) calls again and
 * drops the answer of the previous call if it comes back late, so filters never show stale figures.
 * A null input means "not yet" (e.g. no campaign chosen).
 */
export function useApiQuery<M extends Method>(method: M, input: Input<M> | null): Query<Output<M>> {
  const client = useApp((s) => s.client);
  const key = input === null ? null : JSON.stringify(input);
  const [state, setState] = useState<{ key: string | null; data: Output<M> | null; error: unknown }>({ key: null, data: null, error: null });
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (!client || key === null) return;
    let live = true;
    client.call(method, JSON.parse(key) as Input<M>).then(
      (data) => live && setState({ key, data, error: null }),
      (error: unknown) => live && setState({ key, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [client, method, key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : null, error: current ? state.error : null, loading: key !== null && !current, reload };
}
