import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NordeaClient } from '#bank/client';
import {
  AmbiguousPaymentError,
  BankConsentRevokedError,
  BankInsufficientFundsError,
  BankRateLimitedError,
  BankValidationError,
} from '#bank/errors';
import type { DomesticPaymentRequest } from '#bank/payments';
import { saverPresent, UNATTENDED } from '#bank/transport';
import { type FakeNordea, gatewayError, nordeaError, startFakeNordea } from './fake-nordea.ts';

const unattended = { context: UNATTENDED };
const CREATE = 'POST /personal/v5/payments/domestic-credit-transfers';

const paymentRequest: DomesticPaymentRequest = {
  externalId: 'intent-7f3a',
  amountMinor: 14_550,
  currency: 'DKK',
  debtor: { account: { type: 'BBAN_DK', value: '23001544527165' } },
  creditor: {
    account: { type: 'BBAN_DK', value: '21491546269228' },
    name: 'Opsparing',
    message: 'Sparegris',
  },
};

function nordeaPayment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _id: 'pay-1',
    external_id: 'intent-7f3a',
    payment_status: 'PendingConfirmation',
    instructed_amount: { amount: '145.50', currency: 'DKK' },
    debtor: { account: { _type: 'BBAN_DK', currency: 'DKK', value: '23001544527165' } },
    creditor: { account: { _type: 'BBAN_DK', value: '21491546269228' }, name: 'Opsparing' },
    planned_execution_date: '2024-02-01',
    tpp_messages: [],
    _links: [{ rel: 'self', href: '/v5/payments/pay-1' }],
    ...overrides,
  };
}

describe('domestic payments v5', () => {
  let bank: FakeNordea;
  let client: NordeaClient;
  let sleeps: number[];

  beforeAll(async () => {
    bank = await startFakeNordea();
  });
  beforeEach(() => {
    bank.requests.length = 0;
    sleeps = [];
    client = new NordeaClient(bank.configFor({ timeoutMs: 1_500 }), {
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
      },
      random: () => 0.5,
    });
  });
  afterAll(() => bank.close());

  it('creates a payment with external_id and an exact decimal instructed_amount', async () => {
    bank.on(CREATE, { status: 201, body: { group_header: { http_code: 201 }, response: nordeaPayment() } });
    const payment = await client.createDomesticPayment('t', paymentRequest, unattended);
    expect(payment).toEqual({
      id: 'pay-1',
      externalId: 'intent-7f3a',
      status: 'pending_confirmation',
      bankStatus: 'PendingConfirmation',
      amountMinor: 14_550,
      currency: 'DKK',
      plannedExecutionDate: '2024-02-01',
      messages: [],
    });
    expect(JSON.parse(bank.requests[0]?.body ?? '')).toEqual({
      external_id: 'intent-7f3a',
      instructed_amount: { amount: '145.50', currency: 'DKK' },
      debtor: { account: { _type: 'BBAN_DK', value: '23001544527165', currency: 'DKK' } },
      creditor: {
        account: { _type: 'BBAN_DK', value: '21491546269228' },
        name: 'Opsparing',
        message: 'Sparegris',
      },
      urgency: 'standard',
    });
    expect(bank.requests[0]?.signatureProblem).toBeNull();
  });

  it('accepts the v4 payment shape with a numeric top-level amount', async () => {
    bank.on('GET /personal/v5/payments/pay-1', {
      status: 200,
      body: {
        response: nordeaPayment({
          instructed_amount: undefined,
          amount: 145.5,
          currency: 'DKK',
          payment_status: 'Paid',
        }),
      },
    });
    const payment = await client.getPayment('t', 'pay-1', unattended);
    expect(payment).toMatchObject({ status: 'paid', amountMinor: 14_550 });
  });

  it('maps statuses Nordea may add later to unknown, keeping the bank name', async () => {
    bank.on('GET /personal/v5/payments/pay-1', {
      status: 200,
      body: { response: nordeaPayment({ payment_status: 'Parked' }) },
    });
    expect(await client.getPayment('t', 'pay-1', unattended)).toMatchObject({
      status: 'unknown',
      bankStatus: 'Parked',
    });
  });

  it('drops a signing link that does not lead to Nordea, keeping the confirmation', async () => {
    for (const href of ['https://evil.example/sign', 'javascript:alert(1)', 'not a url']) {
      bank.on('PUT /personal/v5/payments', {
        status: 200,
        body: {
          group_header: { http_code: 200 },
          _links: [{ rel: 'signing', href }],
          response: { payments: [nordeaPayment({ payment_status: 'PendingUserApproval' })] },
        },
      });
      const confirmation = await client.confirmPayments('t', ['pay-1'], unattended);
      expect(confirmation.signingUrl).toBeUndefined();
      expect(confirmation.payments[0]?.status).toBe('pending_user_approval');
    }
  });

  it('confirms payments and returns the signing link', async () => {
    bank.on('PUT /personal/v5/payments', {
      status: 200,
      body: {
        group_header: { http_code: 200 },
        _links: [{ rel: 'signing', href: 'https://open.nordea.com/sign?id=1' }],
        response: { payments: [nordeaPayment({ payment_status: 'PendingUserApproval' })] },
      },
    });
    const confirmation = await client.confirmPayments('t', ['pay-1'], {
      context: saverPresent('203.0.113.9', 'Safari'),
      redirectUrl: 'https://app.example/transfers',
      state: 'confirm-state',
    });
    expect(confirmation.signingUrl).toBe('https://open.nordea.com/sign?id=1');
    expect(confirmation.payments[0]?.status).toBe('pending_user_approval');
    expect(JSON.parse(bank.requests[0]?.body ?? '')).toEqual({
      payments_ids: ['pay-1'],
      redirect_url: 'https://app.example/transfers',
      state: 'confirm-state',
    });
    expect(bank.requests[0]?.headers['x-nordea-originating-user-ip']).toBe('203.0.113.9');
  });

  it('reports per-payment confirm errors', async () => {
    bank.on('PUT /personal/v5/payments', {
      status: 200,
      body: {
        response: { payments: [] },
        errors: [{ error: 'already.confirmed', error_description: 'x', payment_id: 'pay-1' }],
      },
    });
    const confirmation = await client.confirmPayments('t', ['pay-1'], unattended);
    expect(confirmation.errors).toEqual([
      { paymentId: 'pay-1', code: 'already.confirmed', description: 'x' },
    ]);
  });

  it('finds payments by external_id in the payment list', async () => {
    bank.on('GET /personal/v5/payments', {
      status: 200,
      body: {
        response: {
          payments: [
            nordeaPayment({ _id: 'other', external_id: 'intent-other' }),
            nordeaPayment(),
            nordeaPayment({ _id: 'no-ext', external_id: null }),
          ],
        },
      },
    });
    const found = await client.findPaymentsByExternalId('t', 'intent-7f3a', unattended);
    expect(found.map((payment) => payment.id)).toEqual(['pay-1']);
    expect(await client.findPaymentsByExternalId('t', 'intent-none', unattended)).toEqual([]);
  });

  it('uses configured paths where the sources disagree', async () => {
    const legacy = new NordeaClient(
      bank.configFor({ paths: { confirmPayments: '/v5/payments/confirm', listPayments: '/v5/payments/' } }),
    );
    bank.on('PUT /personal/v5/payments/confirm', { status: 200, body: { response: { payments: [] } } });
    bank.on('GET /personal/v5/payments/', { status: 200, body: { response: { payments: [] } } });
    await legacy.confirmPayments('t', ['pay-1'], unattended);
    await legacy.listPayments('t', unattended);
    expect(bank.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'PUT /personal/v5/payments/confirm',
      'GET /personal/v5/payments/',
    ]);
  });

  describe('never blindly retried', () => {
    it('a 503 after sending a payment create is ambiguous, with exactly one request sent', async () => {
      bank.on(CREATE, nordeaError(503, 'error.server'));
      const error = await client
        .createDomesticPayment('t', paymentRequest, unattended)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AmbiguousPaymentError);
      expect((error as AmbiguousPaymentError).externalId).toBe('intent-7f3a');
      expect(bank.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('a timeout after sending is ambiguous', async () => {
      bank.on(CREATE, { status: 201, body: { response: nordeaPayment() }, delayMs: 3_000 });
      await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
        AmbiguousPaymentError,
      );
      expect(bank.requests).toHaveLength(1);
    });

    it('a dropped connection (commit then drop) is ambiguous', async () => {
      bank.on(CREATE, { status: 201, dropConnection: true });
      await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
        AmbiguousPaymentError,
      );
      expect(bank.requests).toHaveLength(1);
    });

    it('an unreadable 201 is ambiguous', async () => {
      bank.on(CREATE, {
        status: 201,
        body: { response: nordeaPayment({ instructed_amount: { amount: 'NaN', currency: 'DKK' } }) },
      });
      await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
        AmbiguousPaymentError,
      );
      bank.on(CREATE, { status: 201, body: { response: nordeaPayment({ external_id: 'someone-else' }) } });
      await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
        AmbiguousPaymentError,
      );
    });

    it('a 429 is a refusal (not ambiguous) and is not retried', async () => {
      bank.on(CREATE, {
        ...gatewayError(429, 'Too Many Requests', 'Assembly Rate Limit exceeded'),
        headers: { 'Retry-After': '2' },
      });
      const error = await client
        .createDomesticPayment('t', paymentRequest, unattended)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BankRateLimitedError);
      expect((error as BankRateLimitedError).retryAfterMs).toBe(2000);
      expect(bank.requests).toHaveLength(1);
    });
  });

  it('maps business refusals to typed errors', async () => {
    bank.on(CREATE, nordeaError(400, 'error.validation', 'creditor.account.value must not be null'));
    await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
      BankValidationError,
    );
    bank.on(CREATE, {
      status: 400,
      body: {
        response: {
          tpp_messages: [{ category: 'ERROR', code: 'AM04', text: 'Amount of funds available insufficient' }],
        },
      },
    });
    await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
      BankInsufficientFundsError,
    );
    bank.on(CREATE, nordeaError(403, 'error.resource.denied'));
    await expect(client.createDomesticPayment('t', paymentRequest, unattended)).rejects.toBeInstanceOf(
      BankConsentRevokedError,
    );
  });

  it('returns a created payment whose status already says insufficient funds', async () => {
    bank.on(CREATE, {
      status: 201,
      body: {
        response: nordeaPayment({
          payment_status: 'InsufficientFunds',
          tpp_messages: [{ category: 'ERROR', code: 'AM04', text: 'insufficient' }],
        }),
      },
    });
    const payment = await client.createDomesticPayment('t', paymentRequest, unattended);
    expect(payment.status).toBe('insufficient_funds');
    expect(payment.messages).toEqual([{ category: 'ERROR', code: 'AM04', text: 'insufficient' }]);
  });

  it('refuses invalid payment requests before sending', async () => {
    for (const bad of [
      { ...paymentRequest, amountMinor: 0 },
      { ...paymentRequest, amountMinor: 1.5 },
      { ...paymentRequest, externalId: '' },
    ]) {
      await expect(client.createDomesticPayment('t', bad, unattended)).rejects.toThrow();
    }
    expect(bank.requests).toHaveLength(0);
  });

  it('passes sandbox response scenarios through', async () => {
    bank.on(CREATE, { status: 201, body: { response: nordeaPayment() } });
    await client.createDomesticPayment('t', paymentRequest, {
      ...unattended,
      sandboxScenarios: ['PaymentMissingFunds'],
    });
    expect(bank.requests[0]?.headers['x-response-scenarios']).toBe('PaymentMissingFunds');
  });
});
