import { useCallback, useEffect, useState } from 'react';
import { apiRequest } from '../api/session.ts';

export type Resource<T> =
  | { state: 'loading'; reload: () => void }
  | { state: 'ready'; data: T; reload: () => void }
  | { state: 'failed'; error: unknown; reload: () => void };

/** GETs one API path for a screen; a newer load or leaving the screen cancels the older one. */
export function useResource<T>(path: string): Resource<T> {
  const [version, setVersion] = useState(0);
  const [result, setResult] = useState<
    { state: 'loading' } | { state: 'ready'; data: T } | { state: 'failed'; error: unknown }
  >({ state: 'loading' });
  const reload = useCallback(() => setVersion((current) => current + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    const controller = new AbortController();
    apiRequest<T>('GET', path, { signal: controller.signal }).then(
      (data) => setResult({ state: 'ready', data }),
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [path, version]);

  return { ...result, reload };
}
