import type { BankTokenSet } from './authorization.ts';
import { BankAuthExpiredError, BankConsentRevokedError, TokenPersistenceError } from './errors.ts';
import type { CallOptions, RequestContext } from './transport.ts';

/**
 * One saver's linked consent: hands out access tokens, refreshing when needed. Nordea's refresh tokens
 * are single use, so a refreshed token set is saved (and the save awaited) before its access token is
 * used by anyone; if saving fails the new tokens are dropped and the caller must ask for a new consent.
 */

/** Port: where a consent's tokens live (Secrets Manager in AWS). */
export interface TokenStore {
  load(): Promise<BankTokenSet | undefined>;
  /**
   * Persists `next` durably before resolving. Implementations should write conditionally on `replaced`
   * still being current, and reject if another writer got there first.
   */
  save(next: BankTokenSet, replaced: BankTokenSet): Promise<void>;
}

/** The part of NordeaClient a connection needs. */
export interface TokenRefresher {
  refreshTokens(refreshToken: string, options: CallOptions): Promise<BankTokenSet>;
  revokeToken(refreshToken: string, options: CallOptions): Promise<void>;
}

export interface BankConnectionOptions {
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
  /** Refresh this long before the access token's stated expiry, to absorb clock skew and latency. */
  refreshMarginMs?: number;
}

export class BankConnection {
  private readonly client: TokenRefresher;
  private readonly store: TokenStore;
  private readonly now: () => Date;
  private readonly refreshMarginMs: number;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  /** One refresh at a time per connection in this process; concurrent callers share its outcome. */
  private refreshing: { spent: string; result: Promise<BankTokenSet> } | undefined;
  /** The last completed refresh, for callers that read the old tokens before it was saved. */
  private lastRefresh: { spent: string; result: BankTokenSet } | undefined;

  constructor(client: TokenRefresher, store: TokenStore, options: BankConnectionOptions = {}) {
    this.client = client;
    this.store = store;
    this.now = options.now ?? (() => new Date());
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.sleep =
      options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
  }

  /** A usable access token, refreshed (and persisted) first when it is about to expire. */
  async accessToken(context: RequestContext): Promise<string> {
    const tokens = await this.loadTokens();
    if (tokens.accessTokenExpiresAt - this.refreshMarginMs > this.now().getTime()) return tokens.accessToken;
    return (await this.refresh(tokens, context)).accessToken;
  }

  /**
   * Runs `call` with an access token; if the bank says the token expired anyway, refreshes once and
   * runs it again. Safe for payment creation too: a 401 means the bank refused before acting.
   */
  async run<T>(context: RequestContext, call: (accessToken: string) => Promise<T>): Promise<T> {
    const accessToken = await this.accessToken(context);
    try {
      return await call(accessToken);
    } catch (error) {
      if (!(error instanceof BankAuthExpiredError)) throw error;
      const current = await this.loadTokens();
      // Another caller may have refreshed meanwhile; only spend the refresh token if it is still ours.
      const fresh = current.accessToken === accessToken ? await this.refresh(current, context) : current;
      return call(fresh.accessToken);
    }
  }

  /** Revokes the consent at the bank. Deleting the stored tokens is the caller's next step. */
  async revoke(context: RequestContext): Promise<void> {
    const tokens = await this.loadTokens();
    await this.client.revokeToken(tokens.refreshToken, { context });
  }

  private async loadTokens(): Promise<BankTokenSet> {
    const tokens = await this.store.load();
    if (tokens === undefined) throw new BankConsentRevokedError('No bank tokens stored for this connection');
    return tokens;
  }

  private refresh(current: BankTokenSet, context: RequestContext): Promise<BankTokenSet> {
    // Never spend a refresh token twice: it is single use, and a second attempt would kill the consent.
    if (this.lastRefresh?.spent === current.refreshToken) return Promise.resolve(this.lastRefresh.result);
    if (this.refreshing?.spent === current.refreshToken) return this.refreshing.result;
    const result = this.refreshAndPersist(current, context).then((next) => {
      this.lastRefresh = { spent: current.refreshToken, result: next };
      return next;
    });
    const attempt = { spent: current.refreshToken, result };
    this.refreshing = attempt;
    const settle = (): void => {
      if (this.refreshing === attempt) this.refreshing = undefined;
    };
    result.then(settle, settle);
    return result;
  }

  private async refreshAndPersist(current: BankTokenSet, context: RequestContext): Promise<BankTokenSet> {
    let next: BankTokenSet;
    try {
      next = await this.client.refreshTokens(current.refreshToken, { context });
    } catch (error) {
      // Another process (a worker without this one's single-flight) may have spent the token first;
      // it saves the new tokens before using them, so they show up in the store within moments.
      if (error instanceof BankConsentRevokedError) {
        const refreshedElsewhere = await this.tokensNewerThan(current);
        if (refreshedElsewhere) return refreshedElsewhere;
      }
      throw error;
    }
    try {
      await this.store.save(next, current);
    } catch (error) {
      throw new TokenPersistenceError(
        'Refreshed bank tokens could not be saved; the consent must be renewed',
        {
          cause: error,
        },
      );
    }
    return next;
  }

  /** Stored tokens that replaced `spent`, waiting briefly for a concurrent refresher to save them. */
  private async tokensNewerThan(spent: BankTokenSet): Promise<BankTokenSet | undefined> {
    for (const waitMs of [0, 100, 200, 300, 400]) {
      if (waitMs > 0) await this.sleep(waitMs);
      const stored = await this.store.load();
      if (stored && stored.refreshToken !== spent.refreshToken) return stored;
    }
    return undefined;
  }
}
