import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalPorts, type LocalSystem, type LocalSystemOptions, startLocalSystem } from '#local/system';
import { apiRoutes, type QueueWorker, type ScheduledJob } from '#stacks/definitions';
import { processed } from '#test/fixtures/functions/queue-worker';
import { ticks } from '#test/fixtures/functions/tick-job';
import { freePort } from '#test/support/ports';

const dataDir = mkdtempSync(join(tmpdir(), 'sparegris-system-'));
const webRoot = mkdtempSync(join(tmpdir(), 'sparegris-web-'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Sparegris</title><div id="root"></div>');

const jobs: ScheduledJob[] = [
  {
    name: 'tick',
    entry: 'test/fixtures/functions/tick-job.ts',
    everyMinutes: 60,
    access: {},
    timeoutSeconds: 60,
  },
];
const worker: QueueWorker = {
  name: 'work',
  queueName: 'sparegris-test-work',
  entry: 'test/fixtures/functions/queue-worker.ts',
  batchSize: 10,
  visibilityTimeoutSeconds: 0,
  maxReceiveCount: 2,
  access: {},
  timeoutSeconds: 60,
  maxConcurrency: 1,
};

let ports: LocalPorts;
let system: LocalSystem;
const options = (): LocalSystemOptions => ({
  ports,
  dataDir,
  webRoot,
  routes: [
    { routeKey: 'PUT /api/notes/{id}', entry: 'test/fixtures/functions/notes.ts' },
    { routeKey: 'GET /api/notes/{id}', entry: 'test/fixtures/functions/notes.ts' },
    { routeKey: 'POST /api/echo/{proxy+}', entry: 'test/fixtures/functions/echo-event.ts' },
    { routeKey: 'GET /api/crash', entry: 'test/fixtures/functions/crash.ts' },
    ...apiRoutes,
  ],
  jobs,
  workers: [worker],
});

beforeAll(async () => {
  ports = {
    web: await freePort(),
    simulator: await freePort(),
    dynamo: await freePort(),
    secrets: await freePort(),
    sqs: await freePort(),
  };
  system = await startLocalSystem(options());
});
afterAll(async () => {
  await system.close();
});

const api = (path: string, init?: RequestInit) => fetch(`${system.url}${path}`, init);

describe('the local system', () => {
  test('serves GET /api/health through the deployed handler', async () => {
    const response = await api('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('answers unknown API paths with a 404 problem', async () => {
    const response = await api('/api/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  test('builds a payload v2.0 event from the HTTP request', async () => {
    const response = await api('/api/echo/a/b%20c?x=1&x=2&y=3', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: '__Host-r=abc; theme=dark', 'x-custom': 'yes' },
      body: '{"hello":"world"}',
    });
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const { event, functionName, remaining } = (await response.json()) as {
      event: Record<string, Record<string, unknown>>;
      functionName: string;
      remaining: number;
    };
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /api/echo/{proxy+}',
      rawPath: '/api/echo/a/b%20c',
      rawQueryString: 'x=1&x=2&y=3',
      cookies: ['__Host-r=abc', 'theme=dark'],
      queryStringParameters: { x: '1,2', y: '3' },
      pathParameters: { proxy: 'a/b%20c' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/api/echo/a/b%20c', sourceIp: '127.0.0.1' },
        stage: '$default',
      },
    });
    expect(event.headers?.['x-custom']).toBe('yes');
    expect(event.headers?.cookie).toBeUndefined();
    expect(functionName).toBe('test-fixtures-functions-echo-event');
    expect(remaining).toBeGreaterThan(0);
  });

  test('answers a crashing function with an opaque 500', async () => {
    const response = await api('/api/crash');
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
  });

  test('serves the web app with its security headers, and index.html for app routes', async () => {
    for (const path of ['/', '/goals/123']) {
      const response = await api(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    expect((await api('/../../etc/passwd')).status).toBe(200);
    expect(await (await api('/%2e%2e/%2e%2e/etc/passwd')).text()).not.toContain('root:');
  });

  test('runs a scheduled job now through the local jobs endpoint', async () => {
    const before = ticks.length;
    const response = await api('/api/__local/jobs/tick', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ job: 'tick', summary: { ticks: before + 1 } });
    expect(ticks.at(-1)?.job).toBe('tick');
    const unknown = await api('/api/__local/jobs/nope', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain('tick, work');
  });

  test('drains a worker queue with partial batch failures and redrive', async () => {
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: worker.queueName }));
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['one', 'fail', 'two'].map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    const response = await api('/api/__local/jobs/work', { method: 'POST' });
    const { summary } = (await response.json()) as { summary: unknown };
    // The failing message is retried until its receive count reaches the limit, then dead-lettered.
    expect(summary).toMatchObject({ worker: 'work', received: 4, succeeded: 2, failed: 2 });
    expect(processed).toEqual(['one', 'two']);
    const { QueueUrl: deadLetterUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: `${worker.queueName}-dlq` }),
    );
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dead.Messages?.map((message) => message.Body)).toEqual(['fail']);
    sqs.destroy();
  });

  test('keeps data written through the API adapter across a restart', async () => {
    const put = await api('/api/notes/restart-proof', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'still here' }),
    });
    expect(put.status).toBe(200);
    await system.close();
    system = await startLocalSystem(options());
    const get = await api('/api/notes/restart-proof');
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ id: 'restart-proof', text: 'still here' });
  });
});
