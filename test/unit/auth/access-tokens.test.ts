import { createHmac } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenRejection,
  activateSigningKey,
  addSigningKey,
  createAccessTokens,
  generateSigningKeySecret,
  InvalidAccessTokenError,
  parseSigningKeySecret,
  removeSigningKey,
  SigningKeySecretError,
} from '#auth/access-tokens';
import { generateRefreshToken } from '#auth/refresh-sessions';

const ISSUER = 'https://sparegris.test';
const AUDIENCE = 'sparegris-api';
const START = new Date('2026-03-01T12:00:00.000Z');

let secret: string;
let clock: Date;
const now = () => clock;

beforeAll(async () => {
  secret = await generateSigningKeySecret();
});

function fresh(secretJson = secret, overrides: { issuer?: string; audience?: string } = {}) {
  return createAccessTokens(secretJson, {
    issuer: overrides.issuer ?? ISSUER,
    audience: overrides.audience ?? AUDIENCE,
    now,
  });
}

async function expectRejected(
  token: string,
  reason: AccessTokenRejection | AccessTokenRejection[],
  tokens?: Awaited<ReturnType<typeof fresh>>,
) {
  const verifier = tokens ?? (await fresh());
  const error = await verifier.verify(token).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(InvalidAccessTokenError);
  expect([reason].flat()).toContain((error as InvalidAccessTokenError).reason);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function standardClaims(subject = 'saver-1') {
  const iat = Math.floor(clock.getTime() / 1000);
  return {
    sub: subject,
    iss: ISSUER,
    aud: AUDIENCE,
    iat,
    nbf: iat,
    exp: iat + 900,
    jti: 'a-token-id-of-some-length',
  };
}

async function activePrivateKey(secretJson = secret) {
  const parsed = parseSigningKeySecret(secretJson);
  const jwk = parsed.keys.find((key) => key.kid === parsed.activeKid);
  if (!jwk) throw new Error('no active key');
  return { jwk, key: await importJWK(jwk, jwk.alg) };
}

describe('access tokens: happy path', () => {
  it('issues a 15-minute ES256 at+jwt with the expected claims and verifies it', async () => {
    clock = START;
    const tokens = await fresh();
    const issued = await tokens.issue('saver-123');
    expect(issued.expiresIn).toBe(900);
    expect(issued.expiresAt).toEqual(new Date(START.getTime() + 900_000));

    const header = decodeProtectedHeader(issued.accessToken);
    const { activeKid } = parseSigningKeySecret(secret);
    expect(header).toEqual({ alg: 'ES256', kid: activeKid, typ: 'at+jwt' });
    const payload = decodeJwt(issued.accessToken);
    const iat = START.getTime() / 1000;
    expect(payload).toEqual({
      sub: 'saver-123',
      iss: ISSUER,
      aud: AUDIENCE,
      iat,
      nbf: iat,
      exp: iat + 900,
      jti: issued.tokenId,
    });

    const claims = await tokens.verify(issued.accessToken);
    expect(claims).toEqual({
      subject: 'saver-123',
      tokenId: issued.tokenId,
      issuedAt: START,
      expiresAt: issued.expiresAt,
      keyId: activeKid,
    });
  });

  it('gives every token its own jti', async () => {
    clock = START;
    const tokens = await fresh();
    const [a, b] = await Promise.all([tokens.issue('saver-1'), tokens.issue('saver-1')]);
    expect(a.tokenId).not.toBe(b.tokenId);
  });

  it('works with an EdDSA key as well', async () => {
    clock = START;
    const edSecret = await generateSigningKeySecret('EdDSA');
    const tokens = await fresh(edSecret);
    const issued = await tokens.issue('saver-ed');
    expect(decodeProtectedHeader(issued.accessToken).alg).toBe('EdDSA');
    expect((await tokens.verify(issued.accessToken)).subject).toBe('saver-ed');
  });
});

describe('access tokens: time', () => {
  it('expires after 15 minutes, with a 5-second tolerance', async () => {
    clock = START;
    const tokens = await fresh();
    const { accessToken } = await tokens.issue('saver-1');
    clock = new Date(START.getTime() + (900 + 4) * 1000);
    await expect(tokens.verify(accessToken)).resolves.toMatchObject({ subject: 'saver-1' });
    clock = new Date(START.getTime() + (900 + 6) * 1000);
    await expectRejected(accessToken, 'expired', tokens);
  });

  it('is not valid before it was issued (nbf)', async () => {
    clock = START;
    const tokens = await fresh();
    const { accessToken } = await tokens.issue('saver-1');
    clock = new Date(START.getTime() - 60_000);
    await expectRejected(accessToken, 'not_yet_valid', tokens);
  });

  it('rejects a validly signed token whose exp is far beyond the lifetime', async () => {
    clock = START;
    const { jwk, key } = await activePrivateKey();
    const token = await new SignJWT({ ...standardClaims(), exp: Math.floor(START.getTime() / 1000) + 86_400 })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
      .sign(key);
    clock = new Date(START.getTime() + 3_600_000);
    await expectRejected(token, ['expired', 'invalid_claims']);
  });
});

describe('access tokens: forged and mismatched tokens', () => {
  it('rejects the wrong audience and the wrong issuer', async () => {
    clock = START;
    const { accessToken } = await (await fresh()).issue('saver-1');
    await expectRejected(accessToken, 'invalid_claims', await fresh(secret, { audience: 'sparegris-admin' }));
    await expectRejected(accessToken, 'invalid_claims', await fresh(secret, { issuer: 'https://evil.test' }));
  });

  it('rejects a token of another type signed with our own key', async () => {
    clock = START;
    const { jwk, key } = await activePrivateKey();
    for (const typ of ['JWT', 'refresh+jwt', undefined]) {
      const token = await new SignJWT(standardClaims())
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, ...(typ ? { typ } : {}) })
        .sign(key);
      await expectRejected(token, 'invalid_claims');
    }
  });

  it('rejects a refresh token presented as an access token', async () => {
    await expectRejected(generateRefreshToken(), 'malformed');
  });

  it('rejects alg: none', async () => {
    clock = START;
    const { activeKid } = parseSigningKeySecret(secret);
    const unsigned = `${base64url({ alg: 'none', kid: activeKid, typ: 'at+jwt' })}.${base64url(standardClaims())}.`;
    await expectRejected(unsigned, ['algorithm_mismatch', 'malformed']);
  });

  it('rejects HS256 signed with the public key (key confusion)', async () => {
    clock = START;
    const { jwk } = await activePrivateKey();
    const { d: _d, ...publicJwk } = jwk;
    const signingInput = `${base64url({ alg: 'HS256', kid: jwk.kid, typ: 'at+jwt' })}.${base64url(standardClaims())}`;
    for (const hmacKey of [JSON.stringify(publicJwk), Buffer.from(publicJwk.x, 'base64url')]) {
      const signature = createHmac('sha256', hmacKey).update(signingInput).digest('base64url');
      await expectRejected(`${signingInput}.${signature}`, 'algorithm_mismatch');
    }
  });

  it('rejects a kid it does not know, and a token without kid', async () => {
    clock = START;
    const otherSecret = await generateSigningKeySecret();
    const { accessToken } = await (await fresh(otherSecret)).issue('saver-1');
    await expectRejected(accessToken, 'unknown_key');

    const { key } = await activePrivateKey();
    const withoutKid = await new SignJWT(standardClaims())
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(key);
    await expectRejected(withoutKid, 'unknown_key');
  });

  it('ignores keys carried in the token header', async () => {
    clock = START;
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const { activeKid } = parseSigningKeySecret(secret);
    const token = await new SignJWT(standardClaims())
      .setProtectedHeader({ alg: 'ES256', kid: activeKid, typ: 'at+jwt', jwk: attackerJwk })
      .sign(attacker.privateKey);
    await expectRejected(token, 'forbidden_header');

    const withoutHeaderKey = await new SignJWT(standardClaims())
      .setProtectedHeader({ alg: 'ES256', kid: activeKid, typ: 'at+jwt' })
      .sign(attacker.privateKey);
    await expectRejected(withoutHeaderKey, 'invalid_signature');
  });

  it('rejects a tampered payload', async () => {
    clock = START;
    const { accessToken } = await (await fresh()).issue('saver-1');
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const tampered = `${header}.${base64url({ ...claims, sub: 'saver-2' })}.${signature}`;
    await expectRejected(tampered, 'invalid_signature');
  });

  it('pins the algorithm per key, not only per key set', async () => {
    clock = START;
    const edSecret = await addSigningKey(secret, 'EdDSA');
    const edKid = parseSigningKeySecret(edSecret).keys.find((key) => key.alg === 'EdDSA')?.kid ?? '';
    const { key } = await activePrivateKey();
    const token = await new SignJWT(standardClaims())
      .setProtectedHeader({ alg: 'ES256', kid: edKid, typ: 'at+jwt' })
      .sign(key);
    await expectRejected(token, 'algorithm_mismatch', await fresh(edSecret));
  });

  it.each(['', 'not a token', 'a.b.c', `${'x'.repeat(5000)}`])('rejects junk %#', async (junk) => {
    await expectRejected(junk, 'malformed');
  });

  it('rejects a token missing sub or jti', async () => {
    clock = START;
    const { jwk, key } = await activePrivateKey();
    const { sub: _sub, ...withoutSub } = standardClaims();
    const { jti: _jti, ...withoutJti } = standardClaims();
    for (const claims of [withoutSub, withoutJti]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
        .sign(key);
      await expectRejected(token, 'invalid_claims');
    }
  });
});

describe('signing key rotation', () => {
  it('keeps verifying tokens of a previous key while it is listed, and stops once it is removed', async () => {
    clock = START;
    const original = secret;
    const oldKid = parseSigningKeySecret(original).activeKid;
    const oldToken = (await (await fresh(original)).issue('saver-1')).accessToken;

    // Step 1: new key listed but not signing; instances on either secret understand each other.
    const staged = await addSigningKey(original);
    const newKid = parseSigningKeySecret(staged).keys.find((key) => key.kid !== oldKid)?.kid ?? '';
    expect(parseSigningKeySecret(staged).activeKid).toBe(oldKid);

    // Step 2: the new key signs.
    const rotated = activateSigningKey(staged, newKid);
    const rotatedTokens = await fresh(rotated);
    const newToken = (await rotatedTokens.issue('saver-1')).accessToken;
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    await expect(rotatedTokens.verify(oldToken)).resolves.toMatchObject({ keyId: oldKid });
    await expect((await fresh(staged)).verify(newToken)).resolves.toMatchObject({ keyId: newKid });

    // Step 3: the old key leaves the set.
    const retired = removeSigningKey(rotated, oldKid);
    await expectRejected(oldToken, 'unknown_key', await fresh(retired));
    await expect((await fresh(retired)).verify(newToken)).resolves.toMatchObject({ subject: 'saver-1' });
    expect(() => removeSigningKey(retired, newKid)).toThrow(SigningKeySecretError);
    expect(() => activateSigningKey(retired, 'no-such-kid')).toThrow(SigningKeySecretError);
  });
});

describe('signing key secret', () => {
  it('generates the documented JSON shape with a private JWK', async () => {
    const parsed = JSON.parse(await generateSigningKeySecret());
    expect(Object.keys(parsed).sort()).toEqual(['activeKid', 'keys']);
    expect(parsed.keys).toHaveLength(1);
    expect(parsed.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: parsed.activeKid,
    });
    expect(typeof parsed.keys[0].d).toBe('string');
  });

  it('rejects malformed secrets without echoing key material', async () => {
    const valid = JSON.parse(secret);
    const privateScalar: string = valid.keys[0].d;
    const broken = [
      'not json',
      JSON.stringify({ ...valid, activeKid: 'missing' }),
      JSON.stringify({ ...valid, keys: [valid.keys[0], valid.keys[0]] }),
      JSON.stringify({ ...valid, keys: [{ ...valid.keys[0], d: undefined }] }),
      JSON.stringify({ ...valid, keys: [{ ...valid.keys[0], alg: 'HS256' }] }),
      JSON.stringify({ ...valid, keys: [{ ...valid.keys[0], alg: 'EdDSA' }] }),
      JSON.stringify({ keys: [], activeKid: 'x' }),
    ];
    for (const candidate of broken) {
      let caught: unknown;
      try {
        parseSigningKeySecret(candidate);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SigningKeySecretError);
      expect((caught as Error).message).not.toContain(privateScalar);
    }
  });
});
