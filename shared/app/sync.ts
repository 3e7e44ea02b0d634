import type { BankConnection } from '#bank/connection';
import { BankConsentRevokedError, TokenPersistenceError } from '#bank/errors';
import { type RequestContext, UNATTENDED } from '#bank/transport';
import { addDays, type LocalDate, localDateOf, maxDate } from '#domain/calendar';
import { type AccountBalance, evaluate } from '#domain/evaluate';
import type { Goal } from '#domain/goals';
import type { Habit, HabitAction } from '#domain/habits';
import type { Rule } from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import { isTerminalTransferStatus, planTransfer, unsettledTransfersMinor } from '#domain/transfers';
import type { AutomationStore, StoredEntry, StoredTransfer, SyncState } from '#store/automation-records';
import type { BankRepository, StoredBankAccount } from '#store/bank-repository';
import { type LinkClient, toStoredAccounts } from './bank-linking.ts';
import { forEachLimited } from './concurrency.ts';

/** PSD2: at most this many unattended reads of an account in any 24 h. */
export const UNATTENDED_READS_PER_DAY = 4;
/** Unattended syncs are this far apart, so four fit in a day with room for a late dispatch. */
export const SYNC_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** Each read goes back this far before the watermark: bookings can arrive up to 14 days late. */
export const OVERLAP_DAYS = 14;
/** Nordea serves 90 days of history to unattended reads. */
export const HISTORY_DAYS = 90;
/** Rules and transfers look at entries this far back for money still pending. */
export const PENDING_LOOKBACK_DAYS = 400;
/** Independent single-item writes of one run in flight at once. */
const WRITE_CONCURRENCY = 8;
/**
 * A run holds the saver's lease this long: longer than the sync worker's timeout (120 s), so a run
 * the platform has not yet stopped never overlaps the next one; a crashed run's lease lapses soon after.
 */
export const LEASE_MS = 150_000;

const DAY_MS = 86_400_000;

export type SyncMode = { kind: 'unattended' } | { kind: 'saver-present'; context: RequestContext };

export type SyncOutcome =
  | 'synced'
  | 'busy'
  | 'unlinked'
  | 'needs-consent'
  | 'no-accounts'
  | 'read-budget-spent';

export interface SyncSummary {
  saverId: string;
  outcome: SyncOutcome;
  transactionsRead: number;
  entriesCreated: number;
  transferPlanned: string | null;
}

type SyncClient = LinkClient & {
  transactionPages: import('#bank/client').NordeaClient['transactionPages'];
};

export interface SaverData {
  settings: SaverSettings;
  rules: Rule[];
  goals: Goal[];
  habits: Habit[];
  habitActions: HabitAction[];
}

export interface SyncDependencies {
  store: AutomationStore;
  bank: Pick<BankRepository, 'putAccounts' | 'listAccounts'>;
  /** Everything of the saver the rules engine needs; undefined when the saver is gone. */
  saverData: (saverId: string) => Promise<SaverData | undefined>;
  client: () => Promise<SyncClient>;
  connectionFor: (state: SyncState) => BankConnection;
  /** Hands a planned transfer to the transfer executor. */
  executeLater: (saverId: string, transferId: string) => Promise<void>;
  now: () => Date;
  newOwner: () => string;
}

/** Consent is usable only while linked and unexpired (MM-16: checked before every bank call). */
export function consentUsable(state: SyncState, now: Date): boolean {
  return state.status === 'linked' && Date.parse(state.consentExpiresAt) > now.getTime();
}

/** The reads of the last 24 h that still count against the PSD2 budget. */
export function recentReads(state: SyncState, now: Date): string[] {
  return state.unattendedReads.filter((at) => Date.parse(at) > now.getTime() - DAY_MS);
}

export function createSync(dependencies: SyncDependencies) {
  const { store, bank, saverData, client, connectionFor, executeLater, now, newOwner } = dependencies;

  /** Runs `work` under the saver's lease; resolves undefined when another run holds it. */
  async function underLease<T>(saverId: string, work: () => Promise<T>): Promise<T | undefined> {
    const owner = newOwner();
    const at = now();
    if (!(await store.acquireLease(saverId, owner, at, new Date(at.getTime() + LEASE_MS)))) return undefined;
    try {
      return await work();
    } finally {
      await store.releaseLease(saverId, owner);
    }
  }

  /** What one run reads once and shares between evaluation and planning. */
  type Ledger = { balance: AccountBalance | null; open: StoredTransfer[]; entries: StoredEntry[] };

  async function readLedger(
    saverId: string,
    state: SyncState,
    timeZone: string,
    accounts?: readonly StoredBankAccount[],
  ): Promise<Ledger> {
    const today = localDateOf(now(), timeZone);
    const [stored, open, entries] = await Promise.all([
      accounts ?? bank.listAccounts(saverId),
      store.openTransfers(saverId),
      // Covers the rules' ledger window (caps, budget) and money still pending from long ago.
      store.entriesSince(saverId, addDays(today, -PENDING_LOOKBACK_DAYS)),
    ]);
    const source = stored.find((account) => account.id === state.sourceAccountId);
    const balance = source
      ? { availableMinor: source.availableMinor, unsettledTransfersMinor: unsettledTransfersMinor(open) }
      : null;
    return { balance, open, entries };
  }

  /**
   * Evaluates the saver's rules over the stored transactions and logged habits and stores the new
   * entries; each entry's key is its deterministic id, so a replay or a concurrent run adds nothing.
   * Returns the entries it created.
   */
  async function evaluateSaver(
    saverId: string,
    state: SyncState,
    data: SaverData,
    ledger: Ledger,
  ): Promise<StoredEntry[]> {
    const at = now();
    const today = localDateOf(at, data.settings.timeZone);
    const transactionsFrom = addDays(today, -(HISTORY_DAYS - 1));
    const transactions = (await store.transactionsSince(saverId, transactionsFrom)).filter(
      (transaction) => !transaction.removed,
    );
    const result = evaluate({
      saverId,
      settings: data.settings,
      rules: data.rules,
      goals: data.goals,
      transactions: transactions.map(({ seenAt: _seenAt, removed: _removed, ...transaction }) => transaction),
      habits: data.habits,
      habitActions: data.habitActions,
      priorEntries: ledger.entries,
      balance: ledger.balance,
      calendarFrom: state.calendarFrom ?? today,
      now: at,
    });
    const created: StoredEntry[] = [];
    await forEachLimited(result.entries, WRITE_CONCURRENCY, async (entry) => {
      const stored: StoredEntry = { ...entry, attempt: 0, transferId: null };
      if (await store.putEntryIfAbsent(saverId, stored)) created.push(stored);
    });
    const floorSkips = result.entries.filter((entry) => entry.skipReason === 'balance-floor');
    if (floorSkips.length > 0) {
      await store.notify(saverId, {
        id: `balance-floor:${today}`,
        kind: 'balance-floor',
        title: 'Saving paused by your balance floor',
        body: `${floorSkips.length} save${floorSkips.length === 1 ? ' was' : 's were'} skipped today to keep your spending account above its floor.`,
        link: '/settings',
        createdAt: at.toISOString(),
        readAt: null,
      });
    }
    await store.saveSyncProgress(saverId, { calendarFrom: today });
    return created;
  }

  /**
   * Batches pending entries into one transfer and hands it to the executor. An open transfer's entry
   * list is what claims its entries (they stay `pending` until it settles; the activity shows them as
   * transferring), so the money is claimed by one conditional put and can never sit in two transfers.
   */
  async function planTransfers(
    saverId: string,
    state: SyncState,
    data: SaverData,
    ledger: Ledger,
    created: readonly StoredEntry[],
  ): Promise<string | null> {
    if (!state.sourceAccountId || !state.savingsAccountId) return null;
    const at = now();
    const { open, balance } = ledger;
    const claimed = new Set(open.flatMap((transfer) => transfer.entryIds));
    const entries = [...ledger.entries, ...created];
    for (const transfer of open.filter((candidate) => candidate.status === 'planned')) {
      await executeLater(saverId, transfer.id);
    }
    const unclaimed = entries.filter((entry) => entry.status === 'pending' && !claimed.has(entry.id));
    if (!balance) return null;
    const plan = planTransfer({
      saverId,
      settings: data.settings,
      entries: unclaimed,
      balance,
      createdAt: at.toISOString(),
      attempts: new Map(unclaimed.map((entry) => [entry.id, entry.attempt])),
    });
    if (plan.kind !== 'planned') return null;
    const chosen = new Set(plan.transfer.entryIds);
    const transfer: StoredTransfer = {
      ...plan.transfer,
      version: 1,
      entryRefs: unclaimed
        .filter((entry) => chosen.has(entry.id))
        .map((entry) => ({ id: entry.id, date: entry.trigger.date, attempt: entry.attempt })),
      sourceAccountId: state.sourceAccountId,
      savingsAccountId: state.savingsAccountId,
      claimedUntil: null,
      signingUrl: null,
      confirmBy: null,
      failureReason: null,
      updatedAt: at.toISOString(),
    };
    // One write claims the money: the transfer's entry list. Its entries stay pending until it settles.
    if (!(await store.createTransfer(saverId, transfer))) {
      const existing = await store.getTransfer(saverId, transfer.id);
      if (existing && isTerminalTransferStatus(existing.status)) {
        // These exact entries already ended in a transfer whose settlement a crash cut short. The
        // saver's cancel stands; otherwise the next plan needs a new id, so each counts an attempt.
        await forEachLimited(transfer.entryRefs, WRITE_CONCURRENCY, async (ref) => {
          await store.updateEntry(
            saverId,
            ref,
            ['pending'],
            existing.status === 'cancelled'
              ? { status: 'cancelled' }
              : { status: 'pending', attempt: (ref.attempt ?? 0) + 1 },
          );
        });
        return null;
      }
    }
    await executeLater(saverId, transfer.id);
    return transfer.id;
  }

  /**
   * Reads the source account's transactions from before the watermark (the overlap) up to today,
   * every page, storing each page before the next; reserved items that are gone from the bank's
   * answer are marked removed; the watermark moves only once everything is stored.
   */
  async function readTransactions(
    saverId: string,
    state: SyncState & { sourceAccountId: string },
    connection: BankConnection,
    context: RequestContext,
    timeZone: string,
  ): Promise<number> {
    const nordea = await client();
    const at = now();
    const today = localDateOf(at, timeZone);
    const earliest = addDays(today, -(HISTORY_DAYS - 1));
    const fromDate: LocalDate = state.watermark
      ? maxDate(earliest, addDays(state.watermark, -OVERLAP_DAYS))
      : earliest;
    const seen = new Set<string>();
    await connection.run(context, async (accessToken) => {
      for await (const page of nordea.transactionPages(
        accessToken,
        state.sourceAccountId,
        { fromDate, toDate: today },
        { context },
      )) {
        await store.upsertTransactions(saverId, page.transactions, at.toISOString());
        for (const transaction of page.transactions) seen.add(transaction.id);
      }
    });
    const vanished = (await store.transactionsSince(saverId, fromDate)).filter(
      (stored) => stored.status === 'reserved' && !stored.removed && !seen.has(stored.id),
    );
    if (vanished.length > 0) await store.markTransactionsRemoved(saverId, vanished);
    await store.saveSyncProgress(saverId, { watermark: today });
    return seen.size;
  }

  /** Cancels transfers not yet sent when the consent is gone; their money goes back to pending. */
  async function withdrawPlanned(saverId: string): Promise<void> {
    const at = now().toISOString();
    for (const transfer of await store.openTransfers(saverId)) {
      if (transfer.status !== 'planned') continue;
      for (const ref of transfer.entryRefs) {
        const [entry] = await store.getEntries(saverId, [ref]);
        await store.updateEntry(saverId, ref, ['transferring', 'pending'], {
          status: 'pending',
          transferId: null,
          attempt: (entry?.attempt ?? 0) + 1,
        });
      }
      await store.transitionTransfer(
        saverId,
        transfer.id,
        { status: 'planned', version: transfer.version },
        { status: 'cancelled', failureReason: 'The bank consent ended before the transfer was sent.' },
        at,
      );
    }
  }

  /**
   * The consent is gone (expired, revoked at the bank, or its refreshed tokens lost): the connection is
   * flagged so no run calls the bank again, transfers not yet sent are taken back, and the saver is
   * told once (the same notification id consent-watch uses, so never twice).
   */
  async function consentLost(saverId: string, state: SyncState): Promise<void> {
    await store.markNeedsConsent(saverId);
    await withdrawPlanned(saverId);
    await store.notify(saverId, {
      id: `consent-expired:${state.consentExpiresAt}`,
      kind: 'consent-expired',
      title: 'Your bank connection has ended',
      body: 'Reconnect Nordea to keep saving automatically.',
      link: '/settings',
      createdAt: now().toISOString(),
      readAt: null,
    });
  }

  async function syncUnderLease(saverId: string, mode: SyncMode): Promise<SyncSummary> {
    const summary = (outcome: SyncOutcome, more: Partial<SyncSummary> = {}): SyncSummary => ({
      saverId,
      outcome,
      transactionsRead: 0,
      entriesCreated: 0,
      transferPlanned: null,
      ...more,
    });
    const state = await store.syncState(saverId);
    if (!state) return summary('unlinked');
    const at = now();
    if (!consentUsable(state, at)) {
      if (state.status === 'linked') await consentLost(saverId, state);
      else await withdrawPlanned(saverId);
      return summary('needs-consent');
    }
    const data = await saverData(saverId);
    if (!data) return summary('unlinked');
    if (!state.sourceAccountId || !state.savingsAccountId) return summary('no-accounts');
    const sourceAccountId = state.sourceAccountId;

    let context: RequestContext = UNATTENDED;
    if (mode.kind === 'unattended') {
      const reads = recentReads(state, at);
      // Fail closed: the read is counted before it is made.
      if (reads.length >= UNATTENDED_READS_PER_DAY) return summary('read-budget-spent');
      await store.recordUnattendedReads(saverId, [...reads, at.toISOString()]);
    } else {
      context = mode.context;
    }

    const connection = connectionFor(state);
    let transactionsRead: number;
    let accounts: StoredBankAccount[];
    try {
      const nordea = await client();
      const bankAccounts = await connection.run(context, (accessToken) =>
        nordea.listAccounts(accessToken, { context }),
      );
      accounts = toStoredAccounts(bankAccounts, now().toISOString());
      await bank.putAccounts(saverId, accounts);
      transactionsRead = await readTransactions(
        saverId,
        { ...state, sourceAccountId },
        connection,
        context,
        data.settings.timeZone,
      );
    } catch (error) {
      if (error instanceof BankConsentRevokedError || error instanceof TokenPersistenceError) {
        await consentLost(saverId, state);
        return summary('needs-consent');
      }
      throw error;
    }
    const ledger = await readLedger(saverId, state, data.settings.timeZone, accounts);
    const created = await evaluateSaver(saverId, state, data, ledger);
    const transferPlanned = await planTransfers(saverId, state, data, ledger, created);
    return summary('synced', { transactionsRead, entriesCreated: created.length, transferPlanned });
  }

  return {
    /** One saver's whole pipeline: accounts, transactions, rules, transfer planning. */
    async syncSaver(saverId: string, mode: SyncMode = { kind: 'unattended' }): Promise<SyncSummary> {
      const result = await underLease(saverId, () => syncUnderLease(saverId, mode));
      return (
        result ?? { saverId, outcome: 'busy', transactionsRead: 0, entriesCreated: 0, transferPlanned: null }
      );
    },

    /**
     * Calendar rules (set & forget, 52-week, spend less, no-spend day) and habit saves without a bank
     * read: the day turned in the saver's time zone since the last evaluation. Transfers wait for the
     * next sync, which reads a fresh balance.
     */
    async evaluateCalendar(saverId: string): Promise<'evaluated' | 'up-to-date' | 'busy' | 'skipped'> {
      const result = await underLease(saverId, async () => {
        const state = await store.syncState(saverId);
        if (!state || !consentUsable(state, now())) return 'skipped' as const;
        const data = await saverData(saverId);
        if (!data) return 'skipped' as const;
        if (state.calendarFrom !== null && state.calendarFrom >= localDateOf(now(), data.settings.timeZone)) {
          return 'up-to-date' as const;
        }
        await evaluateSaver(saverId, state, data, await readLedger(saverId, state, data.settings.timeZone));
        return 'evaluated' as const;
      });
      return result ?? 'busy';
    },

    withdrawPlanned,
  };
}

export type Sync = ReturnType<typeof createSync>;
