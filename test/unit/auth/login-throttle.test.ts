import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryThrottleStore } from '#auth/in-memory-throttle-store';
import {
  createLoginThrottle,
  DEFAULT_ACCOUNT_RULE,
  type LoginAttempt,
  lockoutSeconds,
  normalizeClientAddress,
  retryAfterSeconds,
  slidingWindowCount,
} from '#auth/login-throttle';

const MINUTE = 60_000;
// Just after a 15-minute boundary, so a test's failures fall inside one fixed window.
const START = new Date('2026-03-02T09:00:01.000Z');

let clock: Date;
let store: InMemoryThrottleStore;
const now = () => clock;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

beforeEach(() => {
  clock = START;
  store = new InMemoryThrottleStore(now);
});

const attempt = (email: string, clientAddress = '198.51.100.7'): LoginAttempt => ({ email, clientAddress });

async function fail(throttle: ReturnType<typeof createLoginThrottle>, login: LoginAttempt, times: number) {
  let last = await throttle.check(login);
  for (let i = 0; i < times; i += 1) last = await throttle.recordFailure(login);
  return last;
}

describe('per-account throttling', () => {
  it('allows 10 failures, then answers the 11th attempt with a Retry-After', async () => {
    const throttle = createLoginThrottle(store, { now });
    const login = attempt('ola@example.no');
    for (let i = 0; i < 9; i += 1) {
      expect(await throttle.check(login)).toEqual({ allowed: true });
      expect(await throttle.recordFailure(login)).toEqual({ allowed: true });
    }
    expect(await throttle.check(login)).toEqual({ allowed: true });
    expect(await throttle.recordFailure(login)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    advance(15_000);
    expect(await throttle.check(login)).toEqual({ allowed: false, retryAfterSeconds: 45 });
  });

  it('doubles the lockout on each further failure, up to the cap', async () => {
    const throttle = createLoginThrottle(store, { now });
    const login = attempt('ola@example.no');
    const lockouts: number[] = [];
    while (lockouts.length < 8) {
      expect(await throttle.check(login)).toEqual({ allowed: true });
      const after = await throttle.recordFailure(login);
      if (after.allowed) continue;
      lockouts.push(after.retryAfterSeconds);
      // Waiting out the lock: while failures are still in the sliding window, the next one locks again.
      advance(after.retryAfterSeconds * 1000);
    }
    expect(lockouts).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it('throttles by the email typed, case-insensitively, whether or not the account exists', async () => {
    const throttle = createLoginThrottle(store, { now });
    await fail(throttle, attempt('Nobody.Here@Example.no'), 10);
    expect((await throttle.check(attempt('nobody.here@example.no', '203.0.113.9'))).allowed).toBe(false);
  });

  it('forgets recent failures after a successful login', async () => {
    const throttle = createLoginThrottle(store, { now });
    const login = attempt('kari@example.no');
    await fail(throttle, login, 9);
    await throttle.recordSuccess(login);
    expect(await fail(throttle, login, 9)).toEqual({ allowed: true });
  });

  it('counts failures across a window boundary (sliding window)', async () => {
    const throttle = createLoginThrottle(store, { now });
    const login = attempt('per@example.no');
    clock = new Date('2026-03-02T09:14:00.000Z');
    await fail(throttle, login, 9);
    clock = new Date('2026-03-02T09:15:30.000Z');
    // 9 · (1 − 30/900) + 1 = 9.7: not yet ten.
    expect(await throttle.recordFailure(login)).toEqual({ allowed: true });
    expect(await throttle.recordFailure(login)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('lets failures age out once the sliding window has passed', async () => {
    const throttle = createLoginThrottle(store, { now });
    const login = attempt('per@example.no');
    await fail(throttle, login, 9);
    advance(31 * MINUTE);
    expect(await fail(throttle, login, 9)).toEqual({ allowed: true });
  });
});

describe('per-address throttling', () => {
  it('blocks an address that fails against many accounts, but not the accounts from elsewhere', async () => {
    const throttle = createLoginThrottle(store, { now });
    for (let i = 0; i < 50; i += 1)
      await throttle.recordFailure(attempt(`victim${i}@example.no`, '192.0.2.66'));
    const fromAttacker = await throttle.check(attempt('fresh@example.no', '192.0.2.66'));
    expect(fromAttacker).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(await throttle.check(attempt('victim1@example.no', '198.51.100.20'))).toEqual({ allowed: true });
  });

  it('treats a whole IPv6 /64 as one client', async () => {
    const throttle = createLoginThrottle(store, {
      now,
      address: { ...DEFAULT_ACCOUNT_RULE, maxFailures: 3 },
    });
    await throttle.recordFailure(attempt('a@example.no', '2001:db8:1:2::1'));
    await throttle.recordFailure(attempt('b@example.no', '2001:db8:1:2:aaaa::2'));
    await throttle.recordFailure(attempt('c@example.no', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect((await throttle.check(attempt('d@example.no', '2001:db8:1:2::99'))).allowed).toBe(false);
    expect((await throttle.check(attempt('d@example.no', '2001:db8:1:3::1'))).allowed).toBe(true);
  });

  it('stores neither emails nor addresses in readable form', async () => {
    const throttle = createLoginThrottle(store, { now });
    await fail(throttle, attempt('ola.nordmann@example.no', '198.51.100.7'), 10);
    const dump = JSON.stringify([...store.items.keys()]);
    expect(dump).not.toContain('ola');
    expect(dump).not.toContain('198.51');
  });
});

describe('throttle arithmetic', () => {
  it('lockoutSeconds doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 7, 8, 50].map((strike) => lockoutSeconds(strike, DEFAULT_ACCOUNT_RULE))).toEqual([
      60, 120, 240, 3600, 3600, 3600,
    ]);
  });

  it('slidingWindowCount weighs the previous window by its remaining overlap', () => {
    const quarterInto = new Date(Math.floor(START.getTime() / 900_000) * 900_000 + 225_000);
    expect(slidingWindowCount(2, 8, quarterInto, 900)).toBe(8);
    expect(slidingWindowCount(0, 0, quarterInto, 900)).toBe(0);
  });

  it('retryAfterSeconds rounds up and is at least 1', () => {
    expect(retryAfterSeconds(new Date(START.getTime() + 1500), START)).toBe(2);
    expect(retryAfterSeconds(new Date(START.getTime() + 1), START)).toBe(1);
    expect(retryAfterSeconds(START, START)).toBe(1);
  });

  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['2001:DB8:0:0:1::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not an address', 'unparsed:not an address'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeClientAddress(input)).toBe(expected);
  });
});
