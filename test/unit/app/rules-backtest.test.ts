import { describe, expect, it } from 'vitest';
import { NotFound, RuleViolation } from '#app/errors';
import { BacktestRequestSchema, createRules, type RuleDependencies, toBacktestView } from '#app/rules';
import { backtestRule } from '#domain/backtest';
import type { SaverSettings } from '#domain/settings';
import type { StoredTransaction } from '#store/automation-records';
import type { BankConnectionRecord, StoredBankAccount } from '#store/bank-repository';
import { goal, purchase, rule, SAVER, settings } from '../domain/fixtures.ts';

// 09:00 in Copenhagen on 16 March: the window is the full days before it.
const NOW = new Date('2026-03-16T08:00:00.000Z');

const coffeeRule = rule({
  id: 'rule-coffee',
  type: 'guilty-pleasure',
  match: { merchantText: 'coffee' },
  amount: { kind: 'fixed', amountMinor: 5_000 },
  activeFrom: '2026-03-16',
  paused: true,
});

const stored = (transaction: ReturnType<typeof purchase>, removed = false): StoredTransaction => ({
  ...transaction,
  seenAt: '2026-03-16T02:00:00.000Z',
  removed,
});

const coffee = (bookingDate: string, overrides: Parameters<typeof purchase>[1] = {}) =>
  purchase('45.00', { bookingDate, counterpartyName: 'Coffee Collective', ...overrides });

/** Three coffees in the window, plus what must not count: removed, another account, today. */
const history: StoredTransaction[] = [
  stored(coffee('2026-03-10')),
  stored(coffee('2026-03-11')),
  stored(coffee('2026-03-12')),
  stored(coffee('2026-03-13'), true),
  stored(coffee('2026-03-13', { accountId: 'acc-old' })),
  stored(purchase('100.00', { bookingDate: '2026-03-16', counterpartyName: 'Coffee Collective' })),
];

function rulesWith(
  options: { settings?: SaverSettings; transactions?: StoredTransaction[]; bank?: boolean } = {},
) {
  const asked: string[] = [];
  const dependencies: RuleDependencies = {
    rules: {
      get: async (_saverId: string, id: string) =>
        id === coffeeRule.id ? { ...coffeeRule, version: 3 } : undefined,
    } as unknown as RuleDependencies['rules'],
    goals: { all: async () => [goal()] },
    settingsOf: async () => options.settings ?? settings({ balanceFloorMinor: 100_000 }),
    transactionsSince: async (_saverId, fromDate) => {
      asked.push(fromDate);
      return options.transactions ?? history;
    },
    ...(options.bank === false
      ? {}
      : {
          bank: {
            getConnection: async () => ({ sourceAccountId: 'acc-current' }) as BankConnectionRecord,
            // Today's balance, after today's 100 kr. purchase: 1 100 kr. at the end of yesterday.
            listAccounts: async () =>
              [
                { id: 'acc-old', bookedMinor: 0 },
                { id: 'acc-current', bookedMinor: 100_000 },
              ] as StoredBankAccount[],
          },
        }),
    now: () => NOW,
  };
  return { rules: createRules(dependencies), asked };
}

describe('rules backtest use case', () => {
  it('replays a saved rule over the window with the floor rebuilt from the stored balance', async () => {
    const { rules, asked } = rulesWith();
    const view = await rules.backtest(SAVER, { ruleId: 'rule-coffee', days: 7 });
    expect(asked).toEqual(['2026-03-09']);
    // 10 March: 1 190 kr. → save 50. 11 March: 1 095 kr. → save 50. 12 March: 1 000 kr. → floor.
    expect(view).toEqual({
      ruleId: 'rule-coffee',
      currency: 'DKK',
      fromDate: '2026-03-09',
      toDate: '2026-03-15',
      days: 7,
      transactionCount: 3,
      totalMinor: 10_000,
      transferredMinor: 10_000,
      transferCount: 2,
      entryCount: 2,
      skippedCount: 1,
      capHits: 0,
      budgetHits: 0,
      floorHits: 1,
      floorApplied: true,
      weekly: [{ week: '2026-W11', savedMinor: 10_000 }],
      summary: expect.stringContaining('the balance floor stopped it 1 time'),
    });
  });

  it('without a stored balance the floor is not replayed', async () => {
    const { rules } = rulesWith({ bank: false });
    const view = await rules.backtest(SAVER, { ruleId: 'rule-coffee', days: 7 });
    // Every account's coffees count then (the removed one never does).
    expect(view).toMatchObject({ totalMinor: 20_000, entryCount: 4, floorHits: 0, floorApplied: false });
  });

  it('defaults to 90 days and answers zeros when nothing is stored', async () => {
    const { rules, asked } = rulesWith({ transactions: [] });
    const view = await rules.backtest(SAVER, { ruleId: 'rule-coffee' });
    expect(asked).toEqual(['2025-12-16']);
    expect(view).toMatchObject({
      fromDate: '2025-12-16',
      toDate: '2026-03-15',
      days: 90,
      transactionCount: 0,
      totalMinor: 0,
      entryCount: 0,
      transferCount: 0,
    });
    expect(view.weekly.every((week) => week.savedMinor === 0)).toBe(true);
  });

  it('checks drafts against the goals and refuses unknown rules', async () => {
    const { rules } = rulesWith();
    const draft = BacktestRequestSchema.parse({
      rule: { type: 'round-up', goalId: 'nowhere', roundToMinor: 1000 },
    });
    await expect(rules.backtest(SAVER, draft)).rejects.toBeInstanceOf(RuleViolation);
    await expect(rules.backtest(SAVER, { ruleId: 'rule-gone' })).rejects.toBeInstanceOf(NotFound);
  });

  it('the request takes exactly one of ruleId and rule', () => {
    const draft = { type: 'round-up', goalId: 'rome', roundToMinor: 1000 };
    expect(BacktestRequestSchema.safeParse({ ruleId: 'rule-1' }).success).toBe(true);
    expect(BacktestRequestSchema.safeParse({ rule: draft, days: 30 }).success).toBe(true);
    expect(BacktestRequestSchema.safeParse({ ruleId: 'rule-1', rule: draft }).success).toBe(false);
    expect(BacktestRequestSchema.safeParse({ days: 30 }).success).toBe(false);
    expect(BacktestRequestSchema.safeParse({ ruleId: 'rule-1', days: 6 }).success).toBe(false);
    expect(BacktestRequestSchema.safeParse({ ruleId: 'rule-1', more: 1 }).success).toBe(false);
  });
});

describe('toBacktestView', () => {
  it('keeps the totals and the weekly series and leaves the entries out', () => {
    const result = backtestRule({
      saverId: SAVER,
      rule: coffeeRule,
      settings: settings(),
      transactions: [coffee('2026-03-10')],
      fromDate: '2026-03-09',
      toDate: '2026-03-15',
    });
    expect(result.entries).toHaveLength(1);
    const view = toBacktestView(result, { ruleId: null, transactionCount: 1, floorApplied: false });
    expect(view).not.toHaveProperty('entries');
    expect(view).toMatchObject({ ruleId: null, days: 7, totalMinor: 5_000, transactionCount: 1 });
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});
