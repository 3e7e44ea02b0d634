import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryRefreshSessionStore } from '#auth/in-memory-refresh-session-store';
import {
  createRefreshSessions,
  generateRefreshToken,
  hashRefreshToken,
  type RefreshGrant,
  type RefreshResult,
} from '#auth/refresh-sessions';

const HOUR = 3_600_000;
const START = new Date('2026-03-01T08:00:00.000Z');

let clock: Date;
let store: InMemoryRefreshSessionStore;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

function sessions(options: { absoluteLifetimeSeconds?: number; idleLifetimeSeconds?: number } = {}) {
  return createRefreshSessions(store, { now: () => clock, ...options });
}

function grantOf(result: RefreshResult): RefreshGrant {
  if (!result.ok) throw new Error(`expected a grant, got ${result.reason}`);
  return result.grant;
}

beforeEach(() => {
  clock = START;
  store = new InMemoryRefreshSessionStore();
});

describe('refresh tokens', () => {
  it('are 32 random bytes in base64url, stored only as their SHA-256', async () => {
    const token = generateRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashRefreshToken(token)).toBe(createHash('sha256').update(token).digest('base64url'));

    const grant = await sessions().start('saver-1');
    const stored = JSON.stringify([...store.tokens.values(), ...store.families.values()]);
    expect(stored).not.toContain(grant.refreshToken);
    expect(store.tokens.has(hashRefreshToken(grant.refreshToken))).toBe(true);
  });

  it('starts a new family on every login', async () => {
    const first = await sessions().start('saver-1');
    const second = await sessions().start('saver-1');
    expect(first.familyId).not.toBe(second.familyId);
    expect(first.refreshToken).not.toBe(second.refreshToken);
  });
});

describe('rotation', () => {
  it('trades each token for a new one in the same family', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    advance(HOUR);
    const second = grantOf(await service.rotate(first.refreshToken));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second).toMatchObject({ familyId: first.familyId, subject: 'saver-1' });
    advance(HOUR);
    const third = grantOf(await service.rotate(second.refreshToken));
    expect(third.familyId).toBe(first.familyId);
    expect(store.tokens.get(hashRefreshToken(first.refreshToken))?.replacedByHash).toBe(
      hashRefreshToken(second.refreshToken),
    );
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    const second = grantOf(await service.rotate(first.refreshToken));

    expect(await service.rotate(first.refreshToken)).toEqual({
      ok: false,
      reason: 'reused',
      subject: expect.any(String),
    });
    expect(await service.rotate(second.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
    const family = await store.getFamily('saver-1', first.familyId);
    expect(family?.revocationReason).toBe('reuse');

    const otherLogin = await service.start('saver-1');
    expect((await service.rotate(otherLogin.refreshToken)).ok).toBe(true);
  });

  it('lets at most one of two concurrent rotations of the same token win, and then revokes the family', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    const results = await Promise.all([
      service.rotate(first.refreshToken),
      service.rotate(first.refreshToken),
    ]);
    expect(results.filter((result) => result.ok).length).toBeLessThanOrEqual(1);
    expect(results.some((result) => !result.ok && result.reason === 'reused')).toBe(true);
    for (const result of results) {
      if (result.ok) expect((await service.rotate(result.grant.refreshToken)).ok).toBe(false);
    }
  });

  it('leaves the old token usable when a crash hits between issuing the successor and marking the old one', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    const markSpy = vi.spyOn(store, 'markTokenRotated').mockRejectedValueOnce(new Error('connection reset'));
    await expect(service.rotate(first.refreshToken)).rejects.toThrow('connection reset');
    markSpy.mockRestore();
    expect((await service.rotate(first.refreshToken)).ok).toBe(true);
  });

  it('does not hand out a successor when the family is revoked while the rotation is in flight', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    const markTokenRotated = store.markTokenRotated.bind(store);
    vi.spyOn(store, 'markTokenRotated').mockImplementationOnce(async (hash, rotation) => {
      await service.logout(first.refreshToken);
      return markTokenRotated(hash, rotation);
    });
    expect(await service.rotate(first.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('answers unknown for junk and unknown tokens without touching the store for junk', async () => {
    const service = sessions();
    const lookup = vi.spyOn(store, 'getTokenByHash');
    for (const junk of ['', 'abc', `${generateRefreshToken()}=`, 'é'.repeat(43)]) {
      expect(await service.rotate(junk)).toEqual({ ok: false, reason: 'unknown' });
    }
    expect(lookup).not.toHaveBeenCalled();
    expect(await service.rotate(generateRefreshToken())).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('lifetimes', () => {
  it('ends the session at the absolute lifetime even when it was rotated recently', async () => {
    const service = sessions({ absoluteLifetimeSeconds: 48 * 3600, idleLifetimeSeconds: 24 * 3600 });
    let grant = await service.start('saver-1');
    expect(grant.maxAgeSeconds).toBe(24 * 3600);
    for (let i = 0; i < 2; i += 1) {
      advance(20 * HOUR);
      grant = grantOf(await service.rotate(grant.refreshToken));
    }
    // 40 h in: the idle window would reach 64 h, but the cookie and the token stop at 48 h.
    expect(grant.maxAgeSeconds).toBe(8 * 3600);
    expect(grant.expiresAt).toEqual(new Date(START.getTime() + 48 * HOUR));
    advance(8 * HOUR);
    expect(await service.rotate(grant.refreshToken)).toEqual({ ok: false, reason: 'expired' });
  });

  it('ends a session left unused for longer than the idle lifetime', async () => {
    const service = sessions({ idleLifetimeSeconds: 3600 });
    const grant = await service.start('saver-1');
    advance(HOUR - 1000);
    const next = grantOf(await service.rotate(grant.refreshToken));
    advance(HOUR);
    expect(await service.rotate(next.refreshToken)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps rotated tokens on record until the family ends, so late reuse is still caught', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    grantOf(await service.rotate(first.refreshToken));
    const record = store.tokens.get(hashRefreshToken(first.refreshToken));
    expect(record?.rotatedAt).toEqual(START);
    expect(record?.expiresAt).toEqual(new Date(START.getTime() + 7 * 24 * HOUR));
    expect(record?.retainUntil).toEqual(new Date(START.getTime() + 30 * 24 * HOUR));
  });
});

describe('logout and revocation', () => {
  it('logout ends the family; the token no longer refreshes', async () => {
    const service = sessions();
    const grant = await service.start('saver-1');
    await service.logout(grant.refreshToken);
    expect(await service.rotate(grant.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
    expect((await store.getFamily('saver-1', grant.familyId))?.revocationReason).toBe('logout');
  });

  it('logout with a missing or junk token is a no-op', async () => {
    const service = sessions();
    await expect(service.logout('')).resolves.toBeUndefined();
    await expect(service.logout(generateRefreshToken())).resolves.toBeUndefined();
  });

  it('logout keeps the first recorded reason', async () => {
    const service = sessions();
    const first = await service.start('saver-1');
    grantOf(await service.rotate(first.refreshToken));
    await service.rotate(first.refreshToken);
    await service.logout(first.refreshToken);
    expect((await store.getFamily('saver-1', first.familyId))?.revocationReason).toBe('reuse');
  });

  it('revokeAll ends every session of the saver and no one else’s', async () => {
    const service = sessions();
    const phone = await service.start('saver-1');
    const laptop = await service.start('saver-1');
    const someoneElse = await service.start('saver-2');
    await service.revokeAll('saver-1');
    expect(await service.rotate(phone.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(await service.rotate(laptop.refreshToken)).toEqual({ ok: false, reason: 'revoked' });
    expect((await service.rotate(someoneElse.refreshToken)).ok).toBe(true);
  });
});
