import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from '#observability/powertools';
import type { Authenticator } from './auth.ts';
import { problemDetails, responseMetrics, securityHeaders } from './middleware.ts';
import { originGuard } from './origin.ts';
import { parseJsonBody, validate } from './request.ts';
import type { HttpResult } from './response.ts';

type OptionalSchema = z.ZodType | undefined;
type Parsed<S extends OptionalSchema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RequestSchemas<
  B extends OptionalSchema,
  Q extends OptionalSchema,
  P extends OptionalSchema,
> {
  body?: B;
  query?: Q;
  path?: P;
}

export interface HttpRequest<B extends OptionalSchema, Q extends OptionalSchema, P extends OptionalSchema> {
  body: Parsed<B>;
  query: Parsed<Q>;
  path: Parsed<P>;
  event: APIGatewayProxyEventV2;
  context: Context;
}

export interface SaverRequest<B extends OptionalSchema, Q extends OptionalSchema, P extends OptionalSchema>
  extends HttpRequest<B, Q, P> {
  /** From the verified access token, never from the request. */
  saverId: string;
}

function parseRequest<B extends OptionalSchema, Q extends OptionalSchema, P extends OptionalSchema>(
  schemas: RequestSchemas<B, Q, P>,
  event: APIGatewayProxyEventV2,
  context: Context,
): HttpRequest<B, Q, P> {
  const parse = <S extends OptionalSchema>(
    schema: S,
    value: unknown,
    part: 'body' | 'query' | 'path',
  ): Parsed<S> => (schema === undefined ? undefined : validate(schema, value, part)) as Parsed<S>;
  return {
    // A missing body stays undefined (so optional bodies work); absent query and path mean none.
    body: parse(schemas.body as B, schemas.body ? parseJsonBody(event) : undefined, 'body'),
    query: parse(schemas.query as Q, event.queryStringParameters ?? {}, 'query'),
    path: parse(schemas.path as P, event.pathParameters ?? {}, 'path'),
    event,
    context,
  };
}

/**
 * The one middy stack for HTTP handlers: observability, problem+json errors and security headers
 * around a function of the event. Handler files use httpHandler or saverHandler below.
 */
function withHttpStack(run: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { clearState: true, resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(responseMetrics())
    .use(securityHeaders())
    .use(problemDetails())
    .use(originGuard())
    .handler(run);
}

/**
 * A public endpoint: strict zod validation of body, query and path (schemas should be strict
 * objects so unknown fields are refused), then one use case.
 */
export function httpHandler<
  B extends OptionalSchema = undefined,
  Q extends OptionalSchema = undefined,
  P extends OptionalSchema = undefined,
>(schemas: RequestSchemas<B, Q, P>, useCase: (request: HttpRequest<B, Q, P>) => Promise<HttpResult>) {
  return withHttpStack(async (event, context) => useCase(parseRequest(schemas, event, context)));
}

/** An endpoint for a logged-in saver: the access token is verified before anything else is read. */
export function saverHandler<
  B extends OptionalSchema = undefined,
  Q extends OptionalSchema = undefined,
  P extends OptionalSchema = undefined,
>(
  schemas: RequestSchemas<B, Q, P> & { authenticate: Authenticator },
  useCase: (request: SaverRequest<B, Q, P>) => Promise<HttpResult>,
) {
  return withHttpStack(async (event, context) => {
    const saverId = await schemas.authenticate(event);
    logger.appendKeys({ saverId });
    return useCase({ ...parseRequest(schemas, event, context), saverId });
  });
}
