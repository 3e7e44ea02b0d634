import { describe, expect, test } from 'vitest';
import { demoLogin } from '#local/seed';
import { type ApiClient, refreshCookieOf, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

const uniqueEmail = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}@example.dk`;
const strongPassword = 'correct horse battery staple';

describe('sign-up', () => {
  test('creates a saver, returns an access token and sets the refresh cookie', async () => {
    const email = uniqueEmail('ann');
    const response = await api('POST', '/api/auth/signup', { body: { email, password: strongPassword } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ expiresIn: 900, user: { email } });
    expect(response.body.accessToken).toEqual(expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/));
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(
      /^__Host-sparegris_refresh=[\w-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=\d+$/,
    );

    const me = await api('GET', '/api/me', { token: response.body.accessToken as string });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      email,
      balanceFloorMinor: 100_000,
      monthlyBudgetMinor: null,
      minimumTransferMinor: 5_000,
      paused: false,
      timeZone: 'Europe/Copenhagen',
      locale: 'da-DK',
      currency: 'DKK',
    });
  });

  test('refuses an email that is taken, in any letter case', async () => {
    const email = uniqueEmail('bo');
    expect(
      (await api('POST', '/api/auth/signup', { body: { email, password: strongPassword } })).status,
    ).toBe(201);
    const again = await api('POST', '/api/auth/signup', {
      body: { email: email.toUpperCase(), password: strongPassword },
    });
    expect(again.status).toBe(409);
  });

  test('refuses common and short passwords with 422 and the reason', async () => {
    const common = await api('POST', '/api/auth/signup', {
      body: { email: uniqueEmail('c'), password: 'password123456' },
    });
    expect(common.status).toBe(422);
    expect(common.body.errors).toEqual([
      expect.objectContaining({ pointer: '/password', code: 'breached_password' }),
    ]);
    const short = await api('POST', '/api/auth/signup', {
      body: { email: uniqueEmail('d'), password: 'short' },
    });
    expect(short.status).toBe(422);
  });

  test('refuses unknown fields such as a role (API3/API5: no mass assignment)', async () => {
    const response = await api('POST', '/api/auth/signup', {
      body: { email: uniqueEmail('e'), password: strongPassword, role: 'admin' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ detail: 'Unknown field(s): role.' })]);
  });
});

describe('login', () => {
  test('the seeded demo saver can log in', async () => {
    const response = await api('POST', '/api/auth/login', { body: demoLogin });
    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ email: demoLogin.email });
  });

  test('a wrong password and an unknown email get the same answer', async () => {
    const wrong = await api('POST', '/api/auth/login', {
      body: { email: demoLogin.email, password: 'not the password at all' },
    });
    const unknown = await api('POST', '/api/auth/login', {
      body: { email: uniqueEmail('nobody'), password: strongPassword },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect({ ...wrong.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
  });

  test('locks an account after repeated failures with 429 and Retry-After', { timeout: 60_000 }, async () => {
    const email = uniqueEmail('target');
    await api('POST', '/api/auth/signup', { body: { email, password: strongPassword } });
    let response = await api('POST', '/api/auth/login', {
      body: { email, password: 'wrong password number 0' },
    });
    for (let attempt = 1; attempt < 12 && response.status !== 429; attempt += 1) {
      response = await api('POST', '/api/auth/login', {
        body: { email, password: `wrong password number ${attempt}` },
      });
    }
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right password waits out the lock.
    expect((await api('POST', '/api/auth/login', { body: { email, password: strongPassword } })).status).toBe(
      429,
    );
  });
});

describe('sessions', () => {
  test('refresh rotates the cookie; reusing an old one ends the whole session', async () => {
    const login = await api('POST', '/api/auth/login', { body: demoLogin });
    const first = refreshCookieOf(login);
    const refreshed = await api('POST', '/api/auth/refresh', { cookie: first });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ accessToken: expect.any(String), expiresIn: 900 });
    const second = refreshCookieOf(refreshed);
    expect(second).not.toBe(first);

    const replay = await api('POST', '/api/auth/refresh', { cookie: first });
    expect(replay.status).toBe(401);
    expect(replay.headers.getSetCookie()[0]).toContain('Max-Age=0');
    expect((await api('POST', '/api/auth/refresh', { cookie: second })).status).toBe(401);
  });

  test('logout ends the session and clears the cookie', async () => {
    const cookie = refreshCookieOf(await api('POST', '/api/auth/login', { body: demoLogin }));
    const logout = await api('POST', '/api/auth/logout', { cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toContain('Max-Age=0');
    expect((await api('POST', '/api/auth/refresh', { cookie })).status).toBe(401);
  });

  test('refresh without a cookie is 401', async () => {
    expect((await api('POST', '/api/auth/refresh')).status).toBe(401);
  });
});

describe('access tokens', () => {
  test('saver endpoints refuse missing, malformed and tampered tokens', async () => {
    const { body } = await api('POST', '/api/auth/login', { body: demoLogin });
    const token = body.accessToken as string;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`;

    for (const attempt of [undefined, 'garbage', forged, noneAlg]) {
      const response = await api('GET', '/api/me', attempt === undefined ? {} : { token: attempt });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await api('GET', '/api/me', { token })).status).toBe(200);
  });
});
