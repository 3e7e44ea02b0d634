import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NordeaClient } from '#bank/client';
import { BankResponseError } from '#bank/errors';
import { saverPresent, UNATTENDED } from '#bank/transport';
import { type FakeNordea, startFakeNordea } from './fake-nordea.ts';

const unattended = { context: UNATTENDED };
const range = { fromDate: '2024-01-01', toDate: '2024-01-31' };
const TRANSACTIONS_PATH = 'GET /personal/v5/accounts/acc-1/transactions';

const nordeaAccount = {
  _id: 'acc-1',
  country: 'DK',
  currency: 'DKK',
  account_numbers: [
    { _type: 'IBAN', value: 'DK5020005544527165' },
    { _type: 'BBAN_DK', value: '20005544527165' },
  ],
  account_name: 'Lønkonto',
  product: 'Nordea Konto',
  account_type: 'Current',
  status: 'OPEN',
  available_balance: '1234.56',
  booked_balance: 1200,
  bank: { name: 'Nordea', bic: 'NDEADKKK', country: 'DK' },
  _links: [{ rel: 'transactions', href: '/v5/accounts/acc-1/transactions' }],
};

function transaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transaction_id: 't-1',
    currency: 'DKK',
    amount: '-47.50',
    booking_date: '2024-01-30',
    status: 'billed',
    counterparty_name: 'Netto',
    card_number: '1234',
    narrative: 'NETTO KBH',
    ...overrides,
  };
}

function transactionPage(transactions: unknown[], continuationKey?: string): unknown {
  return {
    group_header: {
      message_identification: 'm',
      creation_date_time: '2024-02-01T10:00:00Z',
      http_code: 200,
      ...(continuationKey === undefined ? {} : { message_pagination: { continuation_key: continuationKey } }),
    },
    response: { transactions },
  };
}

describe('accounts and transactions', () => {
  let bank: FakeNordea;
  let client: NordeaClient;

  beforeAll(async () => {
    bank = await startFakeNordea();
    client = new NordeaClient(bank.configFor(), { sleep: async () => {} });
  });
  beforeEach(() => {
    bank.requests.length = 0;
  });
  afterAll(() => bank.close());

  it('lists accounts with balances in exact minor units', async () => {
    bank.on('GET /personal/v5/accounts', {
      status: 200,
      body: { group_header: {}, response: { accounts: [nordeaAccount] } },
    });
    const accounts = await client.listAccounts('access-token', unattended);
    expect(accounts).toEqual([
      {
        id: 'acc-1',
        name: 'Lønkonto',
        type: 'current',
        currency: 'DKK',
        number: '20005544527165',
        numbers: [
          { type: 'IBAN', value: 'DK5020005544527165' },
          { type: 'BBAN_DK', value: '20005544527165' },
        ],
        availableMinor: 123_456,
        bookedMinor: 120_000,
        status: 'open',
      },
    ]);
    expect(bank.requests[0]?.headers.authorization).toBe('Bearer access-token');
  });

  it('reads one account by id', async () => {
    bank.on('GET /personal/v5/accounts/acc-1', {
      status: 200,
      body: { response: { ...nordeaAccount, account_type: 'Savings' } },
    });
    const account = await client.getAccount('t', 'acc-1', unattended);
    expect(account.type).toBe('savings');
  });

  it('sends the originating-user headers only for saver-present calls', async () => {
    bank.on('GET /personal/v5/accounts', { status: 200, body: { response: { accounts: [] } } });
    await client.listAccounts('t', { context: saverPresent('198.51.100.4', 'Firefox') });
    await client.listAccounts('t', unattended);
    expect(bank.requests[0]?.headers['x-nordea-originating-user-ip']).toBe('198.51.100.4');
    expect(bank.requests[0]?.headers['x-nordea-originating-user-agent']).toBe('Firefox');
    expect(bank.requests[1]?.headers['x-nordea-originating-user-ip']).toBeUndefined();
    expect(bank.requests[1]?.headers['x-nordea-originating-user-agent']).toBeUndefined();
  });

  it('follows continuation_key across pages with the other parameters unchanged', async () => {
    bank.on(TRANSACTIONS_PATH, (request) => {
      const key = request.query.get('continuation_key');
      if (key === null)
        return { status: 200, body: transactionPage([transaction({ transaction_id: 'p1' })], 'k2') };
      if (key === 'k2')
        return { status: 200, body: transactionPage([transaction({ transaction_id: 'p2' })], 'k3/+=') };
      if (key === 'k3/+=')
        return { status: 200, body: transactionPage([transaction({ transaction_id: 'p3' })]) };
      return { status: 400, body: {} };
    });
    const pages = [];
    for await (const page of client.transactionPages('t', 'acc-1', range, unattended)) pages.push(page);
    expect(pages.map((page) => page.transactions.map((item) => item.id))).toEqual([['p1'], ['p2'], ['p3']]);
    expect(pages.map((page) => page.continuationKey)).toEqual(['k2', 'k3/+=', undefined]);
    for (const request of bank.requests) {
      expect(request.query.get('from_date')).toBe('2024-01-01');
      expect(request.query.get('to_date')).toBe('2024-01-31');
      expect(request.signatureProblem).toBeNull();
    }
  });

  it('accepts the continuation key in the response body too (cards v4 style)', async () => {
    bank.sequence(TRANSACTIONS_PATH, [
      {
        status: 200,
        body: { response: { transactions: [transaction({ transaction_id: 'a' })], continuation_key: 'n' } },
      },
      {
        status: 200,
        body: { response: { transactions: [transaction({ transaction_id: 'b' })], continuation_key: null } },
      },
    ]);
    const all = await client.listTransactions('t', 'acc-1', range, unattended);
    expect(all.map((item) => item.id)).toEqual(['a', 'b']);
  });

  it('stops on a repeated continuation key instead of looping forever', async () => {
    bank.on(TRANSACTIONS_PATH, { status: 200, body: transactionPage([transaction()], 'same') });
    await expect(client.listTransactions('t', 'acc-1', range, unattended)).rejects.toBeInstanceOf(
      BankResponseError,
    );
    expect(bank.requests).toHaveLength(2);
  });

  it('maps Nordea transactions to the bank-neutral shape', async () => {
    bank.on(TRANSACTIONS_PATH, {
      status: 200,
      body: transactionPage([
        transaction(),
        transaction({ transaction_id: 'r-1', status: 'reserved', amount: -19.95, card_number: '1234' }),
        transaction({
          transaction_id: 's-1',
          amount: '25000.00',
          status: 'confirmed',
          card_number: null,
          counterparty_name: 'Arbejdsgiver A/S',
          narrative: 'LØN',
        }),
        transaction({
          transaction_id: 'o-1',
          amount: '-500.00',
          card_number: undefined,
          counterparty_name: 'Udlejer',
          counterparty_account: '20301544118028',
          narrative: undefined,
          message: 'Husleje',
        }),
        transaction({
          transaction_id: 'f-1',
          amount: '-29.00',
          card_number: '',
          counterparty_name: undefined,
          narrative: undefined,
          type_description: 'Gebyr',
        }),
      ]),
    });
    const transactions = await client.listTransactions('t', 'acc-1', range, unattended);
    expect(transactions).toEqual([
      {
        id: 't-1',
        accountId: 'acc-1',
        bookingDate: '2024-01-30',
        amountMinor: -4750,
        currency: 'DKK',
        status: 'booked',
        kind: 'card',
        counterpartyName: 'Netto',
        text: 'NETTO KBH',
      },
      expect.objectContaining({ id: 'r-1', amountMinor: -1995, status: 'reserved', kind: 'card' }),
      expect.objectContaining({
        id: 's-1',
        amountMinor: 2_500_000,
        status: 'booked',
        kind: 'incoming',
        text: 'LØN',
      }),
      expect.objectContaining({ id: 'o-1', amountMinor: -50_000, kind: 'transfer', text: 'Husleje' }),
      {
        id: 'f-1',
        accountId: 'acc-1',
        bookingDate: '2024-01-30',
        amountMinor: -2900,
        currency: 'DKK',
        status: 'booked',
        kind: 'other',
        text: 'Gebyr',
      },
    ]);
  });

  it('derives stable, distinct ids for transactions Nordea sends without one', async () => {
    const coffee = transaction({ transaction_id: undefined, amount: '-35.00', counterparty_name: 'Café' });
    bank.on(TRANSACTIONS_PATH, { status: 200, body: transactionPage([coffee, coffee]) });
    const first = await client.listTransactions('t', 'acc-1', range, unattended);
    const second = await client.listTransactions('t', 'acc-1', range, unattended);
    expect(first[0]?.id).toMatch(/^derived:/);
    expect(first[0]?.id).not.toBe(first[1]?.id);
    expect(second.map((item) => item.id)).toEqual(first.map((item) => item.id));
  });

  it.each([
    [
      'amount 1e400 (number)',
      {
        rawBody:
          '{"response":{"transactions":[{"transaction_id":"x","currency":"DKK","amount":1e400,"booking_date":"2024-01-01","status":"billed"}]}}',
      },
    ],
    ['amount "1e400"', { body: transactionPage([transaction({ amount: '1e400' })]) }],
    ['amount "NaN"', { body: transactionPage([transaction({ amount: 'NaN' })]) }],
    [
      'a huge amount',
      { body: transactionPage([transaction({ amount: '123456789012345678901234567890.00' })]) },
    ],
    [
      'a huge number',
      {
        rawBody:
          '{"response":{"transactions":[{"transaction_id":"x","currency":"DKK","amount":123456789012345678901,"booking_date":"2024-01-01","status":"billed"}]}}',
      },
    ],
    ['three decimals', { body: transactionPage([transaction({ amount: '-1.005' })]) }],
    ['a missing amount', { body: transactionPage([transaction({ amount: undefined })]) }],
    ['an amount object', { body: transactionPage([transaction({ amount: { value: 1 } })]) }],
    ['an unknown status', { body: transactionPage([transaction({ status: 'pending' })]) }],
    ['an impossible date', { body: transactionPage([transaction({ booking_date: '2024-02-30' })]) }],
    ['a lower-case currency', { body: transactionPage([transaction({ currency: 'dkk' })]) }],
    ['transactions not an array', { body: { response: { transactions: 'all of them' } } }],
    ['no response', { body: { group_header: {} } }],
    ['not JSON', { rawBody: '<html>gateway</html>' }],
    ['an empty body', { rawBody: '' }],
    ['null', { rawBody: 'null' }],
  ])('refuses a page with %s as a BankResponseError', async (_name, canned) => {
    bank.on(TRANSACTIONS_PATH, { status: 200, ...canned });
    await expect(client.listTransactions('t', 'acc-1', range, unattended)).rejects.toBeInstanceOf(
      BankResponseError,
    );
  });

  it('refuses hostile account balances', async () => {
    bank.on('GET /personal/v5/accounts', {
      status: 200,
      body: { response: { accounts: [{ ...nordeaAccount, available_balance: 'Infinity' }] } },
    });
    await expect(client.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankResponseError);
  });

  it('refuses an oversized answer without reading it all', async () => {
    bank.on('GET /personal/v5/accounts', { status: 200, rawBody: `{"x":"${'a'.repeat(6 * 1024 * 1024)}"}` });
    await expect(client.listAccounts('t', unattended)).rejects.toBeInstanceOf(BankResponseError);
  });

  it('refuses a malformed date range before calling', async () => {
    await expect(
      client.listTransactions('t', 'acc-1', { fromDate: '2024-02-01', toDate: '2024-01-01' }, unattended),
    ).rejects.toBeInstanceOf(RangeError);
    expect(bank.requests).toHaveLength(0);
  });
});
