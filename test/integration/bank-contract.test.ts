import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankTokenSet } from '#bank/authorization';
import { BankConnection } from '#bank/connection';
import {
  AmbiguousPaymentError,
  BankAuthExpiredError,
  BankAuthorizationError,
  BankConsentRevokedError,
  BankCredentialsError,
  type BankError,
  BankInsufficientFundsError,
  BankRateLimitedError,
  BankServerError,
  BankTimeoutError,
  BankValidationError,
} from '#bank/errors';
import type { BankPayment } from '#bank/payments';
import {
  ALL_SCOPES,
  admin,
  BACKGROUND,
  type BankTarget,
  clientFor,
  connectSaver,
  isoDay,
  newRsaKeyPem,
  ownTransfer,
  paymentAccounts,
  SAVER,
  sandboxTargetFromEnvironment,
  simulatorTarget,
} from './bank-support.ts';

/**
 * The Nordea contract: every client method and both error shapes, against the simulator and (when
 * NORDEA_SANDBOX_* is set, see the README) against Nordea's real sandbox. Tests that need the
 * simulator's admin API or fault injection run against the simulator only.
 */

const TRANSACTION_PAGE_SIZE = 5;

async function rejectionOf(promise: Promise<unknown>): Promise<BankError> {
  try {
    await promise;
  } catch (error) {
    return error as BankError;
  }
  throw new Error('expected the bank call to fail');
}

function failureCodes(error: BankError): string[] {
  return error.failures.map((failure) => failure.code);
}

function describeContract(
  name: string,
  kind: 'simulator' | 'sandbox',
  start: () => Promise<BankTarget>,
): void {
  const againstRealSandbox = kind === 'sandbox';

  describe(name, () => {
    let target: BankTarget;

    beforeAll(async () => {
      target = await start();
    });
    afterAll(() => target?.close());

    function simulator() {
      if (target.simulator === undefined) throw new Error('this test needs the simulator');
      return target.simulator;
    }

    describe('authorization', () => {
      it('startAuthorization answers with a code bound to our state; exchangeCode spends it once', async () => {
        const client = clientFor(target);
        const state = `state-${crypto.randomUUID()}`;
        const start = await client.startAuthorization(
          { state, scopes: ALL_SCOPES, durationMinutes: 60, language: 'en' },
          SAVER,
        );
        expect(start.code).toEqual(expect.any(String));
        expect(new URL(start.redirectUrl).searchParams.get('state')).toBe(state);
        const tokens = await client.exchangeCode(start.code ?? '', SAVER);
        expect(tokens.accessTokenExpiresAt).toBeGreaterThan(Date.now());
        expect(tokens.refreshToken).not.toBe(tokens.accessToken);
        const reused = await rejectionOf(client.exchangeCode(start.code ?? '', SAVER));
        expect(reused).toBeInstanceOf(BankAuthorizationError);
        expect(reused.status).toBe(401);
      });

      it('refreshTokens rotates the refresh token and refuses the spent one as a lost consent', async () => {
        const client = clientFor(target);
        const first = await connectSaver(client);
        const second = await client.refreshTokens(first.refreshToken, SAVER);
        expect(second.refreshToken).not.toBe(first.refreshToken);
        expect(second.accessToken).not.toBe(first.accessToken);
        expect((await client.listAccounts(second.accessToken, SAVER)).length).toBeGreaterThan(0);
        const spent = await rejectionOf(client.refreshTokens(first.refreshToken, SAVER));
        expect(spent).toBeInstanceOf(BankConsentRevokedError);
        expect(spent.status).toBe(401);
      });

      it('revokeToken ends the consent: its refresh token is refused afterwards', async () => {
        const client = clientFor(target);
        const tokens = await connectSaver(client);
        await client.revokeToken(tokens.refreshToken, SAVER);
        await expect(client.refreshTokens(tokens.refreshToken, SAVER)).rejects.toBeInstanceOf(
          BankConsentRevokedError,
        );
      });

      it.skipIf(againstRealSandbox)(
        'a revoked consent reaches a BankConnection caller as BankConsentRevokedError',
        async () => {
          const client = clientFor(target);
          let stored: BankTokenSet = await connectSaver(client);
          const connection = new BankConnection(client, {
            load: async () => stored,
            save: async (next) => {
              stored = next;
            },
          });
          await connection.revoke(SAVER.context);
          // The access token dies with the consent; the refresh the connection then tries is refused too.
          await expect(client.listAccounts(stored.accessToken, SAVER)).rejects.toBeInstanceOf(
            BankAuthExpiredError,
          );
          await expect(
            connection.run(SAVER.context, (accessToken) => client.listAccounts(accessToken, SAVER)),
          ).rejects.toBeInstanceOf(BankConsentRevokedError);
        },
      );

      it('a request signed with a key the bank does not know is refused as a credentials fault', async () => {
        const client = clientFor(target, {
          settings: { signatureMode: 'rsa-sha256' },
          credentials: { signingKeyPem: newRsaKeyPem().privatePem },
        });
        const error = await rejectionOf(connectSaver(client));
        expect(error).toBeInstanceOf(BankCredentialsError);
        expect(error.status).toBe(401);
        expect(failureCodes(error)).toContain('error.signature.invalid');
      });
    });

    describe('accounts and transactions', () => {
      let tokens: BankTokenSet;
      beforeAll(async () => {
        tokens = await connectSaver(clientFor(target));
      });

      it('listAccounts and getAccount agree, with balances parsed into minor units', async () => {
        const client = clientFor(target);
        const accounts = await client.listAccounts(tokens.accessToken, SAVER);
        expect(accounts.length).toBeGreaterThan(0);
        for (const account of accounts) {
          expect(Number.isSafeInteger(account.availableMinor)).toBe(true);
          expect(Number.isSafeInteger(account.bookedMinor)).toBe(true);
          expect(await client.getAccount(tokens.accessToken, account.id, SAVER)).toEqual(account);
        }
      });

      it('getAccount of an account the bank does not know is a validation error (404)', async () => {
        const error = await rejectionOf(
          clientFor(target).getAccount(tokens.accessToken, 'no-such-account', SAVER),
        );
        expect(error).toBeInstanceOf(BankValidationError);
        expect(error.status).toBe(404);
      });

      it('transactionPages follows continuation keys without gaps or duplicates; listTransactions agrees', async () => {
        const client = clientFor(target);
        const [account] = await client.listAccounts(tokens.accessToken, SAVER);
        if (account === undefined) throw new Error('the consent has no account');
        // Ending days ago keeps reservations from booking (under a new id) while we page.
        const range = { fromDate: isoDay(-50), toDate: isoDay(-5) };
        const pages = [];
        for await (const page of client.transactionPages(tokens.accessToken, account.id, range, SAVER)) {
          pages.push(page);
        }
        const paged = pages.flatMap((page) => page.transactions);
        const ids = paged.map((transaction) => transaction.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const transaction of paged) {
          expect(transaction.accountId).toBe(account.id);
          expect(transaction.bookingDate >= range.fromDate && transaction.bookingDate <= range.toDate).toBe(
            true,
          );
          expect(Number.isSafeInteger(transaction.amountMinor)).toBe(true);
        }
        expect(pages.at(-1)?.continuationKey).toBeUndefined();
        const listed = await client.listTransactions(tokens.accessToken, account.id, range, SAVER);
        expect(listed.map((transaction) => transaction.id)).toEqual(ids);

        if (target.simulator !== undefined) {
          expect(pages.length).toBeGreaterThanOrEqual(5);
          for (const page of pages.slice(0, -1))
            expect(page.transactions).toHaveLength(TRANSACTION_PAGE_SIZE);
          // No gaps: exactly what the bank holds for that range, each once.
          const held = target.simulator.state.accounts[account.id]?.transactions ?? [];
          const expected = held
            .filter((transaction) => transaction.bookingDate >= range.fromDate)
            .filter((transaction) => transaction.bookingDate <= range.toDate)
            .map((transaction) => transaction.id);
          expect([...ids].sort()).toEqual([...expected].sort());
        }
      });

      it('a consent without ACCOUNTS_TRANSACTIONS is refused transactions as a consent problem (403)', async () => {
        const client = clientFor(target);
        const narrow = await connectSaver(client, { scopes: ['ACCOUNTS_BASIC'] });
        const [account] = await client.listAccounts(narrow.accessToken, SAVER);
        if (account === undefined) throw new Error('the consent has no account');
        const error = await rejectionOf(
          client.listTransactions(
            narrow.accessToken,
            account.id,
            { fromDate: isoDay(-10), toDate: isoDay(0) },
            SAVER,
          ),
        );
        expect(error).toBeInstanceOf(BankConsentRevokedError);
        expect(error.status).toBe(403);
      });
    });

    describe('domestic payments', () => {
      let tokens: BankTokenSet;
      let accounts: ReturnType<typeof paymentAccounts>;
      beforeAll(async () => {
        const client = clientFor(target);
        tokens = await connectSaver(client);
        accounts = paymentAccounts(await client.listAccounts(tokens.accessToken, SAVER));
      });

      it('createDomesticPayment → listPayments/findPaymentsByExternalId → confirmPayments → getPayment', async () => {
        const client = clientFor(target);
        const externalId = `contract-${crypto.randomUUID()}`;
        const created = await client.createDomesticPayment(
          tokens.accessToken,
          ownTransfer(accounts, externalId, 1_234),
          BACKGROUND,
        );
        expect(created).toMatchObject({ externalId, amountMinor: 1_234, status: 'pending_confirmation' });

        const listed = await client.listPayments(tokens.accessToken, BACKGROUND);
        expect(listed.map((payment) => payment.id)).toContain(created.id);
        const found = await client.findPaymentsByExternalId(tokens.accessToken, externalId, BACKGROUND);
        expect(found.map((payment) => payment.id)).toEqual([created.id]);

        const confirmation = await client.confirmPayments(tokens.accessToken, [created.id], SAVER);
        expect(confirmation.errors).toEqual([]);
        expect(confirmation.payments.map((payment) => payment.id)).toEqual([created.id]);
        const confirmedStatus = confirmation.payments[0]?.status;
        expect(['confirmed', 'paid', 'pending_user_approval']).toContain(confirmedStatus);
        if (confirmedStatus === 'pending_user_approval')
          expect(confirmation.signingUrl).toEqual(expect.any(String));

        const status = await client.getPayment(tokens.accessToken, created.id, BACKGROUND);
        expect(status).toMatchObject({ id: created.id, externalId, amountMinor: 1_234 });
        expect(['confirmed', 'paid', 'pending_user_approval']).toContain(status.status);

        // A second confirmation of the same payment is refused (409) as a request error.
        const again = await rejectionOf(client.confirmPayments(tokens.accessToken, [created.id], SAVER));
        expect(again).toBeInstanceOf(BankValidationError);
        expect(again.status).toBe(409);
      });

      it('the missing-funds scenario reaches the client as insufficient funds (AM04)', async () => {
        const client = clientFor(target);
        const scenario = { ...SAVER, sandboxScenarios: ['PaymentMissingFunds'] };
        const created = await client.createDomesticPayment(
          tokens.accessToken,
          ownTransfer(accounts, `contract-funds-${crypto.randomUUID()}`),
          scenario,
        );
        let refused: BankPayment | BankError;
        try {
          const confirmation = await client.confirmPayments(tokens.accessToken, [created.id], scenario);
          refused =
            confirmation.payments[0] ?? (await client.getPayment(tokens.accessToken, created.id, SAVER));
        } catch (error) {
          refused = error as BankError;
        }
        if (refused instanceof Error) {
          // A bank may also refuse the confirmation outright; then it must be the typed error.
          expect(refused).toBeInstanceOf(BankInsufficientFundsError);
        } else {
          // Nordea's documented shape: the payment ends InsufficientFunds with tpp_message AM04.
          expect(refused.status).toBe('insufficient_funds');
          expect(refused.messages.map((message) => message.code)).toContain('AM04');
          const polled = await client.getPayment(tokens.accessToken, created.id, SAVER);
          expect(polled.status).toBe('insufficient_funds');
        }
      });

      it('a payment the bank finds invalid is a BankValidationError carrying Nordea failures', async () => {
        const client = clientFor(target);
        const request = ownTransfer(accounts, `contract-invalid-${crypto.randomUUID()}`);
        const wrongCurrency = accounts.debtor.currency === 'EUR' ? 'SEK' : 'EUR';
        const error = await rejectionOf(
          client.createDomesticPayment(
            tokens.accessToken,
            { ...request, currency: wrongCurrency },
            BACKGROUND,
          ),
        );
        expect(error).toBeInstanceOf(BankValidationError);
        expect(error.status).toBe(400);
        expect(error.failures.length).toBeGreaterThan(0);
      });

      it('getPayment of a payment the bank does not know is a validation error (404)', async () => {
        const error = await rejectionOf(
          clientFor(target).getPayment(tokens.accessToken, crypto.randomUUID(), BACKGROUND),
        );
        expect(error).toBeInstanceOf(BankValidationError);
        expect(error.status).toBe(404);
      });
    });

    describe('the IBM gateway error shape', () => {
      let tokens: BankTokenSet;
      beforeAll(async () => {
        tokens = await connectSaver(clientFor(target));
      });

      it('a wrong client secret is a credentials fault (gateway 401)', async () => {
        const client = clientFor(target, { credentials: { clientSecret: 'not-the-secret' } });
        const error = await rejectionOf(client.listAccounts(tokens.accessToken, SAVER));
        expect(error).toBeInstanceOf(BankCredentialsError);
        expect(error.status).toBe(401);
        expect(failureCodes(error)).toEqual(['gateway.401']);
      });

      it('a path the gateway does not know is a request error (gateway 404)', async () => {
        const client = clientFor(target, { settings: { paths: { accounts: '/v5/no-such-resource' } } });
        const error = await rejectionOf(client.listAccounts(tokens.accessToken, SAVER));
        expect(error).toBeInstanceOf(BankValidationError);
        expect(error.status).toBe(404);
        expect(failureCodes(error)).toEqual(['gateway.404']);
      });

      it('a method the gateway does not allow on a path is a request error (gateway 405)', async () => {
        const client = clientFor(target, { settings: { paths: { revoke: '/v5/accounts' } } });
        const error = await rejectionOf(client.revokeToken(tokens.refreshToken, SAVER));
        expect(error).toBeInstanceOf(BankValidationError);
        expect(error.status).toBe(405);
        expect(failureCodes(error)).toEqual(['gateway.405']);
      });
    });

    describe('injected faults (simulator only)', () => {
      let tokens: BankTokenSet;
      let accounts: ReturnType<typeof paymentAccounts>;
      const quickRetries = { retryBaseDelayMs: 5, retryMaxDelayMs: 2_000 };

      beforeAll(async () => {
        if (againstRealSandbox) return;
        const client = clientFor(target);
        tokens = await connectSaver(client);
        accounts = paymentAccounts(await client.listAccounts(tokens.accessToken, SAVER));
      });
      afterAll(async () => {
        if (!againstRealSandbox) await admin(simulator(), 'DELETE', 'faults');
      });

      async function inject(fault: Record<string, unknown>): Promise<void> {
        await admin(simulator(), 'DELETE', 'faults');
        await admin(simulator(), 'POST', 'faults', fault);
      }

      it.skipIf(againstRealSandbox)('a read rides out transient 5xx answers by retrying', async () => {
        await inject({ type: '5xx', status: 503, method: 'GET', path: '/accounts', times: 2 });
        const client = clientFor(target, { settings: quickRetries });
        expect((await client.listAccounts(tokens.accessToken, SAVER)).length).toBeGreaterThan(0);
      });

      it.skipIf(againstRealSandbox)(
        'a read that keeps failing with 5xx is a BankServerError with the Nordea failures',
        async () => {
          await inject({ type: '5xx', status: 500, method: 'GET', path: '/accounts', times: 4 });
          const client = clientFor(target, { settings: { ...quickRetries, maxReadAttempts: 4 } });
          const error = await rejectionOf(client.listAccounts(tokens.accessToken, SAVER));
          expect(error).toBeInstanceOf(BankServerError);
          expect(error.status).toBe(500);
          expect(failureCodes(error)).toEqual(['error.server']);
        },
      );

      it.skipIf(againstRealSandbox)(
        'a gateway 429 with a Retry-After beyond our patience is handed to the caller as rate limited',
        async () => {
          await inject({ type: '429', method: 'GET', path: '/accounts', times: 1, retry_after_seconds: 60 });
          const error = await rejectionOf(clientFor(target).listAccounts(tokens.accessToken, SAVER));
          expect(error).toBeInstanceOf(BankRateLimitedError);
          expect((error as BankRateLimitedError).retryAfterMs).toBe(60_000);
          expect(failureCodes(error)).toEqual(['gateway.429']);
        },
      );

      it.skipIf(againstRealSandbox)('a read the bank never answers is a BankTimeoutError', async () => {
        await inject({ type: 'timeout', method: 'GET', path: '/accounts', times: 1 });
        const client = clientFor(target, { settings: { timeoutMs: 300, maxReadAttempts: 1 } });
        await expect(client.listAccounts(tokens.accessToken, SAVER)).rejects.toBeInstanceOf(BankTimeoutError);
      });

      it.skipIf(againstRealSandbox).each([
        // The 5xx and timeout faults act before the payment handler; commit-then-drop after it.
        { fault: '5xx', cause: BankServerError, madeAtBank: 0 },
        { fault: 'timeout', cause: BankTimeoutError, madeAtBank: 0 },
        { fault: 'commit-then-drop', cause: BankTimeoutError, madeAtBank: 1 },
      ])(
        'payment creation hit by $fault is ambiguous, sent once, and reconcilable',
        async ({ fault, cause, madeAtBank }) => {
          await inject({ type: fault, method: 'POST', path: '/payments', times: 1 });
          const client = clientFor(target, { settings: { timeoutMs: 500 } });
          const externalId = `contract-${fault}-${crypto.randomUUID()}`;
          const error = await rejectionOf(
            client.createDomesticPayment(tokens.accessToken, ownTransfer(accounts, externalId), BACKGROUND),
          );
          expect(error).toBeInstanceOf(AmbiguousPaymentError);
          expect(error.cause).toBeInstanceOf(cause);
          const { create_requests_by_external_id: counts } = await admin<{
            create_requests_by_external_id: Record<string, number>;
          }>(simulator(), 'GET', 'payments');
          expect(counts[externalId] ?? 0).toBe(madeAtBank);
          // Reconciliation tells the caller whether creating again is safe.
          const found = await client.findPaymentsByExternalId(tokens.accessToken, externalId, BACKGROUND);
          expect(found).toHaveLength(madeAtBank);
        },
      );
    });
  });
}

describeContract('Nordea contract: simulator', 'simulator', () =>
  simulatorTarget({ transactionPageSize: TRANSACTION_PAGE_SIZE }),
);

const sandbox = sandboxTargetFromEnvironment();
describe.skipIf(sandbox === undefined)('Nordea contract: real sandbox (NORDEA_SANDBOX_*)', () => {
  describeContract('Nordea sandbox', 'sandbox', async () => {
    if (sandbox === undefined) throw new Error('NORDEA_SANDBOX_CLIENT_ID/SECRET not set');
    return sandbox();
  });
});
