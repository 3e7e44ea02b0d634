import { useCallback, useEffect, useState } from 'react';
import { apiRequest } from '../../api/session.ts';
import type { ListPage, SavingsEntry } from '../../api/types.ts';

const PAGE_SIZE = 100;
/** Bounds the work for a saver with very many saves; the chart then starts later, never guesses. */
const MAX_PAGES = 8;

export type SavingHistory =
  | { state: 'loading'; reload: () => void }
  | { state: 'failed'; error: unknown; reload: () => void }
  | {
      state: 'ready';
      entries: SavingsEntry[];
      /** Entries on or before this date may be missing; null when the whole list was read. */
      completeAfter: string | null;
      reload: () => void;
    };

/**
 * The saver's savings entries back to `since` (a local date), read page by page from
 * GET /api/activity, which lists them by trigger date, newest first. A reload keeps the old figures
 * on screen until the new ones arrive, so the dashboard does not flicker.
 */
export function useSavingHistory(since: string): SavingHistory {
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((current) => current + 1), []);
  const [result, setResult] = useState<
    | { state: 'loading' }
    | { state: 'failed'; error: unknown }
    | { state: 'ready'; entries: SavingsEntry[]; completeAfter: string | null }
  >({ state: 'loading' });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    const controller = new AbortController();
    const load = async () => {
      const entries: SavingsEntry[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query: string = `/api/activity?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const next: ListPage<SavingsEntry> = await apiRequest('GET', query, { signal: controller.signal });
        entries.push(...next.items);
        cursor = next.nextCursor;
        const oldest = entries[entries.length - 1]?.trigger.date;
        if (!cursor) return { entries, completeAfter: null };
        if (oldest !== undefined && oldest < since) return { entries, completeAfter: oldest };
      }
      return { entries, completeAfter: entries[entries.length - 1]?.trigger.date ?? null };
    };
    load().then(
      (loaded) => setResult({ state: 'ready', ...loaded }),
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [since, version]);

  return { ...result, reload };
}
