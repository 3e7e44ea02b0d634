import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  AppError,
  Conflict,
  InvalidCredentials,
  InvalidInput,
  NotAuthenticated,
  NotFound,
  RuleViolation,
  Throttled,
} from '#app/errors';
import { logger, metrics } from '#observability/powertools';
import { HttpProblem, problems } from './problem.ts';

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/** Headers every API response carries: nothing here is cacheable, sniffable or frameable. */
export const apiSecurityHeaders: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function securityHeaders(): HttpMiddleware {
  const apply: middy.MiddlewareFn<APIGatewayProxyEventV2, APIGatewayProxyResultV2> = async (request) => {
    const response = request.response;
    if (response === undefined || response === null || typeof response === 'string') return;
    response.headers = { ...apiSecurityHeaders, ...response.headers };
  };
  return { after: apply, onError: apply };
}

/** The one mapping from use-case errors to HTTP problems. */
function fromAppError(error: AppError): HttpProblem {
  if (error instanceof RuleViolation) {
    return new HttpProblem({
      status: 422,
      title: 'Unprocessable Content',
      type: '/problems/rule-violation',
      detail: error.message,
      errors: error.fields.map((field) => ({ ...field, in: 'body' as const })),
    });
  }
  if (error instanceof InvalidInput) {
    return problems.validation(
      error.fields.map((field) => ({ ...field, in: 'body' as const })),
      error.message,
    );
  }
  if (error instanceof InvalidCredentials) {
    return new HttpProblem({
      status: 401,
      title: 'Unauthorized',
      type: '/problems/invalid-credentials',
      detail: error.message,
    });
  }
  if (error instanceof NotAuthenticated) return problems.unauthorized(error.message);
  if (error instanceof NotFound) return problems.notFound(error.message);
  if (error instanceof Conflict) return problems.conflict(error.message);
  if (error instanceof Throttled) return problems.tooManyRequests(error.retryAfterSeconds);
  return problems.internal();
}

/**
 * Maps every error to RFC 9457 problem+json, in one place. Expected problems keep their status and
 * detail; anything else is logged with its stack and answered as an opaque 500.
 */
export function problemDetails(): HttpMiddleware {
  return {
    onError: async (request) => {
      const error = request.error;
      let problem: HttpProblem;
      if (error instanceof AppError) {
        problem = fromAppError(error);
      } else if (error instanceof HttpProblem) {
        problem = error;
        if (problem.status >= 500) logger.error('request failed', { status: problem.status, error });
      } else {
        logger.error('unhandled error', { error });
        problem = problems.internal();
      }
      const instance = request.event.requestContext?.requestId;
      request.response = {
        statusCode: problem.status,
        headers: { 'content-type': 'application/problem+json', ...problem.headers },
        body: JSON.stringify(problem.toDocument(instance ? `urn:request:${instance}` : undefined)),
      };
    },
  };
}

/**
 * Counts responses by class (ApiRequests, Api4xx, Api5xx, and Api429 among the 4xx: throttled
 * logins and rate limits) for the dashboard and alarms; it also means every invocation publishes at
 * least one metric.
 */
export function responseMetrics(): HttpMiddleware {
  const count: middy.MiddlewareFn<APIGatewayProxyEventV2, APIGatewayProxyResultV2> = async (request) => {
    const response = request.response;
    const status = typeof response === 'object' && response !== null ? (response.statusCode ?? 200) : 200;
    metrics.addMetric('ApiRequests', MetricUnit.Count, 1);
    if (status >= 500) metrics.addMetric('Api5xx', MetricUnit.Count, 1);
    else if (status >= 400) metrics.addMetric('Api4xx', MetricUnit.Count, 1);
    if (status === 429) metrics.addMetric('Api429', MetricUnit.Count, 1);
  };
  return { after: count, onError: count };
}
