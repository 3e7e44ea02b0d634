import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Signer } from './signing.ts';

/**
 * Nordea client configuration. Non-secret settings come from the deployment; the client id, secret and
 * signing key come from one Secrets Manager secret read through the injected `readSecret` port, so this
 * module needs no AWS SDK.
 */

export const NORDEA_ENVIRONMENTS = {
  sandbox: {
    baseUrl: 'https://api.nordeaopenbanking.com/personal',
    originatingHost: 'api.nordeaopenbanking.com',
  },
  production: { baseUrl: 'https://open.nordea.com/personal', originatingHost: 'open.nordea.com' },
} as const;

/**
 * Endpoint paths relative to `baseUrl`. Sources disagree on the v5 payment paths (reference §1.5); the
 * defaults follow the most recent source (hyperswitch 2025): create `…/domestic-credit-transfers`,
 * confirm `PUT /v5/payments`, status `GET /v5/payments/{paymentId}`. Listing all payments is only in
 * Nordea's Household PIS v5 collection (`GET /v5/payments/`). Override any of them per deployment.
 */
export const DEFAULT_NORDEA_PATHS = {
  authorize: '/v5/authorize',
  token: '/v5/authorize/token',
  revoke: '/v5/authorize/token/revoke',
  accounts: '/v5/accounts',
  account: '/v5/accounts/{accountId}',
  transactions: '/v5/accounts/{accountId}/transactions',
  createDomesticPayment: '/v5/payments/domestic-credit-transfers',
  confirmPayments: '/v5/payments',
  payment: '/v5/payments/{paymentId}',
  listPayments: '/v5/payments',
} as const;

export type NordeaPaths = { [Name in keyof typeof DEFAULT_NORDEA_PATHS]: string };

const pathSchema = z.string().regex(/^\/[^\s?#]*$/, 'a path starting with /, without query');

const pathOverridesSchema = z
  .object(Object.fromEntries(Object.keys(DEFAULT_NORDEA_PATHS).map((name) => [name, pathSchema.optional()])))
  .strict();

export const nordeaSettingsSchema = z.object({
  /** Base URL including the `/personal` segment; the signed request-target is taken from the URL as sent. */
  baseUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** Hostname only, e.g. `api.nordeaopenbanking.com`. */
  originatingHost: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a hostname'),
  country: z.enum(['DK', 'FI', 'NO', 'SE']),
  redirectUri: z.url(),
  /** `sandbox-skip` sends `SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX`; only Nordea's sandbox accepts it. */
  signatureMode: z.enum(['rsa-sha256', 'sandbox-skip']).default('rsa-sha256'),
  /** Name of the Secrets Manager secret holding `{clientId, clientSecret, signingKeyPem?}`. */
  credentialsSecretName: z.string().min(1),
  paths: pathOverridesSchema.optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Attempts for reads (GET) on transient failures; payment creation is always a single attempt. */
  maxReadAttempts: z.number().int().min(1).max(10).default(4),
  retryBaseDelayMs: z.number().int().min(1).max(60_000).default(200),
  retryMaxDelayMs: z.number().int().min(1).max(300_000).default(10_000),
  /** Nordea's per-app limits, paced in-process by default (reference §3.4). */
  callsPerSecond: z
    .object({ ais: z.number().int().min(1).max(10_000), pis: z.number().int().min(1).max(10_000) })
    .default({ ais: 20, pis: 100 }),
});

export type NordeaSettings = z.input<typeof nordeaSettingsSchema>;

const credentialsSecretSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  signingKeyPem: z.string().min(1).optional(),
});

export interface NordeaConfig {
  baseUrl: string;
  originatingHost: string;
  country: 'DK' | 'FI' | 'NO' | 'SE';
  redirectUri: string;
  clientId: string;
  clientSecret: string;
  signer: Signer;
  paths: NordeaPaths;
  timeoutMs: number;
  maxReadAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  callsPerSecond: { ais: number; pis: number };
}

/** Port: reads a secret's string value by name (Secrets Manager in AWS, a stand-in locally). */
export type ReadSecret = (name: string) => Promise<string>;

export class NordeaConfigError extends Error {
  override readonly name = 'NordeaConfigError';
}

function describeIssues(error: z.ZodError): string {
  // Field names only: values may be secrets.
  return error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
}

const MIN_RSA_BITS = 2048;

function loadSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new NordeaConfigError('Signing key is not a readable PEM private key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined || bits < MIN_RSA_BITS) {
    throw new NordeaConfigError(`Signing key must be RSA of at least ${MIN_RSA_BITS} bits`);
  }
  return key;
}

/** Validates settings and credentials and builds the client configuration. */
export function buildNordeaConfig(settings: NordeaSettings, credentials: unknown): NordeaConfig {
  const parsedSettings = nordeaSettingsSchema.safeParse(settings);
  if (!parsedSettings.success) {
    throw new NordeaConfigError(`Invalid Nordea settings: ${describeIssues(parsedSettings.error)}`);
  }
  const parsedCredentials = credentialsSecretSchema.safeParse(credentials);
  if (!parsedCredentials.success) {
    throw new NordeaConfigError(
      `Invalid Nordea credentials secret: ${describeIssues(parsedCredentials.error)}`,
    );
  }
  const { signatureMode, paths, credentialsSecretName: _secretName, ...rest } = parsedSettings.data;
  const { clientId, clientSecret, signingKeyPem } = parsedCredentials.data;
  let signer: Signer;
  if (signatureMode === 'sandbox-skip') {
    signer = { mode: 'sandbox-skip' };
  } else {
    if (signingKeyPem === undefined)
      throw new NordeaConfigError('signingKeyPem is required to sign requests');
    signer = { mode: 'rsa-sha256', keyId: clientId, privateKey: loadSigningKey(signingKeyPem) };
  }
  const definedOverrides = Object.fromEntries(
    Object.entries(paths ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return { ...rest, clientId, clientSecret, signer, paths: { ...DEFAULT_NORDEA_PATHS, ...definedOverrides } };
}

/** Reads the credentials secret through the port and builds the configuration. */
export async function loadNordeaConfig(
  settings: NordeaSettings,
  readSecret: ReadSecret,
): Promise<NordeaConfig> {
  const parsedName = z.object({ credentialsSecretName: z.string().min(1) }).safeParse(settings);
  if (!parsedName.success) throw new NordeaConfigError('credentialsSecretName is required');
  const secretText = await readSecret(parsedName.data.credentialsSecretName);
  let credentials: unknown;
  try {
    credentials = JSON.parse(secretText);
  } catch {
    throw new NordeaConfigError('Nordea credentials secret is not JSON');
  }
  return buildNordeaConfig(settings, credentials);
}
