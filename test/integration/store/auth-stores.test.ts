import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLoginThrottle } from '#auth/login-throttle';
import { createRefreshSessions } from '#auth/refresh-sessions';
import { DynamoRefreshSessionStore } from '#store/refresh-session-store';
import { DynamoThrottleStore } from '#store/throttle-store';
import { startTestTable, type TestTable } from '#test/support/dynalite';

let table: TestTable;
let now = new Date('2026-11-28T10:00:00Z');
const clock = () => now;
const advance = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.close();
});

describe('refresh sessions on DynamoDB', () => {
  const sessions = () =>
    createRefreshSessions(new DynamoRefreshSessionStore(table.client, table.tableName), { now: clock });

  test('rotate on every use; the old token then no longer works', async () => {
    const first = await sessions().start('saver-1');
    const rotated = await sessions().rotate(first.refreshToken);
    expect(rotated.ok).toBe(true);
    if (!rotated.ok) return;
    expect(rotated.grant.familyId).toBe(first.familyId);
    expect(rotated.grant.refreshToken).not.toBe(first.refreshToken);
    expect(await sessions().rotate(first.refreshToken)).toEqual({
      ok: false,
      reason: 'reused',
      subject: expect.any(String),
    });
  });

  test('reuse of a rotated token revokes the whole family', async () => {
    const first = await sessions().start('saver-2');
    const second = await sessions().rotate(first.refreshToken);
    if (!second.ok) throw new Error('rotation failed');
    expect((await sessions().rotate(first.refreshToken)).ok).toBe(false);
    expect(await sessions().rotate(second.grant.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
  });

  test('two concurrent rotations of one token: at most one wins', async () => {
    const first = await sessions().start('saver-3');
    const results = await Promise.all([
      sessions().rotate(first.refreshToken),
      sessions().rotate(first.refreshToken),
    ]);
    expect(results.filter((result) => result.ok).length).toBeLessThanOrEqual(1);
  });

  test('logout and revokeAll end families', async () => {
    const a = await sessions().start('saver-4');
    const b = await sessions().start('saver-4');
    await sessions().logout(a.refreshToken);
    expect((await sessions().rotate(a.refreshToken)).ok).toBe(false);
    expect((await sessions().rotate(b.refreshToken)).ok).toBe(true);
    const c = await sessions().start('saver-4');
    await sessions().revokeAll('saver-4');
    expect((await sessions().rotate(c.refreshToken)).ok).toBe(false);
  });

  test('an unknown token is refused', async () => {
    expect(await sessions().rotate('A'.repeat(43))).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('login throttling on DynamoDB', () => {
  const throttle = () =>
    createLoginThrottle(new DynamoThrottleStore(table.client, table.tableName, clock), {
      now: clock,
      account: {
        maxFailures: 3,
        windowSeconds: 600,
        baseLockoutSeconds: 60,
        maxLockoutSeconds: 3600,
        strikeWindowSeconds: 86400,
      },
    });
  const attempt = { email: 'ann@example.com', clientAddress: '203.0.113.7' };

  test('locks an account after repeated failures, across instances, and unlocks after the lockout', async () => {
    for (let failure = 0; failure < 3; failure += 1) await throttle().recordFailure(attempt);
    const blocked = await throttle().check({ ...attempt, clientAddress: '198.51.100.1' });
    expect(blocked.allowed).toBe(false);
    if (!blocked.allowed) expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    advance(3600);
    expect((await throttle().check(attempt)).allowed).toBe(true);
  });

  test('does not lock other accounts', async () => {
    expect((await throttle().check({ email: 'bob@example.com', clientAddress: '203.0.113.8' })).allowed).toBe(
      true,
    );
  });
});
