import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
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
