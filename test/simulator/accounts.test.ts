import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type Json, startTestSimulator, type TestBank } from './helpers.ts';

let simulator: Awaited<ReturnType<typeof startTestSimulator>>['simulator'];
let bank: TestBank;
const present = { userIp: '10.0.0.1' };

beforeAll(async () => {
  ({ simulator, bank } = await startTestSimulator({
    transactionPageSize: 25,
    now: () => new Date('2026-03-10T12:00:00Z'),
  }));
});
afterAll(async () => {
  await simulator.close();
});

async function connectedAccounts(): Promise<{
  accessToken: string;
  refreshToken: string;
  current: Json;
  savings: Json;
}> {
  const { accessToken, refreshToken } = await bank.connect();
  const result = await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, ...present });
  const accounts = (body(result).response as Json).accounts as Json[];
  const current = accounts.find((account) => account.account_type === 'Current');
  const savings = accounts.find((account) => account.account_type === 'Savings');
  if (!current || !savings) throw new Error('expected a current and a savings account');
  return { accessToken, refreshToken, current, savings };
}

async function readAll(
  accessToken: string,
  accountId: string,
  query: string,
): Promise<{ pages: number; items: Json[] }> {
  const items: Json[] = [];
  let pages = 0;
  let key: string | undefined;
  do {
    const suffix = key ? `${query ? '&' : ''}continuation_key=${encodeURIComponent(key)}` : '';
    const result = await bank.call(
      'GET',
      `/v5/accounts/${accountId}/transactions?${query}${suffix}`,
      undefined,
      {
        bearer: accessToken,
        ...present,
      },
    );
    expect(result.status).toBe(200);
    pages += 1;
    items.push(...(((body(result).response as Json).transactions as Json[]) ?? []));
    key = ((body(result).group_header as Json).message_pagination as Json | undefined)?.continuation_key as
      | string
      | undefined;
  } while (key);
  return { pages, items };
}

describe('accounts', () => {
  it('shows a current and a savings account with Nordea-shaped string balances', async () => {
    const { current, accessToken } = await connectedAccounts();
    expect(current).toMatchObject({
      currency: 'DKK',
      country: 'DK',
      status: 'OPEN',
      available_balance: expect.stringMatching(/^-?\d+\.\d{2}$/),
      booked_balance: expect.stringMatching(/^-?\d+\.\d{2}$/),
      account_numbers: expect.arrayContaining([expect.objectContaining({ _type: 'IBAN' })]),
      _links: expect.arrayContaining([
        { rel: 'transactions', href: `/v5/accounts/${String(current._id)}/transactions` },
      ]),
    });
    const details = await bank.call('GET', `/v5/accounts/${String(current._id)}`, undefined, {
      bearer: accessToken,
      ...present,
    });
    expect((body(details).response as Json)._id).toBe(current._id);
  });

  it('has a Danish spending history that ends the day before the consent', async () => {
    const { accessToken, current } = await connectedAccounts();
    const { items } = await readAll(accessToken, String(current._id), 'from_date=2026-02-20');
    const dates = items.map((item) => String(item.transaction_date));
    expect(dates.every((date) => date < '2026-03-10')).toBe(true);
    expect(dates.some((date) => date === '2026-03-09')).toBe(true);
    const names = new Set(items.map((item) => String(item.counterparty_name)));
    expect(
      [...names].some((name) =>
        ['Netto', 'REMA 1000', 'Føtex', 'Lidl', 'Coop 365', 'SuperBrugsen', 'Meny', 'Irma', 'Bilka'].includes(
          name,
        ),
      ),
    ).toBe(true);
    const salaries = items.filter((item) => item.type_description === 'Løn');
    // Salary lands on the last banking day: 27 Feb 2026 is a Friday.
    expect(salaries.map((item) => item.booking_date)).toContain('2026-02-27');
    expect(items.some((item) => item.status === 'reserved')).toBe(true);
  });

  it('pages with continuation_key without gaps or repeats, within from_date/to_date', async () => {
    const { accessToken, current } = await connectedAccounts();
    const all = await readAll(accessToken, String(current._id), 'from_date=2026-01-01&to_date=2026-02-28');
    expect(all.pages).toBeGreaterThanOrEqual(5);
    const ids = all.items.map((item) => item.transaction_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      all.items.every(
        (item) => String(item.booking_date) >= '2026-01-01' && String(item.booking_date) <= '2026-02-28',
      ),
    ).toBe(true);
    const dates = all.items.map((item) => String(item.booking_date));
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('refuses a continuation_key used with other parameters', async () => {
    const { accessToken, current } = await connectedAccounts();
    const first = await bank.call(
      'GET',
      `/v5/accounts/${String(current._id)}/transactions?from_date=2026-02-01`,
      undefined,
      {
        bearer: accessToken,
        ...present,
      },
    );
    const key = String(((body(first).group_header as Json).message_pagination as Json).continuation_key);
    const mixed = await bank.call(
      'GET',
      `/v5/accounts/${String(current._id)}/transactions?from_date=2026-01-01&continuation_key=${key}`,
      undefined,
      { bearer: accessToken, ...present },
    );
    expect(mixed.status).toBe(400);
  });

  it('never shows more than 90 days back', async () => {
    const { accessToken, current } = await connectedAccounts();
    const { items } = await readAll(accessToken, String(current._id), 'from_date=2025-01-01');
    expect(items.every((item) => String(item.booking_date) >= '2025-12-10')).toBe(true);
  });

  it('is deterministic from the seed', async () => {
    const { simulator: twin, bank: twinBank } = await startTestSimulator({
      now: () => new Date('2026-03-10T12:00:00Z'),
    });
    const { simulator: same, bank: sameBank } = await startTestSimulator({
      now: () => new Date('2026-03-10T12:00:00Z'),
    });
    try {
      const read = async (client: TestBank): Promise<unknown> => {
        const { accessToken } = await client.connect();
        const accounts = await client.call('GET', '/v5/accounts', undefined, {
          bearer: accessToken,
          ...present,
        });
        const list = (body(accounts).response as Json).accounts as Json[];
        return list.map((account) => [account._id, account.booked_balance, account.account_numbers]);
      };
      expect(await read(twinBank)).toEqual(await read(sameBank));
    } finally {
      await twin.close();
      await same.close();
    }
  });
});

describe('reserved → billed', () => {
  it('books a reserved item under a new transaction id, optionally for another amount', async () => {
    const { accessToken, current } = await connectedAccounts();
    const added = await bank.admin('POST', `/accounts/${String(current._id)}/transactions`, {
      amount: '-120.00',
      currency: 'DKK',
      status: 'reserved',
      counterparty_name: 'Netto',
      card_number: '1234',
      booking_date: '2026-03-10',
    });
    expect(added.status).toBe(201);
    const reservedId = String(body(added).transaction_id);
    const booked = await bank.admin('POST', `/transactions/${reservedId}/book`, { amount: '-118.50' });
    expect(booked.status).toBe(200);
    expect(body(booked)).toMatchObject({
      status: 'billed',
      amount: '-118.50',
      replaced_transaction_id: reservedId,
    });
    expect(body(booked).transaction_id).not.toBe(reservedId);
    const { items } = await readAll(accessToken, String(current._id), 'from_date=2026-03-10');
    expect(items.map((item) => item.transaction_id)).not.toContain(reservedId);
    expect(items.find((item) => item.transaction_id === body(booked).transaction_id)).toMatchObject({
      counterparty_name: 'Netto',
    });
    const again = await bank.admin('POST', `/transactions/${String(body(booked).transaction_id)}/book`, {});
    expect(again.status).toBe(409);
  });

  it('books generated reservations on their own as simulated time passes', async () => {
    const { accessToken, refreshToken, current } = await connectedAccounts();
    const before = await readAll(accessToken, String(current._id), 'from_date=2026-03-05');
    const reserved = before.items
      .filter((item) => item.status === 'reserved')
      .map((item) => item.transaction_id);
    expect(reserved.length).toBeGreaterThan(0);
    await bank.admin('POST', '/clock', { advance_days: 4 });
    const refreshed = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken },
    });
    const after = await readAll(
      (refreshed.json as { access_token: string }).access_token,
      String(current._id),
      'from_date=2026-03-05&to_date=2026-03-10',
    );
    const ids = after.items.map((item) => item.transaction_id);
    expect(reserved.some((id) => ids.includes(id))).toBe(false);
    expect(after.items.every((item) => item.status === 'billed')).toBe(true);
  });
});
