import type { NordeaClient } from '#bank/client';
import type { BankConnection } from '#bank/connection';
import {
  AmbiguousPaymentError,
  BankConsentRevokedError,
  BankError,
  BankInsufficientFundsError,
  BankRateLimitedError,
  BankValidationError,
  TokenPersistenceError,
} from '#bank/errors';
import type { BankPayment, PaymentStatus } from '#bank/payments';
import { UNATTENDED } from '#bank/transport';
import type { EntryStatus } from '#domain/entries';
import { formatMinor } from '#domain/money';
import type { SaverSettings } from '#domain/settings';
import {
  allocateTransferToGoals,
  isTerminalTransferStatus,
  type TransferEvent,
  tryTransferEvent,
  unsettledTransfersMinor,
} from '#domain/transfers';
import type { AutomationStore, StoredTransfer, SyncState, TransferPatch } from '#store/automation-records';
import type { BankRepository, StoredBankAccount } from '#store/bank-repository';
import { forEachLimited } from './concurrency.ts';
import { consentUsable } from './sync.ts';

/** A claim to send lasts this long; a sender that has not recorded an outcome by then counts as crashed. */
export const CLAIM_MS = 2 * 60 * 1000;
/** The executor trusts a balance read this recently for the balance-floor check. */
export const BALANCE_FRESH_MS = 60 * 60 * 1000;
/** A planned transfer older than this was stranded by a crash; the reconciler hands it on again. */
export const STRANDED_PLANNED_MS = 10 * 60 * 1000;
/** Without a deadline from the bank, a signing link is taken to lapse after this long. */
export const CONFIRMATION_WINDOW_MS = 36 * 60 * 60 * 1000;
/** How often a create refused with 429 is tried again (after Retry-After) within one claim. */
const RATE_LIMIT_RETRIES = 3;
/** Without a Retry-After, the first wait after a 429; each further one doubles (plus jitter). */
const RATE_LIMIT_BASE_MS = 1000;
/** A longer wait is not slept through inside the executor: the transfer goes to the reconciler. */
const RATE_LIMIT_MAX_WAIT_MS = 15_000;

type PaymentClient = Pick<
  NordeaClient,
  'createDomesticPayment' | 'confirmPayments' | 'getPayment' | 'findPaymentsByExternalId'
>;

export interface TransferDependencies {
  store: AutomationStore;
  bank: Pick<BankRepository, 'listAccounts'>;
  settingsOf: (saverId: string) => Promise<Pick<SaverSettings, 'balanceFloorMinor'> | undefined>;
  client: () => Promise<PaymentClient>;
  connectionFor: (state: SyncState) => BankConnection;
  executeLater: (saverId: string, transferId: string) => Promise<void>;
  sleep: (milliseconds: number) => Promise<void>;
  now: () => Date;
  /** Where the saver is sent back to after signing at the bank. */
  webOrigin: string;
}

export type ExecuteOutcome =
  | StoredTransfer['status']
  | 'missing'
  | 'not-planned'
  | 'lost-claim'
  | 'stale-balance'
  | 'consent-gone'
  | 'below-floor';

/** What a bank payment status means for our transfer. */
export function eventForPayment(status: PaymentStatus): TransferEvent | null {
  switch (status) {
    case 'paid':
      return 'bank-paid';
    case 'pending_confirmation':
    case 'confirmed':
    case 'on_hold':
      return 'bank-accepted';
    case 'pending_user_approval':
    case 'pending_second_confirmation':
      return 'confirmation-required';
    case 'rejected':
    case 'insufficient_funds':
    case 'limit_exceeded':
    case 'stopped':
      return 'bank-rejected';
    case 'approval_timeout':
      return 'bank-expired';
    case 'approval_failed':
    case 'approval_cancelled':
    case 'cancelled':
      return 'bank-cancelled';
    case 'unknown':
      return null;
  }
}

/** Failures that can clear by themselves (money arrives), so the entries try again in a new transfer. */
const CLEARABLE: ReadonlySet<PaymentStatus> = new Set(['insufficient_funds', 'limit_exceeded']);

/** A payment account for an account number as the bank shows it: IBAN, else a Danish BBAN. */
export function paymentAccount(number: string): { type: 'IBAN' | 'BBAN_DK'; value: string } {
  const compact = number.replace(/[\s-]/g, '');
  return /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)
    ? { type: 'IBAN', value: compact }
    : { type: 'BBAN_DK', value: compact };
}

export function createTransfers(dependencies: TransferDependencies) {
  const { store, bank, settingsOf, client, connectionFor, executeLater, sleep, now, webOrigin } =
    dependencies;
  const iso = () => now().toISOString();

  async function move(
    saverId: string,
    transfer: StoredTransfer,
    event: TransferEvent,
    patch: TransferPatch = {},
  ): Promise<StoredTransfer | undefined> {
    const status = tryTransferEvent(transfer.status, event);
    if (status === null) return undefined;
    if (status === transfer.status && Object.keys(patch).length === 0) return transfer;
    return store.transitionTransfer(
      saverId,
      transfer.id,
      { status: transfer.status, version: transfer.version },
      { ...patch, status },
      iso(),
    );
  }

  /** Sets every entry of the transfer that is still in flight. Idempotent, so it runs before the transition. */
  async function settleEntries(
    saverId: string,
    transfer: StoredTransfer,
    status: EntryStatus,
    retry: boolean,
  ): Promise<void> {
    const entries = await store.getEntries(saverId, transfer.entryRefs);
    const plannedAttempts = new Map(transfer.entryRefs.map((ref) => [ref.id, ref.attempt]));
    await forEachLimited(entries, 8, async (entry) => {
      if (entry.transferId !== null && entry.transferId !== transfer.id) return;
      const ref = { id: entry.id, date: entry.trigger.date, attempt: plannedAttempts.get(entry.id) };
      await store.updateEntry(
        saverId,
        ref,
        ['pending', 'transferring'],
        retry
          ? { status: 'pending', transferId: null, attempt: entry.attempt + 1 }
          : { status, transferId: transfer.id },
      );
    });
  }

  /** Tells the saver a transfer failed, once per transfer, and whether its money tries again. */
  async function notifyFailed(
    saverId: string,
    transfer: StoredTransfer,
    reason: string,
    retry: boolean,
  ): Promise<void> {
    await store.notify(saverId, {
      id: `transfer-failed:${transfer.id}`,
      kind: 'transfer-failed',
      title: `Transfer of ${formatMinor(transfer.amountMinor, transfer.currency)} did not go through`,
      body: retry ? `${reason} It will be tried again with your next saves.` : reason,
      link: '/activity',
      createdAt: iso(),
      readAt: null,
    });
  }

  /**
   * Applies what the bank says about the payment. Side effects come before the transfer's own
   * transition (goal credits are keyed by transfer id, entry updates are conditional), so a crash in
   * between is finished by the next reconcile instead of being lost.
   */
  async function applyPayment(
    saverId: string,
    transfer: StoredTransfer,
    payment: BankPayment,
  ): Promise<StoredTransfer | undefined> {
    const event = eventForPayment(payment.status);
    if (event === null) return transfer;
    const at = iso();
    const amount = formatMinor(transfer.amountMinor, transfer.currency);
    const bankPaymentId = payment.id;
    switch (event) {
      case 'bank-paid': {
        const entries = await store.getEntries(saverId, transfer.entryRefs);
        for (const { goalId, amountMinor } of allocateTransferToGoals(transfer, entries)) {
          const goal = await store.creditGoal(saverId, goalId, transfer.id, amountMinor);
          if (goal?.status === 'reached') {
            await store.notify(saverId, {
              id: `goal-reached:${goal.id}`,
              kind: 'goal-reached',
              title: `${goal.emoji ?? '🎉'} ${goal.name} is reached!`,
              body: `You saved ${formatMinor(goal.savedMinor, goal.currency)} for ${goal.name}.`,
              link: '/goals',
              createdAt: at,
              readAt: null,
            });
          }
        }
        await settleEntries(saverId, transfer, 'saved', false);
        await store.notify(saverId, {
          id: `transfer-paid:${transfer.id}`,
          kind: 'transfer-paid',
          title: `${amount} saved`,
          body: `${amount} moved to your savings account.`,
          link: '/activity',
          createdAt: at,
          readAt: null,
        });
        return move(saverId, transfer, event, { bankPaymentId, claimedUntil: null });
      }
      case 'confirmation-required': {
        const moved = await move(saverId, transfer, event, {
          bankPaymentId,
          claimedUntil: null,
          signingUrl: transfer.signingUrl,
          confirmBy: transfer.confirmBy ?? new Date(now().getTime() + CONFIRMATION_WINDOW_MS).toISOString(),
        });
        await store.notify(saverId, {
          id: `transfer-needs-confirmation:${transfer.id}`,
          kind: 'transfer-needs-confirmation',
          title: `Confirm your transfer of ${amount}`,
          body: 'Your bank asks you to approve this transfer to your savings account.',
          link: transfer.signingUrl ?? '/activity',
          createdAt: at,
          readAt: null,
        });
        return moved;
      }
      case 'bank-rejected':
      case 'bank-expired':
      case 'bank-cancelled': {
        const retry = event === 'bank-rejected' && CLEARABLE.has(payment.status);
        await settleEntries(saverId, transfer, event === 'bank-cancelled' ? 'cancelled' : 'failed', retry);
        const reason = failureReasonOf(payment);
        await notifyFailed(saverId, transfer, reason, retry);
        return move(saverId, transfer, event, { bankPaymentId, claimedUntil: null, failureReason: reason });
      }
      default:
        return move(saverId, transfer, event, { bankPaymentId, claimedUntil: null });
    }
  }

  async function confirm(
    saverId: string,
    transfer: StoredTransfer,
    connection: BankConnection,
  ): Promise<StoredTransfer | undefined> {
    const nordea = await client();
    const bankPaymentId = transfer.bankPaymentId;
    if (bankPaymentId === null) return transfer;
    const confirmation = await connection.run(UNATTENDED, (accessToken) =>
      nordea.confirmPayments(accessToken, [bankPaymentId], {
        context: UNATTENDED,
        redirectUrl: `${webOrigin}/activity`,
      }),
    );
    const payment = confirmation.payments.find((candidate) => candidate.id === bankPaymentId);
    if (!payment) return transfer;
    const withLink =
      confirmation.signingUrl === undefined ? transfer : { ...transfer, signingUrl: confirmation.signingUrl };
    return applyPayment(saverId, withLink, payment);
  }

  /** Sends the payment once, under a won claim. Every outcome leaves a recorded state. */
  async function send(
    saverId: string,
    claimed: StoredTransfer,
    connection: BankConnection,
    accounts: { source: StoredBankAccount; savings: StoredBankAccount },
  ): Promise<StoredTransfer | undefined> {
    const nordea = await client();
    let claim = claimed;
    const request = {
      externalId: claimed.id,
      amountMinor: claimed.amountMinor,
      currency: claimed.currency,
      debtor: { account: paymentAccount(accounts.source.number), ownMessage: 'Sparegris' },
      creditor: { account: paymentAccount(accounts.savings.number), message: 'Sparegris savings' },
    };
    for (let attempt = 0; ; attempt += 1) {
      try {
        const payment = await connection.run(UNATTENDED, (accessToken) =>
          nordea.createDomesticPayment(accessToken, request, { context: UNATTENDED }),
        );
        const submitted = await move(saverId, claim, 'bank-accepted', { bankPaymentId: payment.id });
        if (!submitted) return undefined;
        return await confirm(saverId, submitted, connection).catch((error: unknown) => {
          // The payment exists; the reconciler confirms or reads it later.
          if (error instanceof BankError) return submitted;
          throw error;
        });
      } catch (error) {
        // Refused before it ran: the same request may be sent again, after the bank's wait.
        const wait =
          error instanceof BankRateLimitedError
            ? (error.retryAfterMs ?? RATE_LIMIT_BASE_MS * 2 ** attempt)
            : Number.POSITIVE_INFINITY;
        if (attempt < RATE_LIMIT_RETRIES && wait <= RATE_LIMIT_MAX_WAIT_MS) {
          await sleep(wait + Math.floor(Math.random() * 250));
          // The wait may have outlasted the claim (a paused worker) and the reconciler may have handed the
          // transfer to another sender: POST again only under a claim renewed on the version we hold.
          const renewed = await store.transitionTransfer(
            saverId,
            claim.id,
            { status: claim.status, version: claim.version },
            { claimedUntil: new Date(now().getTime() + CLAIM_MS).toISOString() },
            iso(),
          );
          if (!renewed) return undefined;
          claim = renewed;
          continue;
        }
        if (error instanceof BankRateLimitedError || error instanceof AmbiguousPaymentError) {
          return move(saverId, claim, 'outcome-ambiguous', { claimedUntil: null });
        }
        if (
          error instanceof BankInsufficientFundsError ||
          error instanceof BankValidationError ||
          error instanceof BankConsentRevokedError ||
          error instanceof TokenPersistenceError
        ) {
          const retry = !(error instanceof BankValidationError);
          await settleEntries(saverId, claim, 'failed', retry);
          if (error instanceof BankConsentRevokedError || error instanceof TokenPersistenceError) {
            await store.markNeedsConsent(saverId);
          }
          const reason =
            error instanceof BankInsufficientFundsError
              ? 'There was not enough money in your spending account.'
              : error instanceof BankValidationError
                ? 'Your bank refused the transfer.'
                : 'Your bank connection needs to be renewed.';
          await notifyFailed(saverId, claim, reason, retry);
          return move(saverId, claim, 'bank-rejected', { claimedUntil: null, failureReason: reason });
        }
        // Anything else may have happened after the request left: never guess, reconcile.
        await move(saverId, claim, 'outcome-ambiguous', { claimedUntil: null });
        throw error;
      }
    }
  }

  return {
    /**
     * Sends one planned transfer: consent and balance floor checked, claimed with a conditional
     * transition (so only one executor ever sends it), created at the bank with the transfer id as
     * `external_id`, then confirmed.
     */
    async execute(saverId: string, transferId: string): Promise<ExecuteOutcome> {
      const transfer = await store.getTransfer(saverId, transferId);
      if (!transfer) return 'missing';
      if (transfer.status !== 'planned') return 'not-planned';
      const state = await store.syncState(saverId);
      if (!state || !consentUsable(state, now())) {
        await settleEntries(saverId, transfer, 'pending', true);
        await move(saverId, transfer, 'withdrawn', {
          failureReason: 'The bank consent ended before the transfer was sent.',
        });
        return 'consent-gone';
      }
      const accounts = await bank.listAccounts(saverId);
      const source = accounts.find((account) => account.id === transfer.sourceAccountId);
      const savings = accounts.find((account) => account.id === transfer.savingsAccountId);
      if (!source || !savings || now().getTime() - Date.parse(source.updatedAt) > BALANCE_FRESH_MS) {
        return 'stale-balance';
      }
      const others = (await store.openTransfers(saverId)).filter(
        (other) => other.id !== transfer.id && other.status !== 'planned',
      );
      const settings = await settingsOf(saverId);
      if (!settings) return 'missing';
      const { balanceFloorMinor } = settings;
      if (
        source.availableMinor - unsettledTransfersMinor(others) - transfer.amountMinor <
        balanceFloorMinor
      ) {
        await settleEntries(saverId, transfer, 'pending', true);
        await move(saverId, transfer, 'withdrawn', {
          failureReason: 'It would have taken your spending account below your balance floor.',
        });
        return 'below-floor';
      }
      const claimed = await move(saverId, transfer, 'claim', {
        claimedUntil: new Date(now().getTime() + CLAIM_MS).toISOString(),
      });
      if (!claimed) return 'lost-claim';
      const result = await send(saverId, claimed, connectionFor(state), { source, savings });
      return result?.status ?? 'lost-claim';
    },

    /**
     * Brings one open transfer closer to a terminal state using only what the bank proves: an
     * ambiguous or crashed send is looked up by `external_id` and re-planned only if the bank has no
     * such payment; in-flight ones are read by payment id.
     */
    async reconcile(saverId: string, transferId: string): Promise<StoredTransfer['status'] | 'missing'> {
      let transfer = await store.getTransfer(saverId, transferId);
      if (!transfer) {
        await store.forgetOpenTransfer(saverId, transferId);
        return 'missing';
      }
      if (isTerminalTransferStatus(transfer.status)) {
        await store.forgetOpenTransfer(saverId, transferId);
        return transfer.status;
      }
      const at = now();
      if (transfer.status === 'planned') {
        if (at.getTime() - Date.parse(transfer.updatedAt) > STRANDED_PLANNED_MS) {
          await executeLater(saverId, transfer.id);
        }
        return transfer.status;
      }
      if (transfer.status === 'submitting') {
        if (transfer.claimedUntil !== null && Date.parse(transfer.claimedUntil) > at.getTime()) {
          return transfer.status;
        }
        const unknown = await move(saverId, transfer, 'outcome-ambiguous', { claimedUntil: null });
        if (!unknown) return (await store.getTransfer(saverId, transferId))?.status ?? 'missing';
        transfer = unknown;
      }
      const state = await store.syncState(saverId);
      // Without a consent the bank cannot be asked; the transfer waits (and the alarm on age fires).
      if (!state || !consentUsable(state, at)) return transfer.status;
      const connection = connectionFor(state);
      const nordea = await client();
      const current = transfer;
      if (current.status === 'unknown') {
        const found = await connection.run(UNATTENDED, (accessToken) =>
          nordea.findPaymentsByExternalId(accessToken, current.id, { context: UNATTENDED }),
        );
        if (found.length === 0) {
          const replanned = await move(saverId, current, 'bank-proved-absent', { bankPaymentId: null });
          if (replanned) await executeLater(saverId, replanned.id);
          return replanned?.status ?? current.status;
        }
        const payment = found.find((candidate) => candidate.status === 'paid') ?? found[0];
        if (!payment) return current.status;
        const applied = await applyPayment(saverId, current, payment);
        if (applied?.status === 'submitted' && payment.status === 'pending_confirmation') {
          return (await confirm(saverId, applied, connection))?.status ?? applied.status;
        }
        return applied?.status ?? current.status;
      }
      if (current.bankPaymentId === null) return current.status;
      const paymentId = current.bankPaymentId;
      const payment = await connection.run(UNATTENDED, (accessToken) =>
        nordea.getPayment(accessToken, paymentId, { context: UNATTENDED }),
      );
      if (payment.status === 'pending_confirmation' && current.status === 'submitted') {
        return (await confirm(saverId, current, connection))?.status ?? current.status;
      }
      return (await applyPayment(saverId, current, payment))?.status ?? current.status;
    },
  };
}

function failureReasonOf(payment: BankPayment): string {
  switch (payment.status) {
    case 'insufficient_funds':
      return 'There was not enough money in your spending account.';
    case 'limit_exceeded':
      return 'The transfer was over a limit at your bank.';
    case 'approval_timeout':
      return 'The transfer was not approved in time.';
    case 'approval_failed':
    case 'approval_cancelled':
      return 'The transfer was not approved at your bank.';
    case 'cancelled':
    case 'stopped':
      return 'Your bank cancelled the transfer.';
    default:
      return 'Your bank rejected the transfer.';
  }
}

export type Transfers = ReturnType<typeof createTransfers>;
