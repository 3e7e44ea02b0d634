import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  readCookies,
  readRefreshCookie,
  serializeClearedRefreshCookie,
  serializeRefreshCookie,
} from '#auth/refresh-cookie';
import type { RefreshGrant } from '#auth/refresh-sessions';
import { type HttpResult, json } from './response.ts';

export const refreshTokenOf = (event: APIGatewayProxyEventV2): string | undefined =>
  readRefreshCookie({ cookies: event.cookies, cookieHeader: event.headers?.cookie });

export function withRefreshCookie(statusCode: number, body: unknown, refresh: RefreshGrant): HttpResult {
  return {
    ...json(statusCode, body),
    cookies: [serializeRefreshCookie(refresh.refreshToken, refresh.maxAgeSeconds)],
  };
}

export const clearedRefreshCookie = (): string => serializeClearedRefreshCookie();

/**
 * Binds a bank link to the browser that started it: the link's state, in a cookie the bank's
 * redirect back carries (SameSite=Lax: sent on that top-level navigation, unlike the Strict refresh
 * cookie). A consent completed in anyone else's browser then links nothing.
 */
export const BANK_LINK_COOKIE_NAME = '__Host-sparegris_link';
const BANK_LINK_COOKIE_ATTRIBUTES = 'HttpOnly; Secure; SameSite=Lax; Path=/';

export const bankLinkCookie = (state: string, maxAgeSeconds: number): string =>
  `${BANK_LINK_COOKIE_NAME}=${state}; ${BANK_LINK_COOKIE_ATTRIBUTES}; Max-Age=${maxAgeSeconds}`;

export const clearedBankLinkCookie = (): string =>
  `${BANK_LINK_COOKIE_NAME}=; ${BANK_LINK_COOKIE_ATTRIBUTES}; Max-Age=0`;

export const bankLinkStateOf = (event: APIGatewayProxyEventV2): string | undefined =>
  readCookies({ cookies: event.cookies, cookieHeader: event.headers?.cookie }, BANK_LINK_COOKIE_NAME)[0];
