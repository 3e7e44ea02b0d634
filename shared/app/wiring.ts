import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type AccessTokens, createAccessTokens, InvalidAccessTokenError } from '#auth/access-tokens';
import { createLoginThrottle } from '#auth/login-throttle';
import { createRefreshSessions } from '#auth/refresh-sessions';
import { NordeaClient } from '#bank/client';
import { config } from '#config/env';
import { GoalSchema } from '#domain/goals';
import { HabitActionSchema } from '#domain/habits';
import { RuleSchema } from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import { bearerAuthenticator } from '#http/auth';
import { metrics } from '#observability/powertools';
import { DynamoAutomationStore } from '#store/automation-store';
import { BankRepository } from '#store/bank-repository';
import { dynamoDocumentClient } from '#store/client';
import { HookRepository } from '#store/hook-repository';
import { DynamoRefreshSessionStore } from '#store/refresh-session-store';
import { SaverItems } from '#store/saver-items';
import { SaverPartition } from '#store/saver-partition';
import { SaverRepository } from '#store/saver-repository';
import { SecretVault } from '#store/secret-vault';
import { DynamoThrottleStore } from '#store/throttle-store';
import { createActivity } from './activity.ts';
import { createAuth } from './auth.ts';
import { createBankLinking } from './bank-linking.ts';
import { NotFound } from './errors.ts';
import { createGoals } from './goals.ts';
import { createHabits, StoredHabitSchema } from './habits.ts';
import { createPrivacy } from './privacy.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { createRules } from './rules.ts';
import { createSettings } from './settings.ts';

/**
 * The composition root: production adapters for the use cases, built once per cold start. Handlers
 * ask for what they use; tests build use cases with their own dependencies instead.
 */
let vault: SecretVault | undefined;
export const secretVault = (): SecretVault => {
  vault ??= new SecretVault();
  return vault;
};

let accessTokens: { secret: string; tokens: Promise<AccessTokens> } | undefined;
/**
 * Issues and verifies access tokens with the key set in Secrets Manager. The vault re-reads it every
 * few minutes, and a changed set is imported again, so a rotated key reaches warm functions too.
 */
export async function tokens(): Promise<AccessTokens> {
  const { JWT_SECRET_ID, WEB_ORIGIN, TOKEN_AUDIENCE } = config();
  const secret = await secretVault().read(JWT_SECRET_ID);
  if (!secret) throw new Error(`The access-token signing keys secret ${JWT_SECRET_ID} does not exist`);
  if (accessTokens?.secret !== secret) {
    accessTokens = {
      secret,
      tokens: createAccessTokens(secret, { issuer: WEB_ORIGIN, audience: TOKEN_AUDIENCE }),
    };
  }
  return accessTokens.tokens;
}

/**
 * Verifies Bearer access tokens for saverHandler, then that the saver still exists and has not
 * logged out everywhere since the token was issued (one consistent read of the profile), so an
 * erased saver's or a revoked session's token stops working at once, not when it expires.
 */
export const authenticateSaver = bearerAuthenticator(async (token) => {
  const claims = await (await tokens()).verify(token);
  const profile = await savers().getProfile(claims.subject);
  if (!profile || (profile.sessionsNotBefore && claims.issuedAt.toISOString() < profile.sessionsNotBefore)) {
    throw new InvalidAccessTokenError('revoked');
  }
  return claims;
});

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

/** Fixed-window rate limits on the shared throttle counters (webhooks, saver-present syncs). */
export const rateLimiter = (): RateLimiter =>
  createRateLimiter(new DynamoThrottleStore(dynamoDocumentClient(), config().TABLE_NAME), () => new Date());

let nordeaClient: Promise<NordeaClient> | undefined;
/** The Nordea client, with the app's credentials read from Secrets Manager once per cold start. */
export function nordea(): Promise<NordeaClient> {
  nordeaClient ??= (async () => {
    const settings = config();
    return NordeaClient.fromSecrets(
      {
        baseUrl: settings.NORDEA_BASE_URL,
        originatingHost: settings.NORDEA_ORIGINATING_HOST,
        country: settings.NORDEA_COUNTRY,
        redirectUri: `${settings.WEB_ORIGIN}/api/bank/callback`,
        signatureMode: settings.NORDEA_SIGNATURE_MODE,
        credentialsSecretName: settings.NORDEA_APP_SECRET_ID,
        callsPerSecond: {
          ais: settings.NORDEA_AIS_CALLS_PER_SECOND,
          pis: settings.NORDEA_PIS_CALLS_PER_SECOND,
        },
      },
      async (name) => {
        const value = await secretVault().read(name);
        if (value === undefined) throw new Error(`The Nordea app secret ${name} does not exist`);
        return value;
      },
      // Pacing should keep this at zero; the dashboard shows it.
      { onRateLimited: () => metrics.addMetric('BankRateLimited', MetricUnit.Count, 1) },
    );
  })().catch((error: unknown) => {
    nordeaClient = undefined;
    throw error;
  });
  return nordeaClient;
}

export function bankLinking() {
  const { TABLE_NAME, WEB_ORIGIN, BANK_TOKENS_SECRET_PREFIX } = config();
  return createBankLinking({
    bank: new BankRepository(dynamoDocumentClient(), TABLE_NAME),
    vault: secretVault(),
    client: nordea,
    tokenSecretId: (saverId) => `${BANK_TOKENS_SECRET_PREFIX}/${saverId}`,
    webOrigin: WEB_ORIGIN,
    now: () => new Date(),
  });
}

async function settingsOf(saverId: string): Promise<SaverSettings> {
  const profile = await savers().getProfile(saverId);
  if (!profile) throw new NotFound('There is no such saver.');
  return profile.settings;
}

/** The saver's own collections in the table, with their domain schemas. */
export function collections() {
  const { TABLE_NAME } = config();
  const client = dynamoDocumentClient();
  return {
    goals: new SaverItems(client, TABLE_NAME, 'GOAL', GoalSchema),
    rules: new SaverItems(client, TABLE_NAME, 'RULE', RuleSchema),
    habits: new SaverItems(client, TABLE_NAME, 'HABIT', StoredHabitSchema),
    habitLogs: new SaverItems(client, TABLE_NAME, 'HABIT_LOG', HabitActionSchema),
    hooks: new HookRepository(client, TABLE_NAME),
  };
}

export function goals() {
  const store = new DynamoAutomationStore(dynamoDocumentClient(), config().TABLE_NAME);
  return createGoals({
    ...collections(),
    settingsOf,
    savedEntriesSince: (saverId, fromDate) => store.entriesSince(saverId, fromDate),
    now: () => new Date(),
  });
}
export function rules() {
  const client = dynamoDocumentClient();
  const { TABLE_NAME } = config();
  const store = new DynamoAutomationStore(client, TABLE_NAME);
  return createRules({
    ...collections(),
    settingsOf,
    transactionsSince: (saverId, fromDate) => store.transactionsSince(saverId, fromDate),
    bank: new BankRepository(client, TABLE_NAME),
    now: () => new Date(),
  });
}
export function settings() {
  const { goals: storedGoals, rules: storedRules } = collections();
  return createSettings({
    savers: savers(),
    goals: storedGoals,
    rules: storedRules,
    bank: new BankRepository(dynamoDocumentClient(), config().TABLE_NAME),
    now: () => new Date(),
  });
}

export function privacy() {
  const client = dynamoDocumentClient();
  const { TABLE_NAME } = config();
  return createPrivacy({
    savers: savers(),
    partition: new SaverPartition(client, TABLE_NAME),
    sessions: createRefreshSessions(new DynamoRefreshSessionStore(client, TABLE_NAME)),
    bank: bankLinking(),
    habitHooks: {
      hookIdsOf: async (saverId) => (await collections().habits.all(saverId)).map((habit) => habit.hookId),
      delete: (hookId) => collections().hooks.delete(hookId),
    },
    now: () => new Date(),
  });
}

export function habits() {
  const { habits: stored, habitLogs, rules: storedRules, hooks } = collections();
  return createHabits({
    habits: stored,
    logs: habitLogs,
    rules: storedRules,
    hooks,
    limiter: rateLimiter(),
    settingsOf,
    webOrigin: config().WEB_ORIGIN,
    now: () => new Date(),
  });
}

/** Savings entries, transfers and notifications as the saver sees them (the automation writes them). */
export function activity() {
  return createActivity({
    store: new DynamoAutomationStore(dynamoDocumentClient(), config().TABLE_NAME),
    now: () => new Date(),
  });
}
