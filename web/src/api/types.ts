/** The API's shapes, as DESIGN.md section 6 and the README define them. */

export interface SaverSettings {
  email: string;
  balanceFloorMinor: number;
  /** null: no global monthly limit. */
  monthlyBudgetMinor: number | null;
  minimumTransferMinor: number;
  paused: boolean;
  timeZone: string;
  locale: string;
  currency: string;
}

export interface BankAccount {
  id: string;
  name: string;
  type: 'current' | 'savings';
  currency: string;
  /** As the bank shows it to its owner (IBAN or BBAN). */
  number: string;
  availableMinor: number;
  bookedMinor: number;
}

export type BankLinkStatus = 'unlinked' | 'linked' | 'needs-consent' | 'revoked';

export interface BankConnection {
  status: BankLinkStatus;
  consentExpiresAt: string | null;
  accounts: BankAccount[];
  sourceAccountId: string | null;
  savingsAccountId: string | null;
}

export interface SessionGrant {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}

/** `{items, nextCursor}`: a page of a list, newest first; `nextCursor` null on the last page. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export type EntryStatus = 'pending' | 'skipped' | 'transferring' | 'saved' | 'failed' | 'cancelled';

/** A savings entry: one rule firing (or being stopped), with the sentence that explains it. */
export interface SavingsEntry {
  id: string;
  ruleId: string;
  goalId: string;
  status: EntryStatus;
  /** For a skipped entry, what would have been saved. */
  amountMinor: number;
  currency: string;
  /** `date` is the saver's local date (`YYYY-MM-DD`) the trigger belongs to. */
  trigger: { kind: string; ref: string; date: string };
  explanation: string;
  /** Why a skipped entry was stopped (`balance-floor`, `cap-week`, …); null otherwise. */
  skipReason: string | null;
  createdAt: string;
  transferId: string | null;
}

export type TransferStatus =
  | 'planned'
  | 'submitting'
  | 'submitted'
  | 'awaiting_confirmation'
  | 'paid'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  | 'unknown';

/** Money moved (or about to be) from the spending account to the savings account, for one or more entries. */
export interface Transfer {
  id: string;
  status: TransferStatus;
  amountMinor: number;
  currency: string;
  entryIds: string[];
  bankPaymentId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Where the saver approves the payment at the bank, while it awaits confirmation. */
  signingUrl: string | null;
  confirmBy: string | null;
  failureReason: string | null;
}

export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  /** An in-app path (`/activity`) or an external URL (a bank's signing page); null: nowhere to go. */
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage extends ListPage<AppNotification> {
  unread: number;
}

export type SyncOutcome = 'synced' | 'needs-consent' | 'no-accounts' | 'read-budget-spent';

/** What `POST /api/bank/sync` did. */
export interface SyncSummary {
  saverId: string;
  outcome: SyncOutcome;
  transactionsRead: number;
  entriesCreated: number;
  /** The id of the transfer the sync planned, if any. */
  transferPlanned: string | null;
}

export interface Goal {
  id: string;
  name: string;
  emoji: string | null;
  targetMinor: number;
  currency: string;
  deadline: string | null;
  savedMinor: number;
  status: 'active' | 'reached' | 'archived';
}
