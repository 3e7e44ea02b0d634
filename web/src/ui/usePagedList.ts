import { useCallback, useEffect, useRef, useState } from 'react';
import { apiRequest } from '../api/session.ts';
import type { ListPage } from '../api/types.ts';

export type PagedList<T> = {
  reload: () => void;
  loadMore: () => void;
  /** Loading the next page; its failure, if it failed (the loaded pages stay). */
  loadingMore: boolean;
  moreError: unknown;
} & (
  | { state: 'loading' }
  | { state: 'ready'; items: T[]; nextCursor: string | null }
  | { state: 'failed'; error: unknown }
);

const withQuery = (path: string, limit: number, cursor?: string) =>
  `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;

/**
 * A `{items, nextCursor}` list, a page at a time: "Load more" appends the next page. A reload starts
 * again from the newest page; leaving the screen cancels whatever is loading.
 */
export function usePagedList<T extends { id: string }>(path: string, limit: number): PagedList<T> {
  const [version, setVersion] = useState(0);
  const [result, setResult] = useState<
    | { state: 'loading' }
    | { state: 'ready'; items: T[]; nextCursor: string | null }
    | { state: 'failed'; error: unknown }
  >({ state: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);
  const reload = useCallback(() => setVersion((current) => current + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    const current = new AbortController();
    controller.current?.abort();
    controller.current = current;
    setLoadingMore(false);
    setMoreError(null);
    apiRequest<ListPage<T>>('GET', withQuery(path, limit), { signal: current.signal }).then(
      (page) => setResult({ state: 'ready', items: page.items, nextCursor: page.nextCursor }),
      (error: unknown) => {
        if (!current.signal.aborted) setResult({ state: 'failed', error });
      },
    );
    return () => current.abort();
  }, [path, limit, version]);

  const loadMore = useCallback(() => {
    if (result.state !== 'ready' || !result.nextCursor || loadingMore) return;
    const signal = controller.current?.signal;
    setLoadingMore(true);
    setMoreError(null);
    apiRequest<ListPage<T>>('GET', withQuery(path, limit, result.nextCursor), signal ? { signal } : {}).then(
      (page) => {
        setResult((previous) => {
          if (previous.state !== 'ready') return previous;
          const known = new Set(previous.items.map((item) => item.id));
          return {
            state: 'ready',
            items: [...previous.items, ...page.items.filter((item) => !known.has(item.id))],
            nextCursor: page.nextCursor,
          };
        });
        setLoadingMore(false);
      },
      (error: unknown) => {
        if (signal?.aborted) return;
        setMoreError(error);
        setLoadingMore(false);
      },
    );
  }, [path, limit, result, loadingMore]);

  return { ...result, reload, loadMore, loadingMore, moreError };
}
