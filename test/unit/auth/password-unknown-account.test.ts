import * as crypto from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { DEFAULT_SCRYPT_PARAMETERS, dummyPasswordHash, verifyPasswordOrDummy } from '#auth/password';

// Counts derivations instead of timing them: the unknown-account path must do the same work as a
// wrong password (one full derivation with the production parameters), whatever the machine's load.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, scrypt: vi.fn(original.scrypt) };
});

it('an unknown email costs the same derivation as a wrong password', async () => {
  const derivations = vi.mocked(crypto.scrypt);
  const costOf = (call: unknown[]) => {
    const options = call[3] as { N: number; r: number; p: number };
    return { keyLength: call[2], N: options.N, r: options.r, p: options.p };
  };

  expect(await verifyPasswordOrDummy('whatever they typed', undefined)).toBe(false);
  expect(derivations).toHaveBeenCalledTimes(1);
  const unknownAccount = costOf(derivations.mock.calls[0] as unknown[]);

  expect(await verifyPasswordOrDummy('whatever they typed', dummyPasswordHash())).toBe(false);
  expect(derivations).toHaveBeenCalledTimes(2);
  const wrongPassword = costOf(derivations.mock.calls[1] as unknown[]);

  expect(unknownAccount).toEqual(wrongPassword);
  expect(unknownAccount).toMatchObject({
    N: DEFAULT_SCRYPT_PARAMETERS.cost,
    r: DEFAULT_SCRYPT_PARAMETERS.blockSize,
    p: DEFAULT_SCRYPT_PARAMETERS.parallelization,
  });
});
