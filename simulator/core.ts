import type { IncomingHttpHeaders } from 'node:http';
import { DAY_MS } from './dates.ts';
import { FaultInjector, RateLimiter } from './faults.ts';
import { nordeaError, type Reply } from './http.ts';
import { formatMinor } from './money.ts';
import { advanceLiveSpending } from './spending.ts';
import {
  type Account,
  type AppRegistration,
  availableBalanceMinor,
  bookedBalanceMinor,
  type Consent,
  type Customer,
  type SimulatorState,
  type StatePersister,
  type Transaction,
} from './state.ts';

export interface CoreSettings {
  consentPage: boolean;
  accessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  transactionPageSize: number;
  unattendedReadsPer24h: number;
  maxDateSkewSeconds: number | null;
  signingTtlSeconds: number;
}

/** One request as the handlers see it, after the gateway let it through. */
export interface RequestContext {
  method: string;
  /** Path without the `/personal` segment prefix and without the query. */
  path: string;
  /** Path and query exactly as received (what `(request-target)` signs). */
  target: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  app: AppRegistration | undefined;
  now: Date;
  scenarios: string[];
  /** `X-Nordea-Originating-User-Ip` present: the PSU is in session with the TPP. */
  userPresent: boolean;
}

export class SimulatorCore {
  readonly faults: FaultInjector;
  readonly rateLimiter: RateLimiter;
  baseUrl = '';

  constructor(
    readonly state: SimulatorState,
    readonly apps: Map<string, AppRegistration>,
    readonly settings: CoreSettings,
    private readonly realNow: () => Date,
    rateLimits: { ais: number; pis: number },
    private readonly persister: StatePersister | undefined,
  ) {
    this.faults = new FaultInjector(state.seed);
    this.rateLimiter = new RateLimiter(rateLimits);
  }

  now(): Date {
    return new Date(this.realNow().getTime() + this.state.clockOffsetMs);
  }

  changed(): void {
    this.persister?.schedule();
  }

  async flush(): Promise<void> {
    await this.persister?.flush();
  }

  /** Lets simulated time act: live spending, reservations booking, payments executing or expiring. */
  tick(executePayments: (now: Date) => boolean): void {
    const now = this.now();
    const before = this.state.transactionSequence;
    advanceLiveSpending(this.state, now.getTime());
    const paymentsChanged = executePayments(now);
    const pruned = this.pruneExpiredCredentials(now.getTime());
    if (paymentsChanged || pruned || before !== this.state.transactionSequence) this.changed();
  }

  private lastPruneAt = 0;

  /**
   * Drops codes and access tokens a day after they expired (until then they still answer
   * `error.token.expired`, which clients act on), so a long-running state file stays small.
   */
  private pruneExpiredCredentials(now: number): boolean {
    if (now - this.lastPruneAt < 60_000) return false;
    this.lastPruneAt = now;
    let pruned = false;
    for (const [code, entry] of Object.entries(this.state.authorizationCodes)) {
      if (Date.parse(entry.expiresAt) + DAY_MS <= now) {
        delete this.state.authorizationCodes[code];
        pruned = true;
      }
    }
    for (const [token, entry] of Object.entries(this.state.accessTokens)) {
      if (Date.parse(entry.expiresAt) + DAY_MS <= now) {
        delete this.state.accessTokens[token];
        pruned = true;
      }
    }
    return pruned;
  }

  /** Validates the Bearer token and the scope; answers the Nordea error when it does not hold. */
  authenticate(context: RequestContext, scope?: string): { consent: Consent; customer: Customer } | Reply {
    const authorization = context.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const now = context.now;
    if (!match?.[1]) {
      return nordeaError(now, 401, context.path, [
        { code: 'error.token', description: 'Access token is missing.' },
      ]);
    }
    const token = this.state.accessTokens[match[1]];
    const consent = token ? this.state.consents[token.consentId] : undefined;
    if (!token || !consent || consent.clientId !== context.app?.clientId) {
      return nordeaError(now, 401, context.path, [
        { code: 'error.token.invalid', description: 'Access token is invalid.' },
      ]);
    }
    if (consent.revokedAt) {
      return nordeaError(now, 401, context.path, [
        {
          code: 'error.token.invalid',
          description: 'Access token is invalid: the consent has been revoked.',
        },
      ]);
    }
    if (Date.parse(token.expiresAt) <= now.getTime() || Date.parse(consent.expiresAt) <= now.getTime()) {
      return nordeaError(now, 401, context.path, [
        { code: 'error.token.expired', description: 'Access token has expired.' },
      ]);
    }
    const customer = this.state.customers[consent.customerId];
    if (!customer) {
      return nordeaError(now, 401, context.path, [
        { code: 'error.token.invalid', description: 'Access token is invalid.' },
      ]);
    }
    if (scope && !consent.scopes.includes(scope)) {
      return nordeaError(now, 403, context.path, [
        {
          code: 'error.resource.denied',
          description: `Requested resource is not authorized by access token (${scope}).`,
        },
      ]);
    }
    return { consent, customer };
  }

  /**
   * Counts unattended reads (no `X-Nordea-Originating-User-Ip`) per consent, account and endpoint in a
   * rolling 24 h; the read beyond the limit is refused. Simulator-only error code: Nordea documents none.
   */
  countUnattendedRead(
    context: RequestContext,
    consent: Consent,
    accountId: string,
    endpoint: string,
  ): Reply | undefined {
    if (context.userPresent || this.settings.unattendedReadsPer24h <= 0) return undefined;
    const key = `${consent.id}/${accountId}/${endpoint}`;
    const now = context.now.getTime();
    const recent = (this.state.unattendedReads[key] ?? []).filter((at) => now - Date.parse(at) < DAY_MS);
    if (recent.length >= this.settings.unattendedReadsPer24h) {
      this.state.unattendedReads[key] = recent;
      const oldest = Date.parse(recent[0] ?? context.now.toISOString());
      const retryAfter = Math.max(1, Math.ceil((oldest + DAY_MS - now) / 1_000));
      const reply = nordeaError(context.now, 429, context.path, [
        {
          code: 'error.access.limit',
          description: `Unattended access limit reached: ${this.settings.unattendedReadsPer24h} reads per 24 hours without the PSU present (PSD2 RTS Art. 36(5)(b)).`,
        },
      ]);
      reply.headers = { 'Retry-After': String(retryAfter) };
      return reply;
    }
    recent.push(context.now.toISOString());
    this.state.unattendedReads[key] = recent;
    this.changed();
    return undefined;
  }
}

export function renderAccountNumbers(account: Account): Array<{ _type: string; value: string }> {
  const numbers = [{ _type: 'IBAN', value: account.iban }];
  if (account.bban) numbers.push({ _type: account.bban.type, value: account.bban.value });
  return numbers;
}

const BIC_BY_COUNTRY: Record<string, string> = {
  DK: 'NDEADKKK',
  SE: 'NDEASESS',
  NO: 'NDEANOKK',
  FI: 'NDEAFIHH',
};

/** Account as Nordea's v5 API shows it: monetary fields as decimal strings. */
export function renderAccount(account: Account, withBalances: boolean): Record<string, unknown> {
  const billed = account.transactions.filter((transaction) => transaction.status === 'billed');
  const latestBooking = billed.reduce<string | undefined>(
    (latest, transaction) => (!latest || transaction.bookingDate > latest ? transaction.bookingDate : latest),
    undefined,
  );
  const booked = bookedBalanceMinor(account);
  return {
    _id: account.id,
    country: account.country,
    currency: account.currency,
    account_numbers: renderAccountNumbers(account),
    account_name: account.name,
    product: account.product,
    account_type: account.type,
    status: account.status,
    ...(account.bban?.type === 'BBAN_DK' ? { registration_number: account.bban.value.slice(0, 4) } : {}),
    ...(withBalances
      ? {
          available_balance: formatMinor(availableBalanceMinor(account)),
          booked_balance: formatMinor(booked),
          value_dated_balance: formatMinor(booked),
          credit_limit: formatMinor(account.creditLimitMinor),
        }
      : {}),
    bank: { name: 'Nordea', bic: BIC_BY_COUNTRY[account.country] ?? 'NDEADKKK', country: account.country },
    ...(latestBooking ? { latest_transaction_booking_date: latestBooking } : {}),
    _links: [
      { rel: 'details', href: `/v5/accounts/${account.id}` },
      { rel: 'transactions', href: `/v5/accounts/${account.id}/transactions` },
    ],
  };
}

export function renderTransaction(transaction: Transaction): Record<string, unknown> {
  const optional: Array<[string, string | undefined]> = [
    ['type_description', transaction.typeDescription],
    ['narrative', transaction.narrative],
    ['message', transaction.message],
    ['own_message', transaction.ownMessage],
    ['reference', transaction.reference],
    ['counterparty_name', transaction.counterpartyName],
    ['counterparty_account', transaction.counterpartyAccount],
    ['card_number', transaction.cardNumber],
    ['merchant_city', transaction.merchantCity],
    ['merchant_country', transaction.merchantCountry],
  ];
  const rendered: Record<string, unknown> = {
    transaction_id: transaction.id,
    currency: transaction.currency,
    amount: formatMinor(transaction.amountMinor),
    booking_date: transaction.bookingDate,
    value_date: transaction.valueDate,
    transaction_date: transaction.transactionDate,
    status: transaction.status,
  };
  for (const [name, value] of optional) if (value !== undefined) rendered[name] = value;
  return rendered;
}

/** Newest first, as Nordea lists transactions. */
export function compareTransactionsNewestFirst(left: Transaction, right: Transaction): number {
  if (left.bookingDate !== right.bookingDate) return left.bookingDate < right.bookingDate ? 1 : -1;
  return right.sequence - left.sequence;
}
