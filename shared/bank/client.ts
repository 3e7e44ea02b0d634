import {
  accountDetailsResponseSchema,
  accountListResponseSchema,
  type BankAccount,
  type BankTransaction,
  continuationKeyOf,
  DerivedTransactionIds,
  mapAccount,
  mapTransaction,
  type TransactionPage,
  transactionPageResponseSchema,
} from './accounts.ts';
import {
  type AuthorizationRequest,
  type AuthorizationStart,
  authorizationRequestSchema,
  authorizeBody,
  type BankTokenSet,
  isRedirectBack,
  parseAuthorizationCallback,
  tokenResponseSchema,
  tokenSetFrom,
} from './authorization.ts';
import { loadNordeaConfig, type NordeaConfig, type NordeaSettings, type ReadSecret } from './config.ts';
import {
  AmbiguousPaymentError,
  BankAuthorizationError,
  BankResponseError,
  BankServerError,
  BankTimeoutError,
} from './errors.ts';
import {
  type BankPayment,
  type DomesticPaymentRequest,
  domesticPaymentBody,
  domesticPaymentRequestSchema,
  mapConfirmation,
  mapPayment,
  type PaymentConfirmation,
  paymentListResponseSchema,
  paymentResponseSchema,
  paymentsOf,
} from './payments.ts';
import {
  type BankResponse,
  type CallOptions,
  NordeaTransport,
  parseBankJson,
  type TransportDependencies,
} from './transport.ts';

/** Nordea Personal API v5: authorization, accounts, transactions and domestic payments. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A runaway continuation chain is a bank fault, not a reason to loop forever. */
const MAX_TRANSACTION_PAGES = 1000;

/** Nordea's own web hosts (login and signing pages), in every country it serves. */
const NORDEA_HOSTS = /(^|\.)(nordea\.(com|dk|fi|no|se)|nordeaopenbanking\.com)$/;

const toUrl = (text: string): URL | undefined => {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
};

export interface TransactionRange {
  /** Inclusive, `YYYY-MM-DD`. */
  fromDate: string;
  /** Inclusive, `YYYY-MM-DD`. */
  toDate: string;
  language?: 'fi' | 'sv' | 'en' | 'da';
}

export interface ConfirmOptions extends CallOptions {
  /** Where Nordea sends the saver after signing. */
  redirectUrl?: string;
  state?: string;
}

function fillPath(template: string, parameters: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`No value for ${placeholder} in path ${template}`);
    return encodeURIComponent(value);
  });
}

export class NordeaClient {
  readonly config: NordeaConfig;
  private readonly transport: NordeaTransport;

  constructor(config: NordeaConfig, dependencies: TransportDependencies = {}) {
    this.config = config;
    this.transport = new NordeaTransport(config, dependencies);
  }

  /** Builds a client whose credentials and signing key come from Secrets Manager (via the port). */
  static async fromSecrets(
    settings: NordeaSettings,
    readSecret: ReadSecret,
    dependencies: TransportDependencies = {},
  ): Promise<NordeaClient> {
    return new NordeaClient(await loadNordeaConfig(settings, readSecret), dependencies);
  }

  now(): Date {
    return this.transport.now();
  }

  // --- authorization -------------------------------------------------------------------------------

  /**
   * `POST /v5/authorize`; the 302 is read, never followed. In the sandbox the Location already holds the
   * code (checked against `state`); in production it is Nordea's login page for the saver's browser.
   */
  async startAuthorization(request: AuthorizationRequest, options: CallOptions): Promise<AuthorizationStart> {
    const parsed = authorizationRequestSchema.parse(request);
    const response = await this.transport.send({
      ...options,
      method: 'POST',
      path: this.config.paths.authorize,
      body: { kind: 'json', value: authorizeBody(parsed, this.config) },
      product: 'ais',
      retry: 'refusal',
      acceptStatus: (status) => status >= 300 && status < 400,
    });
    const locationHeader = response.headers.get('location');
    if (locationHeader === null || locationHeader === '') {
      throw new BankAuthorizationError(`Authorize answered ${response.status} without a Location`, {
        status: response.status,
      });
    }
    let location: URL;
    try {
      location = new URL(locationHeader, this.transport.buildUrl(this.config.paths.authorize));
    } catch (error) {
      throw new BankResponseError('Authorize answered with an unusable Location', { cause: error });
    }
    if (!this.isBrowserLinkWeTrust(location)) {
      throw new BankResponseError('Authorize sent the browser somewhere that is not Nordea or us');
    }
    const code = isRedirectBack(location, this.config.redirectUri)
      ? parseAuthorizationCallback(location, parsed.state)
      : undefined;
    return { redirectUrl: location.toString(), code };
  }

  /** Checks the callback's `state` and returns its code. */
  parseAuthorizationCallback(callback: URL | URLSearchParams | string, expectedState: string): string {
    return parseAuthorizationCallback(callback, expectedState);
  }

  /** Exchanges the single-use authorization code for the first token set. */
  async exchangeCode(code: string, options: CallOptions): Promise<BankTokenSet> {
    const response = await this.transport.send({
      ...options,
      method: 'POST',
      path: this.config.paths.token,
      body: {
        kind: 'form',
        fields: { code, grant_type: 'authorization_code', redirect_uri: this.config.redirectUri },
      },
      product: 'ais',
      retry: 'refusal',
      errorPurpose: 'code-exchange',
    });
    return tokenSetFrom(parseBankJson(response, tokenResponseSchema, 'Token response'), this.now());
  }

  /**
   * Spends `refreshToken` for a new token set. The caller must persist the result before using it:
   * the old refresh token no longer works (BankConnection does this in the right order).
   */
  async refreshTokens(refreshToken: string, options: CallOptions): Promise<BankTokenSet> {
    const response = await this.transport.send({
      ...options,
      method: 'POST',
      path: this.config.paths.token,
      body: { kind: 'form', fields: { grant_type: 'refresh_token', refresh_token: refreshToken } },
      product: 'ais',
      retry: 'refusal',
      errorPurpose: 'token-refresh',
    });
    return tokenSetFrom(parseBankJson(response, tokenResponseSchema, 'Token response'), this.now());
  }

  /** Revokes the consent behind `refreshToken` (its access token goes with it). */
  async revokeToken(refreshToken: string, options: CallOptions): Promise<void> {
    await this.transport.send({
      ...options,
      method: 'POST',
      path: this.config.paths.revoke,
      body: { kind: 'json', value: { token: refreshToken } },
      product: 'ais',
      retry: 'refusal',
    });
  }

  // --- accounts and transactions -------------------------------------------------------------------

  async listAccounts(accessToken: string, options: CallOptions): Promise<BankAccount[]> {
    const response = await this.transport.send({
      ...options,
      method: 'GET',
      path: this.config.paths.accounts,
      accessToken,
      product: 'ais',
      retry: 'read',
    });
    return parseBankJson(response, accountListResponseSchema, 'Account list').response.accounts.map(
      mapAccount,
    );
  }

  async getAccount(accessToken: string, accountId: string, options: CallOptions): Promise<BankAccount> {
    const response = await this.transport.send({
      ...options,
      method: 'GET',
      path: fillPath(this.config.paths.account, { accountId }),
      accessToken,
      product: 'ais',
      retry: 'read',
    });
    return mapAccount(parseBankJson(response, accountDetailsResponseSchema, 'Account details').response);
  }

  /**
   * Transactions page by page, following `continuation_key` with the other parameters unchanged. Each
   * page is yielded before the next is fetched, so a caller can persist as it goes and stop early.
   */
  async *transactionPages(
    accessToken: string,
    accountId: string,
    range: TransactionRange,
    options: CallOptions,
  ): AsyncGenerator<TransactionPage, void, undefined> {
    if (!ISO_DATE.test(range.fromDate) || !ISO_DATE.test(range.toDate) || range.fromDate > range.toDate) {
      throw new RangeError(`Invalid transaction range ${range.fromDate}..${range.toDate}`);
    }
    const derivedIds = new DerivedTransactionIds();
    const seenKeys = new Set<string>();
    let continuationKey: string | undefined;
    for (let pageNumber = 1; pageNumber <= MAX_TRANSACTION_PAGES; pageNumber += 1) {
      const response = await this.transport.send({
        ...options,
        method: 'GET',
        path: fillPath(this.config.paths.transactions, { accountId }),
        query: {
          from_date: range.fromDate,
          to_date: range.toDate,
          language: range.language,
          continuation_key: continuationKey,
        },
        accessToken,
        product: 'ais',
        retry: 'read',
      });
      const page = parseBankJson(response, transactionPageResponseSchema, 'Transaction page');
      const nextKey = continuationKeyOf(page);
      yield {
        transactions: page.response.transactions.map((transaction) =>
          mapTransaction(accountId, transaction, derivedIds),
        ),
        continuationKey: nextKey,
      };
      if (nextKey === undefined) return;
      if (seenKeys.has(nextKey)) throw new BankResponseError('Nordea repeated a continuation_key');
      seenKeys.add(nextKey);
      continuationKey = nextKey;
    }
    throw new BankResponseError(`More than ${MAX_TRANSACTION_PAGES} transaction pages`);
  }

  /** All transactions in the range (every page), for callers that need no page-by-page progress. */
  async listTransactions(
    accessToken: string,
    accountId: string,
    range: TransactionRange,
    options: CallOptions,
  ): Promise<BankTransaction[]> {
    const all: BankTransaction[] = [];
    for await (const page of this.transactionPages(accessToken, accountId, range, options)) {
      all.push(...page.transactions);
    }
    return all;
  }

  // --- domestic payments ---------------------------------------------------------------------------

  /**
   * Creates a domestic payment. Sent exactly once: if the outcome is unknown (timeout, dropped
   * connection, 5xx, unreadable answer) this throws AmbiguousPaymentError and the caller reconciles
   * with findPaymentsByExternalId before ever creating again.
   */
  async createDomesticPayment(
    accessToken: string,
    request: DomesticPaymentRequest,
    options: CallOptions,
  ): Promise<BankPayment> {
    const parsed = domesticPaymentRequestSchema.parse(request);
    let response: BankResponse;
    try {
      response = await this.transport.send({
        ...options,
        method: 'POST',
        path: this.config.paths.createDomesticPayment,
        body: { kind: 'json', value: domesticPaymentBody(parsed) },
        accessToken,
        product: 'pis',
        retry: 'never',
      });
    } catch (error) {
      if (
        error instanceof BankTimeoutError ||
        error instanceof BankServerError ||
        error instanceof BankResponseError
      ) {
        throw new AmbiguousPaymentError(parsed.externalId, {
          status: error.status,
          failures: [...error.failures],
          cause: error,
        });
      }
      throw error;
    }
    try {
      const payment = mapPayment(parseBankJson(response, paymentResponseSchema, 'Payment').response);
      if (payment.externalId !== undefined && payment.externalId !== parsed.externalId) {
        throw new BankResponseError(`Payment answer carries another external_id than ${parsed.externalId}`);
      }
      return payment;
    } catch (error) {
      // The bank said 2xx, so the payment probably exists, but we cannot trust what it told us about it.
      throw new AmbiguousPaymentError(parsed.externalId, { status: response.status, cause: error });
    }
  }

  /** Confirms created payments; the answer may carry a signing link for the saver (SCA). */
  async confirmPayments(
    accessToken: string,
    paymentIds: readonly string[],
    options: ConfirmOptions,
  ): Promise<PaymentConfirmation> {
    if (paymentIds.length === 0) throw new RangeError('No payment ids to confirm');
    const { redirectUrl, state, ...callOptions } = options;
    const response = await this.transport.send({
      ...callOptions,
      method: 'PUT',
      path: this.config.paths.confirmPayments,
      body: {
        kind: 'json',
        value: {
          payments_ids: paymentIds,
          ...(redirectUrl === undefined ? {} : { redirect_url: redirectUrl }),
          ...(state === undefined ? {} : { state }),
        },
      },
      accessToken,
      product: 'pis',
      retry: 'refusal',
    });
    const confirmation = mapConfirmation(
      parseBankJson(response, paymentListResponseSchema, 'Payment confirmation'),
    );
    // The payments are confirmed either way; a link to anywhere else is not shown to the saver.
    const { signingUrl } = confirmation;
    if (signingUrl !== undefined && !this.isBrowserLinkWeTrust(toUrl(signingUrl))) {
      return { ...confirmation, signingUrl: undefined };
    }
    return confirmation;
  }

  /**
   * Links the bank hands us for the saver's browser (its login page, a payment's signing page) may
   * only lead to Nordea (or the configured API host, e.g. the simulator) or back to our redirect:
   * https, or the configured scheme of those hosts, and no credentials in the URL.
   */
  private isBrowserLinkWeTrust(url: URL | undefined): boolean {
    if (url === undefined || url.username !== '' || url.password !== '') return false;
    const configured = [new URL(this.config.baseUrl), new URL(this.config.redirectUri)];
    if (configured.some((known) => known.protocol === url.protocol && known.host === url.host)) return true;
    return url.protocol === 'https:' && NORDEA_HOSTS.test(url.hostname);
  }

  async getPayment(accessToken: string, paymentId: string, options: CallOptions): Promise<BankPayment> {
    const response = await this.transport.send({
      ...options,
      method: 'GET',
      path: fillPath(this.config.paths.payment, { paymentId }),
      accessToken,
      product: 'pis',
      retry: 'read',
    });
    return mapPayment(parseBankJson(response, paymentResponseSchema, 'Payment').response);
  }

  async listPayments(accessToken: string, options: CallOptions): Promise<BankPayment[]> {
    const response = await this.transport.send({
      ...options,
      method: 'GET',
      path: this.config.paths.listPayments,
      accessToken,
      product: 'pis',
      retry: 'read',
    });
    return paymentsOf(parseBankJson(response, paymentListResponseSchema, 'Payment list')).map(mapPayment);
  }

  /**
   * Every payment the bank holds with this `external_id`: the reconciliation after an
   * AmbiguousPaymentError. Empty means the bank has none, so creating again is safe.
   */
  async findPaymentsByExternalId(
    accessToken: string,
    externalId: string,
    options: CallOptions,
  ): Promise<BankPayment[]> {
    const payments = await this.listPayments(accessToken, options);
    return payments.filter((payment) => payment.externalId === externalId);
  }
}
