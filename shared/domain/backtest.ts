import { addDays, daysBetween, eachDate, isoWeekKey, type LocalDate } from './calendar.ts';
import type { SavingsEntry } from './entries.ts';
import { evaluateOnDate } from './evaluate.ts';
import type { Goal } from './goals.ts';
import type { Habit, HabitAction } from './habits.ts';
import { addMinor, formatMinor } from './money.ts';
import { type DraftRule, fundedGoalIds, type Rule, RuleSchema } from './rules.ts';
import type { SaverSettings } from './settings.ts';
import type { Transaction } from './transaction.ts';
import { planTransfer } from './transfers.ts';

export const DEFAULT_BACKTEST_DAYS = 90;

/** The last `days` full local days before `today`. */
export function backtestWindow(
  today: LocalDate,
  days: number = DEFAULT_BACKTEST_DAYS,
): { fromDate: LocalDate; toDate: LocalDate } {
  return { fromDate: addDays(today, -days), toDate: addDays(today, -1) };
}

export type BacktestInput = {
  saverId: string;
  /** A saved rule or a draft; it is replayed as if switched on at `fromDate`, unpaused. */
  rule: Rule | DraftRule;
  settings: SaverSettings;
  transactions: readonly Transaction[];
  habitActions?: readonly HabitAction[];
  habits?: readonly Habit[];
  /** Goal names for explanations; goals never fill up in a backtest. */
  goals?: readonly Pick<Goal, 'id' | 'name'>[];
  fromDate: LocalDate;
  toDate: LocalDate;
  /**
   * The account's balance at the end of `toDate`. With it, balances are rebuilt backwards from the
   * transactions and the balance floor is applied; without it the floor is not simulated.
   */
  endBalanceMinor?: number | null;
};

export type BacktestResult = {
  currency: string;
  fromDate: LocalDate;
  toDate: LocalDate;
  /** Everything the rule would have put aside (transferred plus still below the minimum transfer). */
  totalMinor: number;
  transferredMinor: number;
  transferCount: number;
  entryCount: number;
  skippedCount: number;
  /** Entries a cap stopped or reduced. */
  capHits: number;
  /** Entries the monthly budget stopped or reduced. */
  budgetHits: number;
  /** Entries skipped for the balance floor plus days a transfer was held back by it. */
  floorHits: number;
  /** Saved per ISO week, every week of the window, oldest first. */
  weekly: { week: string; savedMinor: number }[];
  entries: SavingsEntry[];
  summary: string;
};

/**
 * Replays one rule day by day over past transactions, as the scheduled jobs would have run it: each
 * local day is evaluated, then pending entries are batched into a transfer once the minimum is reached.
 * Booking dates are final in history, so end-of-period rules are judged the day after a period ends.
 */
export function backtestRule(input: BacktestInput): BacktestResult {
  const { settings, fromDate, toDate } = input;
  const currency = settings.currency;
  const rule = RuleSchema.parse({
    ...input.rule,
    id: 'id' in input.rule ? input.rule.id : 'backtest',
    activeFrom: fromDate,
    paused: false,
  });
  const replaySettings: SaverSettings = { ...settings, paused: false };
  const goals: Goal[] = fundedGoalIds(rule).map((goalId, index) => ({
    id: goalId,
    name: input.goals?.find((goal) => goal.id === goalId)?.name ?? goalId,
    emoji: null,
    targetMinor: Number.MAX_SAFE_INTEGER,
    currency,
    deadline: null,
    savedMinor: 0,
    status: 'active',
    priority: index,
    whenReached: 'stop-rules',
  }));

  const booked = input.transactions
    .filter((transaction) => transaction.status === 'booked' && transaction.currency === currency)
    .sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : 0));
  const closingBalance = closingBalances(booked, fromDate, toDate, input.endBalanceMinor ?? null);

  const entries: SavingsEntry[] = [];
  let transferredMinor = 0;
  let transferCount = 0;
  let floorHits = 0;
  let capHits = 0;
  let budgetHits = 0;
  // Period rules look back up to a month (plus a day); transaction rules only need the day itself.
  const lookbackDays = 32;
  let windowStart = 0;

  for (const day of eachDate(fromDate, toDate)) {
    while (
      windowStart < booked.length &&
      daysBetween(booked[windowStart]?.bookingDate ?? day, day) > lookbackDays
    ) {
      windowStart++;
    }
    const visible: Transaction[] = [];
    for (let index = windowStart; index < booked.length; index++) {
      const transaction = booked[index];
      if (!transaction || transaction.bookingDate > day) break;
      visible.push(transaction);
    }
    const closing = closingBalance.get(day);
    const balance =
      closing === undefined
        ? null
        : { availableMinor: closing - transferredMinor, unsettledTransfersMinor: 0 };
    const createdAt = `${day}T00:00:00.000Z`;
    const result = evaluateOnDate({
      saverId: input.saverId,
      settings: replaySettings,
      rules: [rule],
      goals,
      transactions: visible,
      habitActions: input.habitActions ?? [],
      habits: input.habits ?? [],
      priorEntries: entries,
      balance,
      calendarFrom: day,
      bookingGraceDays: 0,
      today: day,
      createdAt,
    });
    entries.push(...result.entries);
    for (const note of result.limited) {
      if (note.by === 'monthly-budget') budgetHits++;
      else capHits++;
    }
    for (const entry of result.entries) {
      if (entry.skipReason === 'balance-floor') floorHits++;
      else if (entry.skipReason === 'monthly-budget') budgetHits++;
      else if (entry.skipReason?.startsWith('cap-')) capHits++;
    }

    const plan = planTransfer({
      saverId: input.saverId,
      settings: replaySettings,
      entries,
      balance: balance ?? { availableMinor: Number.MAX_SAFE_INTEGER, unsettledTransfersMinor: 0 },
      createdAt,
    });
    if (plan.kind === 'planned') {
      transferCount++;
      transferredMinor = addMinor(transferredMinor, plan.transfer.amountMinor);
      const paid = new Set(plan.transfer.entryIds);
      for (let index = 0; index < entries.length; index++) {
        const entry = entries[index];
        if (entry && paid.has(entry.id)) entries[index] = { ...entry, status: 'saved' };
      }
    } else if (plan.reason === 'balance-floor') {
      floorHits++;
    }
  }

  const counted = entries.filter((entry) => entry.status === 'pending' || entry.status === 'saved');
  const totalMinor = counted.reduce((sum, entry) => addMinor(sum, entry.amountMinor), 0);
  const weeklyTotals = new Map<string, number>();
  for (const day of eachDate(fromDate, toDate)) weeklyTotals.set(isoWeekKey(day), 0);
  for (const entry of counted) {
    const week = isoWeekKey(entry.trigger.date);
    weeklyTotals.set(week, addMinor(weeklyTotals.get(week) ?? 0, entry.amountMinor));
  }
  const days = daysBetween(fromDate, toDate) + 1;
  const money = (minor: number) => formatMinor(minor, currency, settings.locale);
  const floorText =
    input.endBalanceMinor === undefined || input.endBalanceMinor === null
      ? ''
      : `; the balance floor stopped it ${floorHits} ${floorHits === 1 ? 'time' : 'times'}`;

  return {
    currency,
    fromDate,
    toDate,
    totalMinor,
    transferredMinor,
    transferCount,
    entryCount: counted.length,
    skippedCount: entries.length - counted.length,
    capHits,
    budgetHits,
    floorHits,
    weekly: [...weeklyTotals.entries()].map(([week, savedMinor]) => ({ week, savedMinor })),
    entries,
    summary: `This rule would have saved ${money(totalMinor)} over the last ${days} days, in ${transferCount} ${transferCount === 1 ? 'transfer' : 'transfers'}${floorText}.`,
  };
}

/** Balance at the end of each day, rebuilt backwards from the balance at the end of `toDate`. */
function closingBalances(
  booked: readonly Transaction[],
  fromDate: LocalDate,
  toDate: LocalDate,
  endBalanceMinor: number | null,
): Map<LocalDate, number> {
  const balances = new Map<LocalDate, number>();
  if (endBalanceMinor === null) return balances;
  const movementByDay = new Map<LocalDate, number>();
  for (const transaction of booked) {
    movementByDay.set(
      transaction.bookingDate,
      addMinor(movementByDay.get(transaction.bookingDate) ?? 0, transaction.amountMinor),
    );
  }
  let balance = endBalanceMinor;
  for (const day of eachDate(fromDate, toDate).reverse()) {
    balances.set(day, balance);
    balance = addMinor(balance, -(movementByDay.get(day) ?? 0));
  }
  return balances;
}
