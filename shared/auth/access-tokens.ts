import { randomBytes } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  jwtVerify,
  SignJWT,
} from 'jose';
import { z } from 'zod';
import { type Clock, systemClock } from './clock.ts';

/**
 * Short-lived access tokens: asymmetric JWS (ES256 or EdDSA) with a `kid`, verified with the
 * algorithm pinned and iss/aud/exp/nbf/typ checked (ASVS 5 V9, API2).
 *
 * The key material is one secret (Secrets Manager in AWS, the secrets stand-in locally):
 *   { "keys": [ <private JWK with kid, alg, use: "sig">, … ], "activeKid": "<kid>" }
 * The active key signs; every listed key verifies, which is what makes rotation possible.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_LIFETIME_SECONDS = 15 * 60;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

const privateSigningJwkSchema = z.looseObject({
  kty: z.enum(['EC', 'OKP']),
  kid: z.string().min(8).max(128),
  alg: z.enum(SIGNING_ALGORITHMS),
  use: z.literal('sig'),
  crv: z.enum(['P-256', 'Ed25519']),
  x: z.string().min(1),
  y: z.string().min(1).optional(),
  d: z.string().min(1),
});

export const signingKeySecretSchema = z
  .object({
    keys: z.array(privateSigningJwkSchema).min(1).max(10),
    activeKid: z.string().min(1),
  })
  .superRefine((secret, context) => {
    const kids = secret.keys.map((key) => key.kid);
    if (new Set(kids).size !== kids.length) context.addIssue({ code: 'custom', message: 'Duplicate kid' });
    if (!kids.includes(secret.activeKid)) {
      context.addIssue({ code: 'custom', message: 'activeKid names no listed key' });
    }
    for (const key of secret.keys) {
      const matches =
        (key.alg === 'ES256' && key.kty === 'EC' && key.crv === 'P-256' && key.y !== undefined) ||
        (key.alg === 'EdDSA' && key.kty === 'OKP' && key.crv === 'Ed25519');
      if (!matches)
        context.addIssue({ code: 'custom', message: `Key ${key.kid}: alg, kty and crv disagree` });
    }
  });

export type SigningKeySecret = z.infer<typeof signingKeySecretSchema>;
export type PrivateSigningJwk = SigningKeySecret['keys'][number];

export class SigningKeySecretError extends Error {
  override readonly name = 'SigningKeySecretError';
}

/** Parses and checks the secret; messages never include key material. */
export function parseSigningKeySecret(secretJson: string): SigningKeySecret {
  let raw: unknown;
  try {
    raw = JSON.parse(secretJson);
  } catch {
    throw new SigningKeySecretError('The signing key secret is not JSON');
  }
  const result = signingKeySecretSchema.safeParse(raw);
  if (!result.success) {
    const reasons = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new SigningKeySecretError(`Invalid signing key secret: ${reasons.join('; ')}`);
  }
  return result.data;
}

function newKid(): string {
  return randomBytes(12).toString('base64url');
}

export async function generateSigningJwk(algorithm: SigningAlgorithm = 'ES256'): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair(algorithm, {
    extractable: true,
    ...(algorithm === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const jwk = await exportJWK(privateKey);
  return privateSigningJwkSchema.parse({ ...jwk, kid: newKid(), alg: algorithm, use: 'sig' });
}

/** A fresh secret with one active key; for the local runtime seed and for operators. */
export async function generateSigningKeySecret(algorithm: SigningAlgorithm = 'ES256'): Promise<string> {
  const key = await generateSigningJwk(algorithm);
  return JSON.stringify({ keys: [key], activeKid: key.kid } satisfies SigningKeySecret);
}

/**
 * Rotation, step 1: add a new key that verifies but does not sign yet. Wait until every instance
 * has reloaded the secret before step 2, so no instance meets a kid it does not know.
 */
export async function addSigningKey(
  secretJson: string,
  algorithm: SigningAlgorithm = 'ES256',
): Promise<string> {
  const secret = parseSigningKeySecret(secretJson);
  const key = await generateSigningJwk(algorithm);
  return JSON.stringify({ ...secret, keys: [...secret.keys, key] } satisfies SigningKeySecret);
}

/** Rotation, step 2: sign with the named (already listed) key. */
export function activateSigningKey(secretJson: string, kid: string): string {
  const secret = parseSigningKeySecret(secretJson);
  if (!secret.keys.some((key) => key.kid === kid)) throw new SigningKeySecretError(`No key with kid ${kid}`);
  return JSON.stringify({ ...secret, activeKid: kid } satisfies SigningKeySecret);
}

/** Rotation, step 3 (after at least one token lifetime): drop a retired key; its tokens stop verifying. */
export function removeSigningKey(secretJson: string, kid: string): string {
  const secret = parseSigningKeySecret(secretJson);
  if (secret.activeKid === kid) throw new SigningKeySecretError('The active key cannot be removed');
  return JSON.stringify({
    ...secret,
    keys: secret.keys.filter((key) => key.kid !== kid),
  } satisfies SigningKeySecret);
}

export interface AccessTokenOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly now?: Clock;
  readonly lifetimeSeconds?: number;
  readonly clockToleranceSeconds?: number;
}

export interface IssuedAccessToken {
  readonly accessToken: string;
  /** Seconds, as the API returns it next to the token. */
  readonly expiresIn: number;
  readonly expiresAt: Date;
  readonly tokenId: string;
}

export interface AccessTokenClaims {
  /** The saver id. */
  readonly subject: string;
  readonly tokenId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly keyId: string;
}

export type AccessTokenRejection =
  | 'malformed'
  | 'unknown_key'
  | 'forbidden_header'
  | 'algorithm_mismatch'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims'
  /** Valid, but its saver logged out everywhere after it was issued, or no longer exists. */
  | 'revoked';

/** One error for every rejected token; `reason` is for logs and tests, never for the client. */
export class InvalidAccessTokenError extends Error {
  override readonly name = 'InvalidAccessTokenError';
  readonly reason: AccessTokenRejection;

  constructor(reason: AccessTokenRejection) {
    super(`Access token rejected: ${reason}`);
    this.reason = reason;
  }
}

export interface AccessTokens {
  issue(subject: string): Promise<IssuedAccessToken>;
  /** Resolves with the verified claims or rejects with InvalidAccessTokenError. */
  verify(token: string): Promise<AccessTokenClaims>;
}

interface VerificationKey {
  readonly algorithm: SigningAlgorithm;
  readonly key: CryptoKey;
}

// Headers that point at other keys; we only ever trust the configured set, so their presence is hostile.
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

const verifiedPayloadSchema = z.object({
  sub: z.string().min(1).max(200),
  jti: z.string().min(16).max(200),
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
});

function publicPart(jwk: PrivateSigningJwk): JWK {
  const { d: _privateScalar, ...publicJwk } = jwk;
  return { ...publicJwk, key_ops: ['verify'] };
}

function mapJoseError(error: unknown): InvalidAccessTokenError {
  if (error instanceof InvalidAccessTokenError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new InvalidAccessTokenError('expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      return new InvalidAccessTokenError(claim === 'nbf' ? 'not_yet_valid' : 'invalid_claims');
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new InvalidAccessTokenError('algorithm_mismatch');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new InvalidAccessTokenError('invalid_signature');
    default:
      return new InvalidAccessTokenError('malformed');
  }
}

export async function createAccessTokens(
  secretJson: string,
  options: AccessTokenOptions,
): Promise<AccessTokens> {
  const secret = parseSigningKeySecret(secretJson);
  const now = options.now ?? systemClock;
  const lifetimeSeconds = options.lifetimeSeconds ?? ACCESS_TOKEN_LIFETIME_SECONDS;
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;

  const verificationKeys = new Map<string, VerificationKey>();
  for (const jwk of secret.keys) {
    const key = await importJWK(publicPart(jwk), jwk.alg);
    if (key instanceof Uint8Array) throw new SigningKeySecretError(`Key ${jwk.kid} is not an asymmetric key`);
    verificationKeys.set(jwk.kid, { algorithm: jwk.alg, key });
  }
  const activeJwk = secret.keys.find((key) => key.kid === secret.activeKid);
  if (!activeJwk) throw new SigningKeySecretError('activeKid names no listed key');
  const signingKey = await importJWK(activeJwk, activeJwk.alg);
  const algorithms = [...new Set(secret.keys.map((key) => key.alg))];

  const resolveKey = (header: JWTHeaderParameters): CryptoKey => {
    if (FORBIDDEN_HEADERS.some((name) => name in header))
      throw new InvalidAccessTokenError('forbidden_header');
    const entry = header.kid === undefined ? undefined : verificationKeys.get(header.kid);
    if (!entry) throw new InvalidAccessTokenError('unknown_key');
    // Pinned per key, not just per set: a kid only ever verifies with its own algorithm.
    if (header.alg !== entry.algorithm) throw new InvalidAccessTokenError('algorithm_mismatch');
    return entry.key;
  };

  return {
    async issue(subject) {
      if (subject.length === 0 || subject.length > 200)
        throw new Error('An access token needs a subject of 1–200 characters');
      const issuedAtSeconds = Math.floor(now().getTime() / 1000);
      const expiresAtSeconds = issuedAtSeconds + lifetimeSeconds;
      const tokenId = randomBytes(16).toString('base64url');
      const accessToken = await new SignJWT({})
        .setProtectedHeader({ alg: activeJwk.alg, kid: activeJwk.kid, typ: ACCESS_TOKEN_TYPE })
        .setSubject(subject)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(issuedAtSeconds)
        .setNotBefore(issuedAtSeconds)
        .setExpirationTime(expiresAtSeconds)
        .setJti(tokenId)
        .sign(signingKey);
      return {
        accessToken,
        expiresIn: lifetimeSeconds,
        expiresAt: new Date(expiresAtSeconds * 1000),
        tokenId,
      };
    },

    async verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        throw new InvalidAccessTokenError('malformed');
      }
      let verified: Awaited<ReturnType<typeof jwtVerify>>;
      try {
        verified = await jwtVerify(token, resolveKey, {
          algorithms,
          issuer: options.issuer,
          audience: options.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp'],
          clockTolerance,
          // Also bounds tokens whose exp was set far out by a misconfigured issuer.
          maxTokenAge: lifetimeSeconds + clockTolerance,
          currentDate: now(),
        });
      } catch (error) {
        throw mapJoseError(error);
      }
      const claims = verifiedPayloadSchema.safeParse(verified.payload);
      if (!claims.success) throw new InvalidAccessTokenError('invalid_claims');
      return {
        subject: claims.data.sub,
        tokenId: claims.data.jti,
        issuedAt: new Date(claims.data.iat * 1000),
        expiresAt: new Date(claims.data.exp * 1000),
        keyId: verified.protectedHeader.kid ?? '',
      };
    },
  };
}
