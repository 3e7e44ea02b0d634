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

/** Every value of the cookie `name` in the request (a browser may send duplicates), in order. */
export function readCookies(sources: CookieSources, name: string): string[] {
  const pairs = [...(sources.cookies ?? []), ...(sources.cookieHeader ?? '').split(';')];
  return pairs.flatMap((pair) => {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) return [];
    const value = pair.slice(separator + 1).trim();
    return [value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value];
  });
}

/**
 * The refresh token from the request, or undefined when absent or not shaped like one of ours.
 * Only well-formed values are returned, so junk never reaches the store.
 */
export function readRefreshCookie(sources: CookieSources): string | undefined {
  return readCookies(sources, REFRESH_COOKIE_NAME).find(isWellFormedRefreshToken);
}
