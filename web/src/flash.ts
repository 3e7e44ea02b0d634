import { useSyncExternalStore } from 'react';

/** A one-time message for the page the app is about to show ("Your accounts are saved."). */
export interface Flash {
  tone: 'success' | 'info' | 'warning' | 'error';
  message: string;
  /** Shown only on this path, so it disappears when the saver moves on. */
  path: string;
}

let current: Flash | null = null;
const listeners = new Set<() => void>();

export function showFlash(flash: Flash): void {
  current = flash;
  for (const listener of listeners) listener();
}

export function useFlash(pathname: string): Flash | null {
  const flash = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
  return flash?.path === pathname ? flash : null;
}

/** Called as the path changes: a flash meant for another page is spent. */
export function clearFlashUnlessOnItsPage(): void {
  // The live path, not a rendered one: a redirect may already have moved on to the flash's page.
  if (current && current.path !== window.location.pathname) {
    current = null;
    for (const listener of listeners) listener();
  }
}
