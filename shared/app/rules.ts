import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type BacktestResult, backtestRule, backtestWindow, DEFAULT_BACKTEST_DAYS } from '#domain/backtest';
import { daysBetween, type LocalDate, localDateOf } from '#domain/calendar';
import type { GoalSchema } from '#domain/goals';
import type { Habit, HabitAction } from '#domain/habits';
import { addMinor } from '#domain/money';
import {
  activateRule,
  checkRuleAgainst,
  type DraftRule,
  DraftRuleSchema,
  type Rule,
  type RuleProblem,
} from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import type { Transaction } from '#domain/transaction';
import type { StoredTransaction } from '#store/automation-records';
import type { BankRepository } from '#store/bank-repository';
import type { Page, SaverItems } from '#store/saver-items';
import { Conflict, InvalidInput, NotFound, RuleViolation } from './errors.ts';
import { pageOf } from './goals.ts';

export const MAX_RULES_PER_SAVER = 100;

export interface RuleDependencies {
  rules: SaverItems<z.ZodType<Rule>>;
  goals: Pick<SaverItems<typeof GoalSchema>, 'all'>;
  settingsOf: (saverId: string) => Promise<SaverSettings>;
  /** Stored bank transactions booked on or after `fromDate` (removed ones included): backtests only. */
  transactionsSince: (saverId: string, fromDate: LocalDate) => Promise<StoredTransaction[]>;
  /** The stored source account's balance, so a backtest can apply the balance floor (optional). */
  bank?: Pick<BankRepository, 'getConnection' | 'listAccounts'>;
  /** Habits and their logged actions, for replaying habit rules (optional). */
  habits?: { all(saverId: string): Promise<Habit[]> };
  habitLogs?: { all(saverId: string): Promise<HabitAction[]> };
  now: () => Date;
  newId?: () => string;
}

export const MIN_BACKTEST_DAYS = 7;

/** POST /api/rules/backtest: a saved rule (`ruleId`) or a draft (`rule`), exactly one; `days` 7–90. */
export const BacktestRequestSchema = z
  .strictObject({
    ruleId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id')
      .optional(),
    rule: DraftRuleSchema.optional(),
    days: z.number().int().min(MIN_BACKTEST_DAYS).max(DEFAULT_BACKTEST_DAYS).optional(),
  })
  .refine((body) => (body.ruleId === undefined) !== (body.rule === undefined), {
    message: 'give either ruleId (a saved rule) or rule (a draft), not both',
  });
export type BacktestRequest = z.infer<typeof BacktestRequestSchema>;

/** What POST /api/rules/backtest answers: the replay's totals, without its individual entries. */
export type BacktestView = Omit<BacktestResult, 'entries'> & {
  /** The saved rule replayed, or null for a draft. */
  ruleId: string | null;
  days: number;
  /** Stored booked transactions in the window that were replayed; 0 means nothing to replay yet. */
  transactionCount: number;
  /** False when no account balance is stored: the balance floor could not be replayed. */
  floorApplied: boolean;
};

export function toBacktestView(
  result: BacktestResult,
  context: { ruleId: string | null; transactionCount: number; floorApplied: boolean },
): BacktestView {
  return {
    ruleId: context.ruleId,
    currency: result.currency,
    fromDate: result.fromDate,
    toDate: result.toDate,
    days: daysBetween(result.fromDate, result.toDate) + 1,
    transactionCount: context.transactionCount,
    totalMinor: result.totalMinor,
    transferredMinor: result.transferredMinor,
    transferCount: result.transferCount,
    entryCount: result.entryCount,
    skippedCount: result.skippedCount,
    capHits: result.capHits,
    budgetHits: result.budgetHits,
    floorHits: result.floorHits,
    floorApplied: context.floorApplied,
    weekly: result.weekly.map(({ week, savedMinor }) => ({ week, savedMinor })),
    summary: result.summary,
  };
}

function describe(problem: RuleProblem): { pointer: string; detail: string; code: string } {
  switch (problem.code) {
    case 'goal-missing':
      return { pointer: '/goalId', detail: `There is no goal ${problem.goalId}.`, code: problem.code };
    case 'goal-currency':
      return {
        pointer: '/goalId',
        detail: `Goal ${problem.goalId} saves in ${problem.currency}.`,
        code: problem.code,
      };
    case 'round-up-base':
      return {
        pointer: '/roundToMinor',
        detail: `Round up to one of ${problem.allowed.join(', ')} (minor units).`,
        code: problem.code,
      };
  }
}

/** Fields a stored rule has that the saver never sends. */
const toDraft = ({ id: _id, activeFrom: _activeFrom, ...draft }: Rule): Record<string, unknown> => draft;

export function createRules(dependencies: RuleDependencies) {
  const { rules, goals, settingsOf, transactionsSince, now } = dependencies;
  const newId = dependencies.newId ?? (() => `rule_${randomUUID()}`);

  const checked = async (saverId: string, draft: DraftRule): Promise<SaverSettings> => {
    const settings = await settingsOf(saverId);
    const problems = checkRuleAgainst(draft, await goals.all(saverId), settings);
    if (problems.length > 0)
      throw new RuleViolation('The rule cannot be saved as it is.', problems.map(describe));
    return settings;
  };

  /** The saver's chosen spending account with its stored balance, when linked and read at least once. */
  const sourceAccountOf = async (saverId: string): Promise<{ id: string; bookedMinor: number } | null> => {
    if (!dependencies.bank) return null;
    const connection = await dependencies.bank.getConnection(saverId);
    if (!connection?.sourceAccountId) return null;
    const account = (await dependencies.bank.listAccounts(saverId)).find(
      (candidate) => candidate.id === connection.sourceAccountId,
    );
    return account ? { id: account.id, bookedMinor: account.bookedMinor } : null;
  };

  const existing = async (saverId: string, id: string) => {
    const rule = await rules.get(saverId, id);
    if (!rule) throw new NotFound('There is no such rule.');
    return rule;
  };

  return {
    list: (saverId: string, cursor?: string): Promise<Page<Rule>> =>
      pageOf(() => rules.list(saverId, cursor ? { cursor } : {})),

    async get(saverId: string, id: string): Promise<Rule> {
      const { version: _version, ...rule } = await existing(saverId, id);
      return rule as Rule;
    },

    /** Switches a rule on from today (the saver's date): it never acts on older transactions. */
    async create(saverId: string, draft: DraftRule): Promise<Rule> {
      const settings = await checked(saverId, draft);
      if ((await rules.all(saverId)).length >= MAX_RULES_PER_SAVER) {
        throw new Conflict(`You can have at most ${MAX_RULES_PER_SAVER} rules.`);
      }
      const rule = activateRule(draft, newId(), localDateOf(now(), settings.timeZone));
      if (!(await rules.create(saverId, rule))) throw new Conflict('A rule with this id exists.');
      return rule;
    },

    /** A merge of the patch into the rule; the type and switch-on date stay. */
    async update(saverId: string, id: string, patch: Record<string, unknown>): Promise<Rule> {
      const { version, ...current } = await existing(saverId, id);
      const stored = current as Rule;
      if ('type' in patch && patch.type !== stored.type) {
        throw new RuleViolation('A rule cannot change its type; create a new rule instead.', [
          { pointer: '/type', detail: 'Type cannot change.' },
        ]);
      }
      const merged: Record<string, unknown> = { ...toDraft(stored), ...patch };
      // null removes an optional field (a name, a payday's payer); a required one then fails validation.
      for (const [key, value] of Object.entries(patch)) if (value === null) delete merged[key];
      // A rule funds one goal or a split: setting one clears the other.
      if ('split' in patch && patch.split !== undefined) delete merged.goalId;
      if ('goalId' in patch && patch.goalId !== undefined) delete merged.split;
      const parsed = DraftRuleSchema.safeParse(merged);
      if (!parsed.success) {
        throw new InvalidInput(
          'The changed rule is not valid.',
          parsed.error.issues.map((issue) => ({
            pointer: `/${issue.path.join('/')}`,
            detail: issue.message,
          })),
        );
      }
      await checked(saverId, parsed.data);
      const next = activateRule(parsed.data, stored.id, stored.activeFrom);
      if (!(await rules.replace(saverId, next, version))) {
        throw new Conflict('The rule changed meanwhile. Reload it and try again.');
      }
      return next;
    },

    async remove(saverId: string, id: string): Promise<void> {
      if (!(await rules.delete(saverId, id))) throw new NotFound('There is no such rule.');
    },

    /**
     * Replays a saved rule or a draft over the stored transactions of the last `days` full days (the
     * saver's dates), as if it had been on and unpaused all along. Reads no bank: only what syncs
     * stored, without the ones the bank took back. Writes nothing.
     */
    async backtest(saverId: string, request: BacktestRequest): Promise<BacktestView> {
      let rule: Rule | DraftRule;
      let settings: SaverSettings;
      if (request.ruleId !== undefined) {
        const { version: _version, ...stored } = await existing(saverId, request.ruleId);
        rule = stored as Rule;
        settings = await settingsOf(saverId);
      } else if (request.rule !== undefined) {
        rule = request.rule;
        settings = await checked(saverId, rule);
      } else {
        throw new InvalidInput('Give either ruleId or rule.');
      }
      const today = localDateOf(now(), settings.timeZone);
      const { fromDate, toDate } = backtestWindow(today, request.days ?? DEFAULT_BACKTEST_DAYS);
      const [stored, allGoals, source, allHabits, habitActions] = await Promise.all([
        transactionsSince(saverId, fromDate),
        goals.all(saverId),
        sourceAccountOf(saverId),
        dependencies.habits?.all(saverId) ?? [],
        dependencies.habitLogs?.all(saverId) ?? [],
      ]);
      // The rules run on the source account; once it is known, its transactions are the history.
      const kept = stored.filter(
        (transaction) => !transaction.removed && (!source || transaction.accountId === source.id),
      );
      const transactions: Transaction[] = kept.map(
        ({ seenAt: _seenAt, removed: _removed, ...transaction }) => transaction,
      );
      const inWindow = transactions.filter((transaction) => transaction.bookingDate <= toDate);
      // The stored balance is today's: take back what was booked after the window to get its end.
      const endBalanceMinor = source
        ? transactions
            .filter((transaction) => transaction.status === 'booked' && transaction.bookingDate > toDate)
            .reduce((balance, transaction) => addMinor(balance, -transaction.amountMinor), source.bookedMinor)
        : null;
      const result = backtestRule({
        saverId,
        rule,
        settings,
        transactions: inWindow,
        habits: allHabits.map(({ id, name, emoji }) => ({ id, name, emoji })),
        habitActions,
        goals: allGoals.map(({ id, name }) => ({ id, name })),
        fromDate,
        toDate,
        endBalanceMinor,
      });
      return toBacktestView(result, {
        ruleId: request.ruleId ?? null,
        transactionCount: inWindow.filter((transaction) => transaction.status === 'booked').length,
        floorApplied: endBalanceMinor !== null,
      });
    },
  };
}
