import { createHash, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildNordeaConfig, type NordeaConfig, type NordeaSettings } from '#bank/config';

/**
 * A minimal Nordea stand-in on 127.0.0.1 for unit tests: it verifies every request's signature and
 * digest independently of the client's code (node:crypto over the raw request), records what arrived and
 * answers with whatever the test scripts.
 */

export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-secret';
export const TEST_REDIRECT_URI = 'https://app.example/api/bank/callback';
export const TEST_ORIGINATING_HOST = 'api.nordeaopenbanking.com';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  body: string;
  /** null when no signature check applied (sandbox skip value). */
  signatureProblem: string | null;
  signedHeaders: string[];
}

export interface CannedResponse {
  status: number;
  body?: unknown;
  /** Sent verbatim instead of JSON-encoding `body`, for hostile payloads. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (to trigger client timeouts). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  dropConnection?: boolean;
}

export type Route = (request: RecordedRequest) => CannedResponse | Promise<CannedResponse>;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseSignatureHeader(value: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const match of value.matchAll(/(\w+)="([^"]*)"/g)) {
    const [, name, parameterValue] = match;
    if (name !== undefined && parameterValue !== undefined) parameters[name] = parameterValue;
  }
  return parameters;
}

/** Checks a request exactly as Nordea describes it, from the raw bytes received. */
function checkSignature(
  request: IncomingMessage,
  rawBody: Buffer,
  publicKey: KeyObject,
): { problem: string | null; signedHeaders: string[] } {
  const signature = header(request, 'signature');
  if (signature === undefined) return { problem: 'missing Signature', signedHeaders: [] };
  if (signature === 'SKIP_SIGNATURE_VALIDATION_FOR_SANDBOX') return { problem: null, signedHeaders: [] };
  const parameters = parseSignatureHeader(signature);
  const signedHeaders = (parameters.headers ?? '').split(' ');
  if (parameters.keyId !== header(request, 'x-ibm-client-id'))
    return { problem: 'keyId mismatch', signedHeaders };
  if (parameters.algorithm !== 'rsa-sha256') return { problem: 'algorithm', signedHeaders };
  const hasBody = rawBody.length > 0;
  const expectedHeaders = hasBody
    ? '(request-target) x-nordea-originating-host x-nordea-originating-date content-type digest'
    : '(request-target) x-nordea-originating-host x-nordea-originating-date';
  if (parameters.headers !== expectedHeaders) return { problem: 'signed header list', signedHeaders };
  if (hasBody) {
    const expectedDigest = `sha-256=${createHash('sha256').update(rawBody).digest('base64')}`;
    if (header(request, 'digest')?.toLowerCase() !== expectedDigest.toLowerCase()) {
      return { problem: 'digest mismatch', signedHeaders };
    }
  }
  const lines = signedHeaders.map((name) =>
    name === '(request-target)'
      ? `(request-target): ${request.method?.toLowerCase()} ${request.url}`
      : `${name}: ${header(request, name) ?? ''}`,
  );
  const valid = createVerify('RSA-SHA256')
    .update(lines.join('\n'))
    .verify(publicKey, parameters.signature ?? '', 'base64');
  return { problem: valid ? null : 'signature does not verify', signedHeaders };
}

export interface FakeNordea {
  url: string;
  /** Base URL including `/personal`, as the client is configured. */
  baseUrl: string;
  requests: RecordedRequest[];
  privateKeyPem: string;
  publicKey: KeyObject;
  /** Routes by `METHOD /path` (path without query); a function for everything else. */
  on(methodAndPath: string, route: Route | CannedResponse): void;
  /** Answers the next calls in order; the last one repeats. */
  sequence(methodAndPath: string, responses: CannedResponse[]): void;
  configFor(
    overrides?: Partial<NordeaSettings>,
    credentials?: Record<string, string | undefined>,
  ): NordeaConfig;
  close(): Promise<void>;
}

let sharedKeys: { privateKeyPem: string; publicKey: KeyObject } | undefined;

/** One key pair per test process: generated at test time, never committed. */
function testKeys(): { privateKeyPem: string; publicKey: KeyObject } {
  if (sharedKeys === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sharedKeys = { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
  }
  return sharedKeys;
}

export async function startFakeNordea(): Promise<FakeNordea> {
  const { privateKeyPem, publicKey } = testKeys();
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks);
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const { problem, signedHeaders } = checkSignature(request, rawBody, publicKey);
        const recorded: RecordedRequest = {
          method: request.method ?? '',
          target: request.url ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          rawBody,
          body: rawBody.toString('utf8'),
          signatureProblem: problem,
          signedHeaders,
        };
        requests.push(recorded);
        let canned: CannedResponse;
        if (problem !== null) {
          canned = {
            status: 401,
            body: {
              group_header: {
                message_identification: 'x',
                creation_date_time: '2024-01-01T00:00:00Z',
                http_code: 401,
              },
              error: {
                request: { url: url.pathname },
                failures: [{ code: 'error.signature.invalid', description: problem }],
              },
            },
          };
        } else {
          const route = routes.get(`${recorded.method} ${recorded.path}`);
          canned =
            route === undefined
              ? { status: 404, body: { error: { failures: [{ code: 'not.routed' }] } } }
              : await route(recorded);
        }
        if (canned.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, canned.delayMs));
        if (canned.dropConnection === true) {
          request.socket.destroy();
          return;
        }
        const text = canned.rawBody ?? (canned.body === undefined ? '' : JSON.stringify(canned.body));
        response.writeHead(canned.status, {
          ...(text === '' ? {} : { 'Content-Type': 'application/json' }),
          ...canned.headers,
        });
        response.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/personal`,
    requests,
    privateKeyPem,
    publicKey,
    on(methodAndPath, route) {
      routes.set(methodAndPath, typeof route === 'function' ? route : () => route);
    },
    sequence(methodAndPath, responses) {
      let index = 0;
      routes.set(methodAndPath, () => {
        const response = responses[Math.min(index, responses.length - 1)];
        index += 1;
        if (response === undefined) throw new Error('empty sequence');
        return response;
      });
    },
    configFor(overrides = {}, credentials = {}) {
      return buildNordeaConfig(
        {
          baseUrl: `${url}/personal`,
          originatingHost: TEST_ORIGINATING_HOST,
          country: 'DK',
          redirectUri: TEST_REDIRECT_URI,
          credentialsSecretName: 'nordea/app',
          timeoutMs: 2_000,
          ...overrides,
        },
        {
          clientId: TEST_CLIENT_ID,
          clientSecret: TEST_CLIENT_SECRET,
          signingKeyPem: privateKeyPem,
          ...credentials,
        },
      );
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** Nordea's `group_header` + `error.failures[]` shape. */
export function nordeaError(status: number, code: string, description = code): CannedResponse {
  return {
    status,
    body: {
      group_header: {
        message_identification: 'abc',
        creation_date_time: '2024-02-01T10:00:00Z',
        http_code: status,
      },
      error: { request: { url: '/v5/x' }, failures: [{ code, description }] },
    },
  };
}

/** The IBM API Connect gateway's shape. */
export function gatewayError(status: number, message: string, moreInformation: string): CannedResponse {
  return { status, body: { httpCode: String(status), httpMessage: message, moreInformation } };
}
