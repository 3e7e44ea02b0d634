import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '#auth/same-secret';
import type { BankTokenSet } from '#bank/authorization';
import type { NordeaClient } from '#bank/client';
import { BankAuthorizationError, BankError, OAuthStateMismatchError } from '#bank/errors';
import type { RequestContext } from '#bank/transport';
import { addressOf, audit } from '#observability/audit';
import type { BankRepository, StoredBankAccount } from '#store/bank-repository';
import type { SecretVault } from '#store/secret-vault';
import { NotFound, RuleViolation } from './errors.ts';

/** How long a started link may take to come back through the bank's login. */
export const LINK_STATE_SECONDS = 15 * 60;
/** PSD2 consents last at most 180 days; we ask for 90 and renew. */
export const CONSENT_DAYS = 90;
/** What a consent covers: reading accounts, balances and transactions, and paying into savings. */
export const CONSENT_SCOPES = [
  'ACCOUNTS_BASIC',
  'ACCOUNTS_BALANCES',
  'ACCOUNTS_DETAILS',
  'ACCOUNTS_TRANSACTIONS',
  'PAYMENTS_MULTIPLE',
] as const;

export type LinkClient = Pick<
  NordeaClient,
  'startAuthorization' | 'parseAuthorizationCallback' | 'exchangeCode' | 'listAccounts' | 'revokeToken'
>;

export interface BankLinkingDependencies {
  bank: BankRepository;
  vault: Pick<SecretVault, 'read' | 'write' | 'remove'>;
  client: () => Promise<LinkClient>;
  /** Secret id for a saver's consent tokens. */
  tokenSecretId: (saverId: string) => string;
  webOrigin: string;
  now: () => Date;
}

export interface BankStatus {
  status: 'unlinked' | 'linked' | 'needs-consent' | 'revoked';
  consentExpiresAt: string | null;
  /** When the balances shown were read from the bank (the oldest of them). */
  balancesAsOf: string | null;
  accounts: Omit<StoredBankAccount, 'updatedAt'>[];
  sourceAccountId: string | null;
  savingsAccountId: string | null;
}

const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');

export function toStoredAccounts(
  accounts: Awaited<ReturnType<LinkClient['listAccounts']>>,
  at: string,
): StoredBankAccount[] {
  return accounts
    .filter((account) => account.status !== 'closed' && account.type !== 'other')
    .map((account) => ({
      id: account.id,
      name: account.name,
      type: account.type as 'current' | 'savings',
      currency: account.currency,
      number: account.number ?? account.id,
      availableMinor: account.availableMinor ?? 0,
      bookedMinor: account.bookedMinor ?? 0,
      updatedAt: at,
    }));
}

export function createBankLinking(dependencies: BankLinkingDependencies) {
  const { bank, vault, client, tokenSecretId, webOrigin, now } = dependencies;
  const back = (outcome: string) => `${webOrigin}/?bank=${encodeURIComponent(outcome)}`;

  return {
    /**
     * Starts the redirect flow: where to send the saver's browser, and the state that browser must
     * bring back (in a cookie) for the callback to link anything.
     */
    async connect(
      saverId: string,
      context: RequestContext,
    ): Promise<{ authorizeUrl: string; state: string }> {
      const state = randomBytes(32).toString('base64url');
      await bank.putLinkState(
        hashState(state),
        saverId,
        new Date(now().getTime() + LINK_STATE_SECONDS * 1000),
      );
      const start = await (await client()).startAuthorization(
        {
          state,
          scopes: [...CONSENT_SCOPES],
          durationMinutes: CONSENT_DAYS * 24 * 60,
          language: 'da',
        },
        { context },
      );
      return { authorizeUrl: start.redirectUrl, state };
    },

    /**
     * The bank's redirect back: the state (not the refresh cookie, which SameSite=Strict withholds on
     * this cross-site navigation) says whose link it is, and works once; the browser must bring the
     * same state in its bank-link cookie. Returns where to send the browser.
     */
    async callback(
      query: URLSearchParams,
      context: RequestContext,
      browserState: string | undefined,
    ): Promise<string> {
      const state = query.get('state');
      if (!state) return back('error');
      // Someone else's browser finishing a consent the saver started (or the other way round).
      if (browserState === undefined || !sameSecret(browserState, state)) return back('other-browser');
      const saverId = await bank.consumeLinkState(hashState(state), now());
      if (!saverId) return back('expired');
      const nordea = await client();
      let code: string;
      try {
        code = nordea.parseAuthorizationCallback(query, state);
      } catch (error) {
        if (error instanceof BankAuthorizationError || error instanceof OAuthStateMismatchError)
          return back('declined');
        throw error;
      }
      let accounts: StoredBankAccount[];
      const linkedAt = now().toISOString();
      const secretId = tokenSecretId(saverId);
      try {
        const tokens: BankTokenSet = await nordea.exchangeCode(code, { context });
        // Tokens are durable before anything uses them: Nordea refresh tokens are single use.
        await vault.write(secretId, JSON.stringify(tokens));
        accounts = toStoredAccounts(await nordea.listAccounts(tokens.accessToken, { context }), linkedAt);
      } catch (error) {
        // The saver is in a browser mid-redirect: send them back with an outcome, not a JSON error.
        if (error instanceof BankError) return back('error');
        throw error;
      }
      await bank.deleteAccounts(saverId);
      await bank.putAccounts(saverId, accounts);
      const previous = await bank.getConnection(saverId);
      const stillThere = (id: string | null | undefined) =>
        id && accounts.some((account) => account.id === id) ? id : null;
      await bank.putConnection({
        saverId,
        status: 'linked',
        consentExpiresAt: new Date(now().getTime() + CONSENT_DAYS * 86_400_000).toISOString(),
        tokenSecretId: secretId,
        linkedAt,
        sourceAccountId:
          stillThere(previous?.sourceAccountId) ??
          accounts.find((account) => account.type === 'current')?.id ??
          null,
        savingsAccountId:
          stillThere(previous?.savingsAccountId) ??
          accounts.find((account) => account.type === 'savings')?.id ??
          null,
      });
      audit('bank-linked', { saverId, ip: addressOf(context) });
      return back('linked');
    },

    async status(saverId: string): Promise<BankStatus> {
      const connection = await bank.getConnection(saverId);
      if (!connection) {
        return {
          status: 'unlinked',
          consentExpiresAt: null,
          balancesAsOf: null,
          accounts: [],
          sourceAccountId: null,
          savingsAccountId: null,
        };
      }
      const stored = await bank.listAccounts(saverId);
      const accounts = stored.map(({ updatedAt: _updatedAt, ...account }) => account);
      const balancesAsOf = stored.map((account) => account.updatedAt).sort()[0] ?? null;
      const expired = Date.parse(connection.consentExpiresAt) <= now().getTime();
      return {
        status: expired && connection.status === 'linked' ? 'needs-consent' : connection.status,
        consentExpiresAt: connection.consentExpiresAt,
        balancesAsOf,
        accounts,
        sourceAccountId: connection.sourceAccountId,
        savingsAccountId: connection.savingsAccountId,
      };
    },

    async chooseAccounts(
      saverId: string,
      sourceAccountId: string,
      savingsAccountId: string,
    ): Promise<BankStatus> {
      const accounts = await bank.listAccounts(saverId);
      const source = accounts.find((account) => account.id === sourceAccountId);
      const savings = accounts.find((account) => account.id === savingsAccountId);
      const problems = [
        ...(source ? [] : [{ pointer: '/sourceAccountId', detail: 'Not one of your linked accounts.' }]),
        ...(savings ? [] : [{ pointer: '/savingsAccountId', detail: 'Not one of your linked accounts.' }]),
        ...(source && savings && source.id === savings.id
          ? [
              {
                pointer: '/savingsAccountId',
                detail: 'Choose a different account than the spending account.',
              },
            ]
          : []),
        ...(source && savings && source.currency !== savings.currency
          ? [{ pointer: '/savingsAccountId', detail: 'Both accounts must be in the same currency.' }]
          : []),
      ];
      if (problems.length > 0) throw new RuleViolation('Those accounts cannot be used together.', problems);
      if (!(await bank.chooseAccounts(saverId, sourceAccountId, savingsAccountId))) {
        throw new NotFound('No bank is linked.');
      }
      return this.status(saverId);
    },

    /** Revokes the consent at the bank (best effort) and forgets tokens and accounts. */
    async unlink(saverId: string, context: RequestContext): Promise<void> {
      const connection = await bank.getConnection(saverId);
      if (!connection) return;
      const stored = await vault.read(connection.tokenSecretId, { fresh: true });
      if (stored) {
        try {
          const tokens = JSON.parse(stored) as BankTokenSet;
          await (await client()).revokeToken(tokens.refreshToken, { context });
        } catch (error) {
          // The consent dies at the bank by itself; the saver's wish to unlink must not fail on it.
          if (!(error instanceof BankError) && !(error instanceof SyntaxError)) throw error;
        }
      }
      await vault.remove(connection.tokenSecretId);
      await bank.deleteAccounts(saverId);
      await bank.deleteConnection(saverId);
      audit('bank-unlinked', { saverId, ip: addressOf(context) });
    },
  };
}

export type BankLinking = ReturnType<typeof createBankLinking>;
