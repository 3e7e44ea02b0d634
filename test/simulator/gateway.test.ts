import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  body,
  CLIENT_ID,
  generateRsaKeys,
  type Json,
  REDIRECT_URI,
  startTestSimulator,
  TestBank,
} from './helpers.ts';

const keys = generateRsaKeys();
const otherKeys = generateRsaKeys();
let simulator: Awaited<ReturnType<typeof startTestSimulator>>['simulator'];
let bank: TestBank;
let signedBank: TestBank;

beforeAll(async () => {
  ({ simulator, bank } = await startTestSimulator({
    apps: [
      { clientId: CLIENT_ID, clientSecret: 'sparegris-local-secret', publicKeyPem: keys.publicKeyPem },
      {
        clientId: 'strict-app',
        clientSecret: 'strict-secret',
        publicKeyPem: keys.publicKeyPem,
        allowSkipSignature: false,
      },
    ],
  }));
  signedBank = new TestBank(simulator.url, { privateKeyPem: keys.privateKeyPem });
});
afterAll(async () => {
  await simulator.close();
});

function failureCodes(result: { json: unknown }): string[] {
  const error = (result.json as { error?: { failures?: Array<{ code: string }> } }).error;
  return (error?.failures ?? []).map((failure) => failure.code);
}

describe('IBM gateway', () => {
  it('refuses an unknown client id or a wrong secret in the gateway shape', async () => {
    for (const options of [{ clientId: 'nobody' }, { clientSecret: 'wrong' }]) {
      const result = await bank.call('GET', '/v5/accounts', undefined, options);
      expect(result.status).toBe(401);
      expect(result.json).toEqual({
        httpCode: '401',
        httpMessage: 'Unauthorized',
        moreInformation: 'Invalid client id or secret.',
      });
    }
  });

  it('answers a missing client id with Nordea error.apikey.missing', async () => {
    const result = await bank.call('GET', '/v5/accounts', undefined, { headers: { 'X-IBM-Client-Id': '' } });
    expect(result.status).toBe(401);
    expect(failureCodes(result)).toEqual(['error.apikey.missing']);
    expect(body(result).group_header).toMatchObject({ http_code: 401 });
  });

  it('answers unknown paths with 404 and wrong methods with 405 in the gateway shape', async () => {
    const missing = await bank.call('GET', '/v5/nothing-here');
    expect(missing.status).toBe(404);
    expect(body(missing).httpCode).toBe('404');
    const wrongMethod = await bank.call('GET', '/v5/authorize');
    expect(wrongMethod.status).toBe(405);
    expect(body(wrongMethod).httpMessage).toBe('Method Not Allowed');
  });

  it('requires the originating host and date headers', async () => {
    const result = await bank.call('GET', '/v5/accounts', undefined, {
      headers: { 'X-Nordea-Originating-Host': '' },
    });
    expect(result.status).toBe(400);
    expect((body(result).error as Json).failures).toEqual([
      expect.objectContaining({ code: 'error.validation', path: 'X-Nordea-Originating-Host' }),
    ]);
  });
});

describe('signatures', () => {
  it('accepts a correct rsa-sha256 signature over a GET and over a JSON body', async () => {
    const { accessToken } = await signedBank.connect();
    const accounts = await signedBank.call('GET', '/v5/accounts?language=en', undefined, {
      bearer: accessToken,
      userIp: '10.0.0.1',
    });
    expect(accounts.status).toBe(200);
  });

  it('accepts a correct signature over a form body with alphabetically ordered keys', async () => {
    const authorized = await signedBank.call('POST', '/v5/authorize', {
      json: {
        country: 'DK',
        duration: 60,
        redirect_uri: REDIRECT_URI,
        scope: ['ACCOUNTS_BASIC'],
        state: 's',
      },
    });
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchanged = await signedBank.call('POST', '/v5/authorize/token', {
      form: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI },
    });
    expect(exchanged.status).toBe(200);
  });

  it('refuses a signature made with the wrong key (401 error.signature.invalid)', async () => {
    const result = await signedBank.call('GET', '/v5/accounts', undefined, {
      privateKeyPem: otherKeys.privateKeyPem,
    });
    expect(result.status).toBe(401);
    expect(failureCodes(result)).toEqual(['error.signature.invalid']);
    expect((body(result).error as Json).request).toEqual({ url: '/v5/accounts' });
  });

  it('refuses a keyId that is not the client id', async () => {
    const result = await signedBank.call('GET', '/v5/accounts', undefined, { keyId: 'someone-else' });
    expect(result.status).toBe(401);
    expect(JSON.stringify(result.json)).toContain(
      "KeyId claim doesn't match to Client Id from X-IBM-Client-Id header.",
    );
  });

  it('refuses a digest that does not match the body, signed or skipped', async () => {
    const json = { json: { token: 'x' } };
    const wrongDigest = 'sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
    for (const client of [signedBank, bank]) {
      const result = await client.call('POST', '/v5/authorize/token/revoke', json, { digest: wrongDigest });
      expect(result.status).toBe(401);
      expect(failureCodes(result)).toEqual(['error.signature.invalid']);
    }
  });

  it('refuses a request whose signed Content-Type changed after signing', async () => {
    const result = await signedBank.call(
      'POST',
      '/v5/authorize/token/revoke',
      { json: { token: 'x' } },
      {
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
      },
    );
    expect(result.status).toBe(401);
  });

  it('refuses form keys out of alphabetical order', async () => {
    const payload = 'grant_type=refresh_token&refresh_token=abc';
    const reversed = 'refresh_token=abc&grant_type=refresh_token';
    expect(payload < reversed).toBe(true);
    const response = await fetch(`${simulator.url}/personal/v5/authorize/token`, {
      method: 'POST',
      headers: {
        'X-IBM-Client-Id': CLIENT_ID,
        'X-IBM-Client-Secret': 'sparegris-local-secret',
        'X-Nordea-Originating-Host': 'api.nordeaopenbanking.com',
        'X-Nordea-Originating-Date': new Date().toUTCString(),
        'Content-Type': 'application/x-www-form-urlencoded',
        Signature: 'SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX',
      },
      body: reversed,
    });
    expect(response.status).toBe(401);
  });

  it('accepts the sandbox skip value only for apps that allow it', async () => {
    const skipped = await bank.call('POST', '/v5/authorize/token/revoke', { json: { token: 'unknown' } });
    expect(skipped.status).toBe(200);
    const strict = await bank.call(
      'POST',
      '/v5/authorize/token/revoke',
      { json: { token: 'unknown' } },
      {
        clientId: 'strict-app',
        clientSecret: 'strict-secret',
      },
    );
    expect(strict.status).toBe(401);
    const strictSigned = await signedBank.call(
      'POST',
      '/v5/authorize/token/revoke',
      { json: { token: 'unknown' } },
      {
        clientId: 'strict-app',
        clientSecret: 'strict-secret',
      },
    );
    expect(strictSigned.status).toBe(200);
  });
});
