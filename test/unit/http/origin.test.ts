import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { apiEvent, testContext } from '#test/support/api-event';

// Behind CloudFront: the handler stack reads the shared value from Secrets Manager (mocked here;
// the stacks' side is checked in test/infra). Each test imports the modules afresh, because the
// configuration is parsed once per process.
const ORIGIN_SECRET = 'the-value-cloudfront-sends-0123456789abcdef';
const secrets = mockClient(SecretsManagerClient);

async function behindCloudFront() {
  vi.resetModules();
  vi.stubEnv('ORIGIN_VERIFY_SECRET_ID', 'sparegris/dev/origin-verify');
  secrets.on(GetSecretValueCommand).resolves({ SecretString: ORIGIN_SECRET });
  const [{ httpHandler }, { json }, origin] = await Promise.all([
    import('#http/handler'),
    import('#http/response'),
    import('#http/origin'),
  ]);
  const echoAddress = httpHandler({}, async ({ event }) =>
    json(200, { address: origin.clientAddress(event) }),
  );
  return async (headers: Record<string, string>) =>
    (await echoAddress(apiEvent({ headers }), testContext)) as APIGatewayProxyStructuredResultV2;
}

beforeEach(() => secrets.reset());
afterEach(() => vi.unstubAllEnvs());

describe('requests that go around CloudFront (and its WAF)', () => {
  test('are refused with a 403 problem when the origin header is missing', async () => {
    const call = await behindCloudFront();
    const response = await call({});
    expect(response.statusCode).toBe(403);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.body).not.toContain(ORIGIN_SECRET);
  });

  test('are refused when the origin header is wrong, even by one character or as a prefix', async () => {
    const call = await behindCloudFront();
    for (const wrong of [
      `${ORIGIN_SECRET.slice(0, -1)}0`,
      ORIGIN_SECRET.slice(0, 10),
      '',
      `${ORIGIN_SECRET} `,
    ]) {
      expect((await call({ 'x-origin-verify': wrong })).statusCode).toBe(403);
    }
  });

  test('pass with the shared value, and the saver address is the viewer address CloudFront reports', async () => {
    const call = await behindCloudFront();
    const ipv4 = await call({
      'x-origin-verify': ORIGIN_SECRET,
      'x-viewer-address': '198.51.100.10',
    });
    expect(ipv4.statusCode).toBe(200);
    expect(JSON.parse(ipv4.body ?? '{}')).toEqual({ address: '198.51.100.10' });
    const ipv6 = await call({
      'x-origin-verify': ORIGIN_SECRET,
      'x-viewer-address': '2001:db8:85a3::8a2e:370:7334',
    });
    expect(JSON.parse(ipv6.body ?? '{}')).toEqual({ address: '2001:db8:85a3::8a2e:370:7334' });
    // A header that is not an address falls back to the connection's (here 127.0.0.1).
    const garbage = await call({ 'x-origin-verify': ORIGIN_SECRET, 'x-viewer-address': 'evil, 10.0.0.1' });
    expect(JSON.parse(garbage.body ?? '{}')).toEqual({ address: '127.0.0.1' });
  });

  test('the shared value is read once and cached, not per request', async () => {
    const call = await behindCloudFront();
    for (let index = 0; index < 5; index += 1) await call({ 'x-origin-verify': ORIGIN_SECRET });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});

describe('without CloudFront (the local system)', () => {
  test('no origin header is needed and a forged viewer address is ignored', async () => {
    vi.resetModules();
    const [{ httpHandler }, { json }, { clientAddress }] = await Promise.all([
      import('#http/handler'),
      import('#http/response'),
      import('#http/origin'),
    ]);
    const echoAddress = httpHandler({}, async ({ event }) => json(200, { address: clientAddress(event) }));
    const response = (await echoAddress(
      apiEvent({ headers: { 'x-viewer-address': '203.0.113.9' } }),
      testContext,
    )) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ address: '127.0.0.1' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
