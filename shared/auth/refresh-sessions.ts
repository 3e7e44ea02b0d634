import { createHash, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from './clock.ts';

/**
 * Refresh sessions (ASVS 5 7.3, 10.4.5/10.4.8, 11.5.1): opaque 256-bit tokens stored only as
 * SHA-256 hashes, grouped in a family per login, rotated on every use. Presenting a token that was
 * already rotated means a copy exists somewhere else, so the whole family is revoked.
 */
export const REFRESH_TOKEN_BYTES = 32;
export const DEFAULT_ABSOLUTE_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
export const DEFAULT_IDLE_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type FamilyRevocationReason = 'logout' | 'reuse' | 'revoke_all';

/** One login: every token rotated out of it shares its id, subject and absolute end. */
export interface RefreshFamilyRecord {
  readonly familyId: string;
  readonly subject: string;
  readonly createdAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly revokedAt?: Date;
  readonly revocationReason?: FamilyRevocationReason;
}

export interface RefreshTokenRecord {
  /** base64url SHA-256 of the token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly familyId: string;
  readonly subject: string;
  readonly issuedAt: Date;
  /** Idle expiry, never later than the family's absolute expiry. */
  readonly expiresAt: Date;
  /**
   * Keep the item (DynamoDB TTL) until the family's absolute expiry even after it is rotated:
   * reuse can only be detected while the rotated token is still on record.
   */
  readonly retainUntil: Date;
  readonly rotatedAt?: Date;
  readonly replacedByHash?: string;
}

/**
 * Storage port. Every write is a single-item conditional write (no transactions); reads must be
 * strongly consistent, or a token rotated a moment ago could look unused.
 */
export interface RefreshSessionStore {
  /** Create unless it exists (`attribute_not_exists` on the key). Resolves false when it already exists. */
  createFamily(family: RefreshFamilyRecord): Promise<boolean>;
  getFamily(subject: string, familyId: string): Promise<RefreshFamilyRecord | undefined>;
  /**
   * Set revokedAt and revocationReason unless already revoked
   * (`attribute_exists(key) AND attribute_not_exists(revokedAt)`); a failed condition is not an error.
   */
  revokeFamily(
    subject: string,
    familyId: string,
    revokedAt: Date,
    reason: FamilyRevocationReason,
  ): Promise<void>;
  /** Ids of the subject's families, revoked or not (a Query on the saver's partition). */
  listFamilyIds(subject: string): Promise<string[]>;
  /** Create unless it exists (`attribute_not_exists` on the key). Resolves false when it already exists. */
  putToken(token: RefreshTokenRecord): Promise<boolean>;
  getTokenByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Set rotatedAt and replacedByHash only if the token exists and is not rotated yet
   * (`attribute_exists(key) AND attribute_not_exists(rotatedAt)`). Resolves false when the condition
   * fails: another request rotated it first, which the caller treats as reuse.
   */
  markTokenRotated(
    tokenHash: string,
    rotation: { rotatedAt: Date; replacedByHash: string },
  ): Promise<boolean>;
}

export interface RefreshGrant {
  /** The opaque token for the cookie; shown once, never stored. */
  readonly refreshToken: string;
  readonly familyId: string;
  readonly subject: string;
  readonly expiresAt: Date;
  /** For the cookie's Max-Age. */
  readonly maxAgeSeconds: number;
}

export type RefreshFailureReason = 'unknown' | 'expired' | 'revoked' | 'reused';

export type RefreshResult =
  | { readonly ok: true; readonly grant: RefreshGrant }
  | { readonly ok: false; readonly reason: Exclude<RefreshFailureReason, 'reused'> }
  /** Reuse names the subject whose sessions were just ended, for the audit trail. */
  | { readonly ok: false; readonly reason: 'reused'; readonly subject: string };

export interface RefreshSessionOptions {
  readonly now?: Clock;
  readonly absoluteLifetimeSeconds?: number;
  readonly idleLifetimeSeconds?: number;
}

export interface RefreshSessions {
  /** After a successful login or signup: a new family and its first token. */
  start(subject: string): Promise<RefreshGrant>;
  /** Trade a token for its successor; any failure means 401 and clearing the cookie. */
  rotate(presentedToken: string): Promise<RefreshResult>;
  /** Ends the presented token's family, whatever state the token is in. Idempotent. */
  logout(presentedToken: string): Promise<void>;
  /** Ends every family of the subject (password change, account disabled or erased). */
  revokeAll(subject: string): Promise<void>;
}

export function generateRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

export function isWellFormedRefreshToken(token: string): boolean {
  return REFRESH_TOKEN_PATTERN.test(token);
}

/** The token has 256 bits of entropy, so a plain (unsalted, fast) hash is enough to make a leaked table useless. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

export function createRefreshSessions(
  store: RefreshSessionStore,
  options: RefreshSessionOptions = {},
): RefreshSessions {
  const now = options.now ?? systemClock;
  const absoluteLifetimeSeconds = options.absoluteLifetimeSeconds ?? DEFAULT_ABSOLUTE_LIFETIME_SECONDS;
  const idleLifetimeSeconds = options.idleLifetimeSeconds ?? DEFAULT_IDLE_LIFETIME_SECONDS;

  async function issueToken(family: RefreshFamilyRecord, issuedAt: Date): Promise<RefreshGrant> {
    const refreshToken = generateRefreshToken();
    const expiresAt = earlier(addSeconds(issuedAt, idleLifetimeSeconds), family.absoluteExpiresAt);
    const created = await store.putToken({
      tokenHash: hashRefreshToken(refreshToken),
      familyId: family.familyId,
      subject: family.subject,
      issuedAt,
      expiresAt,
      retainUntil: family.absoluteExpiresAt,
    });
    // 256 random bits do not collide; if they did, handing out a token we do not own would be worse than failing.
    if (!created) throw new Error('Refresh token hash collision');
    return {
      refreshToken,
      familyId: family.familyId,
      subject: family.subject,
      expiresAt,
      maxAgeSeconds: Math.max(0, Math.floor((expiresAt.getTime() - issuedAt.getTime()) / 1000)),
    };
  }

  async function findToken(presentedToken: string): Promise<RefreshTokenRecord | undefined> {
    if (typeof presentedToken !== 'string' || !isWellFormedRefreshToken(presentedToken)) return undefined;
    return store.getTokenByHash(hashRefreshToken(presentedToken));
  }

  return {
    async start(subject) {
      if (subject.length === 0) throw new Error('A refresh session needs a subject');
      const createdAt = now();
      const family: RefreshFamilyRecord = {
        familyId: randomBytes(16).toString('base64url'),
        subject,
        createdAt,
        absoluteExpiresAt: addSeconds(createdAt, absoluteLifetimeSeconds),
      };
      // Family first: a crash before the token leaves an empty family, never a token without one.
      if (!(await store.createFamily(family))) throw new Error('Refresh family id collision');
      return issueToken(family, createdAt);
    },

    async rotate(presentedToken) {
      const token = await findToken(presentedToken);
      if (!token) return { ok: false, reason: 'unknown' };
      const family = await store.getFamily(token.subject, token.familyId);
      if (!family) return { ok: false, reason: 'unknown' };
      if (family.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
      const at = now();
      if (at.getTime() >= family.absoluteExpiresAt.getTime()) return { ok: false, reason: 'expired' };
      if (token.rotatedAt !== undefined) {
        await store.revokeFamily(family.subject, family.familyId, at, 'reuse');
        return { ok: false, reason: 'reused', subject: family.subject };
      }
      if (at.getTime() >= token.expiresAt.getTime()) return { ok: false, reason: 'expired' };

      // Successor before marking: a crash in between leaves the old token usable (the client retries)
      // instead of rotated-without-successor, which would look like reuse and log the saver out.
      const grant = await issueToken(family, at);
      const rotated = await store.markTokenRotated(token.tokenHash, {
        rotatedAt: at,
        replacedByHash: hashRefreshToken(grant.refreshToken),
      });
      if (!rotated) {
        // Someone else rotated the same token concurrently: two holders of one token.
        await store.revokeFamily(family.subject, family.familyId, at, 'reuse');
        return { ok: false, reason: 'reused', subject: family.subject };
      }
      // A logout, reuse revocation or erasure may have landed between our first read and the rotation.
      const after = await store.getFamily(family.subject, family.familyId);
      if (!after || after.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
      return { ok: true, grant };
    },

    async logout(presentedToken) {
      const token = await findToken(presentedToken);
      if (!token) return;
      await store.revokeFamily(token.subject, token.familyId, now(), 'logout');
    },

    async revokeAll(subject) {
      const at = now();
      for (const familyId of await store.listFamilyIds(subject)) {
        await store.revokeFamily(subject, familyId, at, 'revoke_all');
      }
    },
  };
}
