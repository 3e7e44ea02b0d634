import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidAccessTokenError } from '#auth/access-tokens';
import { logger } from '#observability/powertools';
import { problems } from './problem.ts';

/** Verifies the Bearer access token and returns the saver id it was issued to (never from the request body). */
export type Authenticator = (event: APIGatewayProxyEventV2) => Promise<string>;

export function bearerAuthenticator(verify: (token: string) => Promise<{ subject: string }>): Authenticator {
  return async (event) => {
    const header = event.headers?.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
    if (!match?.[1]) throw problems.unauthorized();
    try {
      return (await verify(match[1])).subject;
    } catch (error) {
      if (!(error instanceof InvalidAccessTokenError)) throw error;
      logger.info('access token rejected', { reason: error.reason });
      throw problems.unauthorized('The access token is invalid or has expired.');
    }
  };
}
