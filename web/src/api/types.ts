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
  /** Lower comes first; rules of a reached goal with `move-to-next` fund the next one in this order. */
  priority: number;
  whenReached: GoalWhenReached;
  projection: GoalProjection;
}

/* Goals, rules and habits screens (GET /api/goals, /api/rules, /api/habits). */

export type GoalWhenReached = 'stop-rules' | 'move-to-next';

/** A goal's derived figures, from its recent saving pace. */
export interface GoalProjection {
  progressPercent: number;
  remainingMinor: number;
  pacePerWeekMinor: number;
  /** null: no pace yet to project from, or already reached. */
  projectedCompletionDate: string | null;
  /** null without a deadline. */
  neededPerWeekMinor: number | null;
  /** null without a deadline. */
  onTrack: boolean | null;
}

export type RuleType =
  | 'round-up'
  | 'guilty-pleasure'
  | 'payday'
  | 'set-and-forget'
  | '52-week'
  | 'habit'
  | 'spend-less'
  | 'no-spend-day';

export interface RuleCaps {
  perDayMinor?: number;
  perWeekMinor?: number;
  perMonthMinor?: number;
}

/** Which purchases a rule means; every given field must match. */
export interface PurchaseMatch {
  merchantText?: string;
  counterparty?: string;
  category?: string;
}

export type SaveAmount = { kind: 'fixed'; amountMinor: number } | { kind: 'percent'; percent: number };

export type RuleSchedule =
  | { every: 'day' }
  | { every: 'week'; weekday: number }
  | { every: 'month'; dayOfMonth: number };

/** A rule's own fields, by type (shared/domain/rules.ts is the authority). */
export type RuleFields =
  | { type: 'round-up'; roundToMinor: number; multiplier: number }
  | { type: 'guilty-pleasure'; match: PurchaseMatch; amount: SaveAmount }
  | { type: 'payday'; thresholdMinor: number; counterparty?: string; amount: SaveAmount }
  | { type: 'set-and-forget'; schedule: RuleSchedule; amountMinor: number }
  | { type: '52-week'; unitMinor: number; direction: 'forward' | 'reverse'; startDate: string }
  | {
      type: 'habit';
      habitId: string;
      amountMinor: number;
      streakBonus?: { afterDays: number; multiplier: number };
    }
  | { type: 'spend-less'; match: PurchaseMatch; period: 'week' | 'month'; budgetMinor: number }
  | { type: 'no-spend-day'; match?: PurchaseMatch; amountMinor: number };

/** A rule as the saver sends it (POST /api/rules, backtest drafts). */
export type DraftRule = RuleFields & {
  name?: string;
  goalId?: string;
  split?: { goalId: string; percent: number }[];
  caps: RuleCaps;
  paused: boolean;
};

export type Rule = DraftRule & { id: string; activeFrom: string };

/** What POST /api/rules/backtest answers. */
export interface BacktestResult {
  ruleId: string | null;
  currency: string;
  fromDate: string;
  toDate: string;
  days: number;
  transactionCount: number;
  totalMinor: number;
  transferredMinor: number;
  transferCount: number;
  entryCount: number;
  skippedCount: number;
  capHits: number;
  budgetHits: number;
  floorHits: number;
  floorApplied: boolean;
  /** Saved per ISO week (`2026-W47`), oldest first. */
  weekly: { week: string; savedMinor: number }[];
  summary: string;
}

export interface Habit {
  id: string;
  name: string;
  emoji: string | null;
  streakDays: number;
  loggedToday: number;
  lastLoggedAt: string | null;
  /** The personal webhook's address; its secret is shown only once, when the habit is created. */
  webhookUrl: string;
}

/** POST /api/habits answers the habit with its personal webhook; the secret is shown only then. */
export interface NewHabit extends Habit {
  webhook: { url: string; secret: string };
}
