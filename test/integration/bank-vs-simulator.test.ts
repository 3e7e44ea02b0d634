import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankAccount } from '#bank/accounts';
import type { BankTokenSet } from '#bank/authorization';
import { NordeaClient } from '#bank/client';
import { buildNordeaConfig, type NordeaSettings } from '#bank/config';
import { BankConnection, type TokenStore } from '#bank/connection';
import {
  AmbiguousPaymentError,
  BankConsentRevokedError,
  BankCredentialsError,
  BankRateLimitedError,
  OAuthStateMismatchError,
} from '#bank/errors';
import { SlidingWindowPacer } from '#bank/pacing';
import { FINAL_PAYMENT_STATUSES } from '#bank/payments';
import { saverPresent, UNATTENDED } from '#bank/transport';
import { type RunningSimulator, startSimulator } from '#simulator/server';

/**
 * The production client against the simulator: two independent readings of Nordea's documentation
 * (shared/bank and simulator/ share no code), so a misreading in either fails here.
 */

const CLIENT_ID = 'sparegris-local';
const CLIENT_SECRET = 'sparegris-local-secret';
const REDIRECT_URI = 'http://localhost:3000/api/bank/callback';
const saver = { context: saverPresent('127.0.0.1', 'vitest bank-vs-simulator') };
const unattended = { context: UNATTENDED };

function newKeyPem(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function domesticNumber(account: BankAccount): { type: 'BBAN_DK' | 'IBAN'; value: string } {
  const bban = account.numbers.find((number) => number.type === 'BBAN_DK');
  if (bban !== undefined) return { type: 'BBAN_DK', value: bban.value };
  const iban = account.numbers.find((number) => number.type === 'IBAN');
  if (iban === undefined) throw new Error(`account ${account.id} has no usable number`);
  return { type: 'IBAN', value: iban.value };
}

describe('NordeaClient against the Nordea simulator', () => {
  let simulator: RunningSimulator;
  const key = newKeyPem();
  let settings: NordeaSettings;
  // One app, one limit: every client of this test shares the pacer, as a deployment would.
  const pacer = new SlidingWindowPacer({ ais: 20, pis: 100 });

  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      demoCustomerId: null,
      transactionPageSize: 5,
      unattendedReadsPer24h: 0,
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, publicKeyPem: key.publicPem }],
    });
    settings = {
      baseUrl: `${simulator.url}/personal`,
      originatingHost: 'api.nordeaopenbanking.com',
      country: 'DK',
      redirectUri: REDIRECT_URI,
      credentialsSecretName: 'local/nordea',
      timeoutMs: 2_000,
    };
  });
  afterAll(() => simulator?.close());

  function signingClient(privatePem = key.privatePem): NordeaClient {
    return new NordeaClient(
      buildNordeaConfig(settings, {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        signingKeyPem: privatePem,
      }),
      { pacer },
    );
  }

  async function connect(client: NordeaClient): Promise<BankTokenSet> {
    const state = `state-${crypto.randomUUID()}`;
    const start = await client.startAuthorization(
      {
        state,
        scopes: [
          'ACCOUNTS_BASIC',
          'ACCOUNTS_BALANCES',
          'ACCOUNTS_DETAILS',
          'ACCOUNTS_TRANSACTIONS',
          'PAYMENTS_MULTIPLE',
        ],
        durationMinutes: 129_600,
        language: 'en',
      },
      saver,
    );
    expect(start.code).toBeDefined();
    return client.exchangeCode(start.code ?? '', saver);
  }

  it('runs authorize → token → accounts → transactions → payment create/confirm/status', async () => {
    const client = signingClient();
    const tokens = await connect(client);
    expect(tokens.accessTokenExpiresAt).toBeGreaterThan(Date.now());

    const accounts = await client.listAccounts(tokens.accessToken, saver);
    const current = accounts.find((account) => account.type === 'current');
    const savings = accounts.find((account) => account.type === 'savings');
    expect(current).toBeDefined();
    expect(savings).toBeDefined();
    if (current === undefined || savings === undefined) return;
    expect(Number.isSafeInteger(current.availableMinor)).toBe(true);
    expect((await client.getAccount(tokens.accessToken, current.id, saver)).id).toBe(current.id);

    const pages = [];
    for await (const page of client.transactionPages(
      tokens.accessToken,
      current.id,
      { fromDate: isoDay(-60), toDate: isoDay(0) },
      saver,
    )) {
      pages.push(page);
    }
    const transactions = pages.flatMap((page) => page.transactions);
    expect(pages.length).toBeGreaterThan(1);
    expect(transactions.length).toBeGreaterThan(5);
    expect(new Set(transactions.map((transaction) => transaction.id)).size).toBe(transactions.length);
    for (const transaction of transactions) {
      expect(transaction.accountId).toBe(current.id);
      expect(transaction.bookingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isSafeInteger(transaction.amountMinor)).toBe(true);
      expect(['booked', 'reserved']).toContain(transaction.status);
    }

    const externalId = `it-${crypto.randomUUID()}`;
    const created = await client.createDomesticPayment(
      tokens.accessToken,
      {
        externalId,
        amountMinor: 12_345,
        currency: current.currency,
        debtor: { account: domesticNumber(current) },
        creditor: { account: domesticNumber(savings), name: 'Opsparing', message: 'Sparegris' },
      },
      unattended,
    );
    expect(created).toMatchObject({ externalId, amountMinor: 12_345, status: 'pending_confirmation' });

    const confirmation = await client.confirmPayments(tokens.accessToken, [created.id], saver);
    expect(confirmation.errors).toEqual([]);
    expect(confirmation.payments.map((payment) => payment.id)).toEqual([created.id]);

    const status = await client.getPayment(tokens.accessToken, created.id, unattended);
    expect(status.id).toBe(created.id);
    expect(status.amountMinor).toBe(12_345);
    expect(['confirmed', 'paid', 'pending_user_approval']).toContain(status.status);

    const found = await client.findPaymentsByExternalId(tokens.accessToken, externalId, unattended);
    expect(found.map((payment) => payment.id)).toEqual([created.id]);
  });

  it('works in the sandbox skip-signature mode', async () => {
    const client = new NordeaClient(
      buildNordeaConfig(
        { ...settings, signatureMode: 'sandbox-skip' },
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      ),
      { pacer },
    );
    const tokens = await connect(client);
    expect((await client.listAccounts(tokens.accessToken, saver)).length).toBeGreaterThan(0);
  });

  it('is refused with error.signature.invalid when signing with a wrong key', async () => {
    const client = signingClient(newKeyPem().privatePem);
    await expect(connect(client)).rejects.toMatchObject({
      constructor: BankCredentialsError,
      failures: [expect.objectContaining({ code: 'error.signature.invalid' })],
    });
  });

  it('rejects a redirect whose state is not ours', () => {
    const client = signingClient();
    expect(() =>
      client.parseAuthorizationCallback(`${REDIRECT_URI}?code=x&state=forged`, 'ours-0123456789abcdef'),
    ).toThrow(OAuthStateMismatchError);
  });

  it('rotates refresh tokens: the new one is persisted first, the spent one is refused', async () => {
    const client = signingClient();
    const first = await connect(client);
    let stored: BankTokenSet = { ...first, accessTokenExpiresAt: 0 };
    const saved: string[] = [];
    const store: TokenStore = {
      async load() {
        return stored;
      },
      async save(next) {
        saved.push(next.refreshToken);
        stored = next;
      },
    };
    const connection = new BankConnection(client, store);
    const accounts = await connection.run(UNATTENDED, (accessToken) =>
      client.listAccounts(accessToken, unattended),
    );
    expect(accounts.length).toBeGreaterThan(0);
    expect(saved).toHaveLength(1);
    expect(saved[0]).not.toBe(first.refreshToken);
    await expect(client.refreshTokens(first.refreshToken, unattended)).rejects.toBeInstanceOf(
      BankConsentRevokedError,
    );
  });

  it('reports commit-then-drop on payment creation as ambiguous; reconciliation finds exactly one payment', async () => {
    const client = signingClient();
    const tokens = await connect(client);
    const accounts = await client.listAccounts(tokens.accessToken, saver);
    const current = accounts.find((account) => account.type === 'current');
    const savings = accounts.find((account) => account.type === 'savings');
    if (current === undefined || savings === undefined) throw new Error('simulator customer lacks accounts');
    const faultResponse = await fetch(`${simulator.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'commit-then-drop', method: 'POST', path: '/payments', times: 1 }),
    });
    expect(faultResponse.status).toBe(201);
    const externalId = `it-drop-${crypto.randomUUID()}`;
    const request = {
      externalId,
      amountMinor: 500,
      currency: current.currency,
      debtor: { account: domesticNumber(current) },
      creditor: { account: domesticNumber(savings) },
    };
    await expect(
      client.createDomesticPayment(tokens.accessToken, request, unattended),
    ).rejects.toBeInstanceOf(AmbiguousPaymentError);
    const found = await client.findPaymentsByExternalId(tokens.accessToken, externalId, unattended);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ externalId, amountMinor: 500 });
    expect(FINAL_PAYMENT_STATUSES.has(found[0]?.status ?? 'unknown')).toBe(false);
  });
});

describe('NordeaClient against the simulator: token expiry, rate limits, unattended budget', () => {
  let simulator: RunningSimulator;
  let client: NordeaClient;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, demoCustomerId: null, unattendedReadsPer24h: 4 });
    client = new NordeaClient(
      buildNordeaConfig(
        {
          baseUrl: `${simulator.url}/personal`,
          originatingHost: 'api.nordeaopenbanking.com',
          country: 'DK',
          redirectUri: REDIRECT_URI,
          credentialsSecretName: 'local/nordea',
          signatureMode: 'sandbox-skip',
          timeoutMs: 2_000,
        },
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      ),
    );
  });
  afterAll(() => simulator?.close());

  async function connectSaver(): Promise<BankTokenSet> {
    const start = await client.startAuthorization(
      {
        state: `state-${crypto.randomUUID()}`,
        scopes: ['ACCOUNTS_BASIC', 'ACCOUNTS_BALANCES', 'ACCOUNTS_TRANSACTIONS', 'PAYMENTS_MULTIPLE'],
        durationMinutes: 129_600,
      },
      saver,
    );
    return client.exchangeCode(start.code ?? '', saver);
  }

  async function admin(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${simulator.url}/__admin/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
  }

  it('rides out a short 429 burst on reads, honouring Retry-After', async () => {
    const tokens = await connectSaver();
    await admin('faults', {
      type: '429',
      method: 'GET',
      path: '/accounts',
      times: 2,
      retry_after_seconds: 1,
    });
    const started = Date.now();
    expect((await client.listAccounts(tokens.accessToken, saver)).length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it('refuses the fifth unattended read of a day as rate limited, without retrying for hours', async () => {
    const tokens = await connectSaver();
    for (let read = 1; read <= 4; read += 1) await client.listAccounts(tokens.accessToken, unattended);
    const error = await client
      .listAccounts(tokens.accessToken, unattended)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BankRateLimitedError);
    expect((error as BankRateLimitedError).retryAfterMs).toBeGreaterThan(60_000);
    // A saver-present read is not part of the unattended budget.
    expect((await client.listAccounts(tokens.accessToken, saver)).length).toBeGreaterThan(0);
  });

  it('refreshes an access token the bank says has expired, once, transparently', async () => {
    const first = await connectSaver();
    let stored = first;
    const saved: string[] = [];
    const connection = new BankConnection(client, {
      async load() {
        return stored;
      },
      async save(next) {
        saved.push(next.refreshToken);
        stored = next;
      },
    });
    // Our clock still believes the token is valid; the bank's has moved past its expiry.
    await admin('clock', { advance_hours: 2 });
    const accounts = await connection.run(UNATTENDED, (accessToken) =>
      client.listAccounts(accessToken, saver),
    );
    expect(accounts.length).toBeGreaterThan(0);
    expect(saved).toHaveLength(1);
    expect(stored.accessToken).not.toBe(first.accessToken);
  });
});
