import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (ASVS 5 11.4.2 / Appendix C: N ≥ 2^17, r = 8, p = 1).
 *
 * Stored form, self-describing so the parameters can be raised later without a migration:
 *   scrypt$v=1$N=131072,r=8,p=1$<salt, base64 unpadded>$<hash, base64 unpadded>
 * The hash length in the string is the key length used.
 */
export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelization: number;
  readonly keyLength: number;
  readonly saltLength: number;
}

export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = Object.freeze({
  cost: 2 ** 17,
  blockSize: 8,
  parallelization: 1,
  keyLength: 32,
  saltLength: 16,
});

export interface ParsedPasswordHash {
  readonly version: number;
  readonly parameters: ScryptParameters;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export class PasswordHashFormatError extends Error {
  override readonly name = 'PasswordHashFormatError';
}

const CURRENT_FORMAT_VERSION = 1;
const MIN_SALT_BYTES = 16;
const MIN_HASH_BYTES = 16;
const MAX_SALT_OR_HASH_BYTES = 64;
// Bounds on what a stored string may ask for, so a corrupted or planted hash cannot make one
// verification allocate gigabytes or spin for minutes.
const MAX_COST = 2 ** 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELIZATION = 16;
const MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

const HASH_PATTERN =
  /^scrypt\$v=(\d{1,3})\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/;
const CANONICAL_BASE64 = /^[A-Za-z0-9+/]*$/;

function isPowerOfTwo(value: number): boolean {
  return Number.isSafeInteger(value) && value > 1 && (value & (value - 1)) === 0;
}

/** Memory OpenSSL needs for these parameters: 128·r·(N + 2) for V plus 128·r·p for B. */
function requiredMemoryBytes(parameters: ScryptParameters): number {
  const { cost, blockSize, parallelization } = parameters;
  return 128 * blockSize * (cost + 2) + 128 * blockSize * parallelization;
}

export function assertValidParameters(parameters: ScryptParameters): void {
  const { cost, blockSize, parallelization, keyLength, saltLength } = parameters;
  const problems: string[] = [];
  if (!isPowerOfTwo(cost) || cost > MAX_COST) problems.push(`N must be a power of two ≤ ${MAX_COST}`);
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE)
    problems.push('r out of range');
  if (!Number.isInteger(parallelization) || parallelization < 1 || parallelization > MAX_PARALLELIZATION) {
    problems.push('p out of range');
  }
  if (!Number.isInteger(keyLength) || keyLength < MIN_HASH_BYTES || keyLength > MAX_SALT_OR_HASH_BYTES) {
    problems.push('key length out of range');
  }
  if (!Number.isInteger(saltLength) || saltLength < MIN_SALT_BYTES || saltLength > MAX_SALT_OR_HASH_BYTES) {
    problems.push('salt length out of range');
  }
  if (problems.length === 0 && requiredMemoryBytes(parameters) > MAX_MEMORY_BYTES) {
    problems.push('parameters need too much memory');
  }
  if (problems.length > 0)
    throw new PasswordHashFormatError(`Invalid scrypt parameters: ${problems.join('; ')}`);
}

function decodeBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  // Buffer.from silently skips junk; re-encoding proves the text was canonical.
  if (!CANONICAL_BASE64.test(text) || bytes.toString('base64').replace(/=+$/, '') !== text) {
    throw new PasswordHashFormatError(`The ${what} is not canonical base64`);
  }
  return bytes;
}

function encodeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

export function parsePasswordHash(stored: string): ParsedPasswordHash {
  const match = HASH_PATTERN.exec(stored);
  if (!match) throw new PasswordHashFormatError('Not a scrypt password hash in the expected format');
  const [, versionText, costText, blockSizeText, parallelizationText, saltText, hashText] =
    match as unknown as [string, string, string, string, string, string, string];
  const version = Number(versionText);
  if (version !== CURRENT_FORMAT_VERSION) {
    throw new PasswordHashFormatError(`Unsupported password hash version ${version}`);
  }
  const salt = decodeBase64(saltText, 'salt');
  const hash = decodeBase64(hashText, 'hash');
  const parameters: ScryptParameters = {
    cost: Number(costText),
    blockSize: Number(blockSizeText),
    parallelization: Number(parallelizationText),
    keyLength: hash.length,
    saltLength: salt.length,
  };
  assertValidParameters(parameters);
  return { version, parameters, salt, hash };
}

export function formatPasswordHash(parsed: Omit<ParsedPasswordHash, 'version'>): string {
  const { cost, blockSize, parallelization } = parsed.parameters;
  return [
    'scrypt',
    `v=${CURRENT_FORMAT_VERSION}`,
    `N=${cost},r=${blockSize},p=${parallelization}`,
    encodeBase64(parsed.salt),
    encodeBase64(parsed.hash),
  ].join('$');
}

/**
 * The same password can arrive as different code point sequences (é precomposed or as e + ◌́);
 * NFC makes them hash alike. The policy counts length on the same normalised form.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/**
 * Each scrypt call holds ~128 MiB while it runs on the libuv pool; bounding how many run at once
 * keeps a burst of logins from exhausting Lambda memory or starving other pool work (fs, dns).
 */
const MAX_CONCURRENT_DERIVATIONS = 2;
let runningDerivations = 0;
const waitingDerivations: Array<() => void> = [];

async function withDerivationSlot<T>(work: () => Promise<T>): Promise<T> {
  if (runningDerivations >= MAX_CONCURRENT_DERIVATIONS) {
    await new Promise<void>((resolve) => waitingDerivations.push(resolve));
  } else {
    runningDerivations += 1;
  }
  try {
    return await work();
  } finally {
    const next = waitingDerivations.shift();
    // The slot passes straight to the next waiter, so the running count stays unchanged.
    if (next) next();
    else runningDerivations -= 1;
  }
}

function deriveKey(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const options = {
    N: parameters.cost,
    r: parameters.blockSize,
    p: parameters.parallelization,
    // Node's default maxmem is 32 MiB, below what N = 2^17, r = 8 needs (128 MiB).
    maxmem: requiredMemoryBytes(parameters) + 1024 * 1024,
  };
  return withDerivationSlot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(
          Buffer.from(normalizePassword(password), 'utf8'),
          salt,
          parameters.keyLength,
          options,
          (error, key) => (error ? reject(error) : resolve(key)),
        );
      }),
  );
}

export interface HashOptions {
  /** Only for tests that do not test the parameters themselves; production uses the defaults. */
  readonly parameters?: ScryptParameters;
}

export async function hashPassword(password: string, options: HashOptions = {}): Promise<string> {
  const parameters = options.parameters ?? DEFAULT_SCRYPT_PARAMETERS;
  assertValidParameters(parameters);
  const salt = randomBytes(parameters.saltLength);
  const hash = await deriveKey(password, salt, parameters);
  return formatPasswordHash({ parameters, salt, hash });
}

/** Throws PasswordHashFormatError when the stored string is malformed: that is corruption, not a wrong password. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  const candidate = await deriveKey(password, parsed.salt, parsed.parameters);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

/**
 * True when the stored hash is weaker than the target parameters in any respect, so the login path
 * should re-hash the (just verified) password and store the new string.
 */
export function needsRehash(stored: string, target: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS): boolean {
  const { version, parameters } = parsePasswordHash(stored);
  return (
    version < CURRENT_FORMAT_VERSION ||
    parameters.cost < target.cost ||
    parameters.blockSize < target.blockSize ||
    parameters.parallelization < target.parallelization ||
    parameters.keyLength < target.keyLength ||
    parameters.saltLength < target.saltLength
  );
}

/** A well-formed hash that no password matches in practice; verifying against it costs a real derivation. */
export function dummyPasswordHash(parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS): string {
  return formatPasswordHash({
    parameters,
    salt: Buffer.alloc(parameters.saltLength, 0x5a),
    hash: Buffer.alloc(parameters.keyLength),
  });
}

/**
 * Login helper: with no stored hash (unknown email) it still runs one full derivation against a
 * dummy hash with the same parameters, so "no such account" and "wrong password" take similar time.
 */
export async function verifyPasswordOrDummy(
  password: string,
  stored: string | undefined,
  options: HashOptions = {},
): Promise<boolean> {
  if (stored === undefined) {
    await verifyPassword(password, dummyPasswordHash(options.parameters));
    return false;
  }
  return verifyPassword(password, stored);
}
