/**
 * API throughput and middleware overhead: requests per second and p50/p99 latency for
 * `GET /api/goals` and `POST /api/rules` through the full middleware stack, in-process, with the store
 * on dynalite, beside in the same run
 * - a baseline: a handler that returns a constant through the same adapter (no middleware),
 * - the same constant through `httpHandler` (the middleware stack only),
 * so `middlewareOverheadMs` = p50(stack) − p50(baseline) is what the stack costs a request (goal < 1 ms).
 * Every request goes through the local adapter as `npm start` serves it: route match, API Gateway v2
 * event, handler, result written back (to an in-memory response). Prints one JSON line.
 * Sizes: BENCH_REQUESTS (2000 per case), BENCH_WARMUP (200).
 *   npm run bench:api
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

// Before the shared logger exists: the bench prints one line, not a log line per request.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// As the local system runs (set there only after the metrics instance exists): no EMF line per request.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const { createRouter, toHttpApiEvent, writeResult } = await import('#local/api-adapter');
const { lambdaContext, loadHandler } = await import('#local/lambda-runtime');
const { startLocalSystem } = await import('#local/system');
const { httpHandler } = await import('#http/handler');
const { json } = await import('#http/response');
const { apiRoutes } = await import('#stacks/definitions');

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);

type Handler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

const system = await startLocalSystem({
  ports: { web: 0, simulator: 0, dynamo: 0, secrets: 0, sqs: 0 },
});

/** A request as node:http hands it to the adapter, without a socket. */
function incoming(method: string, url: string, headers: Record<string, string>): IncomingMessage {
  return {
    method,
    url,
    headers: { host: `localhost:${system.ports.web}`, 'user-agent': 'bench', ...headers },
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
}

/** A response that only keeps the status, as the adapter writes it. */
function sink(): ServerResponse & { status: number } {
  const response = {
    status: 0,
    writeHead(status: number) {
      response.status = status;
      return response;
    },
    end() {
      return response;
    },
  };
  return response as unknown as ServerResponse & { status: number };
}

const route = createRouter(apiRoutes);

/** One request through the adapter: match, event, handler (given, or the route's own), result written. */
async function dispatch(
  method: string,
  url: string,
  options: { token?: string; body?: unknown; handler?: Handler } = {},
): Promise<{ status: number; body: string | undefined }> {
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const request = incoming(method, url, headers);
  const match = route(method, new URL(url, 'http://localhost').pathname);
  if (!match) throw new Error(`no route for ${method} ${url}`);
  const handler = options.handler ?? ((await loadHandler(match.route.entry)) as Handler);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(options.body));
  const event = toHttpApiEvent(request, body, match);
  const result = (await handler(event, lambdaContext(match.route.entry))) as APIGatewayProxyResultV2;
  const response = sink();
  writeResult(response, result);
  const resultBody =
    typeof result === 'object' && result !== null && 'body' in result ? result.body : undefined;
  return { status: response.status, body: resultBody };
}

interface Measured {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

type Answer = { status: number; body: string | undefined };

/** Times `run` only; `after` (cleaning up what a request made) runs between requests, untimed. */
async function measure(
  name: string,
  run: () => Promise<Answer>,
  expected: number,
  after: (answer: Answer) => Promise<void> = async () => undefined,
) {
  for (let index = 0; index < WARMUP; index += 1) {
    const answer = await run();
    if (answer.status !== expected)
      throw new Error(`${name}: warm-up answered ${answer.status}, not ${expected}: ${answer.body}`);
    await after(answer);
  }
  const latencies: number[] = [];
  const started = performance.now();
  for (let index = 0; index < REQUESTS; index += 1) {
    const start = performance.now();
    const answer = await run();
    latencies.push(performance.now() - start);
    if (answer.status !== expected)
      throw new Error(`${name}: request ${index} answered ${answer.status}, not ${expected}: ${answer.body}`);
    await after(answer);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (quantile: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(quantile * latencies.length))] ?? 0;
  const round = (value: number) => Number(value.toFixed(3));
  return {
    rps: Math.round(REQUESTS / seconds),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(latencies.reduce((sum, value) => sum + value, 0) / latencies.length),
  } satisfies Measured;
}

try {
  // One saver with a goal, made through the API as the web app would.
  const signup = await fetch(`${system.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.dk', password: 'a long and private phrase' }),
  });
  const { accessToken: token } = (await signup.json()) as { accessToken: string };
  const goal = await fetch(`${system.url}/api/goals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'Rome', targetMinor: 800_000, currency: 'DKK' }),
  });
  const { id: goalId } = (await goal.json()) as { id: string };
  if (!token || !goalId) throw new Error(`setup failed: sign-up ${signup.status}, goal ${goal.status}`);

  const constant = { status: 'ok' };
  const baseline: Handler = async () => json(200, constant);
  const stackOnly = httpHandler({}, async () => json(200, constant)) as unknown as Handler;

  const results = {
    baseline: await measure('baseline', () => dispatch('GET', '/api/health', { handler: baseline }), 200),
    middlewareOnly: await measure(
      'middleware only',
      () => dispatch('GET', '/api/health', { handler: stackOnly }),
      200,
    ),
    getGoals: await measure('GET /api/goals', () => dispatch('GET', '/api/goals', { token }), 200),
    postRules: await measure(
      'POST /api/rules',
      () =>
        dispatch('POST', '/api/rules', {
          token,
          body: { type: 'round-up', goalId, roundToMinor: 1000, multiplier: 1 },
        }),
      201,
      // A saver may have 100 rules: each is deleted again, outside the timing.
      async ({ body }) => {
        const { id } = JSON.parse(body ?? '{}') as { id: string };
        const deleted = await dispatch('DELETE', `/api/rules/${id}`, { token });
        if (deleted.status !== 204) throw new Error(`rule ${id} not deleted: ${deleted.status}`);
      },
    ),
  };

  const overhead = {
    p50: Number((results.middlewareOnly.p50Ms - results.baseline.p50Ms).toFixed(3)),
    mean: Number((results.middlewareOnly.meanMs - results.baseline.meanMs).toFixed(3)),
  };
  console.log(
    JSON.stringify({
      bench: 'api',
      requestsPerCase: REQUESTS,
      warmup: WARMUP,
      ...results,
      middlewareOverheadMs: overhead.p50,
      middlewareOverheadMeanMs: overhead.mean,
      goal: { middlewareOverheadMs: 1 },
      withinGoal: overhead.p50 < 1,
    }),
  );
} finally {
  await system.close();
}
