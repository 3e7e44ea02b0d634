import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { ApiRoute } from '#stacks/definitions';
import { lambdaContext, loadHandler } from './lambda-runtime.ts';

interface CompiledRoute {
  route: ApiRoute;
  method: string;
  segments: string[];
}

export interface RouteMatch {
  route: ApiRoute;
  pathParameters: Record<string, string>;
}

/** Matches like API Gateway HTTP APIs: exact method (or ANY), `{name}` and greedy `{name+}` segments. */
export function createRouter(
  routes: readonly ApiRoute[],
): (method: string, path: string) => RouteMatch | undefined {
  const compiled: CompiledRoute[] = routes
    .filter((route) => route.routeKey !== '$default')
    .map((route) => {
      const [method = '', path = ''] = route.routeKey.split(' ');
      return { route, method, segments: path.split('/').filter(Boolean) };
    });
  const fallback = routes.find((route) => route.routeKey === '$default');

  // A malformed escape (`%ZZ`) stays as sent: the handler's own validation refuses it with a 400.
  const decodePathParameter = (value: string): string => {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  };

  const matchSegments = (pattern: string[], actual: string[]): Record<string, string> | undefined => {
    const parameters: Record<string, string> = {};
    for (const [index, part] of pattern.entries()) {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy?.[1]) {
        if (index >= actual.length) return undefined;
        parameters[greedy[1]] = actual.slice(index).join('/');
        return parameters;
      }
      const value = actual[index];
      if (value === undefined) return undefined;
      const parameter = /^\{(.+)\}$/.exec(part);
      if (parameter?.[1]) parameters[parameter[1]] = decodePathParameter(value);
      else if (part !== value) return undefined;
    }
    return pattern.length === actual.length ? parameters : undefined;
  };

  return (method, path) => {
    const actual = path.split('/').filter(Boolean);
    // Literal segments win over parameters, as in API Gateway: try routes with more literals first.
    const candidates = compiled
      .filter((candidate) => candidate.method === method || candidate.method === 'ANY')
      .sort(
        (a, b) =>
          b.segments.filter((segment) => !segment.startsWith('{')).length -
          a.segments.filter((segment) => !segment.startsWith('{')).length,
      );
    for (const candidate of candidates) {
      const pathParameters = matchSegments(candidate.segments, actual);
      if (pathParameters) return { route: candidate.route, pathParameters };
    }
    return fallback ? { route: fallback, pathParameters: {} } : undefined;
  };
}

const TEXT_TYPES = /^(application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml)|text\/)/i;

/** Builds the API Gateway HTTP API payload v2.0 event that the deployed function would receive. */
export function toHttpApiEvent(
  request: IncomingMessage,
  body: Buffer,
  match: RouteMatch,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(',') : value;
    // Payload v2 moves cookies out of the headers into their own array.
    if (name === 'cookie') cookies = joined.split(/;\s*/).filter(Boolean);
    else headers[name] = joined;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const method = request.method ?? 'GET';
  const routeKey = match.route.routeKey;

  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : url.search,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(url.searchParams.size > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host?.split(':')[0] ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Writes a handler result back as API Gateway would, including its inference for bare results. */
export function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || result === undefined || result === null || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  if (body) headers['content-length'] = String(body.length);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

export function createApiDispatcher(routes: readonly ApiRoute[]) {
  const route = createRouter(routes);
  return async (request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = route(request.method ?? 'GET', url.pathname);
    if (match === undefined) return false;
    const handler = await loadHandler(match.route.entry);
    const event = toHttpApiEvent(request, body, match);
    const result = (await handler(event, lambdaContext(match.route.entry))) as APIGatewayProxyResultV2;
    writeResult(response, result);
    return true;
  };
}
