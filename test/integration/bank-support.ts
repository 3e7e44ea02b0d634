import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BankAccount } from '#bank/accounts';
import type { AuthorizationRequest, BankTokenSet, NordeaScope } from '#bank/authorization';
import { NordeaClient } from '#bank/client';
import { buildNordeaConfig, NORDEA_ENVIRONMENTS, type NordeaSettings } from '#bank/config';
import { type CallPacer, SlidingWindowPacer } from '#bank/pacing';
import type { DomesticPaymentRequest } from '#bank/payments';
import { type CallOptions, saverPresent, type TransportDependencies, UNATTENDED } from '#bank/transport';
import {
  DEFAULT_APP,
  type RunningSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from '#simulator/server';

/**
 * Shared setup for the Nordea contract tests: where the bank is (the simulator, or Nordea's real sandbox
 * when NORDEA_SANDBOX_* is set), clients for it, and the few steps every test repeats.
 */

export const SAVER: CallOptions = { context: saverPresent('127.0.0.1', 'vitest nordea-contract') };
export const BACKGROUND: CallOptions = { context: UNATTENDED };

export const ALL_SCOPES: readonly NordeaScope[] = [
  'ACCOUNTS_BASIC',
  'ACCOUNTS_BALANCES',
  'ACCOUNTS_DETAILS',
  'ACCOUNTS_TRANSACTIONS',
  'PAYMENTS_MULTIPLE',
];

export interface NordeaCredentials {
  clientId: string;
  clientSecret: string;
  signingKeyPem?: string;
}

/** A bank the contract suite can run against. */
export interface BankTarget {
  settings: NordeaSettings;
  credentials: NordeaCredentials;
  /** Present only for the simulator: admin API, fault injection and its state. */
  simulator: RunningSimulator | undefined;
  /** One app, one limit: every client of a target shares this pacer, as a deployment would. */
  pacer: CallPacer;
  close(): Promise<void>;
}

export function newRsaKeyPem(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const SIMULATOR_REDIRECT_URI = 'http://localhost:3000/api/bank/callback';

/** The simulator with a signing key registered for the default app, so real signatures are verified. */
export async function simulatorTarget(options: StartSimulatorOptions = {}): Promise<BankTarget> {
  const key = newRsaKeyPem();
  const simulator = await startSimulator({
    port: 0,
    demoCustomerId: null,
    ...options,
    apps: [
      { clientId: DEFAULT_APP.clientId, clientSecret: DEFAULT_APP.clientSecret, publicKeyPem: key.publicPem },
    ],
  });
  return {
    settings: {
      baseUrl: `${simulator.url}/personal`,
      originatingHost: NORDEA_ENVIRONMENTS.sandbox.originatingHost,
      country: 'DK',
      redirectUri: SIMULATOR_REDIRECT_URI,
      credentialsSecretName: 'local/nordea',
      timeoutMs: 5_000,
    },
    credentials: {
      clientId: DEFAULT_APP.clientId,
      clientSecret: DEFAULT_APP.clientSecret,
      signingKeyPem: key.privatePem,
    },
    simulator,
    pacer: new SlidingWindowPacer({ ais: 20, pis: 100 }),
    close: () => simulator.close(),
  };
}

/**
 * Nordea's real sandbox, configured from the environment; undefined (and the suite skipped) unless both
 * NORDEA_SANDBOX_CLIENT_ID and NORDEA_SANDBOX_CLIENT_SECRET are set. Without a signing key file the
 * sandbox's SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX mode is used.
 */
export function sandboxTargetFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): (() => Promise<BankTarget>) | undefined {
  const clientId = environment.NORDEA_SANDBOX_CLIENT_ID;
  const clientSecret = environment.NORDEA_SANDBOX_CLIENT_SECRET;
  if (!clientId || !clientSecret) return undefined;
  const baseUrl = environment.NORDEA_SANDBOX_BASE_URL || NORDEA_ENVIRONMENTS.sandbox.baseUrl;
  const keyFile = environment.NORDEA_SANDBOX_SIGNING_KEY_FILE;
  const country = (environment.NORDEA_SANDBOX_COUNTRY || 'DK') as NordeaSettings['country'];
  return async () => ({
    settings: {
      baseUrl,
      originatingHost: new URL(baseUrl).host,
      country,
      redirectUri: environment.NORDEA_SANDBOX_REDIRECT_URI || SIMULATOR_REDIRECT_URI,
      credentialsSecretName: 'env/nordea-sandbox',
      signatureMode: keyFile ? 'rsa-sha256' : 'sandbox-skip',
      timeoutMs: 20_000,
    },
    credentials: {
      clientId,
      clientSecret,
      ...(keyFile ? { signingKeyPem: readFileSync(keyFile, 'utf8') } : {}),
    },
    simulator: undefined,
    pacer: new SlidingWindowPacer({ ais: 20, pis: 100 }),
    close: async () => {},
  });
}

export function clientFor(
  target: BankTarget,
  changes: { settings?: Partial<NordeaSettings>; credentials?: Partial<NordeaCredentials> } = {},
  dependencies: TransportDependencies = {},
): NordeaClient {
  return new NordeaClient(
    buildNordeaConfig(
      { ...target.settings, ...changes.settings },
      { ...target.credentials, ...changes.credentials },
    ),
    { pacer: target.pacer, ...dependencies },
  );
}

export function newState(): string {
  return `state-${crypto.randomUUID()}`;
}

/** A fresh consent: authorize (the sandbox answers with the code at once), then exchange the code. */
export async function connectSaver(
  client: NordeaClient,
  request: Partial<AuthorizationRequest> = {},
): Promise<BankTokenSet> {
  const state = newState();
  const start = await client.startAuthorization(
    { state, scopes: ALL_SCOPES, durationMinutes: 129_600, language: 'en', ...request },
    SAVER,
  );
  if (start.code === undefined) throw new Error(`authorize did not redirect back: ${start.redirectUrl}`);
  return client.exchangeCode(start.code, SAVER);
}

export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function domesticNumber(account: BankAccount): { type: 'BBAN_DK' | 'IBAN'; value: string } {
  const bban = account.numbers.find((number) => number.type === 'BBAN_DK');
  if (bban !== undefined) return { type: 'BBAN_DK', value: bban.value };
  const iban = account.numbers.find((number) => number.type === 'IBAN');
  if (iban === undefined) throw new Error(`account ${account.id} has no usable number`);
  return { type: 'IBAN', value: iban.value };
}

/** Two distinct accounts of the consent to move money between: a current account pays, another receives. */
export function paymentAccounts(accounts: readonly BankAccount[]): {
  debtor: BankAccount;
  creditor: BankAccount;
} {
  const debtor = accounts.find((account) => account.type === 'current') ?? accounts[0];
  const creditor = accounts.find(
    (account) => account.id !== debtor?.id && account.currency === debtor?.currency,
  );
  if (debtor === undefined || creditor === undefined) {
    throw new Error('the consent needs two accounts in one currency for the payment tests');
  }
  return { debtor, creditor };
}

export function ownTransfer(
  accounts: { debtor: BankAccount; creditor: BankAccount },
  externalId: string,
  amountMinor = 100,
): DomesticPaymentRequest {
  return {
    externalId,
    amountMinor,
    currency: accounts.debtor.currency,
    debtor: { account: domesticNumber(accounts.debtor) },
    creditor: { account: domesticNumber(accounts.creditor), name: 'Opsparing', message: 'Sparegris' },
  };
}

/** Calls the simulator's loopback admin API and returns the parsed answer. */
export async function admin<T = unknown>(
  simulator: RunningSimulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${simulator.url}/__admin/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`admin ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** The largest number of instants that fall within any window of `windowMs`. */
export function busiestWindow(instants: readonly number[], windowMs: number): number {
  const sorted = [...instants].sort((left, right) => left - right);
  let busiest = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}
