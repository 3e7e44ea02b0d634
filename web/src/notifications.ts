import { useEffect, useSyncExternalStore } from 'react';
import { apiRequest } from './api/session.ts';
import type { AppNotification, NotificationPage } from './api/types.ts';

/**
 * The signed-in saver's notifications, shared by the bell on every screen. Loaded after sign-in,
 * again on each change of page, when the tab comes back into view and once a minute.
 */

export interface NotificationsState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  items: AppNotification[];
  nextCursor: string | null;
  unread: number;
  error: unknown;
  loadingOlder: boolean;
}

const PAGE_SIZE = 20;
const POLL_MS = 60_000;

const initial: NotificationsState = {
  status: 'idle',
  items: [],
  nextCursor: null,
  unread: 0,
  error: null,
  loadingOlder: false,
};

let state: NotificationsState = initial;
/** Bumped by every local change, so a load that started before it cannot undo it. */
let generation = 0;
/** Mark-read requests on their way: until they land, a load could still bring back the old count. */
let marking = 0;
const listeners = new Set<() => void>();

function update(next: Partial<NotificationsState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const notificationsState = (): NotificationsState => state;

export function useNotifications(): NotificationsState {
  return useSyncExternalStore(subscribe, notificationsState);
}

/** The newest page again, and the unread count. */
export async function refreshNotifications(): Promise<void> {
  const startedIn = generation;
  if (state.status === 'idle' || state.status === 'failed') update({ status: 'loading' });
  try {
    const page = await apiRequest<NotificationPage>('GET', `/api/notifications?limit=${PAGE_SIZE}`);
    if (startedIn !== generation || marking > 0) return;
    update({
      status: 'ready',
      items: page.items,
      nextCursor: page.nextCursor,
      unread: page.unread,
      error: null,
    });
  } catch (error) {
    if (startedIn !== generation) return;
    // Keep what was shown; the bell is a helper, not worth an error over one missed poll.
    update({ status: state.items.length > 0 ? 'ready' : 'failed', error });
  }
}

export async function loadOlderNotifications(): Promise<void> {
  const cursor = state.nextCursor;
  if (!cursor || state.loadingOlder) return;
  const startedIn = generation;
  update({ loadingOlder: true });
  try {
    const page = await apiRequest<NotificationPage>(
      'GET',
      `/api/notifications?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`,
    );
    if (startedIn !== generation || marking > 0) return update({ loadingOlder: false });
    const known = new Set(state.items.map((item) => item.id));
    update({
      items: [...state.items, ...page.items.filter((item) => !known.has(item.id))],
      nextCursor: page.nextCursor,
      unread: page.unread,
      loadingOlder: false,
    });
  } catch (error) {
    update({ loadingOlder: false, error });
  }
}

/** Marks some (or all) notifications read: at once on screen, then at the server. */
export async function markNotificationsRead(ids: readonly string[] | 'all'): Promise<void> {
  const targets = new Set(
    state.items
      .filter((item) => item.readAt === null && (ids === 'all' || ids.includes(item.id)))
      .map((item) => item.id),
  );
  if (ids !== 'all' && targets.size === 0) return;
  generation += 1;
  const at = new Date().toISOString();
  update({
    items: state.items.map((item) => (targets.has(item.id) ? { ...item, readAt: at } : item)),
    unread: ids === 'all' ? 0 : Math.max(0, state.unread - targets.size),
  });
  marking += 1;
  try {
    await apiRequest('POST', '/api/notifications/read', {
      body: ids === 'all' ? { all: true } : { ids: [...targets] },
    });
  } finally {
    // A load that started while the request was on its way may predate it: it must not bring the
    // count back. Either way, the server has the last word.
    marking -= 1;
    generation += 1;
    await refreshNotifications();
  }
}

export function resetNotifications(): void {
  generation += 1;
  state = initial;
  for (const listener of listeners) listener();
}

/** Keeps the notifications fresh while a saver is signed in; `pathname` reloads them on each page. */
export function useNotificationUpdates(pathname: string): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of page.
  useEffect(() => {
    void refreshNotifications();
  }, [pathname]);
  useEffect(() => {
    const whenVisible = () => {
      if (document.visibilityState === 'visible') void refreshNotifications();
    };
    const timer = setInterval(whenVisible, POLL_MS);
    document.addEventListener('visibilitychange', whenVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', whenVisible);
      resetNotifications();
    };
  }, []);
}
