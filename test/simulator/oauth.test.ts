import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type Json, REDIRECT_URI, startTestSimulator, type TestBank } from './helpers.ts';

let simulator: Awaited<ReturnType<typeof startTestSimulator>>['simulator'];
let bank: TestBank;

beforeAll(async () => {
  ({ simulator, bank } = await startTestSimulator());
});
afterAll(async () => {
  await simulator.close();
});

const present = { userIp: '10.0.0.1' };

function failureCode(result: { json: unknown }): string | undefined {
  return (result.json as { error?: { failures?: Array<{ code: string }> } }).error?.failures?.[0]?.code;
}

describe('redirect OAuth', () => {
  it('answers authorize with 302 to redirect_uri carrying code and state', async () => {
    const result = await bank.call('POST', '/v5/authorize', {
      json: {
        country: 'DK',
        duration: 60,
        redirect_uri: REDIRECT_URI,
        scope: ['ACCOUNTS_BASIC'],
        state: 'abc 123',
      },
    });
    expect(result.status).toBe(302);
    const location = new URL(result.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('abc 123');
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });

  it('validates the authorize request', async () => {
    const result = await bank.call('POST', '/v5/authorize', {
      json: {
        country: 'XX',
        duration: 999_999,
        redirect_uri: 'https://evil.example/cb',
        scope: ['ACCOUNTS_BALANCES'],
        state: '',
      },
    });
    expect(result.status).toBe(400);
    const paths = ((body(result).error as Json).failures as Json[]).map((failure) => failure.path);
    expect(paths).toEqual(expect.arrayContaining(['country', 'duration', 'redirect_uri', 'scope', 'state']));
  });

  it('exchanges a code once; the second exchange is refused', async () => {
    const { code } = await bank.connect();
    const again = await bank.call('POST', '/v5/authorize/token', {
      form: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
    });
    expect(again.status).toBe(401);
    expect(failureCode(again)).toBe('error.token.invalid');
  });

  it('returns a flat Bearer token response', async () => {
    const authorized = await bank.call('POST', '/v5/authorize', {
      json: {
        country: 'DK',
        duration: 1_440,
        redirect_uri: REDIRECT_URI,
        scope: ['ACCOUNTS_BASIC'],
        state: 's',
      },
    });
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchanged = await bank.call('POST', '/v5/authorize/token', {
      form: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
    });
    expect(exchanged.json).toEqual({
      access_token: expect.any(String),
      expires_in: 3600,
      token_type: 'Bearer',
      refresh_token: expect.any(String),
    });
  });

  it('expires codes after their short lifetime', async () => {
    const authorized = await bank.call('POST', '/v5/authorize', {
      json: {
        country: 'DK',
        duration: 60,
        redirect_uri: REDIRECT_URI,
        scope: ['ACCOUNTS_BASIC'],
        state: 's',
      },
    });
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code') ?? '';
    await bank.admin('POST', '/clock', { advance_seconds: 61 });
    const exchanged = await bank.call('POST', '/v5/authorize/token', {
      form: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
    });
    expect(exchanged.status).toBe(401);
    expect(failureCode(exchanged)).toBe('error.token.expired');
  });

  it('rotates refresh tokens: each is single use and the old one is refused', async () => {
    const first = await bank.connect();
    const refreshed = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: first.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const second = refreshed.json as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refreshToken);
    const reused = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: first.refreshToken },
    });
    expect(reused.status).toBe(401);
    expect(failureCode(reused)).toBe('error.token.invalid');
    const next = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: second.refresh_token },
    });
    expect(next.status).toBe(200);
  });

  it('expires access tokens after an hour; refresh works until the consent ends', async () => {
    const tokens = await bank.connect({ duration: 120 });
    await bank.admin('POST', '/clock', { advance_minutes: 61 });
    const expired = await bank.call('GET', '/v5/accounts', undefined, {
      bearer: tokens.accessToken,
      ...present,
    });
    expect(expired.status).toBe(401);
    expect(failureCode(expired)).toBe('error.token.expired');
    const refreshed = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    // The access token never outlives the consent (120 minutes in total).
    expect((refreshed.json as Json).expires_in).toBeLessThanOrEqual(59 * 60);
    const { refresh_token: refreshToken } = refreshed.json as { refresh_token: string };
    await bank.admin('POST', '/clock', { advance_minutes: 60 });
    const afterConsent = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken },
    });
    expect(afterConsent.status).toBe(401);
    expect(failureCode(afterConsent)).toBe('error.token.expired');
  });

  it('revokes the consent: access and refresh tokens stop working', async () => {
    const tokens = await bank.connect();
    const revoked = await bank.call('POST', '/v5/authorize/token/revoke', {
      json: { token: tokens.refreshToken },
    });
    expect(revoked.status).toBe(200);
    const read = await bank.call('GET', '/v5/accounts', undefined, {
      bearer: tokens.accessToken,
      ...present,
    });
    expect(read.status).toBe(401);
    const refresh = await bank.call('POST', '/v5/authorize/token', {
      form: { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });

  it('enforces scopes with 403 error.resource.denied', async () => {
    const tokens = await bank.connect({ scope: ['ACCOUNTS_BASIC'] });
    const accounts = await bank.call('GET', '/v5/accounts', undefined, {
      bearer: tokens.accessToken,
      ...present,
    });
    expect(accounts.status).toBe(200);
    const first = ((body(accounts).response as Json).accounts as Json[])[0];
    expect(first).not.toHaveProperty('booked_balance');
    const transactions = await bank.call(
      'GET',
      `/v5/accounts/${String(first?._id)}/transactions`,
      undefined,
      {
        bearer: tokens.accessToken,
        ...present,
      },
    );
    expect(transactions.status).toBe(403);
    expect(failureCode(transactions)).toBe('error.resource.denied');
  });

  it('gives every consent a fresh customer unless the request names an existing one', async () => {
    const list = async (accessToken: string): Promise<string[]> => {
      const result = await bank.call('GET', '/v5/accounts', undefined, { bearer: accessToken, ...present });
      return ((body(result).response as Json).accounts as Json[]).map((account) => String(account._id));
    };
    const first = await list((await bank.connect()).accessToken);
    const second = await list((await bank.connect()).accessToken);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(second.some((id) => first.includes(id))).toBe(false);
    const named = await list((await bank.connect({ psu_id: 'saver-alice' })).accessToken);
    const namedAgain = await list((await bank.connect({ psu_id: 'saver-alice' })).accessToken);
    expect(namedAgain).toEqual(named);
  });

  it('lists what a token grants on /v4/assets', async () => {
    const tokens = await bank.connect();
    const result = await bank.call('GET', '/v4/assets', undefined, { bearer: tokens.accessToken });
    expect(result.status).toBe(200);
    expect((body(result).response as Json).scopes).toContain('ACCOUNTS_TRANSACTIONS');
    expect(((body(result).response as Json).accounts as Json[]).length).toBe(2);
  });
});

describe('consent page mode', () => {
  it('redirects to a consent page; approving continues to redirect_uri with code and state', async () => {
    const { simulator: paged, bank: pagedBank } = await startTestSimulator({ consentPage: true });
    try {
      const authorized = await pagedBank.call('POST', '/v5/authorize', {
        json: {
          country: 'DK',
          duration: 60,
          redirect_uri: REDIRECT_URI,
          scope: ['ACCOUNTS_BASIC'],
          state: 'st',
        },
      });
      expect(authorized.status).toBe(302);
      const pageUrl = authorized.headers.get('location') ?? '';
      expect(pageUrl.startsWith(`${paged.url}/__consent/`)).toBe(true);
      const page = await fetch(pageUrl);
      expect(await page.text()).toContain('Approve');
      const approved = await fetch(pageUrl, {
        method: 'POST',
        body: 'decision=approve&psu_id=',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        redirect: 'manual',
      });
      expect(approved.status).toBe(302);
      const back = new URL(approved.headers.get('location') ?? '');
      expect(back.searchParams.get('state')).toBe('st');
      const code = back.searchParams.get('code') ?? '';
      const exchanged = await pagedBank.call('POST', '/v5/authorize/token', {
        form: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
      });
      expect(exchanged.status).toBe(200);
      const skipped = await pagedBank.call(
        'POST',
        '/v5/authorize',
        {
          json: {
            country: 'DK',
            duration: 60,
            redirect_uri: REDIRECT_URI,
            scope: ['ACCOUNTS_BASIC'],
            state: 'x',
          },
        },
        { scenarios: 'AuthenticationSkipUI' },
      );
      expect(skipped.headers.get('location')?.startsWith(REDIRECT_URI)).toBe(true);
    } finally {
      await paged.close();
    }
  });
});
