import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMETERS,
  hashPassword,
  needsRehash,
  PasswordHashFormatError,
  parsePasswordHash,
  type ScryptParameters,
  verifyPassword,
  verifyPasswordOrDummy,
} from '#auth/password';

/** Cheap parameters for tests that exercise logic, not cost. */
const FAST: ScryptParameters = {
  cost: 2 ** 10,
  blockSize: 8,
  parallelization: 1,
  keyLength: 32,
  saltLength: 16,
};

describe('password hashing with the production parameters', () => {
  it('stores N=2^17, r=8, p=1, a 16-byte salt and a 32-byte hash, and round-trips', async () => {
    const stored = await hashPassword('violet harbour lanterns');
    expect(stored).toMatch(/^scrypt\$v=1\$N=131072,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parsePasswordHash(stored);
    expect(parsed.parameters).toEqual(DEFAULT_SCRYPT_PARAMETERS);
    expect(parsed.parameters.cost).toBeGreaterThanOrEqual(2 ** 17);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword('violet harbour lanterns', stored)).toBe(true);
    expect(await verifyPassword('violet harbour lantern', stored)).toBe(false);
  });
});

describe('password hashing logic', () => {
  it('derives exactly what the stored parameters say', async () => {
    const stored = await hashPassword('granite otters drift', { parameters: FAST });
    const { salt, hash, parameters } = parsePasswordHash(stored);
    const expected = scryptSync('granite otters drift', salt, parameters.keyLength, {
      N: parameters.cost,
      r: parameters.blockSize,
      p: parameters.parallelization,
    });
    expect(hash.equals(expected)).toBe(true);
  });

  it('uses a fresh salt for every hash', async () => {
    const [first, second] = await Promise.all([
      hashPassword('same password twice', { parameters: FAST }),
      hashPassword('same password twice', { parameters: FAST }),
    ]);
    expect(first).not.toBe(second);
  });

  it('treats canonically equivalent Unicode as the same password (NFC)', async () => {
    const stored = await hashPassword('café au lait, s\u00e6r', { parameters: FAST });
    expect(await verifyPassword('cafe\u0301 au lait, s\u00e6r', stored)).toBe(true);
  });

  it('verifyPasswordOrDummy checks the real hash when there is one', async () => {
    const stored = await hashPassword('a real saver password', { parameters: FAST });
    expect(await verifyPasswordOrDummy('a real saver password', stored)).toBe(true);
    expect(await verifyPasswordOrDummy('not the password', stored)).toBe(false);
    expect(await verifyPasswordOrDummy('a real saver password', undefined, { parameters: FAST })).toBe(false);
  });

  it('asks for a rehash when any stored parameter is weaker than the target', async () => {
    const weak = await hashPassword('upgrade me later please', { parameters: FAST });
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(weak, FAST)).toBe(false);
    expect(needsRehash(weak, { ...FAST, keyLength: 48 })).toBe(true);
    const { salt, hash } = parsePasswordHash(weak);
    const stronger = `scrypt$v=1$N=262144,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${hash
      .toString('base64')
      .replace(/=+$/, '')}`;
    expect(needsRehash(stronger)).toBe(false);
  });

  it('runs many derivations at once without failing', async () => {
    const hashes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => hashPassword(`parallel password ${i}`, { parameters: FAST })),
    );
    const results = await Promise.all(
      hashes.map((stored, i) => verifyPassword(`parallel password ${i}`, stored)),
    );
    expect(results).toEqual([true, true, true, true, true, true]);
  });
});

describe('stored hash format', () => {
  const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
  const hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

  it('parses a well-formed string', () => {
    const parsed = parsePasswordHash(`scrypt$v=1$N=16384,r=8,p=1$${salt}$${hash}`);
    expect(parsed.parameters).toEqual({
      cost: 16384,
      blockSize: 8,
      parallelization: 1,
      keyLength: 32,
      saltLength: 16,
    });
  });

  it.each([
    ['empty', ''],
    ['another algorithm', `argon2id$v=19$m=19456,t=2,p=1$${salt}$${hash}`],
    ['unknown version', `scrypt$v=2$N=131072,r=8,p=1$${salt}$${hash}`],
    ['N not a power of two', `scrypt$v=1$N=131071,r=8,p=1$${salt}$${hash}`],
    ['N absurdly large', `scrypt$v=1$N=16777216,r=8,p=1$${salt}$${hash}`],
    ['r zero', `scrypt$v=1$N=16384,r=0,p=1$${salt}$${hash}`],
    ['parameters reordered', `scrypt$v=1$r=8,N=16384,p=1$${salt}$${hash}`],
    ['salt too short', `scrypt$v=1$N=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAA$${hash}`],
    ['padded base64', `scrypt$v=1$N=16384,r=8,p=1$${salt}==$${hash}`],
    ['non-canonical base64', `scrypt$v=1$N=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAB$${hash}`],
    ['url-safe alphabet', `scrypt$v=1$N=16384,r=8,p=1$${salt}$${hash.slice(0, -1)}_`],
    ['extra segment', `scrypt$v=1$N=16384,r=8,p=1$${salt}$${hash}$AAAA`],
    ['trailing newline', `scrypt$v=1$N=16384,r=8,p=1$${salt}$${hash}\n`],
  ])('rejects %s', (_label, stored) => {
    expect(() => parsePasswordHash(stored)).toThrow(PasswordHashFormatError);
  });

  it('refuses to verify against a malformed hash instead of answering false', async () => {
    await expect(verifyPassword('anything at all', 'plaintext-password')).rejects.toThrow(
      PasswordHashFormatError,
    );
  });

  it('refuses parameters it cannot safely run', async () => {
    await expect(
      hashPassword('whatever password', { parameters: { ...FAST, saltLength: 8 } }),
    ).rejects.toThrow(PasswordHashFormatError);
  });
});
