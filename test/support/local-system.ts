import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#local/system';

/** The whole local system on free ports with a throwaway data folder, as the API tests use it. */
export async function startTestSystem(): Promise<LocalSystem> {
  return startLocalSystem({
    ports: { web: 0, simulator: 0, dynamo: 0, secrets: 0, sqs: 0 },
    dataDir: mkdtempSync(join(tmpdir(), 'sparegris-api-')),
  });
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export function apiClient(baseUrl: string) {
  return async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; cookie?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  };
}

/** The refresh cookie's `name=value` from a response, for sending back as a browser would. */
export function refreshCookieOf(response: ApiResponse<unknown>): string | undefined {
  const cookie = response.headers
    .getSetCookie()
    .find((value) => value.startsWith('__Host-sparegris_refresh='));
  return cookie?.split(';')[0];
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * The browser's trip to link Nordea, without a browser: connect (which sets the bank-link cookie),
 * then the authorize URL, which the simulator answers straight back to our callback, sending the
 * cookie as the browser would. Returns the callback's answer (a 302 to the web app).
 */
export async function followBankLink(
  api: ApiClient,
  token: string,
): Promise<{ callbackUrl: string; cookie: string; callback: Response }> {
  const connect = await api<{ authorizeUrl: string }>('POST', '/api/bank/connect', { token });
  if (connect.status !== 200) throw new Error(`connect answered ${connect.status}`);
  const cookie =
    connect.headers
      .getSetCookie()
      .find((value) => value.startsWith('__Host-sparegris_link='))
      ?.split(';')[0] ?? '';
  const callbackUrl = connect.body.authorizeUrl;
  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
  return { callbackUrl, cookie, callback };
}

/**
 * Starts one local system for the test file (beforeAll/afterAll) and hands out an API client and
 * fresh savers. Read the fields inside tests, once the system is up.
 */
export function withTestSystem() {
  let system: LocalSystem | undefined;
  let client: ApiClient | undefined;
  beforeAll(async () => {
    system = await startTestSystem();
    client = apiClient(system.url);
  });
  afterAll(async () => {
    await system?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The test system is not started yet');
    return value;
  };
  return {
    get system(): LocalSystem {
      return started(system);
    },
    get api(): ApiClient {
      return started(client);
    },
    /** Signs up a new saver with a unique email; returns the access token and the sign-up response. */
    async newSaver(label = 'saver') {
      const email = `${label}-${Math.random().toString(36).slice(2, 10)}@example.dk`;
      const password = 'a long and private phrase';
      const signup = await started(client)('POST', '/api/auth/signup', { body: { email, password } });
      if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status}`);
      return {
        token: signup.body.accessToken as string,
        email,
        password,
        saverId: (signup.body.user as { id: string }).id,
        signup,
      };
    },
  };
}
