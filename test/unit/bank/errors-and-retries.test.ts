import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NordeaClient } from '#bank/client';
import {
  BankAuthExpiredError,
  BankConsentRevokedError,
  BankCredentialsError,
  BankInsufficientFundsError,
  BankRateLimitedError,
  BankResponseError,
  BankServerError,
  BankTimeoutError,
  BankValidationError,
} from '#bank/errors';
import { UNATTENDED } from '#bank/transport';
import {
  type CannedResponse,
  type FakeNordea,
  gatewayError,
  nordeaError,
  startFakeNordea,
} from './fake-nordea.ts';

const unattended = { context: UNATTENDED };
const ACCOUNTS = 'GET /personal/v5/accounts';
const ok: CannedResponse = { status: 200, body: { response: { accounts: [] } } };

describe('error shapes and retries', () => {
  let bank: FakeNordea;
  let client: NordeaClient;
  let sleeps: number[];
  let randomValue: number;

  beforeAll(async () => {
    bank = await startFakeNordea();
  });
  beforeEach(() => {
    bank.requests.length = 0;
    sleeps = [];
    randomValue = 0.5;
    client = new NordeaClient(
      bank.configFor({ timeoutMs: 1_500, maxReadAttempts: 4, retryBaseDelayMs: 100, retryMaxDelayMs: 5_000 }),
      {
        sleep: async (milliseconds) => {
          sleeps.push(milliseconds);
        },
        random: () => randomValue,
        now: () => new Date('2024-02-01T10:00:00Z'),
      },
    );
  });
  afterAll(() => bank.close());

  it.each([
    ['Nordea 401 error.token.expired', nordeaError(401, 'error.token.expired'), BankAuthExpiredError],
    ['Nordea 401 error.token.invalid', nordeaError(401, 'error.token.invalid'), BankAuthExpiredError],
    ['Nordea 401 error.signature.invalid', nordeaError(401, 'error.signature.invalid'), BankCredentialsError],
    ['Nordea 401 error.apikey.missing', nordeaError(401, 'error.apikey.missing'), BankCredentialsError],
    ['gateway 401', gatewayError(401, 'Unauthorized', 'Invalid client id or secret.'), BankCredentialsError],
    ['Nordea 403 error.resource.denied', nordeaError(403, 'error.resource.denied'), BankConsentRevokedError],
    ['Nordea 400 validation', nordeaError(400, 'error.validation'), BankValidationError],
    ['Nordea 404', nordeaError(404, 'error.resource.notfound', 'Resource not found'), BankValidationError],
    ['gateway 405', gatewayError(405, 'Method Not Allowed', ''), BankValidationError],
    ['Nordea 409', nordeaError(409, 'error.payment.conflict'), BankValidationError],
    ['Nordea insufficient funds', nordeaError(400, 'AM04', 'Insufficient funds'), BankInsufficientFundsError],
    [
      'gateway 429',
      gatewayError(429, 'Too Many Requests', 'Assembly Rate Limit exceeded'),
      BankRateLimitedError,
    ],
    ['Nordea 500', nordeaError(500, 'error.internal'), BankServerError],
    ['gateway 502', gatewayError(502, 'Bad Gateway', ''), BankServerError],
    ['an HTML 503', { status: 503, rawBody: '<html>down</html>' }, BankServerError],
  ] as const)('maps %s to its typed error', async (_name, canned, errorClass) => {
    bank.on(ACCOUNTS, canned);
    const error = await client.listAccounts('t', unattended).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).not.toContain('test-client-secret');
  });

  it('keeps the failure codes of both shapes', async () => {
    bank.on(ACCOUNTS, nordeaError(400, 'error.validation', 'from_date must be a date'));
    await expect(client.listAccounts('t', unattended)).rejects.toMatchObject({
      status: 400,
      failures: [{ code: 'error.validation', description: 'from_date must be a date' }],
    });
    bank.on(ACCOUNTS, gatewayError(401, 'Unauthorized', 'Invalid client id or secret.'));
    await expect(client.listAccounts('t', unattended)).rejects.toMatchObject({
      status: 401,
      failures: [{ code: 'gateway.401', description: 'Unauthorized: Invalid client id or secret.' }],
    });
  });

  it('retries a read after 503 with exponential backoff and full jitter', async () => {
    bank.sequence(ACCOUNTS, [nordeaError(503, 'e'), nordeaError(503, 'e'), gatewayError(503, 'x', 'y'), ok]);
    await expect(client.listAccounts('t', unattended)).resolves.toEqual([]);
    expect(bank.requests).toHaveLength(4);
    // random 0.5 × 100·2^(n-1)
    expect(sleeps).toEqual([50, 100, 200]);
    // Every attempt is signed afresh.
    expect(bank.requests.every((request) => request.signatureProblem === null)).toBe(true);
  });

  it('full jitter can wait anywhere from zero up to the capped backoff', async () => {
    randomValue = 0;
    bank.sequence(ACCOUNTS, [nordeaError(500, 'e'), ok]);
    await client.listAccounts('t', unattended);
    randomValue = 0.999;
    bank.sequence(ACCOUNTS, [nordeaError(500, 'e'), nordeaError(500, 'e'), ok]);
    await client.listAccounts('t', unattended);
    expect(sleeps).toEqual([0, 99.9, 199.8]);
  });

  it('gives up after the configured attempts with the last error', async () => {
    bank.on(ACCOUNTS, nordeaError(503, 'e'));
    await expect(client.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankServerError);
    expect(bank.requests).toHaveLength(4);
  });

  it('waits at least Retry-After on 429 (seconds or HTTP date)', async () => {
    bank.sequence(ACCOUNTS, [
      {
        ...gatewayError(429, 'Too Many Requests', 'Assembly Rate Limit exceeded'),
        headers: { 'Retry-After': '1' },
      },
      {
        ...gatewayError(429, 'Too Many Requests', 'Assembly Rate Limit exceeded'),
        headers: { 'Retry-After': 'Thu, 01 Feb 2024 10:00:02 GMT' },
      },
      ok,
    ]);
    await client.listAccounts('t', unattended);
    expect(sleeps).toEqual([1000 + 50, 2000 + 100]);
  });

  it('does not sleep through a Retry-After beyond its patience', async () => {
    bank.on(ACCOUNTS, { ...gatewayError(429, 'Too Many Requests', 'x'), headers: { 'Retry-After': '3600' } });
    const error = await client.listAccounts('t', unattended).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BankRateLimitedError);
    expect((error as BankRateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(bank.requests).toHaveLength(1);
  });

  it('retries a read that timed out, and reports a timeout when all attempts do', async () => {
    bank.sequence(ACCOUNTS, [{ ...ok, delayMs: 3_000 }, ok]);
    await expect(client.listAccounts('t', unattended)).resolves.toEqual([]);
    expect(bank.requests).toHaveLength(2);
    bank.requests.length = 0;
    bank.on(ACCOUNTS, { ...ok, delayMs: 3_000 });
    await expect(client.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankTimeoutError);
    expect(bank.requests).toHaveLength(4);
  });

  it('does not retry errors that will not change (4xx) or hostile payloads', async () => {
    bank.on(ACCOUNTS, nordeaError(400, 'error.validation'));
    await expect(client.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankValidationError);
    bank.on(ACCOUNTS, { status: 200, rawBody: '{"response":' });
    await expect(client.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankResponseError);
    expect(bank.requests).toHaveLength(2);
  });

  it('repeats a write only after a 429, which proves it was refused before running', async () => {
    bank.sequence('POST /personal/v5/authorize/token', [
      {
        ...gatewayError(429, 'Too Many Requests', 'Assembly Rate Limit exceeded'),
        headers: { 'Retry-After': '1' },
      },
      {
        status: 200,
        body: { access_token: 'a', refresh_token: 'r', expires_in: 3600, token_type: 'Bearer' },
      },
    ]);
    await expect(client.exchangeCode('code', unattended)).resolves.toMatchObject({ accessToken: 'a' });
    expect(bank.requests).toHaveLength(2);
    expect(sleeps).toEqual([1000 + 50]);
  });

  it('never retries writes after a 503: revoke reports it at once', async () => {
    bank.on('POST /personal/v5/authorize/token/revoke', nordeaError(503, 'e'));
    await expect(client.revokeToken('r', unattended)).rejects.toBeInstanceOf(BankServerError);
    expect(bank.requests).toHaveLength(1);
  });

  it('reports a refused connection as a timeout-class error after retrying', async () => {
    const closed = await startFakeNordea();
    const config = closed.configFor({ maxReadAttempts: 2 });
    await closed.close();
    const offline = new NordeaClient(config, { sleep: async () => {} });
    await expect(offline.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankTimeoutError);
  });
});
