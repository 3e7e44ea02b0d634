import { createHash, createVerify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NordeaClient } from '#bank/client';
import { buildFormBody, buildSigningString, SANDBOX_SKIP_SIGNATURE, sha256Digest } from '#bank/signing';
import { UNATTENDED } from '#bank/transport';
import { type FakeNordea, startFakeNordea, TEST_CLIENT_ID, TEST_ORIGINATING_HOST } from './fake-nordea.ts';

const FIXED_NOW = new Date('2024-02-01T10:00:00Z');
const unattended = { context: UNATTENDED };

describe('signing primitives', () => {
  it('builds the draft-cavage signing string with lower-case names and no trailing newline', () => {
    const text = buildSigningString({
      method: 'POST',
      pathWithQuery: '/personal/v5/authorize',
      originatingHost: 'api.nordeaopenbanking.com',
      originatingDate: 'Thu, 01 Feb 2024 10:00:00 GMT',
      body: { contentType: 'application/json', digest: 'sha-256=abc' },
    });
    expect(text).toBe(
      [
        '(request-target): post /personal/v5/authorize',
        'x-nordea-originating-host: api.nordeaopenbanking.com',
        'x-nordea-originating-date: Thu, 01 Feb 2024 10:00:00 GMT',
        'content-type: application/json',
        'digest: sha-256=abc',
      ].join('\n'),
    );
  });

  it('orders form keys alphabetically and leaves ordinary values unencoded', () => {
    expect(
      buildFormBody({
        redirect_uri: 'https://app.example/cb',
        grant_type: 'authorization_code',
        code: 'eyJ.abc_-',
      }),
    ).toBe('code=eyJ.abc_-&grant_type=authorization_code&redirect_uri=https://app.example/cb');
  });

  it('escapes only the characters that would break the form', () => {
    const body = buildFormBody({ refresh_token: 'a+b&c%d e#f=g' });
    expect(body).toBe('refresh_token=a%2Bb%26c%25d%20e%23f=g');
    expect(new URLSearchParams(body).get('refresh_token')).toBe('a+b&c%d e#f=g');
  });

  it('digests bytes with SHA-256 in base64', () => {
    const bytes = Buffer.from('{"a":1}');
    expect(sha256Digest(bytes)).toBe(`sha-256=${createHash('sha256').update(bytes).digest('base64')}`);
  });
});

describe('signed requests against a verifying server', () => {
  let bank: FakeNordea;

  beforeAll(async () => {
    bank = await startFakeNordea();
    bank.on('GET /personal/v5/accounts', { status: 200, body: { response: { accounts: [] } } });
    bank.on('POST /personal/v5/authorize/token', {
      status: 200,
      body: { access_token: 'access-1', refresh_token: 'refresh-1', expires_in: 3600, token_type: 'Bearer' },
    });
    bank.on('POST /personal/v5/authorize/token/revoke', { status: 200, body: {} });
  });
  afterAll(() => bank.close());

  it('signs a GET over (request-target) and the originating headers, with keyId = client id', async () => {
    const client = new NordeaClient(bank.configFor(), { now: () => FIXED_NOW });
    await client.listAccounts('access', unattended);
    const request = bank.requests.at(-1);
    expect(request?.signatureProblem).toBeNull();
    expect(request?.signedHeaders).toEqual([
      '(request-target)',
      'x-nordea-originating-host',
      'x-nordea-originating-date',
    ]);
    expect(request?.headers['x-nordea-originating-date']).toBe('Thu, 01 Feb 2024 10:00:00 GMT');
    expect(request?.headers['x-nordea-originating-host']).toBe(TEST_ORIGINATING_HOST);
    expect(request?.headers.signature).toContain(`keyId="${TEST_CLIENT_ID}",algorithm="rsa-sha256"`);
    expect(request?.headers.digest).toBeUndefined();
    expect(request?.headers['x-ibm-client-id']).toBe(TEST_CLIENT_ID);
    expect(request?.headers['x-ibm-client-secret']).toBe('test-client-secret');
  });

  it('signs the path with its query string as sent', async () => {
    bank.on('GET /personal/v5/accounts/acc%201/transactions', {
      status: 200,
      body: { response: { transactions: [] } },
    });
    const client = new NordeaClient(bank.configFor());
    await client.listTransactions(
      'access',
      'acc 1',
      { fromDate: '2024-01-01', toDate: '2024-01-31' },
      unattended,
    );
    const request = bank.requests.at(-1);
    expect(request?.target).toBe(
      '/personal/v5/accounts/acc%201/transactions?from_date=2024-01-01&to_date=2024-01-31',
    );
    expect(request?.signatureProblem).toBeNull();
  });

  it('signs a form POST with content-type and a digest over the exact bytes, keys in alphabetical order', async () => {
    const client = new NordeaClient(bank.configFor());
    await client.exchangeCode('the-code', unattended);
    const request = bank.requests.at(-1);
    expect(request?.signatureProblem).toBeNull();
    expect(request?.signedHeaders).toEqual([
      '(request-target)',
      'x-nordea-originating-host',
      'x-nordea-originating-date',
      'content-type',
      'digest',
    ]);
    expect(request?.body).toBe(
      'code=the-code&grant_type=authorization_code&redirect_uri=https://app.example/api/bank/callback',
    );
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.digest).toBe(
      `sha-256=${createHash('sha256')
        .update(request?.rawBody ?? '')
        .digest('base64')}`,
    );
  });

  it('signs a JSON POST; the signature verifies against the public key for exactly the received headers', async () => {
    const client = new NordeaClient(bank.configFor());
    await client.revokeToken('refresh-xyz', unattended);
    const request = bank.requests.at(-1);
    expect(request?.body).toBe('{"token":"refresh-xyz"}');
    expect(request?.headers['content-type']).toBe('application/json');
    // Independent re-verification here, so the test does not rest on the fake server alone.
    const signature = /signature="([^"]+)"/.exec(String(request?.headers.signature))?.[1] ?? '';
    const signingString = [
      `(request-target): post ${request?.target}`,
      `x-nordea-originating-host: ${request?.headers['x-nordea-originating-host']}`,
      `x-nordea-originating-date: ${request?.headers['x-nordea-originating-date']}`,
      `content-type: ${request?.headers['content-type']}`,
      `digest: ${request?.headers.digest}`,
    ].join('\n');
    expect(createVerify('RSA-SHA256').update(signingString).verify(bank.publicKey, signature, 'base64')).toBe(
      true,
    );
  });

  it('a signature made with another key is refused by the server', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const client = new NordeaClient(bank.configFor({}, { signingKeyPem: otherKey }));
    await expect(client.listAccounts('access', unattended)).rejects.toMatchObject({
      name: 'BankCredentialsError',
      failures: [{ code: 'error.signature.invalid' }],
    });
  });

  it('sends the sandbox skip value instead of a signature in sandbox-skip mode, still with a digest', async () => {
    const client = new NordeaClient(
      bank.configFor({ signatureMode: 'sandbox-skip' }, { signingKeyPem: undefined }),
    );
    await client.revokeToken('refresh-1', unattended);
    const request = bank.requests.at(-1);
    expect(request?.headers.signature).toBe(SANDBOX_SKIP_SIGNATURE);
    expect(request?.headers.digest).toMatch(/^sha-256=/);
  });
});
