import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '#simulator/server';

/** A tiny, independent Nordea request signer for driving the simulator over real HTTP in tests. */

export const CLIENT_ID = 'sparegris-local';
export const CLIENT_SECRET = 'sparegris-local-secret';
export const REDIRECT_URI = 'http://localhost:3000/api/bank/callback';
export const SKIP = 'SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX';

export function generateRsaKeys(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export interface SignOptions {
  clientId?: string;
  clientSecret?: string;
  /** PEM private key; when absent the sandbox skip value is sent. */
  privateKeyPem?: string;
  keyId?: string;
  bearer?: string;
  userIp?: string;
  scenarios?: string;
  /** Overrides the Digest header (to test mismatches). */
  digest?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

export class TestBank {
  constructor(
    readonly url: string,
    readonly defaults: SignOptions = {},
  ) {}

  async call(
    method: string,
    path: string,
    body?: { json: unknown } | { form: Record<string, string> },
    options: SignOptions = {},
  ): Promise<CallResult> {
    const merged = { ...this.defaults, ...options };
    const target = `/personal${path}`;
    const headers: Record<string, string> = {
      'X-IBM-Client-Id': merged.clientId ?? CLIENT_ID,
      'X-IBM-Client-Secret': merged.clientSecret ?? CLIENT_SECRET,
      'X-Nordea-Originating-Host': 'api.nordeaopenbanking.com',
      'X-Nordea-Originating-Date': new Date().toUTCString(),
    };
    let payload: string | undefined;
    if (body && 'json' in body) {
      payload = JSON.stringify(body.json);
      headers['Content-Type'] = 'application/json';
    } else if (body) {
      payload = Object.keys(body.form)
        .sort()
        .map((key) => `${key}=${body.form[key]}`)
        .join('&');
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    if (payload !== undefined) {
      headers.Digest = merged.digest ?? `sha-256=${createHash('sha256').update(payload).digest('base64')}`;
    }
    if (merged.bearer) headers.Authorization = `Bearer ${merged.bearer}`;
    if (merged.userIp) headers['X-Nordea-Originating-User-Ip'] = merged.userIp;
    if (merged.scenarios) headers['X-Response-Scenarios'] = merged.scenarios;
    if (merged.privateKeyPem) {
      const signed = ['(request-target)', 'x-nordea-originating-host', 'x-nordea-originating-date'];
      const lines = [
        `(request-target): ${method.toLowerCase()} ${target}`,
        `x-nordea-originating-host: ${headers['X-Nordea-Originating-Host']}`,
        `x-nordea-originating-date: ${headers['X-Nordea-Originating-Date']}`,
      ];
      if (payload !== undefined) {
        signed.push('content-type', 'digest');
        lines.push(`content-type: ${headers['Content-Type']}`, `digest: ${headers.Digest}`);
      }
      const signature = createSign('RSA-SHA256')
        .update(lines.join('\n'))
        .sign(merged.privateKeyPem, 'base64');
      headers.Signature = `keyId="${merged.keyId ?? headers['X-IBM-Client-Id']}",algorithm="rsa-sha256",headers="${signed.join(' ')}",signature="${signature}"`;
    } else {
      headers.Signature = SKIP;
    }
    Object.assign(headers, merged.headers);
    const response = await fetch(`${this.url}${target}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async admin(method: string, path: string, json?: unknown): Promise<CallResult> {
    const response = await fetch(`${this.url}/__admin${path}`, {
      method,
      ...(json !== undefined
        ? { body: JSON.stringify(json), headers: { 'Content-Type': 'application/json' } }
        : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text ? JSON.parse(text) : undefined,
      text,
    };
  }

  /** Redirect flow: authorize (302), then exchange the code. */
  async connect(
    overrides: Record<string, unknown> = {},
    options: SignOptions = {},
  ): Promise<{ accessToken: string; refreshToken: string; code: string }> {
    const authorized = await this.call(
      'POST',
      '/v5/authorize',
      {
        json: {
          country: 'DK',
          duration: 129_600,
          redirect_uri: REDIRECT_URI,
          scope: [
            'ACCOUNTS_BASIC',
            'ACCOUNTS_BALANCES',
            'ACCOUNTS_DETAILS',
            'ACCOUNTS_TRANSACTIONS',
            'PAYMENTS_MULTIPLE',
          ],
          state: 'state-1',
          max_tx_history: 3,
          ...overrides,
        },
      },
      options,
    );
    if (authorized.status !== 302)
      throw new Error(`authorize answered ${authorized.status}: ${authorized.text}`);
    const location = new URL(authorized.headers.get('location') ?? '');
    const code = location.searchParams.get('code') ?? '';
    const exchanged = await this.call(
      'POST',
      '/v5/authorize/token',
      { form: { code, grant_type: 'authorization_code', redirect_uri: REDIRECT_URI } },
      options,
    );
    if (exchanged.status !== 200) throw new Error(`token answered ${exchanged.status}: ${exchanged.text}`);
    const tokens = exchanged.json as { access_token: string; refresh_token: string };
    return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, code };
  }
}

/** Starts a simulator on a random loopback port with limits generous enough for fast test loops. */
export async function startTestSimulator(
  options: StartSimulatorOptions = {},
): Promise<{ simulator: RunningSimulator; bank: TestBank }> {
  const simulator = await startSimulator({
    port: 0,
    seed: 42,
    rateLimits: { ais: 10_000, pis: 10_000 },
    demoCustomerId: null,
    ...options,
  });
  return { simulator, bank: new TestBank(simulator.url) };
}

export type Json = Record<string, unknown>;

export function body(result: CallResult): Json {
  return result.json as Json;
}
