import { createContext, useContext } from 'react';
import type { SaverSettings } from './api/types.ts';

/** The signed-in saver's settings, loaded once after sign-in; every screen formats with its locale. */
export const SaverContext = createContext<SaverSettings | null>(null);

export function useSaver(): SaverSettings {
  const saver = useContext(SaverContext);
  if (!saver) throw new Error('useSaver outside a signed-in screen');
  return saver;
}
