import { useSyncExternalStore } from 'react';

/** Client-side routing on the History API: the app has a handful of paths, no router needed. */

const listeners = new Set<() => void>();
let navigatedInApp = false;

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  navigatedInApp = true;
  notify();
});

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  navigatedInApp = true;
  notify();
}

/** True once the saver has moved inside the app, so a new page may take focus (not on first load). */
export const hasNavigatedInApp = (): boolean => navigatedInApp;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface AppLocation {
  pathname: string;
  search: URLSearchParams;
  /** Path and query, for returning after login. */
  href: string;
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): AppLocation {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}
