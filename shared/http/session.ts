import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import {
  readRefreshCookie,
  serializeClearedRefreshCookie,
  serializeRefreshCookie,
} from '#auth/refresh-cookie';
import type { RefreshGrant } from '#auth/refresh-sessions';
import { type HttpResult, json } from './response.ts';

/** Sign-up and login bodies: the password rules themselves are checked by the use case (422). */
export const credentialsSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

export const refreshTokenOf = (event: APIGatewayProxyEventV2): string | undefined =>
  readRefreshCookie({ cookies: event.cookies, cookieHeader: event.headers?.cookie });

export function withRefreshCookie(statusCode: number, body: unknown, refresh: RefreshGrant): HttpResult {
  return {
    ...json(statusCode, body),
    cookies: [serializeRefreshCookie(refresh.refreshToken, refresh.maxAgeSeconds)],
  };
}

export const clearedRefreshCookie = (): string => serializeClearedRefreshCookie();
