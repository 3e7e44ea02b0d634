import { describe, expect, it } from 'vitest';
import {
  REFRESH_COOKIE_NAME,
  readRefreshCookie,
  serializeClearedRefreshCookie,
  serializeRefreshCookie,
} from '#auth/refresh-cookie';
import { generateRefreshToken } from '#auth/refresh-sessions';

const token = generateRefreshToken();

describe('refresh cookie', () => {
  it('is a __Host- cookie with HttpOnly, Secure, SameSite=Strict and Path=/', () => {
    expect(REFRESH_COOKIE_NAME).toBe('__Host-sparegris_refresh');
    expect(serializeRefreshCookie(token, 2_592_000.7)).toBe(
      `__Host-sparegris_refresh=${token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=2592000`,
    );
    expect(serializeRefreshCookie(token, 0)).not.toContain('Domain');
  });

  it('clears with an empty value and Max-Age=0 under the same attributes', () => {
    expect(serializeClearedRefreshCookie()).toBe(
      '__Host-sparegris_refresh=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });

  it('refuses to serialize anything that is not a refresh token (no header injection)', () => {
    expect(() => serializeRefreshCookie(`${token}; Domain=evil.test`, 60)).toThrow();
    expect(() => serializeRefreshCookie('x\r\nSet-Cookie: a=b', 60)).toThrow();
  });

  it('reads the token from a Cookie header among other cookies', () => {
    expect(readRefreshCookie({ cookieHeader: `theme=dark; ${REFRESH_COOKIE_NAME}=${token}; lang=nb` })).toBe(
      token,
    );
    expect(readRefreshCookie({ cookieHeader: `${REFRESH_COOKIE_NAME}="${token}"` })).toBe(token);
  });

  it('reads the token from an API Gateway v2 cookies array', () => {
    expect(readRefreshCookie({ cookies: ['theme=dark', `${REFRESH_COOKIE_NAME}=${token}`] })).toBe(token);
  });

  it('returns undefined when absent, misnamed or malformed', () => {
    expect(readRefreshCookie({})).toBeUndefined();
    expect(readRefreshCookie({ cookieHeader: '' })).toBeUndefined();
    expect(readRefreshCookie({ cookies: [`sparegris_refresh=${token}`] })).toBeUndefined();
    expect(readRefreshCookie({ cookies: [`__host-sparegris_refresh=${token}`] })).toBeUndefined();
    expect(readRefreshCookie({ cookies: [`${REFRESH_COOKIE_NAME}=`] })).toBeUndefined();
    expect(readRefreshCookie({ cookies: [`${REFRESH_COOKIE_NAME}=${token}x`] })).toBeUndefined();
  });

  it('skips a malformed duplicate and finds the well-formed one', () => {
    expect(
      readRefreshCookie({ cookieHeader: `${REFRESH_COOKIE_NAME}=junk; ${REFRESH_COOKIE_NAME}=${token}` }),
    ).toBe(token);
  });
});
