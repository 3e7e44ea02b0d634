import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { Throttled } from '#app/errors';
import { handler as health } from '#functions/api/health';
import { handler as notFound } from '#functions/api/not-found';
import { httpHandler } from '#http/handler';
import { problems } from '#http/problem';
import { MAX_BODY_BYTES } from '#http/request';
import { json } from '#http/response';
import { metrics } from '#observability/powertools';
import { apiEvent, testContext } from '#test/support/api-event';

const createGoal = httpHandler(
  {
    body: z.strictObject({ name: z.string().min(1), targetMinor: z.number().int().positive() }),
    query: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
    path: z.strictObject({ id: z.string().regex(/^[a-z0-9]+$/) }),
  },
  async ({ body, query, path }) => json(201, { ...body, dryRun: query.dryRun === 'true', id: path.id }),
);

const crashing = httpHandler({}, async () => {
  throw new Error(
    'connection string postgres://admin:hunter2@db at Object.<anonymous> (/var/task/index.mjs:1:1)',
  );
});

async function call(
  handler: typeof createGoal,
  overrides: Parameters<typeof apiEvent>[0] = {},
): Promise<APIGatewayProxyStructuredResultV2 & { json: Record<string, unknown> }> {
  const result = (await handler(apiEvent(overrides), testContext)) as APIGatewayProxyStructuredResultV2;
  return { ...result, json: result.body ? JSON.parse(result.body) : {} };
}

const valid = { body: '{"name":"Rome","targetMinor":800000}', pathParameters: { id: 'g1' } };

describe('the HTTP handler stack', () => {
  test('passes parsed, typed input to the use case', async () => {
    const response = await call(createGoal, { ...valid, queryStringParameters: { dryRun: 'true' } });
    expect(response.statusCode).toBe(201);
    expect(response.json).toEqual({ name: 'Rome', targetMinor: 800000, dryRun: true, id: 'g1' });
  });

  test('rejects unknown body fields with a problem naming them', async () => {
    const response = await call(createGoal, {
      ...valid,
      body: '{"name":"Rome","targetMinor":1,"owner":"eve"}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({
      status: 400,
      title: 'Invalid request',
      type: '/problems/validation',
    });
    expect(response.json.errors).toEqual([{ pointer: '/', in: 'body', detail: 'Unknown field(s): owner.' }]);
  });

  test('points at each invalid field', async () => {
    const response = await call(createGoal, { ...valid, body: '{"name":"","targetMinor":1.5}' });
    expect(response.statusCode).toBe(400);
    const pointers = (response.json.errors as { pointer: string }[]).map((error) => error.pointer).sort();
    expect(pointers).toEqual(['/name', '/targetMinor']);
  });

  test('validates query and path parameters too', async () => {
    const badQuery = await call(createGoal, { ...valid, queryStringParameters: { sort: 'asc' } });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json.errors).toEqual([expect.objectContaining({ in: 'query' })]);
    const badPath = await call(createGoal, { ...valid, pathParameters: { id: '../etc' } });
    expect(badPath.statusCode).toBe(400);
    expect(badPath.json.errors).toEqual([expect.objectContaining({ in: 'path', pointer: '/id' })]);
  });

  test('answers malformed JSON, missing bodies, wrong media types and huge bodies with 4xx', async () => {
    expect((await call(createGoal, { ...valid, body: '{"name":' })).json).toMatchObject({
      status: 400,
      title: 'Malformed JSON',
    });
    expect((await call(createGoal, { ...valid, body: undefined })).statusCode).toBe(400);
    expect((await call(createGoal, { ...valid, headers: { 'content-type': 'text/plain' } })).statusCode).toBe(
      415,
    );
    const huge = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES), targetMinor: 1 });
    expect((await call(createGoal, { ...valid, body: huge })).statusCode).toBe(413);
  });

  test('accepts base64-encoded JSON bodies as API Gateway sends them', async () => {
    const body = Buffer.from(valid.body).toString('base64');
    expect((await call(createGoal, { ...valid, body, isBase64Encoded: true })).statusCode).toBe(201);
  });

  test('hides the details of unexpected errors behind an opaque 500', async () => {
    const response = await call(crashing);
    expect(response.statusCode).toBe(500);
    expect(response.json).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(response.body).not.toMatch(/hunter2|postgres|index\.mjs|at Object/);
    expect(response.json.instance).toBe('urn:request:request-1');
  });

  test('keeps the status and headers of expected problems', async () => {
    const throttled = httpHandler({}, async () => {
      throw problems.tooManyRequests(30);
    });
    const response = await call(throttled);
    expect(response.statusCode).toBe(429);
    expect(response.headers?.['retry-after']).toBe('30');
  });

  test('sets security headers on successes and errors', async () => {
    for (const response of [await call(createGoal, valid), await call(crashing)]) {
      expect(response.headers).toMatchObject({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
    }
  });
});

describe('the first handlers', () => {
  test('health answers ok', async () => {
    const response = await call(health, { routeKey: 'GET /api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });

  test('the default route answers 404 problem+json', async () => {
    const response = await call(notFound, { routeKey: '$default', rawPath: '/api/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

describe('response metrics', () => {
  test('count requests by class, and throttled answers (429) apart for their own alarm', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    const countedFor = async (handler: typeof createGoal) => {
      added.mockClear();
      await call(handler, valid);
      return added.mock.calls.map(([name]) => name);
    };
    const throttled = httpHandler({}, async () => {
      throw new Throttled(30);
    });
    expect(await countedFor(createGoal)).toEqual(['ApiRequests']);
    expect(await countedFor(throttled)).toEqual(['ApiRequests', 'Api4xx', 'Api429']);
    expect(await countedFor(notFound)).toEqual(['ApiRequests', 'Api4xx']);
    expect(await countedFor(crashing)).toEqual(['ApiRequests', 'Api5xx']);
    added.mockRestore();
  });
});
