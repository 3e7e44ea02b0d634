import type { RequestContext, SimulatorCore } from './core.ts';
import { renderAccount, renderTransaction } from './core.ts';
import { groupHeader, isRecord, nordeaError, type Reply } from './http.ts';
import { parseAmountToMinor } from './money.ts';
import { parseJsonBody } from './oauth.ts';
import { createRandom, hashSeed } from './random.ts';
import { accountNumbersFor, opaqueId } from './spending.ts';
import type { Account, Consent, Customer } from './state.ts';
import { transactionFromBody } from './transactions.ts';

/**
 * Nordea's "dynamic sandbox" (ais-v4dyn): create accounts and transactions as test data. With a Bearer
 * token the data belongs to that consent's customer (and is granted to the consent); without one, to a
 * per-application sandbox customer that an authorize request can name with `psu_id`.
 */

function owner(
  core: SimulatorCore,
  context: RequestContext,
): { customer: Customer; consent?: Consent } | Reply {
  if (context.headers.authorization) {
    const authenticated = core.authenticate(context);
    if ('status' in authenticated) return authenticated;
    return authenticated;
  }
  const id = `sandbox-${context.app?.clientId ?? 'unknown'}`;
  let customer = core.state.customers[id];
  if (!customer) {
    customer = {
      id,
      seed: hashSeed(core.state.seed, id),
      country: 'DK',
      createdAt: context.now.toISOString(),
      accountIds: [],
    };
    core.state.customers[id] = customer;
  }
  return { customer };
}

const REQUIRED = [
  'account_name',
  'account_numbers',
  'account_type',
  'available_balance',
  'booked_balance',
  'country',
  'currency',
  'product',
  'status',
];

export function createAccount(core: SimulatorCore, context: RequestContext): Reply {
  const resolved = owner(core, context);
  if ('status' in resolved) return resolved;
  const body = parseJsonBody(context);
  const invalid = (path: string, description: string): Reply =>
    nordeaError(context.now, 400, context.path, [
      { code: 'error.validation', description, path, type: 'Invalid' },
    ]);
  if (!isRecord(body)) return invalid('body', 'Request body must be a JSON object.');
  const missing = REQUIRED.find((name) => body[name] === undefined);
  if (missing) return invalid(missing, `${missing} is required.`);
  if (body.account_type !== 'Current' && body.account_type !== 'Savings')
    return invalid('account_type', 'account_type must be Current or Savings.');
  if (body.status !== 'OPEN' && body.status !== 'CLOSED')
    return invalid('status', 'status must be OPEN or CLOSED.');
  if (typeof body.country !== 'string' || !['FI', 'SE', 'DK', 'NO'].includes(body.country))
    return invalid('country', 'country must be FI, SE, DK or NO.');
  if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency))
    return invalid('currency', 'currency must be an ISO 4217 code.');
  if (typeof body.account_name !== 'string' || typeof body.product !== 'string')
    return invalid('account_name', 'account_name and product must be strings.');
  const available = parseAmountToMinor(body.available_balance);
  const booked = parseAmountToMinor(body.booked_balance);
  if (available === undefined) return invalid('available_balance', 'available_balance must be an amount.');
  if (booked === undefined) return invalid('booked_balance', 'booked_balance must be an amount.');
  const creditLimit = body.credit_limit === undefined ? 0 : parseAmountToMinor(body.credit_limit);
  if (creditLimit === undefined) return invalid('credit_limit', 'credit_limit must be an amount.');
  const numbers = Array.isArray(body.account_numbers) ? body.account_numbers.filter(isRecord) : [];
  if (
    numbers.length === 0 ||
    !numbers.every((number) => typeof number._type === 'string' && typeof number.value === 'string')
  ) {
    return invalid('account_numbers', 'account_numbers must be a non-empty array of {_type, value}.');
  }
  const random = createRandom(
    hashSeed(core.state.seed, 'dynamic', Object.keys(core.state.accounts).length, context.now.getTime()),
  );
  const ibanEntry = numbers.find((number) => number._type === 'IBAN');
  const bbanEntry = numbers.find((number) => number._type !== 'IBAN');
  const account: Account = {
    id: opaqueId(random),
    customerId: resolved.customer.id,
    name: body.account_name,
    product: body.product,
    type: body.account_type,
    country: body.country,
    currency: body.currency,
    iban:
      typeof ibanEntry?.value === 'string' ? ibanEntry.value : accountNumbersFor(body.country, random).iban,
    ...(bbanEntry ? { bban: { type: String(bbanEntry._type), value: String(bbanEntry.value) } } : {}),
    openingBookedMinor: booked,
    availableAdjustmentMinor: available - booked,
    creditLimitMinor: creditLimit,
    status: body.status,
    createdAt: context.now.toISOString(),
    transactions: [],
  };
  core.state.accounts[account.id] = account;
  resolved.customer.accountIds.push(account.id);
  resolved.consent?.accountIds.push(account.id);
  core.changed();
  return {
    status: 201,
    json: { group_header: groupHeader(context.now, 201), response: renderAccount(account, true) },
  };
}

function ownedAccount(
  core: SimulatorCore,
  context: RequestContext,
  customer: Customer,
): { account: Account } | Reply {
  const account = core.state.accounts[context.params.accountId ?? ''];
  if (!account || account.customerId !== customer.id) {
    return nordeaError(context.now, 404, context.path, [
      { code: 'error.resource.notfound', description: 'Resource not found' },
    ]);
  }
  return { account };
}

export function deleteAccount(core: SimulatorCore, context: RequestContext): Reply {
  const resolved = owner(core, context);
  if ('status' in resolved) return resolved;
  const owned = ownedAccount(core, context, resolved.customer);
  if (!('account' in owned)) return owned;
  const { account } = owned;
  delete core.state.accounts[account.id];
  resolved.customer.accountIds = resolved.customer.accountIds.filter((id) => id !== account.id);
  for (const consent of Object.values(core.state.consents)) {
    consent.accountIds = consent.accountIds.filter((id) => id !== account.id);
  }
  core.changed();
  return { status: 204 };
}

export function createTransaction(core: SimulatorCore, context: RequestContext): Reply {
  const resolved = owner(core, context);
  if ('status' in resolved) return resolved;
  const owned = ownedAccount(core, context, resolved.customer);
  if (!('account' in owned)) return owned;
  const { account } = owned;
  const transaction = transactionFromBody(core.state, account, parseJsonBody(context), context.now);
  if ('path' in transaction) {
    return nordeaError(context.now, 400, context.path, [
      {
        code: 'error.validation',
        description: transaction.description,
        path: transaction.path,
        type: 'Invalid',
      },
    ]);
  }
  account.transactions.push(transaction);
  core.changed();
  return {
    status: 201,
    json: { group_header: groupHeader(context.now, 201), response: renderTransaction(transaction) },
  };
}
