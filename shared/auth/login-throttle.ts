import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { type Clock, systemClock } from './clock.ts';

/**
 * Login throttling per account and per client address (ASVS 5 6.1.1/6.3.1, API2): a sliding-window
 * count of failures; reaching the limit locks the scope, and each further lock within the strike
 * window doubles in length up to a cap. State lives behind ThrottleStore so it holds across Lambda
 * instances. The account is throttled by the email typed, whether or not such an account exists,
 * so the answer does not reveal which emails are registered.
 */
export interface ThrottleRule {
  /** Failures within one window (sliding estimate) that trigger a lockout. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly baseLockoutSeconds: number;
  readonly maxLockoutSeconds: number;
  /** How long earlier lockouts count towards doubling the next one. */
  readonly strikeWindowSeconds: number;
}

export const DEFAULT_ACCOUNT_RULE: ThrottleRule = Object.freeze({
  maxFailures: 10,
  windowSeconds: 15 * 60,
  baseLockoutSeconds: 60,
  maxLockoutSeconds: 60 * 60,
  strikeWindowSeconds: 24 * 60 * 60,
});

/** Looser than per account: many people can share one address (offices, carrier NAT). */
export const DEFAULT_ADDRESS_RULE: ThrottleRule = Object.freeze({
  maxFailures: 50,
  windowSeconds: 15 * 60,
  baseLockoutSeconds: 60,
  maxLockoutSeconds: 60 * 60,
  strikeWindowSeconds: 24 * 60 * 60,
});

/**
 * Storage port. Keys are built here and are unique per window, so `expiresAt` only drives cleanup
 * (DynamoDB TTL); because TTL deletion is lazy, reads must treat items past `expiresAt` as absent.
 */
export interface ThrottleStore {
  /**
   * Atomically add 1 (creating the counter at 1) and return the new count. DynamoDB: UpdateItem
   * `ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)`, ReturnValues UPDATED_NEW.
   */
  increment(key: string, expiresAt: Date): Promise<number>;
  /** The counter's value, 0 when absent or expired. */
  getCount(key: string): Promise<number>;
  /** The end of the lock on key, undefined when none. */
  getLockedUntil(key: string): Promise<Date | undefined>;
  /**
   * Lock key until `until` unless it is already locked longer. DynamoDB: UpdateItem
   * `SET #lockedUntil = :until, #expiresAt = :until` with ConditionExpression
   * `attribute_not_exists(#lockedUntil) OR #lockedUntil < :until`; a failed condition is success.
   */
  raiseLock(key: string, until: Date): Promise<void>;
  /** Remove the item if present. */
  delete(key: string): Promise<void>;
}

export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface LoginAttempt {
  readonly email: string;
  readonly clientAddress: string;
}

export interface LoginThrottle {
  /** Before verifying a password: blocked means answer 429 with Retry-After and do not verify. */
  check(attempt: LoginAttempt): Promise<ThrottleDecision>;
  /** After a wrong password or unknown email; returns the state the next attempt will meet. */
  recordFailure(attempt: LoginAttempt): Promise<ThrottleDecision>;
  /** After a correct password: forgets the account's recent failures (the lockout history stays). */
  recordSuccess(attempt: Pick<LoginAttempt, 'email'>): Promise<void>;
}

export interface LoginThrottleOptions {
  readonly now?: Clock;
  readonly account?: ThrottleRule;
  readonly address?: ThrottleRule;
}

const ALLOWED: ThrottleDecision = Object.freeze({ allowed: true });

export function windowIndex(at: Date, windowSeconds: number): number {
  return Math.floor(at.getTime() / 1000 / windowSeconds);
}

/**
 * Sliding-window estimate: the current fixed window's count plus the previous window's count
 * weighted by how much of it still overlaps the sliding window ending now.
 */
export function slidingWindowCount(
  current: number,
  previous: number,
  at: Date,
  windowSeconds: number,
): number {
  const elapsedFraction = (at.getTime() / 1000 / windowSeconds) % 1;
  return current + previous * (1 - elapsedFraction);
}

/** Lockout for the n-th strike (1-based): base · 2^(n−1), capped. */
export function lockoutSeconds(strike: number, rule: ThrottleRule): number {
  const exponent = Math.min(Math.max(strike, 1) - 1, 30);
  return Math.min(rule.baseLockoutSeconds * 2 ** exponent, rule.maxLockoutSeconds);
}

export function retryAfterSeconds(lockedUntil: Date, at: Date): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - at.getTime()) / 1000));
}

function expandIpv6(address: string): number[] {
  let text = address;
  let embeddedIpv4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    embeddedIpv4 = [(a << 8) | b, (c << 8) | d];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const headGroups = parse(head);
  const tailGroups = rest === undefined ? [] : parse(rest);
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<number>(Math.max(0, missing)).fill(0), ...tailGroups];
  if (embeddedIpv4.length === 2) groups.splice(6, 2, ...embeddedIpv4);
  return groups;
}

/**
 * One throttle scope per IPv4 address and per IPv6 /64 (a single subscriber usually holds a whole /64).
 * IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function normalizeClientAddress(address: string): string {
  const trimmed =
    address
      .trim()
      .replace(/^\[|\]$/g, '')
      .split('%')[0] ?? '';
  if (isIPv4(trimmed)) return trimmed;
  if (!isIPv6(trimmed)) return `unparsed:${trimmed.toLowerCase()}`;
  const groups = expandIpv6(trimmed.toLowerCase());
  const isIpv4Mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isIpv4Mapped) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

export function normalizeEmailForThrottle(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** Hashed so the throttle table holds no readable emails or addresses. */
function scopeId(kind: 'account' | 'address', value: string): string {
  return `${kind}:${createHash('sha256').update(value, 'utf8').digest('base64url')}`;
}

interface Scope {
  readonly id: string;
  readonly rule: ThrottleRule;
}

export function createLoginThrottle(store: ThrottleStore, options: LoginThrottleOptions = {}): LoginThrottle {
  const now = options.now ?? systemClock;
  const accountRule = options.account ?? DEFAULT_ACCOUNT_RULE;
  const addressRule = options.address ?? DEFAULT_ADDRESS_RULE;

  const accountScope = (email: string): Scope => ({
    id: scopeId('account', normalizeEmailForThrottle(email)),
    rule: accountRule,
  });
  const addressScope = (clientAddress: string): Scope => ({
    id: scopeId('address', normalizeClientAddress(clientAddress)),
    rule: addressRule,
  });
  const scopesOf = (attempt: LoginAttempt): Scope[] => [
    accountScope(attempt.email),
    addressScope(attempt.clientAddress),
  ];

  const failureKey = (scope: Scope, index: number) => `throttle#${scope.id}#failures#${index}`;
  const strikeKey = (scope: Scope, index: number) => `throttle#${scope.id}#strikes#${index}`;
  const lockKey = (scope: Scope) => `throttle#${scope.id}#lock`;

  async function lockedUntil(scope: Scope, at: Date): Promise<Date | undefined> {
    const until = await store.getLockedUntil(lockKey(scope));
    return until !== undefined && until.getTime() > at.getTime() ? until : undefined;
  }

  function decide(locks: Array<Date | undefined>, at: Date): ThrottleDecision {
    const latest = locks.reduce<Date | undefined>(
      (max, lock) => (lock !== undefined && (max === undefined || lock > max) ? lock : max),
      undefined,
    );
    return latest === undefined
      ? ALLOWED
      : { allowed: false, retryAfterSeconds: retryAfterSeconds(latest, at) };
  }

  async function recordScopeFailure(scope: Scope, at: Date): Promise<Date | undefined> {
    const { rule } = scope;
    const index = windowIndex(at, rule.windowSeconds);
    // Kept two windows so the next window can still weigh it in.
    const counterExpiry = new Date((index + 2) * rule.windowSeconds * 1000);
    const [current, previous] = await Promise.all([
      store.increment(failureKey(scope, index), counterExpiry),
      store.getCount(failureKey(scope, index - 1)),
    ]);
    if (slidingWindowCount(current, previous, at, rule.windowSeconds) < rule.maxFailures) {
      return lockedUntil(scope, at);
    }
    const strikeIndex = windowIndex(at, rule.strikeWindowSeconds);
    const strikeExpiry = new Date((strikeIndex + 1) * rule.strikeWindowSeconds * 1000);
    const strike = await store.increment(strikeKey(scope, strikeIndex), strikeExpiry);
    const until = new Date(at.getTime() + lockoutSeconds(strike, rule) * 1000);
    await store.raiseLock(lockKey(scope), until);
    return until;
  }

  return {
    async check(attempt) {
      const at = now();
      const locks = await Promise.all(scopesOf(attempt).map((scope) => lockedUntil(scope, at)));
      return decide(locks, at);
    },

    async recordFailure(attempt) {
      const at = now();
      const locks = await Promise.all(scopesOf(attempt).map((scope) => recordScopeFailure(scope, at)));
      return decide(locks, at);
    },

    async recordSuccess(attempt) {
      const scope = accountScope(attempt.email);
      const index = windowIndex(now(), scope.rule.windowSeconds);
      await Promise.all([store.delete(failureKey(scope, index)), store.delete(failureKey(scope, index - 1))]);
    },
  };
}
