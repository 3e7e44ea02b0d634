import { ApiError, problemFrom, unreachable } from './problem.ts';
import type { SessionGrant } from './types.ts';

/**
 * The saver's session. The access token lives only in this module's memory; the long-lived proof is
 * the HttpOnly refresh cookie, which script cannot read. Rules this module keeps:
 * - one refresh at a time (per tab by a shared promise, across tabs by a Web Lock), because the
 *   server rotates the cookie on every refresh and treats a second use of the old one as theft;
 * - refresh ahead of expiry, and once more on a 401, then give up and sign out.
 */

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-in' }
  | { status: 'signed-out'; reason?: SignedOutReason };

export type SignedOutReason = 'ended' | 'logged-out' | 'logged-out-everywhere' | 'unreachable';

/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 60_000;
/** A token closer than this to expiry is refreshed before use rather than sent. */
const MIN_REMAINING_MS = 10_000;
const REFRESH_LOCK = 'sparegris-refresh';

let accessToken: string | null = null;
let expiresAt = 0;
let refreshing: Promise<boolean> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
/** Bumped on every sign-in and sign-out, so a refresh that lands afterwards is ignored. */
let generation = 0;
let state: SessionState = { status: 'restoring' };
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export const sessionState = (): SessionState => state;

export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function accept(grant: SessionGrant): void {
  accessToken = grant.accessToken;
  // A missing lifetime must not turn the timer below into a refresh loop.
  const lifetimeMs =
    Number.isFinite(grant.expiresIn) && grant.expiresIn > 0 ? grant.expiresIn * 1000 : 60_000;
  expiresAt = Date.now() + lifetimeMs;
  clearTimeout(refreshTimer);
  // Background tabs may fire this late; requests then refresh on demand instead.
  refreshTimer = setTimeout(
    () => void refresh().catch(() => undefined),
    Math.max(lifetimeMs - REFRESH_AHEAD_MS, lifetimeMs / 2),
  );
  if (state.status !== 'signed-in') setState({ status: 'signed-in' });
}

function forget(reason: SignedOutReason | undefined): void {
  generation += 1;
  accessToken = null;
  expiresAt = 0;
  clearTimeout(refreshTimer);
  setState(reason === undefined ? { status: 'signed-out' } : { status: 'signed-out', reason });
}

async function post(path: string, body?: unknown): Promise<Response> {
  try {
    return await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw unreachable();
  }
}

async function refreshOnce(): Promise<boolean> {
  const startedIn = generation;
  const call = () => post('/api/auth/refresh');
  // Other tabs share the cookie: a Web Lock makes their refreshes take turns, each sending the latest cookie.
  const response = navigator.locks ? await navigator.locks.request(REFRESH_LOCK, call) : await call();
  if (startedIn !== generation) return accessToken !== null;
  if (response.status === 401) {
    forget(state.status === 'signed-in' ? 'ended' : undefined);
    return false;
  }
  if (!response.ok) throw await problemFrom(response);
  accept((await response.json()) as SessionGrant);
  return true;
}

/** Exchanges the refresh cookie for a new access token; false when there is no session any more. */
export function refresh(): Promise<boolean> {
  refreshing ??= refreshOnce().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** On page load: the cookie, if any, brings the session back. */
export async function restoreSession(): Promise<void> {
  try {
    await refresh();
  } catch {
    if (state.status === 'restoring') forget('unreachable');
  }
}

/** Sign up or log in; throws an ApiError with the API's reasons when it refuses. */
export async function signIn(kind: 'signup' | 'login', email: string, password: string): Promise<void> {
  const response = await post(`/api/auth/${kind}`, { email, password });
  if (!response.ok) throw await problemFrom(response);
  generation += 1;
  accept((await response.json()) as SessionGrant);
}

export async function logOut(): Promise<void> {
  const response = await post('/api/auth/logout');
  // If the server cannot forget the cookie, staying signed in is more honest than pretending.
  if (!response.ok) throw await problemFrom(response);
  forget('logged-out');
}

/**
 * Ends every refresh session of the saver, on every device, and clears this device's cookie; then
 * forgets this tab's session as `logOut` does. Access tokens already issued elsewhere are refused.
 */
export async function logOutEverywhere(): Promise<void> {
  await apiRequest<void>('POST', '/api/auth/logout-all');
  forget('logged-out-everywhere');
}

async function currentToken(): Promise<string> {
  if (accessToken === null || expiresAt - Date.now() < MIN_REMAINING_MS) {
    if (!(await refresh())) throw new ApiError(401, 'Unauthorized', 'The session has ended. Log in again.');
  }
  if (accessToken === null) throw new ApiError(401, 'Unauthorized', 'The session has ended. Log in again.');
  return accessToken;
}

async function send(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const token = await currentToken();
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw unreachable();
  }
}

/** An authenticated API call: JSON in, JSON out, one refresh-and-retry on a 401. */
export async function apiRequest<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let response = await send(method, path, options.body, options.signal);
  if (response.status === 401 && (await refresh())) {
    response = await send(method, path, options.body, options.signal);
  }
  if (!response.ok) throw await problemFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
