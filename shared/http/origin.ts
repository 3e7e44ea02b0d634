import { isIP } from 'node:net';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { sameSecret } from '#auth/same-secret';
import { config } from '#config/env';
import { logger } from '#observability/powertools';
import { SecretVault } from '#store/secret-vault';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from './edge-headers.ts';
import { problems } from './problem.ts';

/**
 * In AWS the API sits behind CloudFront and its WAF. The HTTP API's own execute-api URL is public
 * too, so CloudFront adds a secret header to every origin request and the API refuses requests
 * without it: nothing reaches a handler around the WAF. Only then is the viewer address CloudFront
 * stamps on the request trustworthy as the saver's (API Gateway's sourceIp is CloudFront's own).
 * Locally (no ORIGIN_VERIFY_SECRET_ID) neither applies.
 */

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

let vault: SecretVault | undefined;
/** The shared value CloudFront sends, or undefined when the API is not behind CloudFront. */
async function configuredOriginSecret(): Promise<string | undefined> {
  const secretId = config().ORIGIN_VERIFY_SECRET_ID;
  if (secretId === undefined) return undefined;
  vault ??= new SecretVault();
  const value = await vault.read(secretId);
  if (!value) throw new Error(`The origin-verify secret ${secretId} does not exist`);
  return value;
}

/** Refuses, before anything else runs, every request that did not come through CloudFront. */
export function originGuard(expectedSecret = configuredOriginSecret): HttpMiddleware {
  return {
    before: async (request) => {
      const expected = await expectedSecret();
      if (expected === undefined) return;
      const given = request.event.headers?.[ORIGIN_VERIFY_HEADER];
      if (given !== undefined && sameSecret(given, expected)) return;
      logger.warn('request bypassed CloudFront', { sourceIp: request.event.requestContext.http.sourceIp });
      throw problems.forbidden();
    },
  };
}

/** The saver's own address: CloudFront's viewer address behind CloudFront, else the connection's. */
export function clientAddress(event: APIGatewayProxyEventV2): string {
  const viewer = event.headers?.[VIEWER_ADDRESS_HEADER];
  const behindCloudFront = config().ORIGIN_VERIFY_SECRET_ID !== undefined;
  return behindCloudFront && viewer !== undefined && isIP(viewer) !== 0
    ? viewer
    : event.requestContext.http.sourceIp;
}
