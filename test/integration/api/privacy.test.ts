import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { expect, test } from 'vitest';
import { type ApiClient, followBankLink, refreshCookieOf, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

const password = 'a long and private phrase';

async function saverWithData() {
  const email = `private-${Math.random().toString(36).slice(2, 8)}@example.dk`;
  const signup = await api('POST', '/api/auth/signup', { body: { email, password } });
  const token = signup.body.accessToken as string;
  const goal = await api('POST', '/api/goals', {
    token,
    body: { name: 'Rome', targetMinor: 800_000, currency: 'DKK' },
  });
  await api('POST', '/api/rules', {
    token,
    body: { type: 'round-up', goalId: goal.body.id, roundToMinor: 1000, multiplier: 1 },
  });
  await followBankLink(api, token);
  return { email, token, cookie: refreshCookieOf(signup), saverId: (signup.body.user as { id: string }).id };
}

test('export holds all of the saver’s data and none of the secrets', async () => {
  const { email, token } = await saverWithData();
  const response = await api('GET', '/api/me/export', { token });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-disposition')).toContain('attachment');
  const body = response.body as Record<string, unknown[]> & { saver: { settings: { email: string } } };
  expect(body.saver.settings.email).toBe(email);
  expect(body.GOAL).toHaveLength(1);
  expect(body.RULE).toHaveLength(1);
  expect(body['bank-account']).toHaveLength(2);
  expect(body['bank-connection']).toHaveLength(1);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/passwordHash|scrypt\$|tokenSecretId|accessToken|refreshToken|"PK"|"SK"/);
});

test('erasure removes the saver, their sessions and their bank link, and frees the email', async () => {
  const { email, token, cookie, saverId } = await saverWithData();
  const secrets = new SecretsManagerClient({});
  const tokenSecret = new DescribeSecretCommand({ SecretId: `sparegris/bank-tokens/${saverId}` });
  expect((await secrets.send(tokenSecret)).Name).toBe(`sparegris/bank-tokens/${saverId}`);

  expect((await api('DELETE', '/api/me', { token })).status).toBe(204);

  await expect(secrets.send(tokenSecret)).rejects.toBeInstanceOf(ResourceNotFoundException);
  secrets.destroy();
  expect((await api('POST', '/api/auth/login', { body: { email, password } })).status).toBe(401);
  expect((await api('POST', '/api/auth/refresh', { cookie })).status).toBe(401);
  // The access token still verifies, but its saver is gone: it is refused at once, so nothing can
  // be written for an erased saver (no goal, no bank link) in the minutes before it expires.
  for (const [method, path] of [
    ['GET', '/api/me'],
    ['GET', '/api/goals'],
    ['POST', '/api/goals'],
    ['POST', '/api/bank/connect'],
    ['POST', '/api/habits'],
  ] as const) {
    expect((await api(method, path, { token, body: method === 'POST' ? {} : undefined })).status).toBe(401);
  }
  // The email can be used again.
  expect((await api('POST', '/api/auth/signup', { body: { email, password } })).status).toBe(201);
});
