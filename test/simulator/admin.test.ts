import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type Json, startTestSimulator, type TestBank } from './helpers.ts';

let simulator: Awaited<ReturnType<typeof startTestSimulator>>['simulator'];
let bank: TestBank;
const present = { userIp: '10.0.0.1' };

beforeAll(async () => {
  ({ simulator, bank } = await startTestSimulator({ now: () => new Date('2026-05-20T10:00:00Z') }));
});
afterAll(async () => {
  await simulator.close();
});

describe('admin API', () => {
  it('lists every account with ids, numbers, balances and owner', async () => {
    await bank.connect();
    const result = await bank.admin('GET', '/accounts');
    expect(result.status).toBe(200);
    const accounts = body(result).accounts as Json[];
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    expect(accounts[0]).toMatchObject({
      _id: expect.any(String),
      customer_id: expect.any(String),
      account_numbers: expect.any(Array),
      booked_balance: expect.stringMatching(/^-?\d+\.\d{2}$/),
      available_balance: expect.stringMatching(/^-?\d+\.\d{2}$/),
      booked_minor: expect.any(Number),
    });
  });

  it('adds Nordea-shaped transactions that move the balances', async () => {
    const account = ((await bank.admin('GET', '/accounts')).json as { accounts: Json[] }).accounts[0] ?? {};
    const before = Number(account.booked_minor);
    const availableBefore = Number(account.available_minor);
    const billed = await bank.admin('POST', `/accounts/${String(account._id)}/transactions`, {
      amount: '-47.50',
      currency: 'DKK',
      status: 'billed',
      counterparty_name: 'Netto',
      card_number: '4321',
      booking_date: '2026-05-20',
      transaction_id: 'my-own-id-1',
    });
    expect(billed.status).toBe(201);
    expect(body(billed)).toMatchObject({
      transaction_id: 'my-own-id-1',
      amount: '-47.50',
      status: 'billed',
      card_number: '4321',
    });
    const reserved = await bank.admin('POST', `/accounts/${String(account._id)}/transactions`, {
      amount: '-10.00',
      currency: 'DKK',
      status: 'reserved',
      counterparty_name: 'Lagkagehuset',
    });
    expect(reserved.status).toBe(201);
    const after =
      ((await bank.admin('GET', '/accounts')).json as { accounts: Json[] }).accounts.find(
        (item) => item._id === account._id,
      ) ?? {};
    expect(after.booked_minor).toBe(before - 4_750);
    expect(after.available_minor).toBe(availableBefore - 4_750 - 1_000);
    const duplicate = await bank.admin('POST', `/accounts/${String(account._id)}/transactions`, {
      amount: '-1.00',
      currency: 'DKK',
      status: 'billed',
      transaction_id: 'my-own-id-1',
    });
    expect(duplicate.status).toBe(400);
    const wrongCurrency = await bank.admin('POST', `/accounts/${String(account._id)}/transactions`, {
      amount: '1',
      currency: 'EUR',
      status: 'billed',
    });
    expect(wrongCurrency.status).toBe(400);
  });

  it('moves the simulated clock forward only', async () => {
    const before = Date.parse(String(body(await bank.admin('GET', '/clock')).now));
    const moved = await bank.admin('POST', '/clock', { advance_hours: 2 });
    expect(Date.parse(String(body(moved).now)) - before).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect((await bank.admin('POST', '/clock', { advance_seconds: -5 })).status).toBe(400);
  });

  it('feeds live customers with new spending as time passes, and nobody else', async () => {
    const created = await bank.admin('POST', '/customers', { customer_id: 'live-saver', live: true });
    expect(created.status).toBe(201);
    const idle = await bank.admin('POST', '/customers', { customer_id: 'idle-saver' });
    expect(idle.status).toBe(201);
    const count = async (customerId: string): Promise<number> => {
      const accounts = (body(await bank.admin('GET', '/accounts')).accounts as Json[]).filter(
        (account) => account.customer_id === customerId,
      );
      return accounts.length;
    };
    expect(await count('live-saver')).toBe(2);
    const transactionsOf = (customerId: string): number =>
      Object.values(simulator.state.accounts)
        .filter((account) => account.customerId === customerId)
        .reduce((total, account) => total + account.transactions.length, 0);
    const liveBefore = transactionsOf('live-saver');
    const idleBefore = transactionsOf('idle-saver');
    await bank.admin('POST', '/clock', { advance_days: 7 });
    expect(transactionsOf('live-saver')).toBeGreaterThan(liveBefore + 7);
    expect(transactionsOf('idle-saver')).toBe(idleBefore);
    const live = await bank.admin('GET', '/live-customers');
    expect(body(live).customer_ids).toEqual(['live-saver']);
  });

  it('lets an authorize request name an admin-created customer', async () => {
    await bank.admin('POST', '/customers', { customer_id: 'named-saver' });
    const { accessToken } = await bank.connect({ psu_id: 'named-saver' });
    const result = await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, ...present });
    const ids = ((body(result).response as Json).accounts as Json[]).map((account) => account._id);
    expect(ids).toEqual(simulator.state.customers['named-saver']?.accountIds);
  });
});

describe('dynamic sandbox endpoints', () => {
  it('creates an account and transactions for the token holder', async () => {
    const { accessToken } = await bank.connect();
    const created = await bank.call(
      'POST',
      '/v4/accounts',
      {
        json: {
          account_name: 'Feriekonto',
          account_numbers: [{ _type: 'BBAN_DK', value: '20301544117544' }],
          account_type: 'Savings',
          available_balance: 1000.5,
          booked_balance: 1000.5,
          country: 'DK',
          currency: 'DKK',
          product: 'Opsparing',
          status: 'OPEN',
        },
      },
      { bearer: accessToken },
    );
    expect(created.status).toBe(201);
    const account = body(created).response as Json;
    expect(account).toMatchObject({ booked_balance: '1000.50', account_type: 'Savings' });
    const transaction = await bank.call(
      'POST',
      `/v4/accounts/${String(account._id)}/transactions`,
      {
        json: {
          amount: -20.25,
          currency: 'DKK',
          status: 'billed',
          counterparty_name: 'Matas',
          booking_date: '2026-05-19',
        },
      },
      { bearer: accessToken },
    );
    expect(transaction.status).toBe(201);
    const read = await bank.call('GET', `/v5/accounts/${String(account._id)}/transactions`, undefined, {
      bearer: accessToken,
      ...present,
    });
    expect(((body(read).response as Json).transactions as Json[])[0]).toMatchObject({
      amount: '-20.25',
      counterparty_name: 'Matas',
    });
    const details = await bank.call('GET', `/v5/accounts/${String(account._id)}`, undefined, {
      bearer: accessToken,
      ...present,
    });
    expect((body(details).response as Json).booked_balance).toBe('980.25');
    const removed = await bank.call('DELETE', `/v4/accounts/${String(account._id)}`, undefined, {
      bearer: accessToken,
    });
    expect(removed.status).toBe(204);
  });

  it('validates the dynamic account request', async () => {
    const result = await bank.call('POST', '/v4/accounts', { json: { account_name: 'x' } });
    expect(result.status).toBe(400);
  });
});

describe('persistence', () => {
  it('keeps customers, accounts and tokens across a restart when given a data file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'simulator-'));
    const dataFile = join(directory, 'simulator.json');
    try {
      const first = await startTestSimulator({ dataFile });
      const { accessToken } = await first.bank.connect();
      const accountsBefore = body(await first.bank.admin('GET', '/accounts')).accounts as Json[];
      await first.simulator.close();
      const second = await startTestSimulator({ dataFile });
      try {
        const accountsAfter = body(await second.bank.admin('GET', '/accounts')).accounts as Json[];
        expect(accountsAfter.map((account) => [account._id, account.booked_balance])).toEqual(
          accountsBefore.map((account) => [account._id, account.booked_balance]),
        );
        const read = await second.bank.call('GET', '/v5/accounts', undefined, {
          bearer: accessToken,
          ...present,
        });
        expect(read.status).toBe(200);
      } finally {
        await second.simulator.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
