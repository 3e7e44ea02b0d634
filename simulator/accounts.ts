import {
  compareTransactionsNewestFirst,
  type RequestContext,
  renderAccount,
  renderTransaction,
  type SimulatorCore,
} from './core.ts';
import { bankDate, isIsoDate } from './dates.ts';
import { groupHeader, nordeaError, type Reply } from './http.ts';
import { earliestReadableDate } from './oauth.ts';
import { hashSeed } from './random.ts';
import type { Account, Consent } from './state.ts';

/** Accounts (AIS v5): list, details with balances, transactions with date range and continuation keys. */

function grantedAccount(
  core: SimulatorCore,
  context: RequestContext,
  consent: Consent,
): { account: Account } | Reply {
  const accountId = context.params.accountId ?? '';
  const account = core.state.accounts[accountId];
  if (!account) {
    return nordeaError(context.now, 404, context.path, [
      { code: 'error.resource.notfound', description: 'Resource not found' },
    ]);
  }
  if (!consent.accountIds.includes(account.id)) {
    return nordeaError(context.now, 403, context.path, [
      { code: 'error.resource.denied', description: 'Requested resource is not authorized by access token.' },
    ]);
  }
  return { account };
}

export function listAccounts(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'ACCOUNTS_BASIC');
  if ('status' in authenticated) return authenticated;
  const { consent } = authenticated;
  const accounts = consent.accountIds
    .map((id) => core.state.accounts[id])
    .filter((account) => account !== undefined);
  for (const account of accounts) {
    const refused = core.countUnattendedRead(context, consent, account.id, 'list');
    if (refused) return refused;
  }
  const withBalances = consent.scopes.includes('ACCOUNTS_BALANCES');
  return {
    status: 200,
    json: {
      group_header: groupHeader(context.now, 200),
      response: { accounts: accounts.map((account) => renderAccount(account, withBalances)), _links: [] },
    },
  };
}

export function accountDetails(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'ACCOUNTS_BASIC');
  if ('status' in authenticated) return authenticated;
  const { consent } = authenticated;
  const granted = grantedAccount(core, context, consent);
  if (!('account' in granted)) return granted;
  const { account } = granted;
  const refused = core.countUnattendedRead(context, consent, account.id, 'details');
  if (refused) return refused;
  return {
    status: 200,
    json: {
      group_header: groupHeader(context.now, 200),
      response: renderAccount(account, consent.scopes.includes('ACCOUNTS_BALANCES')),
    },
  };
}

interface ContinuationState {
  offset: number;
  fingerprint: string;
}

/** The key binds the offset to the query it continues, so "other params unchanged" is enforced. */
function fingerprintOf(accountId: string, fromDate: string, toDate: string): string {
  return hashSeed(accountId, fromDate, toDate).toString(36);
}

function encodeContinuation(value: ContinuationState): string {
  return Buffer.from(`${value.offset}:${value.fingerprint}`).toString('base64url');
}

function decodeContinuation(key: string): ContinuationState | undefined {
  const [offset, fingerprint] = Buffer.from(key, 'base64url').toString('utf8').split(':');
  if (!offset || !fingerprint || !/^\d+$/.test(offset)) return undefined;
  return { offset: Number(offset), fingerprint };
}

export function listTransactions(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'ACCOUNTS_TRANSACTIONS');
  if ('status' in authenticated) return authenticated;
  const { consent } = authenticated;
  const granted = grantedAccount(core, context, consent);
  if (!('account' in granted)) return granted;
  const { account } = granted;
  const invalid = (path: string, description: string): Reply =>
    nordeaError(context.now, 400, context.path, [
      { code: 'error.validation', description, path, type: 'Invalid' },
    ]);
  const fromQuery = context.query.get('from_date') ?? '';
  const toQuery = context.query.get('to_date') ?? '';
  if (fromQuery && !isIsoDate(fromQuery))
    return invalid('from_date', 'from_date must be an ISO date (YYYY-MM-DD).');
  if (toQuery && !isIsoDate(toQuery)) return invalid('to_date', 'to_date must be an ISO date (YYYY-MM-DD).');
  if (fromQuery && toQuery && fromQuery > toQuery)
    return invalid('from_date', 'from_date must not be after to_date.');
  const fingerprint = fingerprintOf(account.id, fromQuery, toQuery);
  let offset = 0;
  const continuationKey = context.query.get('continuation_key');
  if (continuationKey !== null) {
    const continuation = decodeContinuation(continuationKey);
    if (!continuation || continuation.fingerprint !== fingerprint) {
      return invalid('continuation_key', 'continuation_key is invalid or does not belong to this query.');
    }
    offset = continuation.offset;
  } else {
    // A continued read is the same access; only the first page counts against the unattended budget.
    const refused = core.countUnattendedRead(context, consent, account.id, 'transactions');
    if (refused) return refused;
  }
  // Beyond 90 days (or max_tx_history) the consent sees nothing: the window is clamped, not refused.
  const earliest = earliestReadableDate(consent, context.now);
  const fromDate = fromQuery && fromQuery > earliest ? fromQuery : earliest;
  const toDate = toQuery || bankDate(context.now);
  const matching = account.transactions
    .filter((transaction) => transaction.bookingDate >= fromDate && transaction.bookingDate <= toDate)
    .sort(compareTransactionsNewestFirst);
  const pageSize = core.settings.transactionPageSize;
  const items = matching.slice(offset, offset + pageSize);
  const nextOffset = offset + items.length;
  const pagination =
    nextOffset < matching.length
      ? { message_pagination: { continuation_key: encodeContinuation({ offset: nextOffset, fingerprint }) } }
      : {};
  return {
    status: 200,
    json: {
      group_header: groupHeader(context.now, 200, pagination),
      response: {
        account_number: { _type: 'IBAN', value: account.iban },
        transactions: items.map(renderTransaction),
        _links: [],
      },
    },
  };
}
