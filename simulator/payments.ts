import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestContext, SimulatorCore } from './core.ts';
import { bankDate, isIsoDate } from './dates.ts';
import {
  escapeHtml,
  type Failure,
  groupHeader,
  isRecord,
  nordeaError,
  type Reply,
  redirect,
} from './http.ts';
import { formatMinor, parseAmountToMinor } from './money.ts';
import { parseJsonBody } from './oauth.ts';
import {
  type Account,
  availableBalanceMinor,
  type Consent,
  findAccountByNumber,
  type Payment,
  type PaymentAccount,
  type TppMessage,
} from './state.ts';

/** Domestic payments v5: create (with external_id), confirm, status, list, cancel, and the mock signing page. */

const ACCOUNT_TYPES = ['IBAN', 'BBAN_DK', 'BBAN_SE', 'BBAN_NO', 'BGNR', 'PGNR', 'GIRO_DK', 'BBAN_OTHER'];
const CURRENCIES = ['DKK', 'SEK', 'NOK', 'EUR'];
const URGENCIES = ['standard', 'express', 'sameday'];
/** Scenarios that make even an own-account payment wait for the signing link. */
const SIGNING_SCENARIOS = [
  'PaymentSigningRequired',
  'PaymentSigningExpires',
  'PaymentOnHold2CCYes',
  'PaymentOnHold2CCNo',
];
const CANCELLABLE = [
  'PendingConfirmation',
  'PendingUserApproval',
  'PendingSecondConfirmation',
  'Confirmed',
  'OnHold',
];

const INSUFFICIENT_FUNDS: TppMessage = {
  category: 'ERROR',
  code: 'AM04',
  text: 'Amount of funds available to cover specified message amount is insufficient.',
};

export function renderPayment(payment: Payment): Record<string, unknown> {
  return {
    _id: payment.id,
    ...(payment.externalId !== undefined ? { external_id: payment.externalId } : {}),
    payment_status: payment.status,
    instructed_amount: { amount: formatMinor(payment.amountMinor), currency: payment.currency },
    debtor: payment.debtor,
    creditor: payment.creditor,
    urgency: payment.urgency,
    entry_date_time: payment.entryDateTime,
    timestamp: payment.updatedAt,
    planned_execution_date: payment.plannedExecutionDate,
    ...(payment.requestedExecutionDate ? { requested_execution_date: payment.requestedExecutionDate } : {}),
    is_own_account_transfer: payment.ownAccountTransfer,
    fee: {
      _type: 'domestic_transaction',
      country_code: 'DK',
      currency_code: payment.currency,
      value: 0,
    },
    tpp_messages: payment.tppMessages,
    _links: [{ rel: 'self', href: `/v5/payments/${payment.id}` }],
  };
}

function field(path: string, description: string, type = 'Invalid'): Failure {
  return { code: 'error.validation', description, path, type };
}

function parsePaymentAccount(
  value: unknown,
  path: string,
  failures: Failure[],
  currencyRequired: boolean,
): PaymentAccount | undefined {
  if (!isRecord(value)) {
    failures.push(field(path, `${path} is required.`, 'NotNull'));
    return undefined;
  }
  const { _type: type, value: number, currency } = value;
  if (typeof type !== 'string' || !ACCOUNT_TYPES.includes(type)) {
    failures.push(field(`${path}._type`, `${path}._type must be one of ${ACCOUNT_TYPES.join(', ')}.`));
  }
  if (typeof number !== 'string' || number.trim().length === 0) {
    failures.push(field(`${path}.value`, `${path}.value is required.`, 'NotNull'));
  }
  if (currencyRequired && (typeof currency !== 'string' || !CURRENCIES.includes(currency))) {
    failures.push(
      field(`${path}.currency`, `${path}.currency is required (${CURRENCIES.join(', ')}).`, 'NotNull'),
    );
  }
  if (typeof type !== 'string' || typeof number !== 'string') return undefined;
  return { _type: type, value: number, ...(typeof currency === 'string' ? { currency } : {}) };
}

function scenariosOf(payment: Payment, context: RequestContext): string[] {
  return [...new Set([...payment.scenarios, ...context.scenarios])];
}

function touch(payment: Payment, now: Date, status: string): void {
  payment.status = status;
  payment.updatedAt = now.toISOString();
}

function transactionId(): string {
  return `${1 + ((randomBytes(1)[0] ?? 0) % 9)}${BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(15, '0')
    .slice(-15)}`;
}

/** Moves the money: a booked debit on the debtor, and a booked credit when the creditor account is ours. */
function execute(core: SimulatorCore, payment: Payment, now: Date): void {
  const debtor = core.state.accounts[payment.debtorAccountId];
  if (!debtor) {
    touch(payment, now, 'Rejected');
    return;
  }
  if (availableBalanceMinor(debtor) < payment.amountMinor) {
    touch(payment, now, 'InsufficientFunds');
    payment.tppMessages = [INSUFFICIENT_FUNDS];
    return;
  }
  const today = bankDate(now);
  const creditorName = typeof payment.creditor.name === 'string' ? payment.creditor.name : undefined;
  const creditorMessage = typeof payment.creditor.message === 'string' ? payment.creditor.message : undefined;
  const book = (
    account: Account,
    amountMinor: number,
    counterparty: string | undefined,
    counterpartyAccount: string,
  ): void => {
    core.state.transactionSequence += 1;
    account.transactions.push({
      id: transactionId(),
      amountMinor,
      currency: account.currency,
      status: 'billed',
      bookingDate: today,
      valueDate: today,
      transactionDate: today,
      sequence: core.state.transactionSequence,
      typeDescription: 'Overførsel',
      narrative: creditorMessage ?? 'Overførsel',
      counterpartyAccount,
      ...(counterparty ? { counterpartyName: counterparty } : {}),
      ...(creditorMessage ? { message: creditorMessage } : {}),
      ...(amountMinor < 0 && payment.debtor.message ? { ownMessage: payment.debtor.message } : {}),
    });
  };
  book(
    debtor,
    -payment.amountMinor,
    creditorName ?? payment.creditor.account.value,
    payment.creditor.account.value,
  );
  const creditor = payment.creditorAccountId ? core.state.accounts[payment.creditorAccountId] : undefined;
  if (creditor) book(creditor, payment.amountMinor, debtor.name, debtor.iban);
  touch(payment, now, 'Paid');
}

/** Runs on every request: confirmed payments execute on their date; unsigned ones time out. */
export function executeDuePayments(core: SimulatorCore, now: Date): boolean {
  let changed = false;
  const today = bankDate(now);
  for (const payment of Object.values(core.state.payments)) {
    if (payment.status === 'Confirmed' && payment.plannedExecutionDate <= today) {
      execute(core, payment, now);
      changed = true;
    } else if (
      payment.status === 'PendingUserApproval' &&
      payment.signingExpiresAt &&
      Date.parse(payment.signingExpiresAt) <= now.getTime()
    ) {
      touch(payment, now, 'UserApprovalTimeout');
      changed = true;
    }
  }
  return changed;
}

function ownPayment(
  core: SimulatorCore,
  context: RequestContext,
  consent: Consent,
  id: string,
): Payment | undefined {
  const payment = core.state.payments[id];
  if (!payment || payment.clientId !== context.app?.clientId || payment.customerId !== consent.customerId)
    return undefined;
  return payment;
}

export function createPayment(core: SimulatorCore, context: RequestContext): Reply {
  const body = parseJsonBody(context);
  // Counted on arrival, before any validation: this is what "the bank received N creates" means in tests.
  if (isRecord(body) && typeof body.external_id === 'string') {
    core.state.paymentCreateRequests[body.external_id] =
      (core.state.paymentCreateRequests[body.external_id] ?? 0) + 1;
    core.changed();
  }
  const authenticated = core.authenticate(context, 'PAYMENTS_MULTIPLE');
  if ('status' in authenticated) return authenticated;
  const { consent, customer } = authenticated;
  const now = context.now;
  if (!isRecord(body))
    return nordeaError(now, 400, context.path, [field('body', 'Request body must be a JSON object.')]);
  const failures: Failure[] = [];
  const instructed = body.instructed_amount;
  let amountMinor: number | undefined;
  let currency: string | undefined;
  if (!isRecord(instructed)) {
    failures.push(field('instructed_amount', 'instructed_amount {amount, currency} is required.', 'NotNull'));
  } else {
    amountMinor = parseAmountToMinor(instructed.amount);
    if (amountMinor === undefined || amountMinor <= 0 || amountMinor > 999_999_999) {
      failures.push(
        field(
          'instructed_amount.amount',
          'amount must be a positive amount with at most 2 decimals (max 7+2 digits).',
        ),
      );
    }
    if (typeof instructed.currency !== 'string' || !CURRENCIES.includes(instructed.currency)) {
      failures.push(field('instructed_amount.currency', `currency must be one of ${CURRENCIES.join(', ')}.`));
    } else {
      currency = instructed.currency;
    }
  }
  const debtorBody = isRecord(body.debtor) ? body.debtor : undefined;
  const creditorBody = isRecord(body.creditor) ? body.creditor : undefined;
  if (!debtorBody) failures.push(field('debtor', 'debtor is required.', 'NotNull'));
  if (!creditorBody) failures.push(field('creditor', 'creditor is required.', 'NotNull'));
  const debtorAccount = debtorBody
    ? parsePaymentAccount(debtorBody.account, 'debtor.account', failures, true)
    : undefined;
  const creditorAccount = creditorBody
    ? parsePaymentAccount(creditorBody.account, 'creditor.account', failures, false)
    : undefined;
  if (
    debtorBody?.message !== undefined &&
    (typeof debtorBody.message !== 'string' || debtorBody.message.length > 20)
  ) {
    failures.push(field('debtor.message', 'debtor.message (own message) is at most 20 characters.'));
  }
  if (
    creditorBody?.message !== undefined &&
    (typeof creditorBody.message !== 'string' || creditorBody.message.length > 40)
  ) {
    failures.push(field('creditor.message', 'creditor.message is at most 40 characters for DK.'));
  }
  if (
    body.external_id !== undefined &&
    (typeof body.external_id !== 'string' || body.external_id.length > 256)
  ) {
    failures.push(field('external_id', 'external_id must be a string.'));
  }
  const urgency = body.urgency ?? 'standard';
  if (typeof urgency !== 'string' || !URGENCIES.includes(urgency)) {
    failures.push(field('urgency', `urgency must be one of ${URGENCIES.join(', ')}.`));
  }
  const today = bankDate(now);
  const requested = body.requested_execution_date;
  if (
    requested !== undefined &&
    (typeof requested !== 'string' || !isIsoDate(requested) || requested < today)
  ) {
    failures.push(
      field('requested_execution_date', 'requested_execution_date must be an ISO date, today or later.'),
    );
  }
  if (failures.length > 0 || !debtorAccount || !creditorAccount || amountMinor === undefined || !currency) {
    return nordeaError(now, 400, context.path, failures);
  }
  const debtor = findAccountByNumber(core.state, debtorAccount.value);
  if (!debtor || !consent.accountIds.includes(debtor.id)) {
    return nordeaError(now, 403, context.path, [
      {
        code: 'error.resource.denied',
        description: 'Debtor account is not authorized by access token.',
        path: 'debtor.account',
      },
    ]);
  }
  if (debtor.currency !== currency || debtorAccount.currency !== debtor.currency) {
    return nordeaError(now, 400, context.path, [
      field('instructed_amount.currency', 'currency must be the debtor account currency.'),
    ]);
  }
  const creditor = findAccountByNumber(core.state, creditorAccount.value);
  if (creditor?.id === debtor.id) {
    return nordeaError(now, 400, context.path, [
      field('creditor.account', 'creditor and debtor accounts must differ.'),
    ]);
  }
  const payment: Payment = {
    id: randomUUID(),
    clientId: consent.clientId,
    consentId: consent.id,
    customerId: customer.id,
    ...(typeof body.external_id === 'string' ? { externalId: body.external_id } : {}),
    amountMinor,
    currency,
    debtorAccountId: debtor.id,
    debtor: {
      account: debtorAccount,
      ...(typeof debtorBody?.message === 'string' ? { message: debtorBody.message } : {}),
    },
    creditor: { ...(creditorBody ?? {}), account: creditorAccount },
    ...(creditor ? { creditorAccountId: creditor.id } : {}),
    ownAccountTransfer: creditor?.customerId === customer.id,
    status: 'PendingConfirmation',
    scenarios: context.scenarios,
    urgency: urgency as string,
    entryDateTime: now.toISOString(),
    updatedAt: now.toISOString(),
    plannedExecutionDate: typeof requested === 'string' ? requested : today,
    ...(typeof requested === 'string' ? { requestedExecutionDate: requested } : {}),
    tppMessages: [],
  };
  core.state.payments[payment.id] = payment;
  core.changed();
  return { status: 201, json: { group_header: groupHeader(now, 201), response: renderPayment(payment) } };
}

export function confirmPayments(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'PAYMENTS_MULTIPLE');
  if ('status' in authenticated) return authenticated;
  const { consent } = authenticated;
  const now = context.now;
  const body = parseJsonBody(context);
  const ids = isRecord(body) && Array.isArray(body.payments_ids) ? body.payments_ids : undefined;
  if (!isRecord(body) || !ids || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return nordeaError(now, 400, context.path, [
      field('payments_ids', 'payments_ids must be a non-empty array of payment ids.', 'NotNull'),
    ]);
  }
  const redirectUrl = typeof body.redirect_url === 'string' ? body.redirect_url : undefined;
  const state = typeof body.state === 'string' ? body.state : undefined;
  const signingId = randomUUID();
  let needsSigning = false;
  const confirmed: Payment[] = [];
  const errors: Array<{ error: string; error_description: string; payment_id: string }> = [];
  for (const id of ids as string[]) {
    const payment = ownPayment(core, context, consent, id);
    if (!payment) {
      errors.push({
        error: 'error.resource.notfound',
        error_description: 'Payment not found.',
        payment_id: id,
      });
      continue;
    }
    if (payment.status !== 'PendingConfirmation') {
      errors.push({
        error: 'error.payment.status',
        error_description: `Payment cannot be confirmed in status ${payment.status}.`,
        payment_id: id,
      });
      continue;
    }
    const scenarios = scenariosOf(payment, context);
    payment.scenarios = scenarios;
    if (scenarios.includes('PaymentMissingFunds')) {
      touch(payment, now, 'InsufficientFunds');
      payment.tppMessages = [INSUFFICIENT_FUNDS];
    } else if (scenarios.includes('PaymentOnHold')) {
      touch(payment, now, 'OnHold');
    } else if (
      !payment.ownAccountTransfer ||
      scenarios.some((scenario) => SIGNING_SCENARIOS.includes(scenario))
    ) {
      needsSigning = true;
      touch(payment, now, 'PendingUserApproval');
      payment.signingId = signingId;
      payment.signingExpiresAt = new Date(
        scenarios.includes('PaymentSigningExpires')
          ? now.getTime()
          : now.getTime() + core.settings.signingTtlSeconds * 1_000,
      ).toISOString();
      if (redirectUrl) payment.signingRedirectUrl = redirectUrl;
      if (state) payment.signingState = state;
    } else {
      // Own-account transfer: PSD2 RTS Art. 15 exemption, no signing step.
      touch(payment, now, 'Confirmed');
      if (payment.plannedExecutionDate <= bankDate(now)) execute(core, payment, now);
    }
    confirmed.push(payment);
  }
  core.changed();
  if (confirmed.length === 0) {
    return nordeaError(
      now,
      409,
      context.path,
      errors.map((error) => ({
        code: error.error,
        description: `${error.payment_id}: ${error.error_description}`,
      })),
    );
  }
  return {
    status: 200,
    json: {
      group_header: groupHeader(now, 200),
      _links: needsSigning ? [{ rel: 'signing', href: `${core.baseUrl}/__signing/${signingId}` }] : [],
      response: { payments: confirmed.map(renderPayment) },
      ...(errors.length > 0 ? { errors } : {}),
    },
  };
}

export function getPayment(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'PAYMENTS_MULTIPLE');
  if ('status' in authenticated) return authenticated;
  const payment = ownPayment(core, context, authenticated.consent, context.params.paymentId ?? '');
  if (!payment) {
    return nordeaError(context.now, 404, context.path, [
      { code: 'error.resource.notfound', description: 'Resource not found' },
    ]);
  }
  return {
    status: 200,
    json: { group_header: groupHeader(context.now, 200), response: renderPayment(payment) },
  };
}

export function listPayments(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'PAYMENTS_MULTIPLE');
  if ('status' in authenticated) return authenticated;
  const { consent } = authenticated;
  const descending = context.query.get('desc') !== 'false';
  const payments = Object.values(core.state.payments)
    .filter((payment) => payment.clientId === consent.clientId && payment.customerId === consent.customerId)
    .sort((left, right) =>
      descending
        ? right.entryDateTime.localeCompare(left.entryDateTime)
        : left.entryDateTime.localeCompare(right.entryDateTime),
    );
  return {
    status: 200,
    json: {
      group_header: groupHeader(context.now, 200),
      response: { payments: payments.map(renderPayment) },
    },
  };
}

export function cancelPayments(core: SimulatorCore, context: RequestContext): Reply {
  const authenticated = core.authenticate(context, 'PAYMENTS_MULTIPLE');
  if ('status' in authenticated) return authenticated;
  const body = parseJsonBody(context);
  const items = isRecord(body) && Array.isArray(body.payments) ? body.payments : undefined;
  if (!items || items.length === 0) {
    return nordeaError(context.now, 400, context.path, [
      field('payments', 'payments [{payment_id}] is required.', 'NotNull'),
    ]);
  }
  const cancelled: Payment[] = [];
  const errors: Array<{ error: string; error_description: string; payment_id: string }> = [];
  for (const item of items) {
    const id = isRecord(item) && typeof item.payment_id === 'string' ? item.payment_id : '';
    const payment = ownPayment(core, context, authenticated.consent, id);
    if (!payment) {
      errors.push({
        error: 'error.resource.notfound',
        error_description: 'Payment not found.',
        payment_id: id,
      });
    } else if (!CANCELLABLE.includes(payment.status)) {
      errors.push({
        error: 'error.payment.status',
        error_description: `Payment is ${payment.status}.`,
        payment_id: id,
      });
    } else {
      touch(payment, context.now, 'Cancelled');
      cancelled.push(payment);
    }
  }
  core.changed();
  return {
    status: cancelled.length > 0 ? 200 : 409,
    json: {
      group_header: groupHeader(context.now, cancelled.length > 0 ? 200 : 409),
      response: { payments: cancelled.map(renderPayment) },
      ...(errors.length > 0 ? { errors } : {}),
    },
  };
}

function signingPayments(core: SimulatorCore, signingId: string): Payment[] {
  return Object.values(core.state.payments).filter((payment) => payment.signingId === signingId);
}

function signingHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#00005e}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.4rem;border-radius:.4rem;cursor:pointer}</style>
</head><body><p><strong>Nordea</strong> <small>(mock signing, sandbox simulator)</small></p>${body}</body></html>`;
}

export function signingPage(core: SimulatorCore, signingId: string): Reply {
  const payments = signingPayments(core, signingId);
  if (payments.length === 0)
    return { status: 404, html: signingHtml('Not found', '<h1>Unknown signing request.</h1>') };
  const rows = payments
    .map(
      (payment) =>
        `<li>${escapeHtml(formatMinor(payment.amountMinor))} ${escapeHtml(payment.currency)} to ${escapeHtml(payment.creditor.account.value)} — ${escapeHtml(payment.status)}</li>`,
    )
    .join('');
  return {
    status: 200,
    html: signingHtml(
      'Sign payments',
      `<h1>Sign ${payments.length} payment(s)</h1><ul>${rows}</ul>
<form method="post" action="/__signing/${encodeURIComponent(signingId)}">
<button name="decision" value="approve">Sign</button><button name="decision" value="reject">Cancel</button></form>`,
    ),
  };
}

export function signingDecision(core: SimulatorCore, signingId: string, body: Buffer, now: Date): Reply {
  const payments = signingPayments(core, signingId);
  if (payments.length === 0)
    return { status: 404, html: signingHtml('Not found', '<h1>Unknown signing request.</h1>') };
  const approveAll = new URLSearchParams(body.toString('utf8')).get('decision') === 'approve';
  for (const payment of payments) {
    if (payment.status !== 'PendingUserApproval') continue;
    if (payment.signingExpiresAt && Date.parse(payment.signingExpiresAt) <= now.getTime()) {
      touch(payment, now, 'UserApprovalTimeout');
    } else if (!approveAll) {
      touch(payment, now, 'UserApprovalCancelled');
    } else {
      touch(payment, now, 'Confirmed');
      if (payment.plannedExecutionDate <= bankDate(now)) execute(core, payment, now);
    }
  }
  core.changed();
  const first = payments[0];
  if (first?.signingRedirectUrl) {
    const url = new URL(first.signingRedirectUrl);
    if (first.signingState) url.searchParams.set('state', first.signingState);
    return redirect(url.toString());
  }
  const rows = payments
    .map((payment) => `<li>${escapeHtml(payment.id)}: ${escapeHtml(payment.status)}</li>`)
    .join('');
  return { status: 200, html: signingHtml('Signed', `<h1>Done</h1><ul>${rows}</ul>`) };
}
