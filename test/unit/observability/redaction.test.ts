import { afterEach, describe, expect, test, vi } from 'vitest';
import { logger } from '#observability/powertools';
import { redactText } from '#observability/redaction';

const JWT =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJzYXZlci0xIiwiYXVkIjoic3BhcmVncmlzLWFwaSJ9.c2lnbmF0dXJl';
const EMAIL = 'mette.hansen+savings@example.dk';
const IBAN = 'DK5000400440116243';
const BBAN = '30000001234567';

/** What the shared logger writes for one call, as the parsed JSON line. */
function logged(write: () => void): { line: string; item: Record<string, unknown> } {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const console = ['log', 'info', 'warn', 'error'].map((method) =>
    vi.spyOn(globalThis.console, method as 'log').mockImplementation((...args) => capture(args.join(' '))),
  );
  // The suite runs with logging silenced (vitest.config.ts); this test needs the real output.
  logger.setLogLevel('INFO');
  try {
    write();
  } finally {
    logger.setLogLevel('SILENT');
  }
  for (const spy of [stdout, stderr, ...console]) spy.mockRestore();
  const line = chunks.join('').trim();
  return { line, item: JSON.parse(line) as Record<string, unknown> };
}

afterEach(() => vi.restoreAllMocks());

describe('log redaction', () => {
  test('tokens, emails and account numbers never reach the logs', () => {
    const { line, item } = logged(() =>
      logger.error('bank call failed', {
        saverId: '6f1c1a52-0d5e-4c4e-9a8b-446655440000',
        headers: { Authorization: `Bearer ${JWT}`, 'set-cookie': 'sg_refresh=abc; HttpOnly', accept: 'json' },
        body: { access_token: 'opaque-access', refresh_token: 'opaque-refresh', expires_in: 3600 },
        email: EMAIL,
        account: { iban: IBAN, bban: BBAN, name: 'Lønkonto' },
        password: 'correct horse battery staple',
        clientSecret: 'nordea-client-secret',
        error: new Error(`401 for ${EMAIL} with token ${JWT} on account ${IBAN}`),
      }),
    );
    for (const secret of [
      JWT,
      EMAIL,
      IBAN,
      BBAN,
      'opaque-access',
      'opaque-refresh',
      'sg_refresh=abc',
      'correct horse',
      'nordea-client-secret',
    ]) {
      expect(line).not.toContain(secret);
    }
    // What helps an operator stays: ids, field names, non-secret values, the last four digits.
    expect(item).toMatchObject({
      message: 'bank call failed',
      saverId: '6f1c1a52-0d5e-4c4e-9a8b-446655440000',
      headers: { Authorization: '[redacted]', 'set-cookie': '[redacted]', accept: 'json' },
      body: { access_token: '[redacted]', refresh_token: '[redacted]', expires_in: 3600 },
      email: '[email]',
      account: { iban: '[account …6243]', bban: '[account …4567]', name: 'Lønkonto' },
      password: '[redacted]',
    });
    expect((item.error as { message: string }).message).toBe(
      '401 for [email] with token [token] on account [account …6243]',
    );
  });

  test('text rules leave ids, dates, amounts and ordinary words alone', () => {
    for (const harmless of [
      'transfer tr_6f1c1a52 paid 2026-11-28T15:12:33.000Z',
      'amount 1234567.50 DKK',
      'request 1-5759e988-bd862e3fe1be46a994272793',
      '6f1c1a52-0d5e-4c4e-9a8b-446655440000',
      'consent expires in 89 days',
    ]) {
      expect(redactText(harmless)).toBe(harmless);
    }
    expect(redactText('IBAN DK50 0040 0440 1162 43 booked')).toBe('IBAN [account …6243] booked');
    expect(redactText('Basic dXNlcjpwYXNz')).toBe('Basic [redacted]');
  });
});
