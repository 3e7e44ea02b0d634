import { isWellFormedRefreshToken } from './refresh-sessions.ts';

/**
 * The refresh token travels only in this cookie (ASVS 5 3.3.1/3.3.4). `__Host-` makes browsers
 * insist on Secure, Path=/ and no Domain, so no sibling host can set or read it.
 */
export const REFRESH_COOKIE_NAME = '__Host-sparegris_refresh';

const COOKIE_ATTRIBUTES = 'HttpOnly; Secure; SameSite=Strict; Path=/';

export function serializeRefreshCookie(refreshToken: string, maxAgeSeconds: number): string {
  if (!isWellFormedRefreshToken(refreshToken)) throw new Error('Not a refresh token');
  const maxAge = Math.max(0, Math.floor(maxAgeSeconds));
  return `${REFRESH_COOKIE_NAME}=${refreshToken}; ${COOKIE_ATTRIBUTES}; Max-Age=${maxAge}`;
}

/** Sent on logout and on every failed refresh so the browser drops the dead token. */
export function serializeClearedRefreshCookie(): string {
  return `${REFRESH_COOKIE_NAME}=; ${COOKIE_ATTRIBUTES}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

export interface CookieSources {
  /** A raw `Cookie` request header ("a=1; b=2"). */
  readonly cookieHeader?: string | undefined;
  /** API Gateway HTTP API (payload v2) `event.cookies`: one "name=value" per entry. */
  readonly cookies?: readonly string[] | undefined;
}

/**
 * The refresh token from the request, or undefined when absent or not shaped like one of ours.
 * Only well-formed values are returned, so junk never reaches the store.
 */
export function readRefreshCookie(sources: CookieSources): string | undefined {
  const pairs = [...(sources.cookies ?? []), ...(sources.cookieHeader ?? '').split(';')];
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() !== REFRESH_COOKIE_NAME) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (isWellFormedRefreshToken(value)) return value;
  }
  return undefined;
}
