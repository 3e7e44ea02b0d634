import type { LocalDate } from '#domain/calendar';
import type { EntryStatus, SavingsEntry } from '#domain/entries';
import type { Goal } from '#domain/goals';
import type { Transaction } from '#domain/transaction';
import type { Transfer, TransferStatus } from '#domain/transfers';
import type { Page } from './saver-items.ts';

export type { Page };

/**
 * What the automation (sync, evaluation, transfers, reconciliation, notifications) needs from storage.
 * Every write that could race is a single-item conditional write: an entry or transfer is created
 * only if its deterministic key is free, and a transfer moves only from the state (and version) the
 * caller saw. A `false` / `undefined` answer means someone else got there first, never an error.
 */

/** A bank transaction as stored; `removed` marks a reserved item that vanished or booked under a new id. */
export type StoredTransaction = Transaction & { seenAt: string; removed: boolean };

/**
 * A savings entry as stored. `attempt` counts how often its money was sent back to pending after a
 * transfer failed for a reason that can clear; a new attempt gets a new transfer id.
 */
export type StoredEntry = SavingsEntry & { attempt: number; transferId: string | null };

/**
 * Where a transfer's entries are stored (entries are keyed by trigger date, then id), and the attempt
 * each was at when the transfer was planned: updates through a ref with an attempt apply only while
 * the entry is still at it, so a transfer never touches its entries once they have moved on.
 */
export type EntryRef = { id: string; date: LocalDate; attempt?: number };

export type StoredTransfer = Transfer & {
  version: number;
  entryRefs: EntryRef[];
  sourceAccountId: string;
  savingsAccountId: string;
  /** While `submitting`: the claim's owner may send until then; after it a reconciler may take over. */
  claimedUntil: string | null;
  /** The bank's signing link while `awaiting_confirmation`. */
  signingUrl: string | null;
  /** The bank's deadline for the saver's confirmation; past it the transfer expires. */
  confirmBy: string | null;
  /** Why a transfer was rejected or failed, in words a saver can read. */
  failureReason: string | null;
  updatedAt: string;
};

export type TransferPatch = Partial<
  Pick<
    StoredTransfer,
    'status' | 'bankPaymentId' | 'claimedUntil' | 'signingUrl' | 'confirmBy' | 'failureReason'
  >
>;

export type NotificationKind =
  | 'transfer-paid'
  | 'transfer-needs-confirmation'
  | 'transfer-failed'
  | 'goal-reached'
  | 'consent-expiring'
  | 'consent-expired'
  | 'balance-floor';

export interface Notification {
  /** Deterministic (e.g. `transfer-paid:<transferId>`), so a retried job notifies once. */
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** Where the app should take the saver (a transfer's signing link, the settings page, …). */
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

/** Sync bookkeeping kept on the saver's bank connection. */
export interface SyncState {
  saverId: string;
  status: 'linked' | 'needs-consent' | 'revoked';
  consentExpiresAt: string;
  tokenSecretId: string;
  sourceAccountId: string | null;
  savingsAccountId: string | null;
  /** Last local date whose transactions were completely stored; the next read overlaps from before it. */
  watermark: LocalDate | null;
  /** First local date the next evaluation produces calendar occurrences for. */
  calendarFrom: LocalDate | null;
  /** When the next unattended sync is due; null while not scheduled (unlinked, consent gone). */
  nextSyncAt: string | null;
  /** Times of unattended bank reads in the last 24 h (PSD2 allows 4 per account). */
  unattendedReads: string[];
}

export interface AutomationStore {
  // --- sync scheduling and state (the connection item; a sparse index on nextSyncAt) -------------
  syncState(saverId: string): Promise<SyncState | undefined>;
  /** Savers whose next sync is due at or before `now`, oldest first, at most `limit`. */
  dueForSync(now: Date, limit: number): Promise<{ saverId: string; nextSyncAt: string }[]>;
  /** Every linked saver, a page at a time (the index, never a Scan). */
  linkedSavers(cursor?: string): Promise<Page<string>>;
  /** Moves the next sync, only if it is still `expected` (so two dispatchers cannot both take it). */
  rescheduleSync(saverId: string, expected: string | null, next: string | null): Promise<boolean>;
  /** Replaces the stored list of unattended reads (the caller drops those older than 24 h). */
  recordUnattendedReads(saverId: string, reads: string[]): Promise<void>;
  /** Sets the given fields only; nothing happens when the connection is gone. */
  saveSyncProgress(
    saverId: string,
    progress: { watermark?: LocalDate; calendarFrom?: LocalDate },
  ): Promise<void>;
  /** Marks the connection as needing a new consent and unschedules it. */
  markNeedsConsent(saverId: string): Promise<void>;

  // --- the per-saver run lease --------------------------------------------------------------------
  /** Takes the lease if it is free or expired at `now`; false when another run holds it. */
  acquireLease(saverId: string, owner: string, now: Date, until: Date): Promise<boolean>;
  releaseLease(saverId: string, owner: string): Promise<void>;

  // --- transactions ---------------------------------------------------------------------------------
  /** Upserts by bank id (and booking date): storing the same page twice changes nothing. */
  upsertTransactions(saverId: string, transactions: readonly Transaction[], seenAt: string): Promise<void>;
  /** Stored transactions booked on or after `fromDate`, removed ones included. */
  transactionsSince(saverId: string, fromDate: LocalDate): Promise<StoredTransaction[]>;
  markTransactionsRemoved(
    saverId: string,
    transactions: readonly Pick<Transaction, 'id' | 'bookingDate'>[],
  ): Promise<void>;

  // --- savings entries ------------------------------------------------------------------------------
  /** Creates the entry if no entry has its id; false when it already exists. */
  putEntryIfAbsent(saverId: string, entry: StoredEntry): Promise<boolean>;
  /** Entries whose trigger date is on or after `fromDate`. */
  entriesSince(saverId: string, fromDate: LocalDate): Promise<StoredEntry[]>;
  getEntries(saverId: string, refs: readonly EntryRef[]): Promise<StoredEntry[]>;
  /** Moves an entry from one of `from` to `to` (with the patch); false when it was in another state. */
  updateEntry(
    saverId: string,
    ref: EntryRef,
    from: readonly EntryStatus[],
    patch: { status: EntryStatus; transferId?: string | null; attempt?: number },
  ): Promise<boolean>;
  /** Newest trigger date first. */
  listEntries(saverId: string, options: { cursor?: string; limit: number }): Promise<Page<StoredEntry>>;

  // --- transfers ------------------------------------------------------------------------------------
  /** Creates the transfer (and its open-transfer marker) if its id is free; false when it exists. Stored at version 1. */
  createTransfer(saverId: string, transfer: StoredTransfer): Promise<boolean>;
  getTransfer(saverId: string, transferId: string): Promise<StoredTransfer | undefined>;
  /** The saver's transfers that are not in a terminal state. */
  openTransfers(saverId: string): Promise<StoredTransfer[]>;
  /** Open transfers of all savers (the markers), a page at a time. */
  allOpenTransfers(cursor?: string): Promise<Page<{ saverId: string; transferId: string }>>;
  /**
   * Drops the open-transfer marker of a transfer that is terminal or missing (a crash between the
   * marker and the transfer, or a marker a failed delete left). Kept when the transfer is still open.
   */
  forgetOpenTransfer(saverId: string, transferId: string): Promise<void>;
  /**
   * Applies the patch only if the transfer is still in `expected.status` at `expected.version`;
   * returns the new transfer, or undefined when it had moved on. Reaching a terminal status removes
   * the open-transfer marker.
   */
  transitionTransfer(
    saverId: string,
    transferId: string,
    expected: { status: TransferStatus; version: number },
    patch: TransferPatch,
    at: string,
  ): Promise<StoredTransfer | undefined>;
  /** Newest first. */
  listTransfers(saverId: string, options: { cursor?: string; limit: number }): Promise<Page<StoredTransfer>>;

  // --- goals ----------------------------------------------------------------------------------------
  /**
   * Adds a paid transfer's share to a goal exactly once (keyed by transfer id) and marks the goal
   * reached when it gets there. Returns the goal after the credit, or undefined when this transfer
   * had already been credited to it or the goal is gone.
   */
  creditGoal(
    saverId: string,
    goalId: string,
    transferId: string,
    amountMinor: number,
  ): Promise<Goal | undefined>;

  // --- notifications --------------------------------------------------------------------------------
  /** Stores the notification unless one with its id exists. */
  notify(saverId: string, notification: Notification): Promise<boolean>;
  /** Newest first. */
  listNotifications(
    saverId: string,
    options: { cursor?: string; limit: number },
  ): Promise<Page<Notification>>;
  unreadNotifications(saverId: string): Promise<number>;
  markNotificationsRead(saverId: string, ids: readonly string[], at: string): Promise<void>;
}
