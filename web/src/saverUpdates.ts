import { useEffect } from 'react';

/**
 * The saver's settings are loaded once, in App; a screen that changes them (PATCH /api/me) says so
 * here and App reads them again, so every screen formats and counts with the new ones.
 */
const listeners = new Set<() => void>();

export function saverSettingsChanged(): void {
  for (const listener of listeners) listener();
}

export function useReloadOnSaverChange(reload: () => void): void {
  useEffect(() => {
    listeners.add(reload);
    return () => {
      listeners.delete(reload);
    };
  }, [reload]);
}
