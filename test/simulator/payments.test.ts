import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type Json, startTestSimulator, type TestBank } from './helpers.ts';

let simulator: Awaited<ReturnType<typeof startTestSimulator>>['simulator'];
let bank: TestBank;
const present = { userIp: '10.0.0.1' };

beforeAll(async () => {
  ({ simulator, bank } = await startTestSimulator());
});
afterAll(async () => {
  await simulator.close();
});

interface Saver {
  accessToken: string;
  current: Json;
  savings: Json;
}

function bban(account: Json): string {
  const numbers = account.account_numbers as Array<{ _type: string; value: string }>;
  return numbers.find((number) => number._type === 'BBAN_DK')?.value ?? '';
}

async function saver(): Promise<Saver> {
  const { accessToken } = await bank.connect();
  const result = await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, ...present });
  const accounts = (body(result).response as Json).accounts as Json[];
  const current = accounts.find((account) => account.account_type === 'Current');
  const savings = accounts.find((account) => account.account_type === 'Savings');
  if (!current || !savings) throw new Error('expected two accounts');
  return { accessToken, current, savings };
}

function paymentBody(from: Json, to: string, amount: string, externalId: string): { json: Json } {
  return {
    json: {
      external_id: externalId,
      instructed_amount: { amount, currency: 'DKK' },
      debtor: { account: { _type: 'BBAN_DK', currency: 'DKK', value: bban(from) }, message: 'Sparegris' },
      creditor: {
        account: { _type: 'BBAN_DK', currency: 'DKK', value: to },
        message: 'Rome fund',
        name: 'Opsparing',
      },
      urgency: 'standard',
    },
  };
}

async function balance(accessToken: string, accountId: unknown): Promise<string> {
  const result = await bank.call('GET', `/v5/accounts/${String(accountId)}`, undefined, {
    bearer: accessToken,
    ...present,
  });
  return String((body(result).response as Json).booked_balance);
}

function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

describe('domestic payments v5', () => {
  it('creates, confirms (own account: no signing), pays and moves both balances', async () => {
    const { accessToken, current, savings } = await saver();
    const currentBefore = await balance(accessToken, current._id);
    const savingsBefore = await balance(accessToken, savings._id);
    const created = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(current, bban(savings), '25.50', 'transfer-1'),
      {
        bearer: accessToken,
      },
    );
    expect(created.status).toBe(201);
    const payment = body(created).response as Json;
    expect(payment).toMatchObject({
      payment_status: 'PendingConfirmation',
      external_id: 'transfer-1',
      instructed_amount: { amount: '25.50', currency: 'DKK' },
    });
    const confirmed = await bank.call(
      'PUT',
      '/v5/payments',
      { json: { payments_ids: [payment._id] } },
      { bearer: accessToken },
    );
    expect(confirmed.status).toBe(200);
    expect(((body(confirmed).response as Json).payments as Json[])[0]).toMatchObject({
      payment_status: 'Paid',
    });
    expect(body(confirmed)._links).toEqual([]);
    const status = await bank.call('GET', `/v5/payments/${String(payment._id)}`, undefined, {
      bearer: accessToken,
    });
    expect((body(status).response as Json).payment_status).toBe('Paid');
    expect(cents(await balance(accessToken, current._id))).toBe(cents(currentBefore) - 2550);
    expect(cents(await balance(accessToken, savings._id))).toBe(cents(savingsBefore) + 2550);
    const again = await bank.call(
      'PUT',
      '/v5/payments',
      { json: { payments_ids: [payment._id] } },
      { bearer: accessToken },
    );
    expect(again.status).toBe(409);
  });

  it('makes payments to other accounts wait for the mock signing link', async () => {
    const { accessToken, current } = await saver();
    const created = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(current, '20301544118028', '10.00', 'ext-other'),
      {
        bearer: accessToken,
      },
    );
    const id = String((body(created).response as Json)._id);
    const confirmed = await bank.call(
      'PUT',
      '/v5/payments',
      { json: { payments_ids: [id], redirect_url: 'http://localhost:3000/signed', state: 'sig-state' } },
      { bearer: accessToken },
    );
    expect(((body(confirmed).response as Json).payments as Json[])[0]).toMatchObject({
      payment_status: 'PendingUserApproval',
    });
    const signing = (body(confirmed)._links as Json[]).find((link) => link.rel === 'signing');
    expect(signing?.href).toMatch(/\/__signing\//);
    const page = await fetch(String(signing?.href));
    expect(page.status).toBe(200);
    const signed = await fetch(String(signing?.href), {
      method: 'POST',
      body: 'decision=approve',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(signed.status).toBe(302);
    expect(new URL(signed.headers.get('location') ?? '').searchParams.get('state')).toBe('sig-state');
    const status = await bank.call('GET', `/v5/payments/${id}`, undefined, { bearer: accessToken });
    expect((body(status).response as Json).payment_status).toBe('Paid');
  });

  it('follows X-Response-Scenarios: missing funds, on hold, signing expires, signing required', async () => {
    const { accessToken, current, savings } = await saver();
    const run = async (scenario: string): Promise<{ confirmed: Json; id: string }> => {
      const created = await bank.call(
        'POST',
        '/v5/payments/domestic-credit-transfers',
        paymentBody(current, bban(savings), '1.00', scenario),
        {
          bearer: accessToken,
          scenarios: scenario,
        },
      );
      const id = String((body(created).response as Json)._id);
      const confirmed = await bank.call(
        'PUT',
        '/v5/payments',
        { json: { payments_ids: [id] } },
        { bearer: accessToken },
      );
      return { confirmed: ((body(confirmed).response as Json).payments as Json[])[0] ?? {}, id };
    };
    const missing = await run('PaymentMissingFunds');
    expect(missing.confirmed).toMatchObject({
      payment_status: 'InsufficientFunds',
      tpp_messages: [expect.objectContaining({ code: 'AM04', category: 'ERROR' })],
    });
    expect((await run('PaymentOnHold')).confirmed.payment_status).toBe('OnHold');
    expect((await run('PaymentSigningRequired')).confirmed.payment_status).toBe('PendingUserApproval');
    const expiring = await run('PaymentSigningExpires');
    expect(expiring.confirmed.payment_status).toBe('PendingUserApproval');
    const later = await bank.call('GET', `/v5/payments/${expiring.id}`, undefined, { bearer: accessToken });
    expect((body(later).response as Json).payment_status).toBe('UserApprovalTimeout');
  });

  it('refuses a payment beyond the available balance at execution with InsufficientFunds', async () => {
    const { accessToken, current, savings } = await saver();
    const created = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(current, bban(savings), '9999999.00', 'too-much'),
      {
        bearer: accessToken,
      },
    );
    const id = String((body(created).response as Json)._id);
    const confirmed = await bank.call(
      'PUT',
      '/v5/payments',
      { json: { payments_ids: [id] } },
      { bearer: accessToken },
    );
    expect(((body(confirmed).response as Json).payments as Json[])[0]).toMatchObject({
      payment_status: 'InsufficientFunds',
    });
  });

  it('validates the payment body with Nordea failures', async () => {
    const { accessToken, current } = await saver();
    const result = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      {
        json: {
          instructed_amount: { amount: '1.234', currency: 'DKK' },
          debtor: { account: { _type: 'BBAN_DK', value: bban(current) } },
        },
      },
      { bearer: accessToken },
    );
    expect(result.status).toBe(400);
    const paths = ((body(result).error as Json).failures as Json[]).map((failure) => failure.path);
    expect(paths).toEqual(
      expect.arrayContaining(['instructed_amount.amount', 'creditor', 'debtor.account.currency']),
    );
  });

  it('treats external_id as the partner reference Nordea documents, not as an idempotency key', async () => {
    const { accessToken, current, savings } = await saver();
    const first = await bank.call(
      'POST',
      '/v5/payments/domestic',
      paymentBody(current, bban(savings), '3.00', 'same-ext'),
      { bearer: accessToken },
    );
    const second = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(current, bban(savings), '3.00', 'same-ext'),
      {
        bearer: accessToken,
      },
    );
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect((body(second).response as Json)._id).not.toBe((body(first).response as Json)._id);
    const listed = await bank.call('GET', '/v5/payments', undefined, { bearer: accessToken });
    const matching = ((body(listed).response as Json).payments as Json[]).filter(
      (payment) => payment.external_id === 'same-ext',
    );
    expect(matching).toHaveLength(2);
    const admin = await bank.admin('GET', '/payments');
    const adminMatching = (body(admin).payments as Json[]).filter(
      (payment) => payment.external_id === 'same-ext',
    );
    expect(adminMatching.map((payment) => payment.create_requests)).toEqual([2, 2]);
  });

  it('commit-then-drop: the payment exists although the client never got an answer', async () => {
    const { accessToken, current, savings } = await saver();
    const fault = await bank.admin('POST', '/faults', { type: 'commit-then-drop', times: 1 });
    expect(fault.status).toBe(201);
    await expect(
      bank.call(
        'POST',
        '/v5/payments/domestic-credit-transfers',
        paymentBody(current, bban(savings), '4.00', 'dropped-1'),
        { bearer: accessToken },
      ),
    ).rejects.toThrow();
    const listed = await bank.call('GET', '/v5/payments', undefined, { bearer: accessToken });
    const found = ((body(listed).response as Json).payments as Json[]).filter(
      (payment) => payment.external_id === 'dropped-1',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.payment_status).toBe('PendingConfirmation');
    const admin = await bank.admin('GET', '/payments');
    expect((body(admin).create_requests_by_external_id as Json)['dropped-1']).toBe(1);
    // The fault was for one request only.
    const next = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(current, bban(savings), '4.00', 'after-drop'),
      {
        bearer: accessToken,
      },
    );
    expect(next.status).toBe(201);
  });

  it('cancels a pending payment with DELETE /v5/payments', async () => {
    const { accessToken, current, savings } = await saver();
    const created = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(current, bban(savings), '2.00', 'cancel-me'),
      {
        bearer: accessToken,
      },
    );
    const id = String((body(created).response as Json)._id);
    const cancelled = await bank.call(
      'DELETE',
      '/v5/payments',
      { json: { payments: [{ payment_id: id }] } },
      { bearer: accessToken },
    );
    expect(cancelled.status).toBe(200);
    const status = await bank.call('GET', `/v5/payments/${id}`, undefined, { bearer: accessToken });
    expect((body(status).response as Json).payment_status).toBe('Cancelled');
  });

  it('hides payments of other customers', async () => {
    const alice = await saver();
    const bob = await saver();
    const created = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(alice.current, bban(alice.savings), '1.00', 'alice-1'),
      {
        bearer: alice.accessToken,
      },
    );
    const id = String((body(created).response as Json)._id);
    const peek = await bank.call('GET', `/v5/payments/${id}`, undefined, { bearer: bob.accessToken });
    expect(peek.status).toBe(404);
    const steal = await bank.call(
      'POST',
      '/v5/payments/domestic-credit-transfers',
      paymentBody(alice.current, bban(bob.savings), '1.00', 'bob-1'),
      {
        bearer: bob.accessToken,
      },
    );
    expect(steal.status).toBe(403);
  });

  it('counts every create per external_id under a concurrent burst with half the answers dropped', async () => {
    const { accessToken, current, savings } = await saver();
    await bank.admin('POST', '/faults', { type: 'commit-then-drop', probability: 0.5 });
    try {
      const attempts = Array.from({ length: 200 }, (_, index) => `burst-${index % 20}`);
      const outcomes = await Promise.allSettled(
        attempts.map((externalId) =>
          bank.call(
            'POST',
            '/v5/payments/domestic-credit-transfers',
            paymentBody(current, bban(savings), '1.00', externalId),
            {
              bearer: accessToken,
            },
          ),
        ),
      );
      const answered = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(answered.length).toBeGreaterThan(50);
      expect(answered.length).toBeLessThan(150);
      const admin = body(await bank.admin('GET', '/payments'));
      const counts = admin.create_requests_by_external_id as Record<string, number>;
      for (let index = 0; index < 20; index++) expect(counts[`burst-${index}`]).toBe(10);
      const created = (admin.payments as Json[]).filter((payment) =>
        String(payment.external_id).startsWith('burst-'),
      );
      expect(created).toHaveLength(200);
    } finally {
      await bank.admin('DELETE', '/faults');
    }
  });
});
