import { z } from 'zod';
import type { NordeaConfig } from './config.ts';
import {
  BankAuthExpiredError,
  BankAuthorizationError,
  BankConsentRevokedError,
  BankCredentialsError,
  type BankError,
  type BankFailure,
  BankInsufficientFundsError,
  BankRateLimitedError,
  BankResponseError,
  BankServerError,
  BankTimeoutError,
  BankValidationError,
} from './errors.ts';
import { type ApiProduct, type CallPacer, SlidingWindowPacer } from './pacing.ts';
import { buildFormBody, sha256Digest, signatureHeader } from './signing.ts';

/**
 * Who is behind a call. PSD2 treats reads the saver asks for differently from unattended background
 * reads; Nordea learns which through the originating-user headers, so every call must say.
 */
export type RequestContext =
  | { kind: 'saver-present'; userIp: string; userAgent: string }
  | { kind: 'unattended' };

export const UNATTENDED: RequestContext = Object.freeze({ kind: 'unattended' });

export function saverPresent(userIp: string, userAgent: string): RequestContext {
  return { kind: 'saver-present', userIp, userAgent };
}

export interface CallOptions {
  context: RequestContext;
  /** Sandbox-only `X-Response-Scenarios` values (e.g. `PaymentMissingFunds`); never sent when empty. */
  sandboxScenarios?: readonly string[];
}

export type FetchFunction = typeof globalThis.fetch;

export interface TransportDependencies {
  fetch?: FetchFunction;
  /** Current time; drives `X-Nordea-Originating-Date`, token expiry and `Retry-After` dates. */
  now?: () => Date;
  /** Uniform in [0, 1); the jitter source for retry delays. */
  random?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
  /** Paces calls under Nordea's per-app limits; share one between clients of the same app. */
  pacer?: CallPacer;
  /** Told of every 429 the bank answers (for a metric: pacing should keep this at zero). */
  onRateLimited?: (product: BankRequest['product']) => void;
}

export type RequestBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; fields: Readonly<Record<string, string>> };

/** How the error of a failed call should be read; token endpoints fail differently from API calls. */
export type ErrorPurpose = 'api' | 'code-exchange' | 'token-refresh';

export interface BankRequest extends CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Readonly<Record<string, string | undefined>>;
  body?: RequestBody;
  accessToken?: string;
  /** Which of Nordea's rate-limited products the call counts against. */
  product: ApiProduct;
  /**
   * `read`: repeated on any transient failure (5xx, timeout, 429). `refusal`: repeated only after a 429,
   * which proves the call was refused before it ran. `never`: one attempt whatever happens.
   */
  retry: 'read' | 'refusal' | 'never';
  /** Statuses that count as success; by default any 2xx. */
  acceptStatus?: (status: number) => boolean;
  errorPurpose?: ErrorPurpose;
}

export interface BankResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Bank answers larger than this are refused unread: no legitimate page is near it. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

const failureSchema = z.object({
  code: z.string().max(200),
  description: z.string().max(2000).optional(),
  path: z.string().max(500).optional(),
});

const nordeaErrorBodySchema = z.object({
  error: z.object({ failures: z.array(failureSchema).max(100).optional() }),
});

const gatewayErrorBodySchema = z.object({
  httpCode: z.union([z.string(), z.number()]),
  httpMessage: z.string().max(500).optional(),
  moreInformation: z.string().max(2000).optional(),
});

const oauthErrorBodySchema = z.object({
  error: z.string().max(200),
  error_description: z.string().max(2000).optional(),
});

const tppMessagesBodySchema = z.object({
  response: z.object({ tpp_messages: z.array(z.object({ code: z.string().max(50) })).max(100) }),
});

function extractFailures(text: string): BankFailure[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const failures: BankFailure[] = [];
  const nordea = nordeaErrorBodySchema.safeParse(body);
  if (nordea.success) failures.push(...(nordea.data.error.failures ?? []));
  const gateway = gatewayErrorBodySchema.safeParse(body);
  if (gateway.success) {
    failures.push({
      code: `gateway.${gateway.data.httpCode}`,
      description: [gateway.data.httpMessage, gateway.data.moreInformation].filter(Boolean).join(': '),
    });
  }
  const oauth = oauthErrorBodySchema.safeParse(body);
  if (oauth.success) failures.push({ code: oauth.data.error, description: oauth.data.error_description });
  const tpp = tppMessagesBodySchema.safeParse(body);
  if (tpp.success)
    failures.push(...tpp.data.response.tpp_messages.map((message) => ({ code: message.code })));
  return failures;
}

const CREDENTIAL_FAILURES = new Set([
  'error.signature.invalid',
  'error.apikey.missing',
  'error.apikey.invalid',
]);

function isInsufficientFunds(failures: readonly BankFailure[]): boolean {
  return failures.some(
    (failure) =>
      failure.code === 'AM04' || /insufficient/i.test(`${failure.code} ${failure.description ?? ''}`),
  );
}

function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,6}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** Maps a non-success answer (either error shape) to the typed error the caller acts on. */
export function errorForResponse(
  response: BankResponse,
  options: { hadAccessToken: boolean; purpose: ErrorPurpose; now: Date },
): BankError {
  const { status } = response;
  const failures = extractFailures(response.text);
  const summary = failures.map((failure) => failure.code).join(', ') || `HTTP ${status}`;
  const details = { status, failures };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now);
    return new BankRateLimitedError(`Nordea rate limit: ${summary}`, { ...details, retryAfterMs });
  }
  if (status === 408) return new BankTimeoutError(`Nordea timed out: ${summary}`, details);
  if (status >= 500) return new BankServerError(`Nordea server error: ${summary}`, details);
  const gatewayRefusal = failures.some((failure) => failure.code.startsWith('gateway.'));
  if (
    status === 401 &&
    (gatewayRefusal || failures.some((failure) => CREDENTIAL_FAILURES.has(failure.code)))
  ) {
    return new BankCredentialsError(`Nordea refused our credentials: ${summary}`, details);
  }
  if (options.purpose === 'token-refresh' && status >= 400 && status < 500) {
    // The refresh token is spent, expired or revoked: only a new consent helps.
    return new BankConsentRevokedError(`Nordea refused the refresh token: ${summary}`, details);
  }
  if (options.purpose === 'code-exchange' && status >= 400 && status < 500) {
    // Used, expired or foreign code: the saver has to start the authorization again.
    return new BankAuthorizationError(`Nordea refused the authorization code: ${summary}`, details);
  }
  if (status === 401) {
    if (options.hadAccessToken) return new BankAuthExpiredError(`Access token refused: ${summary}`, details);
    return new BankCredentialsError(`Nordea refused the call: ${summary}`, details);
  }
  if (status === 403) return new BankConsentRevokedError(`Consent does not allow this: ${summary}`, details);
  if (isInsufficientFunds(failures))
    return new BankInsufficientFundsError(`Insufficient funds: ${summary}`, details);
  if (status >= 400) return new BankValidationError(`Nordea rejected the request: ${summary}`, details);
  return new BankResponseError(`Unexpected HTTP ${status} from Nordea`, details);
}

async function readBoundedText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new BankResponseError(`Nordea answer too large (${declared} bytes)`, { status: response.status });
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new BankResponseError('Nordea answer too large', { status: response.status });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function isRepeatable(error: unknown, retry: BankRequest['retry']): boolean {
  if (retry === 'never') return false;
  if (error instanceof BankRateLimitedError) return true;
  return retry === 'read' && (error instanceof BankServerError || error instanceof BankTimeoutError);
}

const defaultSleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, milliseconds);
  });

/** Signs, sends and classifies one Nordea call; repeats reads on transient failures. */
export class NordeaTransport {
  readonly config: NordeaConfig;
  readonly now: () => Date;
  private readonly fetch: FetchFunction;
  private readonly random: () => number;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  private readonly pacer: CallPacer;
  private readonly onRateLimited: TransportDependencies['onRateLimited'];

  constructor(config: NordeaConfig, dependencies: TransportDependencies = {}) {
    this.config = config;
    this.fetch = dependencies.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = dependencies.now ?? (() => new Date());
    this.random = dependencies.random ?? Math.random;
    this.sleep = dependencies.sleep ?? defaultSleep;
    this.pacer = dependencies.pacer ?? new SlidingWindowPacer(config.callsPerSecond);
    this.onRateLimited = dependencies.onRateLimited;
  }

  /** `base * 2^(attempt-1)` capped, scaled by a uniform random factor ("full jitter"). */
  retryDelay(attempt: number, error: unknown): number {
    const { retryBaseDelayMs, retryMaxDelayMs } = this.config;
    const backoff = this.random() * Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (attempt - 1));
    if (error instanceof BankRateLimitedError && error.retryAfterMs !== undefined) {
      return error.retryAfterMs + backoff;
    }
    return backoff;
  }

  async send(request: BankRequest): Promise<BankResponse> {
    const attempts = request.retry === 'never' ? 1 : this.config.maxReadAttempts;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.sendOnce(request);
      } catch (error) {
        if (error instanceof BankRateLimitedError) this.onRateLimited?.(request.product);
        if (attempt >= attempts || !isRepeatable(error, request.retry)) throw error;
        const delay = this.retryDelay(attempt, error);
        // A Retry-After beyond our patience is the caller's to schedule, not ours to sleep through.
        if (delay > this.config.retryMaxDelayMs) throw error;
        await this.sleep(delay);
      }
    }
  }

  buildUrl(path: string, query?: Readonly<Record<string, string | undefined>>): URL {
    const url = new URL(`${this.config.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return url;
  }

  private encodeBody(body: RequestBody): { bytes: Buffer; contentType: string } {
    if (body.kind === 'form') {
      return {
        bytes: Buffer.from(buildFormBody(body.fields), 'utf8'),
        contentType: 'application/x-www-form-urlencoded',
      };
    }
    return { bytes: Buffer.from(JSON.stringify(body.value), 'utf8'), contentType: 'application/json' };
  }

  private buildHeaders(
    request: BankRequest,
    url: URL,
    encoded?: { bytes: Buffer; contentType: string },
  ): Headers {
    const { config } = this;
    const originatingDate = this.now().toUTCString();
    const headers = new Headers({
      Accept: 'application/json',
      'X-IBM-Client-Id': config.clientId,
      'X-IBM-Client-Secret': config.clientSecret,
      'X-Nordea-Originating-Host': config.originatingHost,
      'X-Nordea-Originating-Date': originatingDate,
    });
    let signedBody: { contentType: string; digest: string } | undefined;
    if (encoded !== undefined) {
      signedBody = { contentType: encoded.contentType, digest: sha256Digest(encoded.bytes) };
      headers.set('Content-Type', signedBody.contentType);
      headers.set('Digest', signedBody.digest);
    }
    headers.set(
      'Signature',
      signatureHeader(config.signer, {
        method: request.method,
        pathWithQuery: `${url.pathname}${url.search}`,
        originatingHost: config.originatingHost,
        originatingDate,
        ...(signedBody === undefined ? {} : { body: signedBody }),
      }),
    );
    if (request.accessToken !== undefined) headers.set('Authorization', `Bearer ${request.accessToken}`);
    if (request.context.kind === 'saver-present') {
      headers.set('X-Nordea-Originating-User-Ip', request.context.userIp);
      headers.set('X-Nordea-Originating-User-Agent', request.context.userAgent);
    }
    if (request.sandboxScenarios !== undefined && request.sandboxScenarios.length > 0) {
      headers.set('X-Response-Scenarios', request.sandboxScenarios.join(','));
    }
    return headers;
  }

  private async sendOnce(request: BankRequest): Promise<BankResponse> {
    const url = this.buildUrl(request.path, request.query);
    const encoded = request.body === undefined ? undefined : this.encodeBody(request.body);
    const release = await this.pacer.acquire(request.product);
    // Signed after pacing, so the originating date is the moment of sending.
    const headers = this.buildHeaders(request, url, encoded);
    let response: BankResponse;
    try {
      const fetched = await this.fetch(url, {
        method: request.method,
        headers,
        ...(encoded === undefined ? {} : { body: encoded.bytes }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      response = { status: fetched.status, headers: fetched.headers, text: await readBoundedText(fetched) };
    } catch (error) {
      if (error instanceof BankResponseError) throw error;
      const reason = isTimeout(error) ? `no answer within ${this.config.timeoutMs} ms` : 'connection failed';
      throw new BankTimeoutError(`Nordea ${request.method} ${request.path}: ${reason}`, { cause: error });
    } finally {
      // The gateway counted the call at some point before now: its rate-limit slot runs from here.
      release();
    }
    const accept = request.acceptStatus ?? ((status: number) => status >= 200 && status < 300);
    if (accept(response.status)) return response;
    throw errorForResponse(response, {
      hadAccessToken: request.accessToken !== undefined,
      purpose: request.errorPurpose ?? 'api',
      now: this.now(),
    });
  }
}

/** Parses a JSON answer against its schema; anything else is a typed BankResponseError, never a crash. */
export function parseBankJson<S extends z.ZodType>(
  response: BankResponse,
  schema: S,
  what: string,
): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new BankResponseError(`${what}: answer is not JSON`, { status: response.status });
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    // Paths only: values may be personal data.
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new BankResponseError(`${what}: unexpected shape at ${fields}`, { status: response.status });
  }
  return result.data;
}
