import { useState } from 'react';
import { apiRequest } from '../api/session.ts';

/** Starts the Nordea redirect flow: the browser leaves for the bank and comes back to `/?bank=…`. */
export function useConnectBank() {
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const connect = async () => {
    setOpening(true);
    setError(null);
    try {
      const { authorizeUrl } = await apiRequest<{ authorizeUrl: string }>('POST', '/api/bank/connect');
      window.location.assign(authorizeUrl);
    } catch (failure) {
      setError(failure);
      setOpening(false);
    }
  };
  return { connect, opening, error };
}
