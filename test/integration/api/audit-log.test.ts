import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { auditLogLevel } from '#observability/audit';
import { type ApiClient, followBankLink, refreshCookieOf, withTestSystem } from '#test/support/local-system';

const local = withTestSystem();
const api: ApiClient = (...args) => local.api(...args);

interface AuditLine {
  audit: true;
  event: string;
  saverId?: string;
  ip?: string;
}

/**
 * The audit trail as the functions write it: the suite silences logging, so the trail is turned on
 * and the console (where Powertools writes in dev mode) is read.
 */
let written: string[] = [];
beforeEach(() => {
  written = [];
  auditLogLevel('INFO');
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => {
  auditLogLevel('SILENT');
  vi.restoreAllMocks();
});

const auditTrail = (): AuditLine[] =>
  written
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((item): item is Record<string, unknown> & AuditLine => item.audit === true);

describe('the audit log', () => {
  test('security events are written to the audit log without secrets', async () => {
    const { token, email, password, saverId, signup } = await local.newSaver('audit');
    const firstCookie = refreshCookieOf(signup) ?? '';

    const wrong = await api('POST', '/api/auth/login', { body: { email, password: `${password}!` } });
    expect(wrong.status).toBe(401);
    const login = await api('POST', '/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);

    // The sign-up's refresh token, rotated once and then shown again: reuse ends its family.
    expect((await api('POST', '/api/auth/refresh', { cookie: firstCookie })).status).toBe(200);
    expect((await api('POST', '/api/auth/refresh', { cookie: firstCookie })).status).toBe(401);

    const { callback } = await followBankLink(api, token);
    expect(callback.headers.get('location')).toContain('bank=linked');
    expect((await api('DELETE', '/api/bank', { token })).status).toBe(204);
    expect((await api('DELETE', '/api/me', { token })).status).toBe(204);

    const trail = auditTrail();
    expect(trail.map((line) => line.event)).toEqual([
      'signup',
      'login-failed',
      'login',
      'refresh-token-reuse',
      'bank-linked',
      'bank-unlinked',
      'account-erased',
    ]);
    for (const line of trail) expect(line.saverId).toBe(saverId);
    for (const event of [
      'signup',
      'login-failed',
      'login',
      'bank-linked',
      'bank-unlinked',
      'account-erased',
    ]) {
      expect(trail.find((line) => line.event === event)?.ip).toBe('127.0.0.1');
    }

    // Nothing secret or personal beyond the id and address: not the email, password, tokens or cookies.
    const everything = written.join('\n');
    const loginToken = login.body.accessToken as string;
    for (const secret of [email, password, token, loginToken, firstCookie.split('=')[1] ?? 'x']) {
      expect(everything).not.toContain(secret);
    }
  });

  test('log out everywhere ends every session of the saver', async () => {
    const { token, email, password, saverId, signup } = await local.newSaver('everywhere');
    const phone = refreshCookieOf(signup) ?? '';
    const laptopLogin = await api('POST', '/api/auth/login', { body: { email, password } });
    const laptop = refreshCookieOf(laptopLogin) ?? '';
    const stranger = await local.newSaver('bystander');
    const strangerCookie = refreshCookieOf(stranger.signup) ?? '';

    // Tokens of the very second of the logout stay valid (so a login right after works): step past it.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50));
    const laptopToken = laptopLogin.body.accessToken as string;
    const everywhere = await api('POST', '/api/auth/logout-all', { token });
    expect(everywhere.status).toBe(204);
    // Access tokens issued before are refused at once, not when they expire.
    expect((await api('GET', '/api/me', { token: laptopToken })).status).toBe(401);
    expect((await api('GET', '/api/me', { token })).status).toBe(401);
    expect((await api('GET', '/api/me', { token: stranger.token })).status).toBe(200);
    expect(everywhere.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);

    // Neither device can get a new access token; another saver's session is untouched.
    expect((await api('POST', '/api/auth/refresh', { cookie: phone })).status).toBe(401);
    expect((await api('POST', '/api/auth/refresh', { cookie: laptop })).status).toBe(401);
    expect((await api('POST', '/api/auth/refresh', { cookie: strangerCookie })).status).toBe(200);
    // Logging in again works and starts a fresh session.
    const again = await api('POST', '/api/auth/login', { body: { email, password } });
    expect((await api('POST', '/api/auth/refresh', { cookie: refreshCookieOf(again) ?? '' })).status).toBe(
      200,
    );
    expect((await api('GET', '/api/me', { token: again.body.accessToken as string })).status).toBe(200);
    // Without a valid access token there is nothing to end.
    expect((await api('POST', '/api/auth/logout-all', {})).status).toBe(401);

    expect(auditTrail().filter((line) => line.event === 'logout-everywhere')).toEqual([
      expect.objectContaining({ saverId }),
    ]);
  });
});
