import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
