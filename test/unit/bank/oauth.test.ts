import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAuthorizationCallback } from '#bank/authorization';
import { NordeaClient } from '#bank/client';
import {
  BankAuthorizationError,
  BankConsentRevokedError,
  BankCredentialsError,
  BankResponseError,
  OAuthStateMismatchError,
} from '#bank/errors';
import { saverPresent, UNATTENDED } from '#bank/transport';
import {
  type FakeNordea,
  gatewayError,
  nordeaError,
  startFakeNordea,
  TEST_REDIRECT_URI,
} from './fake-nordea.ts';

const STATE = 'state-0123456789abcdef';
const present = { context: saverPresent('203.0.113.7', 'Mozilla/5.0 (test)') };
const unattended = { context: UNATTENDED };
const authorizeRequest = {
  state: STATE,
  scopes: ['ACCOUNTS_BASIC', 'ACCOUNTS_BALANCES', 'ACCOUNTS_TRANSACTIONS', 'PAYMENTS_MULTIPLE'] as const,
  durationMinutes: 129_600,
};

describe('redirect OAuth', () => {
  let bank: FakeNordea;
  let client: NordeaClient;

  beforeAll(async () => {
    bank = await startFakeNordea();
    client = new NordeaClient(bank.configFor(), { now: () => new Date('2024-02-01T10:00:00Z') });
  });
  beforeEach(() => {
    bank.requests.length = 0;
  });
  afterAll(() => bank.close());

  it('posts /v5/authorize, reads the 302 without following it and returns the sandbox code', async () => {
    bank.on('POST /personal/v5/authorize', (request) => {
      const body = JSON.parse(request.body) as { state: string; redirect_uri: string };
      return { status: 302, headers: { Location: `${body.redirect_uri}?code=code-123&state=${body.state}` } };
    });
    const start = await client.startAuthorization(authorizeRequest, present);
    expect(start.code).toBe('code-123');
    expect(start.redirectUrl).toBe(`${TEST_REDIRECT_URI}?code=code-123&state=${STATE}`);
    expect(bank.requests).toHaveLength(1);
    const sent = JSON.parse(bank.requests[0]?.body ?? '') as Record<string, unknown>;
    expect(sent).toEqual({
      country: 'DK',
      duration: 129_600,
      redirect_uri: TEST_REDIRECT_URI,
      scope: ['ACCOUNTS_BASIC', 'ACCOUNTS_BALANCES', 'ACCOUNTS_TRANSACTIONS', 'PAYMENTS_MULTIPLE'],
      state: STATE,
    });
    expect(bank.requests[0]?.headers['x-nordea-originating-user-ip']).toBe('203.0.113.7');
    expect(bank.requests[0]?.headers['x-nordea-originating-user-agent']).toBe('Mozilla/5.0 (test)');
  });

  it('returns the login page for the browser when the bank redirects elsewhere (production)', async () => {
    bank.on('POST /personal/v5/authorize', {
      status: 302,
      headers: { Location: 'https://identify.nordea.com/authorize?session=abc' },
    });
    const start = await client.startAuthorization(authorizeRequest, present);
    expect(start).toEqual({
      redirectUrl: 'https://identify.nordea.com/authorize?session=abc',
      code: undefined,
    });
  });

  it('refuses to send the browser anywhere but Nordea or back to us', async () => {
    for (const location of [
      'https://evil.example/authorize?session=abc',
      'http://identify.nordea.com/authorize',
      'https://identify.nordea.com.evil.example/authorize',
      'https://user:pass@identify.nordea.com/authorize',
      'javascript:alert(1)',
    ]) {
      bank.on('POST /personal/v5/authorize', { status: 302, headers: { Location: location } });
      await expect(client.startAuthorization(authorizeRequest, present)).rejects.toThrow(BankResponseError);
    }
  });

  it('refuses a redirect back whose state differs from ours', async () => {
    bank.on('POST /personal/v5/authorize', {
      status: 302,
      headers: { Location: `${TEST_REDIRECT_URI}?code=code-123&state=forged-state-000000` },
    });
    await expect(client.startAuthorization(authorizeRequest, present)).rejects.toBeInstanceOf(
      OAuthStateMismatchError,
    );
  });

  it('checks state on the callback, before looking at code or error', () => {
    expect(parseAuthorizationCallback(`${TEST_REDIRECT_URI}?code=c1&state=${STATE}`, STATE)).toBe('c1');
    expect(() =>
      parseAuthorizationCallback(new URLSearchParams({ code: 'c1', state: 'other' }), STATE),
    ).toThrow(OAuthStateMismatchError);
    expect(() => parseAuthorizationCallback(new URLSearchParams({ code: 'c1' }), STATE)).toThrow(
      OAuthStateMismatchError,
    );
    expect(() =>
      parseAuthorizationCallback(new URLSearchParams({ error: 'access_denied', state: STATE }), STATE),
    ).toThrow(BankAuthorizationError);
    expect(() => parseAuthorizationCallback(new URLSearchParams({ state: STATE }), STATE)).toThrow(
      BankAuthorizationError,
    );
  });

  it('refuses an authorize answer without a redirect', async () => {
    bank.on('POST /personal/v5/authorize', { status: 200, body: {} });
    await expect(client.startAuthorization(authorizeRequest, present)).rejects.toMatchObject({
      name: 'BankResponseError',
    });
    bank.on('POST /personal/v5/authorize', { status: 302 });
    await expect(client.startAuthorization(authorizeRequest, present)).rejects.toBeInstanceOf(
      BankAuthorizationError,
    );
  });

  it('refuses bad authorize requests before sending them', async () => {
    await expect(
      client.startAuthorization({ ...authorizeRequest, scopes: ['ACCOUNTS_BALANCES'] }, present),
    ).rejects.toThrow(/ACCOUNTS_BASIC/);
    await expect(
      client.startAuthorization({ ...authorizeRequest, state: 'short' }, present),
    ).rejects.toThrow();
    expect(bank.requests).toHaveLength(0);
  });

  it('exchanges the code for a token set with an absolute expiry', async () => {
    bank.on('POST /personal/v5/authorize/token', {
      status: 200,
      body: { access_token: 'acc', refresh_token: 'ref', expires_in: 3600, token_type: 'Bearer' },
    });
    const tokens = await client.exchangeCode('code-123', present);
    expect(tokens).toEqual({
      accessToken: 'acc',
      refreshToken: 'ref',
      accessTokenExpiresAt: Date.parse('2024-02-01T11:00:00Z'),
    });
  });

  it('reports a refused code as an authorization error', async () => {
    bank.on('POST /personal/v5/authorize/token', nordeaError(400, 'error.code.invalid'));
    await expect(client.exchangeCode('used-code', present)).rejects.toBeInstanceOf(BankAuthorizationError);
    bank.on('POST /personal/v5/authorize/token', nordeaError(401, 'error.token.invalid'));
    await expect(client.exchangeCode('used-code', present)).rejects.toBeInstanceOf(BankAuthorizationError);
    bank.on('POST /personal/v5/authorize/token', nordeaError(401, 'error.signature.invalid'));
    await expect(client.exchangeCode('code', present)).rejects.toBeInstanceOf(BankCredentialsError);
  });

  it('refreshes with grant_type=refresh_token in alphabetical form order', async () => {
    bank.on('POST /personal/v5/authorize/token', {
      status: 200,
      body: { access_token: 'acc2', refresh_token: 'ref2', expires_in: '3600', token_type: 'bearer' },
    });
    const tokens = await client.refreshTokens('ref1', unattended);
    expect(tokens.refreshToken).toBe('ref2');
    expect(bank.requests.at(-1)?.body).toBe('grant_type=refresh_token&refresh_token=ref1');
    expect(bank.requests.at(-1)?.headers['x-nordea-originating-user-ip']).toBeUndefined();
    expect(bank.requests.at(-1)?.headers['x-nordea-originating-user-agent']).toBeUndefined();
  });

  it('maps a refused refresh token to consent revoked, and bad app credentials to a credentials error', async () => {
    bank.on('POST /personal/v5/authorize/token', nordeaError(401, 'error.token.invalid'));
    await expect(client.refreshTokens('spent', unattended)).rejects.toBeInstanceOf(BankConsentRevokedError);
    bank.on(
      'POST /personal/v5/authorize/token',
      gatewayError(401, 'Unauthorized', 'Invalid client id or secret.'),
    );
    await expect(client.refreshTokens('ref', unattended)).rejects.toBeInstanceOf(BankCredentialsError);
  });

  it('refuses token answers that are not token sets', async () => {
    for (const body of [
      { access_token: 'a', expires_in: 3600, token_type: 'Bearer' },
      { access_token: 'a', refresh_token: 'r', expires_in: -1, token_type: 'Bearer' },
      { access_token: 'a', refresh_token: 'r', expires_in: 3600, token_type: 'MAC' },
      { access_token: 7, refresh_token: 'r', expires_in: 3600, token_type: 'Bearer' },
    ]) {
      bank.on('POST /personal/v5/authorize/token', { status: 200, body });
      await expect(client.refreshTokens('ref', unattended)).rejects.toMatchObject({
        name: 'BankResponseError',
      });
    }
  });

  it('revokes with the refresh token as JSON', async () => {
    bank.on('POST /personal/v5/authorize/token/revoke', { status: 204 });
    await client.revokeToken('ref-to-revoke', present);
    expect(JSON.parse(bank.requests.at(-1)?.body ?? '')).toEqual({ token: 'ref-to-revoke' });
  });
});
