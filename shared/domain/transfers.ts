import { z } from 'zod';
import { compareEntries, type SavingsEntry } from './entries.ts';
import { IllegalTransferTransitionError, TransferAllocationMismatchError } from './errors.ts';
import { transferId } from './ids.ts';
import { addMinor, CurrencyCodeSchema, PositiveMinorSchema } from './money.ts';
import type { SaverSettings } from './settings.ts';
import type { GoalAmount } from './split.ts';

export const TransferStatusSchema = z.enum([
  'planned',
  'submitting',
  'submitted',
  'awaiting_confirmation',
  'paid',
  'rejected',
  'expired',
  'cancelled',
  'unknown',
]);
export type TransferStatus = z.infer<typeof TransferStatusSchema>;

export const TransferSchema = z.strictObject({
  id: z.string().min(1),
  status: TransferStatusSchema,
  amountMinor: PositiveMinorSchema,
  currency: CurrencyCodeSchema,
  entryIds: z.array(z.string().min(1)).min(1),
  bankPaymentId: z.string().min(1).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type Transfer = z.infer<typeof TransferSchema>;

/**
 * What can happen to a transfer. `claim`: a worker won the right to send it. `bank-*`: what the bank
 * answered or what a status lookup showed. `outcome-ambiguous`: timeout, reset or 5xx after sending.
 * `bank-proved-absent`: a lookup by external_id proved the bank never got it. `withdrawn`: taken back
 * before sending, because the bank consent ended or the balance floor no longer allows it.
 */
export const TransferEventSchema = z.enum([
  'claim',
  'bank-accepted',
  'confirmation-required',
  'bank-paid',
  'bank-rejected',
  'bank-expired',
  'bank-cancelled',
  'saver-cancelled',
  'withdrawn',
  'outcome-ambiguous',
  'bank-proved-absent',
]);
export type TransferEvent = z.infer<typeof TransferEventSchema>;

const bankOutcomes = {
  'bank-paid': 'paid',
  'bank-rejected': 'rejected',
  'bank-expired': 'expired',
  'bank-cancelled': 'cancelled',
} as const;

/**
 * The transfer state machine (DESIGN.md §4) as a table: no row allows a step back, except
 * `unknown → planned`, which needs the bank's proof that the payment does not exist; an unknown
 * transfer is never re-sent on a guess. Observing the same bank status again keeps the state
 * (self-transitions), so reconcile polling can apply events blindly. Terminal states have no exits.
 */
export const TRANSFER_TRANSITIONS: Readonly<
  Record<TransferStatus, Partial<Record<TransferEvent, TransferStatus>>>
> = {
  planned: { claim: 'submitting', 'saver-cancelled': 'cancelled', withdrawn: 'cancelled' },
  submitting: {
    'bank-accepted': 'submitted',
    'confirmation-required': 'awaiting_confirmation',
    'bank-paid': 'paid',
    'bank-rejected': 'rejected',
    'outcome-ambiguous': 'unknown',
  },
  submitted: {
    'bank-accepted': 'submitted',
    'confirmation-required': 'awaiting_confirmation',
    ...bankOutcomes,
  },
  awaiting_confirmation: {
    'confirmation-required': 'awaiting_confirmation',
    ...bankOutcomes,
    'saver-cancelled': 'cancelled',
  },
  unknown: {
    'outcome-ambiguous': 'unknown',
    'bank-accepted': 'submitted',
    'confirmation-required': 'awaiting_confirmation',
    ...bankOutcomes,
    'bank-proved-absent': 'planned',
  },
  paid: {},
  rejected: {},
  expired: {},
  cancelled: {},
};

export const TERMINAL_TRANSFER_STATUSES: readonly TransferStatus[] = [
  'paid',
  'rejected',
  'expired',
  'cancelled',
];

export function isTerminalTransferStatus(status: TransferStatus): boolean {
  return TERMINAL_TRANSFER_STATUSES.includes(status);
}

/** The next state, or null when the table has no such transition. */
export function tryTransferEvent(from: TransferStatus, event: TransferEvent): TransferStatus | null {
  return TRANSFER_TRANSITIONS[from][event] ?? null;
}

/** The next state; throws IllegalTransferTransitionError when the table forbids it. */
export function nextTransferStatus(from: TransferStatus, event: TransferEvent): TransferStatus {
  const next = tryTransferEvent(from, event);
  if (next === null) throw new IllegalTransferTransitionError(from, event);
  return next;
}

/** The status a transfer's entries take while it is in `status`. */
export function entryStatusForTransfer(status: TransferStatus): SavingsEntry['status'] {
  if (status === 'paid') return 'saved';
  if (status === 'cancelled') return 'cancelled';
  if (status === 'rejected' || status === 'expired') return 'failed';
  return 'transferring';
}

/** Money still on its way out of the spending account: every transfer that is not terminal. */
export function unsettledTransfersMinor(
  transfers: readonly Pick<Transfer, 'status' | 'amountMinor'>[],
): number {
  return transfers.reduce(
    (sum, transfer) =>
      isTerminalTransferStatus(transfer.status) ? sum : addMinor(sum, transfer.amountMinor),
    0,
  );
}

export type TransferPlan =
  | { kind: 'planned'; transfer: Transfer; heldEntryIds: string[] }
  | {
      kind: 'held';
      reason: 'nothing-pending' | 'below-minimum' | 'balance-floor' | 'saver-paused';
      pendingMinor: number;
    };

/**
 * Batches a saver's pending entries (in the saver's currency) into one transfer. Entries are taken in
 * canonical order while the account stays at or above the balance floor; the batch is planned only when it
 * reaches the minimum transfer. The transfer id hashes the saver and the chosen entry ids, so planning the
 * same entries twice yields the same transfer (and the same bank external_id).
 */
export function planTransfer(input: {
  saverId: string;
  settings: Pick<SaverSettings, 'currency' | 'minimumTransferMinor' | 'balanceFloorMinor' | 'paused'>;
  entries: readonly SavingsEntry[];
  balance: { availableMinor: number; unsettledTransfersMinor: number };
  createdAt: string;
  /**
   * How often each entry's money was already sent back after a failed transfer; a retry is a new
   * transfer with a new id, never the failed one again.
   */
  attempts?: ReadonlyMap<string, number>;
}): TransferPlan {
  const { settings } = input;
  const pending = input.entries
    .filter(
      (entry) => entry.status === 'pending' && entry.currency === settings.currency && entry.amountMinor > 0,
    )
    .sort(compareEntries);
  const pendingMinor = pending.reduce((sum, entry) => addMinor(sum, entry.amountMinor), 0);
  if (pending.length === 0) return { kind: 'held', reason: 'nothing-pending', pendingMinor };
  if (settings.paused) return { kind: 'held', reason: 'saver-paused', pendingMinor };
  if (pendingMinor < settings.minimumTransferMinor || pendingMinor === 0) {
    return { kind: 'held', reason: 'below-minimum', pendingMinor };
  }

  const headroom =
    input.balance.availableMinor - input.balance.unsettledTransfersMinor - settings.balanceFloorMinor;
  const chosen: SavingsEntry[] = [];
  let amountMinor = 0;
  for (const entry of pending) {
    if (amountMinor + entry.amountMinor > headroom) break;
    chosen.push(entry);
    amountMinor += entry.amountMinor;
  }
  if (chosen.length === 0 || amountMinor < settings.minimumTransferMinor) {
    return { kind: 'held', reason: 'balance-floor', pendingMinor };
  }

  const entryIds = chosen.map((entry) => entry.id).sort();
  const chosenIds = new Set(entryIds);
  return {
    kind: 'planned',
    transfer: {
      id: transferId(
        input.saverId,
        entryIds.map((id) => {
          const attempt = input.attempts?.get(id) ?? 0;
          return attempt === 0 ? id : `${id}@${attempt}`;
        }),
      ),
      status: 'planned',
      amountMinor,
      currency: settings.currency,
      entryIds,
      bankPaymentId: null,
      createdAt: input.createdAt,
    },
    heldEntryIds: pending.filter((entry) => !chosenIds.has(entry.id)).map((entry) => entry.id),
  };
}

/**
 * Splits a paid transfer back onto its goals: each goal gets the sum of its entries. Throws when the
 * entries given are not exactly the transfer's, or do not add up to its amount.
 */
export function allocateTransferToGoals(
  transfer: Pick<Transfer, 'id' | 'amountMinor' | 'currency' | 'entryIds'>,
  entries: readonly SavingsEntry[],
): GoalAmount[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const byGoal = new Map<string, number>();
  let total = 0;
  for (const entryId of new Set(transfer.entryIds)) {
    const entry = byId.get(entryId);
    if (!entry)
      throw new TransferAllocationMismatchError(`Transfer ${transfer.id} lists unknown entry ${entryId}`);
    if (entry.currency !== transfer.currency) {
      throw new TransferAllocationMismatchError(
        `Entry ${entryId} is in ${entry.currency}, transfer in ${transfer.currency}`,
      );
    }
    total = addMinor(total, entry.amountMinor);
    byGoal.set(entry.goalId, addMinor(byGoal.get(entry.goalId) ?? 0, entry.amountMinor));
  }
  if (total !== transfer.amountMinor || new Set(transfer.entryIds).size !== transfer.entryIds.length) {
    throw new TransferAllocationMismatchError(
      `Transfer ${transfer.id} is ${transfer.amountMinor} but its entries add up to ${total}`,
    );
  }
  return [...byGoal.entries()]
    .map(([goalId, amountMinor]) => ({ goalId, amountMinor }))
    .sort((a, b) => (a.goalId < b.goalId ? -1 : a.goalId > b.goalId ? 1 : 0));
}
