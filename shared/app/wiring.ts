import { randomUUID } from 'node:crypto';
import { type AccessTokens, createAccessTokens } from '#auth/access-tokens';
import { createLoginThrottle } from '#auth/login-throttle';
import { createRefreshSessions } from '#auth/refresh-sessions';
import { config } from '#config/env';
import { bearerAuthenticator } from '#http/auth';
import { dynamoDocumentClient } from '#store/client';
import { DynamoRefreshSessionStore } from '#store/refresh-session-store';
import { SaverRepository } from '#store/saver-repository';
import { SecretVault } from '#store/secret-vault';
import { DynamoThrottleStore } from '#store/throttle-store';
import { createAuth } from './auth.ts';

/**
 * The composition root: production adapters for the use cases, built once per cold start. Handlers
 * ask for what they use; tests build use cases with their own dependencies instead.
 */
let vault: SecretVault | undefined;
export const secretVault = (): SecretVault => {
  vault ??= new SecretVault();
  return vault;
};

let accessTokens: Promise<AccessTokens> | undefined;
export function tokens(): Promise<AccessTokens> {
  accessTokens ??= (async () => {
    const { JWT_SECRET_ID, WEB_ORIGIN, TOKEN_AUDIENCE } = config();
    const secret = await secretVault().read(JWT_SECRET_ID);
    if (!secret) throw new Error(`The access-token signing keys secret ${JWT_SECRET_ID} does not exist`);
    return createAccessTokens(secret, { issuer: WEB_ORIGIN, audience: TOKEN_AUDIENCE });
  })().catch((error: unknown) => {
    accessTokens = undefined; // let the next request try again rather than caching a failure
    throw error;
  });
  return accessTokens;
}

/** Verifies Bearer access tokens for saverHandler. */
export const authenticateSaver = bearerAuthenticator(async (token) => (await tokens()).verify(token));

let saverRepository: SaverRepository | undefined;
export const savers = (): SaverRepository => {
  saverRepository ??= new SaverRepository(dynamoDocumentClient(), config().TABLE_NAME);
  return saverRepository;
};

export async function auth() {
  const client = dynamoDocumentClient();
  const { TABLE_NAME } = config();
  const throttleStore = new DynamoThrottleStore(client, TABLE_NAME);
  return createAuth({
    savers: savers(),
    sessions: createRefreshSessions(new DynamoRefreshSessionStore(client, TABLE_NAME)),
    throttle: createLoginThrottle(throttleStore),
    counters: throttleStore,
    tokens: await tokens(),
    newId: randomUUID,
    now: () => new Date(),
  });
}
