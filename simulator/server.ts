import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accountDetails, listAccounts, listTransactions } from './accounts.ts';
import { handleAdmin } from './admin.ts';
import { type RequestContext, SimulatorCore } from './core.ts';
import { createAccount, createTransaction, deleteAccount } from './dynamic.ts';
import { BodyTooLargeError, gatewayError, header, nordeaError, type Reply, readBody } from './http.ts';
import { assets, authorize, consentDecision, consentPage, revoke, token } from './oauth.ts';
import {
  cancelPayments,
  confirmPayments,
  createPayment,
  executeDuePayments,
  getPayment,
  listPayments,
  signingDecision,
  signingPage,
} from './payments.ts';
import { verifySignature } from './signature.ts';
import { createCustomer } from './spending.ts';
import { type AppRegistration, emptyState, loadState, type SimulatorState, StatePersister } from './state.ts';

export type { SimulatorState } from './state.ts';

/** The simulator's default registered application (DESIGN §6). */
export const DEFAULT_APP: AppRegistration = {
  clientId: 'sparegris-local',
  clientSecret: 'sparegris-local-secret',
  redirectUris: [
    'http://localhost:3000/api/bank/callback',
    'http://127.0.0.1:3000/api/bank/callback',
    'http://localhost:5173/api/bank/callback',
    'http://127.0.0.1:5173/api/bank/callback',
  ],
  allowSkipSignature: true,
};

export interface AppOptions {
  clientId: string;
  clientSecret: string;
  redirectUris?: string[];
  publicKeyPem?: string;
  allowSkipSignature?: boolean;
}

export interface StartSimulatorOptions {
  /** 0 picks a free port. Default 3100. */
  port?: number;
  /** Default 127.0.0.1 (the simulator is loopback-only). */
  host?: string;
  /** Seed for customers and spending; the same seed gives the same data. Default 1. */
  seed?: number;
  /** Base clock; simulated time is this plus the offset moved by `POST /__admin/clock`. */
  now?: () => Date;
  /** JSON file to load state from and persist it to (customers, accounts, tokens, payments, clock). */
  dataFile?: string;
  /** Show a consent page on `/authorize` instead of redirecting straight back (local demo). */
  consentPage?: boolean;
  /** Registered apps; an entry with the default client id replaces the default app. */
  apps?: AppOptions[];
  /** Per-app, per-second call limits (Nordea Personal: 20 AIS, 100 PIS). */
  rateLimits?: { ais?: number; pis?: number };
  /** Unattended reads per consent, account and endpoint per 24 h; 0 disables the check. Default 4. */
  unattendedReadsPer24h?: number;
  /** Transactions per page before a continuation_key is returned. Default 50. */
  transactionPageSize?: number;
  accessTokenTtlSeconds?: number;
  authorizationCodeTtlSeconds?: number;
  /** How long a payment waits on the signing link before UserApprovalTimeout. Default 900. */
  signingTtlSeconds?: number;
  /** Accepted distance between X-Nordea-Originating-Date and the wall clock; null turns the check off. */
  maxDateSkewSeconds?: number | null;
  /** A customer created at start and fed by the live spending generator; null for none. Default "psu-demo". */
  demoCustomerId?: string | null;
  /** Base URL used in consent-page and signing links (default: the listening URL). */
  publicBaseUrl?: string;
  log?: (line: string) => void;
}

export interface RunningSimulator {
  url: string;
  port: number;
  /** The live state (read it in tests; change it through the admin API). */
  state: SimulatorState;
  close(): Promise<void>;
}

type Product = 'ais' | 'pis';
type Handler = (core: SimulatorCore, context: RequestContext) => Reply;

interface Route {
  method: string;
  pattern: RegExp;
  product: Product;
  handler: Handler;
}

function route(method: string, path: string, product: Product, handler: Handler): Route {
  const source = path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return { method, pattern: new RegExp(`^${source}$`), product, handler };
}

/**
 * Paths under `/personal`. Payments follow the most recent source (2025: `domestic-credit-transfers`,
 * confirm with `PUT /v5/payments`); the older names are served as aliases.
 */
const ROUTES: Route[] = [
  route('POST', '/v5/authorize', 'ais', authorize),
  route('POST', '/v5/authorize/token', 'ais', token),
  route('POST', '/v5/authorize/token/revoke', 'ais', revoke),
  route('GET', '/v4/assets', 'ais', assets),
  route('GET', '/v5/accounts', 'ais', listAccounts),
  route('GET', '/v4/accounts', 'ais', listAccounts),
  route('POST', '/v4/accounts', 'ais', createAccount),
  route('GET', '/v5/accounts/{accountId}', 'ais', accountDetails),
  route('GET', '/v4/accounts/{accountId}', 'ais', accountDetails),
  route('DELETE', '/v4/accounts/{accountId}', 'ais', deleteAccount),
  route('GET', '/v5/accounts/{accountId}/transactions', 'ais', listTransactions),
  route('GET', '/v4/accounts/{accountId}/transactions', 'ais', listTransactions),
  route('POST', '/v4/accounts/{accountId}/transactions', 'ais', createTransaction),
  route('POST', '/v5/payments/domestic-credit-transfers', 'pis', createPayment),
  route('POST', '/v5/payments/domestic', 'pis', createPayment),
  route('GET', '/v5/payments/domestic-credit-transfers', 'pis', listPayments),
  route('GET', '/v5/payments/domestic', 'pis', listPayments),
  route('GET', '/v5/payments/?', 'pis', listPayments),
  route('PUT', '/v5/payments', 'pis', confirmPayments),
  route('PUT', '/v5/payments/confirm', 'pis', confirmPayments),
  route('DELETE', '/v5/payments', 'pis', cancelPayments),
  route('GET', '/v5/payments/{paymentId}', 'pis', getPayment),
];

const RFC_7231_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function send(response: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extraHeaders, ...reply.headers };
  let payload: string | undefined;
  if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json);
    headers['Content-Type'] = 'application/json';
  } else if (reply.html !== undefined) {
    payload = reply.html;
    headers['Content-Type'] = 'text/html; charset=utf-8';
  }
  response.writeHead(reply.status, headers);
  response.end(payload);
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 1;
  const loaded = options.dataFile ? loadState(options.dataFile) : undefined;
  const state = loaded ?? emptyState(seed);
  let core: SimulatorCore | undefined;
  if (options.dataFile) mkdirSync(dirname(options.dataFile), { recursive: true });
  const persister = options.dataFile ? new StatePersister(options.dataFile, () => state) : undefined;
  const apps = new Map<string, AppRegistration>([[DEFAULT_APP.clientId, { ...DEFAULT_APP }]]);
  for (const app of options.apps ?? []) {
    apps.set(app.clientId, {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUris: app.redirectUris ?? DEFAULT_APP.redirectUris,
      ...(app.publicKeyPem ? { publicKeyPem: app.publicKeyPem } : {}),
      allowSkipSignature: app.allowSkipSignature ?? true,
    });
  }
  const realNow = options.now ?? (() => new Date());
  const simulator = new SimulatorCore(
    state,
    apps,
    {
      consentPage: options.consentPage ?? false,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3_600,
      authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 60,
      transactionPageSize: options.transactionPageSize ?? 50,
      unattendedReadsPer24h: options.unattendedReadsPer24h ?? 4,
      maxDateSkewSeconds: options.maxDateSkewSeconds === undefined ? 900 : options.maxDateSkewSeconds,
      signingTtlSeconds: options.signingTtlSeconds ?? 900,
    },
    realNow,
    { ais: options.rateLimits?.ais ?? 20, pis: options.rateLimits?.pis ?? 100 },
    persister,
  );
  core = simulator;
  const demoCustomerId = options.demoCustomerId === undefined ? 'psu-demo' : options.demoCustomerId;
  if (demoCustomerId && !state.customers[demoCustomerId]) {
    createCustomer(state, { country: 'DK', now: simulator.now().getTime(), customerId: demoCustomerId });
    if (!state.liveCustomerIds.includes(demoCustomerId)) state.liveCustomerIds.push(demoCustomerId);
    simulator.changed();
  }
  const log = options.log ?? (() => {});
  const heldSockets = new Set<Socket>();

  const handleApi = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const method = (request.method ?? 'GET').toUpperCase();
    const path = url.pathname.startsWith('/personal/')
      ? url.pathname.slice('/personal'.length)
      : url.pathname;
    const candidates = ROUTES.filter((candidate) => candidate.pattern.test(path));
    const matched = candidates.find((candidate) => candidate.method === method);
    if (!matched) {
      send(
        response,
        candidates.length > 0
          ? gatewayError(405, 'The method is not allowed for the requested URL.')
          : gatewayError(404, 'No resources match requested URI'),
      );
      return;
    }
    // The client signs with its own wall clock, not the simulated one.
    const wallNow = new Date();
    const clientId = header(request, 'x-ibm-client-id');
    if (!clientId) {
      send(
        response,
        nordeaError(simulator.now(), 401, path, [
          {
            code: 'error.apikey.missing',
            description: 'Missing API key. This operation requires API key, but it was missing.',
          },
        ]),
      );
      return;
    }
    const app = apps.get(clientId);
    if (!app || app.clientSecret !== header(request, 'x-ibm-client-secret')) {
      send(response, gatewayError(401, 'Invalid client id or secret.'));
      return;
    }
    const remaining = simulator.rateLimiter.take(app.clientId, matched.product, Date.now());
    const limitHeaders: Record<string, string> = {
      'X-RateLimit-Limit': `name=rate-limit-1,${simulator.rateLimiter.limitFor(matched.product)};`,
    };
    if (remaining === undefined) {
      send(response, gatewayError(429, 'Assembly Rate Limit exceeded', { 'Retry-After': '1' }), limitHeaders);
      return;
    }
    limitHeaders['X-RateLimit-Remaining'] = `name=rate-limit-1,${remaining};`;
    const body = await readBody(request);
    const faults = simulator.faults.select(method, path);
    for (const fault of faults) {
      if (fault.type === 'latency' && fault.latencyMs) await sleep(fault.latencyMs);
    }
    const statusFault = faults.find((fault) => fault.type === 'status');
    if (statusFault?.status === 429) {
      send(
        response,
        gatewayError(429, 'Assembly Rate Limit exceeded', {
          'Retry-After': String(statusFault.retryAfterSeconds ?? 1),
        }),
        limitHeaders,
      );
      return;
    }
    if (statusFault?.status) {
      send(
        response,
        nordeaError(simulator.now(), statusFault.status, path, [
          { code: 'error.server', description: 'Injected server error (simulator fault).' },
        ]),
        limitHeaders,
      );
      return;
    }
    if (faults.some((fault) => fault.type === 'timeout')) {
      // Never answered: the client's own timeout decides what happens next.
      heldSockets.add(request.socket);
      request.socket.once('close', () => heldSockets.delete(request.socket));
      return;
    }
    const now = simulator.now();
    const originatingHost = header(request, 'x-nordea-originating-host');
    const originatingDate = header(request, 'x-nordea-originating-date');
    const missingHeaders = [
      ...(originatingHost ? [] : ['X-Nordea-Originating-Host']),
      ...(originatingDate ? [] : ['X-Nordea-Originating-Date']),
    ];
    if (missingHeaders.length > 0) {
      send(
        response,
        nordeaError(
          now,
          400,
          path,
          missingHeaders.map((name) => ({
            code: 'error.validation',
            description: `${name} header is required.`,
            path: name,
            type: 'NotNull',
          })),
        ),
        limitHeaders,
      );
      return;
    }
    if (originatingDate && !RFC_7231_DATE.test(originatingDate)) {
      send(
        response,
        nordeaError(now, 400, path, [
          {
            code: 'error.validation',
            description:
              'X-Nordea-Originating-Date must be an RFC 7231 date (e.g. Wed, 24 Apr 2019 14:00:37 GMT).',
            path: 'X-Nordea-Originating-Date',
            type: 'Invalid',
          },
        ]),
        limitHeaders,
      );
      return;
    }
    const skewLimit = simulator.settings.maxDateSkewSeconds;
    if (
      originatingDate &&
      skewLimit !== null &&
      Math.abs(Date.parse(originatingDate) - wallNow.getTime()) > skewLimit * 1_000
    ) {
      send(
        response,
        nordeaError(now, 401, path, [
          {
            code: 'error.signature.invalid',
            description: 'X-Nordea-Originating-Date is too far from the current time.',
          },
        ]),
        limitHeaders,
      );
      return;
    }
    // `(request-target)` covers the path and query byte for byte as sent, so use the raw request line.
    const target = request.url ?? url.pathname + url.search;
    const verdict = verifySignature(app, {
      method,
      target,
      headers: {
        signature: header(request, 'signature'),
        digest: header(request, 'digest'),
        'content-type': header(request, 'content-type'),
        'x-nordea-originating-host': originatingHost,
        'x-nordea-originating-date': originatingDate,
      },
      body,
    });
    if (!verdict.ok) {
      send(
        response,
        nordeaError(now, verdict.status, path, [
          { code: 'error.signature.invalid', description: verdict.description },
        ]),
        limitHeaders,
      );
      return;
    }
    simulator.tick((tickNow) => executeDuePayments(simulator, tickNow));
    const scenarios = (header(request, 'x-response-scenarios') ?? '')
      .split(',')
      .map((scenario) => scenario.trim())
      .filter((scenario) => scenario.length > 0);
    const context: RequestContext = {
      method,
      path,
      target,
      query: url.searchParams,
      params: { ...(matched.pattern.exec(path)?.groups ?? {}) },
      headers: request.headers,
      body,
      app,
      now: simulator.now(),
      scenarios,
      userPresent: Boolean(header(request, 'x-nordea-originating-user-ip')),
    };
    const reply = matched.handler(simulator, context);
    if (faults.some((fault) => fault.type === 'commit-then-drop')) {
      // The bank has committed; the answer is lost on the way back.
      log(`${method} ${url.pathname} -> ${reply.status} (dropped by fault)`);
      request.socket.destroy();
      return;
    }
    const commitThenStatus = faults.find((fault) => fault.type === 'commit-then-status');
    if (commitThenStatus?.status) {
      // The bank has committed, yet answers with a server error.
      log(`${method} ${url.pathname} -> ${reply.status}, answered ${commitThenStatus.status} by fault`);
      send(
        response,
        nordeaError(now, commitThenStatus.status, path, [
          { code: 'error.server', description: 'Injected server error after commit (simulator fault).' },
        ]),
        limitHeaders,
      );
      return;
    }
    const replaceBody = faults.find((fault) => fault.type === 'replace-body');
    if (replaceBody) {
      log(`${method} ${url.pathname} -> ${reply.status} with a replaced body (fault)`);
      send(response, { ...reply, json: replaceBody.body }, limitHeaders);
      return;
    }
    log(`${method} ${url.pathname}${url.search} -> ${reply.status}`);
    send(response, reply, limitHeaders);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://simulator.local');
    const method = (request.method ?? 'GET').toUpperCase();
    if (url.pathname === '/__health') {
      send(response, { status: 200, json: { status: 'ok' } });
      return;
    }
    if (url.pathname.startsWith('/__admin/')) {
      if (!isLoopback(request.socket.remoteAddress)) {
        send(response, { status: 403, json: { error: 'the admin API is loopback-only' } });
        return;
      }
      const body = await readBody(request);
      simulator.tick((tickNow) => executeDuePayments(simulator, tickNow));
      const reply = handleAdmin(simulator, { method, path: url.pathname, body });
      // The clock may have moved: let simulated time act before anyone looks again.
      simulator.tick((tickNow) => executeDuePayments(simulator, tickNow));
      log(`${method} ${url.pathname} -> ${reply.status}`);
      send(response, reply);
      return;
    }
    const page = /^\/__(consent|signing)\/([^/]+)$/.exec(url.pathname);
    if (page?.[1] && page[2]) {
      const id = decodeURIComponent(page[2]);
      simulator.tick((tickNow) => executeDuePayments(simulator, tickNow));
      if (method === 'GET') {
        send(response, page[1] === 'consent' ? consentPage(simulator, id) : signingPage(simulator, id));
      } else if (method === 'POST') {
        const body = await readBody(request);
        const now = simulator.now();
        send(
          response,
          page[1] === 'consent'
            ? consentDecision(simulator, id, body, now)
            : signingDecision(simulator, id, body, now),
        );
      } else {
        send(response, { status: 405, html: 'Method Not Allowed' });
      }
      return;
    }
    await handleApi(request, response, url);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent || request.socket.destroyed) return;
      if (error instanceof BodyTooLargeError) {
        send(response, gatewayError(413, 'Request entity too large.'));
        return;
      }
      log(`simulator error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(
        response,
        nordeaError(simulator.now(), 500, request.url ?? '/', [
          { code: 'error.server', description: 'Internal error.' },
        ]),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3100, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  simulator.baseUrl = options.publicBaseUrl ?? url;
  return {
    url,
    port,
    state,
    async close(): Promise<void> {
      for (const socket of heldSockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core?.flush();
    },
  };
}
