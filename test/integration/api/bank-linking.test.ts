import { describe, expect, test } from 'vitest';
import { type ApiClient, followBankLink, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

interface BankStatus {
  status: string;
  consentExpiresAt: string | null;
  balancesAsOf: string | null;
  accounts: {
    id: string;
    name: string;
    type: string;
    currency: string;
    number: string;
    availableMinor: number;
  }[];
  sourceAccountId: string | null;
  savingsAccountId: string | null;
}

const newSaver = async (): Promise<string> => (await local.newSaver('linker')).token;

/** The browser's trip: our connect → the bank (the simulator answers straight back) → our callback. */
async function linkBank(token: string): Promise<{ callbackUrl: string; cookie: string; landing: string }> {
  const { callbackUrl, cookie, callback } = await followBankLink(api, token);
  expect(new URL(callbackUrl).pathname).toBe('/api/bank/callback');
  expect(callback.status).toBe(302);
  return { callbackUrl, cookie, landing: callback.headers.get('location') ?? '' };
}

describe('linking Nordea', () => {
  test('connect, consent and callback leave a linked bank with both accounts chosen', async () => {
    const token = await newSaver();
    expect((await api<BankStatus>('GET', '/api/bank', { token })).body.status).toBe('unlinked');

    const { landing } = await linkBank(token);
    expect(landing).toBe(`${local.system.url}/?bank=linked`);

    const { body: bank } = await api<BankStatus>('GET', '/api/bank', { token });
    expect(bank.status).toBe('linked');
    expect(Date.parse(bank.consentExpiresAt ?? '')).toBeGreaterThan(Date.now() + 80 * 86_400_000);
    expect(Date.now() - Date.parse(bank.balancesAsOf ?? '')).toBeLessThan(60_000);
    expect(bank.accounts.map((account) => account.type).sort()).toEqual(['current', 'savings']);
    for (const account of bank.accounts) {
      expect(account).toMatchObject({ currency: 'DKK', id: expect.any(String), number: expect.any(String) });
      expect(Number.isInteger(account.availableMinor)).toBe(true);
    }
    expect(bank.sourceAccountId).toBe(bank.accounts.find((account) => account.type === 'current')?.id);
    expect(bank.savingsAccountId).toBe(bank.accounts.find((account) => account.type === 'savings')?.id);
  });

  test('a callback works once: a replayed state is refused', async () => {
    const token = await newSaver();
    const { callbackUrl, cookie } = await linkBank(token);
    const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    expect(replay.headers.get('location')).toBe(`${local.system.url}/?bank=expired`);
  });

  test('a callback with an unknown state or a declined consent links nothing', async () => {
    const unknown = await fetch(`${local.system.url}/api/bank/callback?code=abc&state=${'x'.repeat(43)}`, {
      redirect: 'manual',
    });
    expect(unknown.headers.get('location')).toBe(`${local.system.url}/?bank=other-browser`);
    const token = await newSaver();
    const connect = await api<{ authorizeUrl: string }>('POST', '/api/bank/connect', { token });
    const state = new URL(connect.body.authorizeUrl).searchParams.get('state') ?? '';
    const declined = await fetch(`${local.system.url}/api/bank/callback?error=access_denied&state=${state}`, {
      redirect: 'manual',
      headers: { cookie: `__Host-sparegris_link=${state}` },
    });
    expect(declined.headers.get('location')).toBe(`${local.system.url}/?bank=declined`);
    expect((await api<BankStatus>('GET', '/api/bank', { token })).body.status).toBe('unlinked');
  });

  test('a consent finished in another browser links nothing (the link is bound to the browser that started it)', async () => {
    const token = await newSaver();
    const connect = await api<{ authorizeUrl: string }>('POST', '/api/bank/connect', { token });
    const linkCookie = connect.headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith('__Host-sparegris_link='));
    // HttpOnly, Secure, __Host-, and Lax so the bank's top-level redirect back carries it.
    expect(linkCookie).toMatch(
      /^__Host-sparegris_link=[\w-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=900$/,
    );
    const other = await api<{ authorizeUrl: string }>('POST', '/api/bank/connect', {
      token: await newSaver(),
    });
    const otherState = new URL(other.body.authorizeUrl).searchParams.get('state') ?? '';
    // Someone else's browser: no cookie, or the cookie of another link.
    for (const headers of [{}, { cookie: `__Host-sparegris_link=${otherState}` }] as Record<
      string,
      string
    >[]) {
      const elsewhere = await fetch(connect.body.authorizeUrl, { redirect: 'manual', headers });
      expect(elsewhere.headers.get('location')).toBe(`${local.system.url}/?bank=other-browser`);
      expect(elsewhere.headers.getSetCookie()).toContain(
        '__Host-sparegris_link=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0',
      );
    }
    expect((await api<BankStatus>('GET', '/api/bank', { token })).body.status).toBe('unlinked');
    // The state was not spent by the refusals: the saver's own browser still completes the link.
    const own = await fetch(connect.body.authorizeUrl, {
      redirect: 'manual',
      headers: { cookie: linkCookie?.split(';')[0] ?? '' },
    });
    expect(own.headers.get('location')).toBe(`${local.system.url}/?bank=linked`);
  });

  test('a bank failure during the callback sends the browser back with an error, linking nothing', async () => {
    const token = await newSaver();
    const simulator = `http://127.0.0.1:${local.system.ports.simulator}`;
    const fault = await fetch(`${simulator}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: '5xx', status: 503, path: '/v5/authorize/token', times: 5 }),
    });
    expect(fault.status).toBe(201);
    try {
      const { landing } = await linkBank(token);
      expect(landing).toBe(`${local.system.url}/?bank=error`);
      expect((await api<BankStatus>('GET', '/api/bank', { token })).body.status).toBe('unlinked');
    } finally {
      await fetch(`${simulator}/__admin/faults`, { method: 'DELETE' });
    }
  });

  test('every saver gets their own bank customer, and sees only their own accounts', async () => {
    const ann = await newSaver();
    const bo = await newSaver();
    await linkBank(ann);
    await linkBank(bo);
    const annAccounts = (await api<BankStatus>('GET', '/api/bank', { token: ann })).body.accounts.map(
      (a) => a.id,
    );
    const boAccounts = (await api<BankStatus>('GET', '/api/bank', { token: bo })).body.accounts.map(
      (a) => a.id,
    );
    expect(annAccounts.some((id) => boAccounts.includes(id))).toBe(false);
    // Bo cannot choose Ann's accounts (BOLA).
    const [annSource = '', annSavings = ''] = annAccounts;
    const stolen = await api('PUT', '/api/bank/accounts', {
      token: bo,
      body: { sourceAccountId: annSource, savingsAccountId: annSavings },
    });
    expect(stolen.status).toBe(422);
  });

  test('choosing accounts validates them', async () => {
    const token = await newSaver();
    await linkBank(token);
    const { body: bank } = await api<BankStatus>('GET', '/api/bank', { token });
    const [first = '', second = ''] = bank.accounts.map((account) => account.id);
    const swapped = await api<BankStatus>('PUT', '/api/bank/accounts', {
      token,
      body: { sourceAccountId: second, savingsAccountId: first },
    });
    expect(swapped.status).toBe(200);
    expect(swapped.body).toMatchObject({ sourceAccountId: second, savingsAccountId: first });
    const same = await api('PUT', '/api/bank/accounts', {
      token,
      body: { sourceAccountId: first, savingsAccountId: first },
    });
    expect(same.status).toBe(422);
    const extra = await api('PUT', '/api/bank/accounts', {
      token,
      body: { sourceAccountId: first, savingsAccountId: second, saverId: 'someone' },
    });
    expect(extra.status).toBe(400);
  });

  test('unlinking revokes the consent and forgets the accounts', async () => {
    const token = await newSaver();
    await linkBank(token);
    expect((await api('DELETE', '/api/bank', { token })).status).toBe(204);
    expect((await api<BankStatus>('GET', '/api/bank', { token })).body).toMatchObject({
      status: 'unlinked',
      accounts: [],
    });
    expect((await api('DELETE', '/api/bank', { token })).status).toBe(204);
  });

  test('bank endpoints need a saver token', async () => {
    expect((await api('POST', '/api/bank/connect')).status).toBe(401);
    expect((await api('GET', '/api/bank')).status).toBe(401);
  });
});
