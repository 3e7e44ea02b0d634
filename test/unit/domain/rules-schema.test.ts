import { describe, expect, it } from 'vitest';
import { SavingsEntrySchema } from '#domain/entries';
import { activateRule, DraftRuleSchema, RULE_TYPES, RuleSchema } from '#domain/rules';
import { defaultSaverSettings, SaverSettingsPatchSchema, SaverSettingsSchema } from '#domain/settings';
import { TransactionSchema } from '#domain/transaction';

const examples: Record<string, unknown> = {
  'round-up': { type: 'round-up', goalId: 'g', roundToMinor: 1000, multiplier: 1 },
  'guilty-pleasure': {
    type: 'guilty-pleasure',
    goalId: 'g',
    match: { merchantText: 'Starbucks' },
    amount: { kind: 'fixed', amountMinor: 2000 },
  },
  payday: {
    type: 'payday',
    goalId: 'g',
    thresholdMinor: 1_000_000,
    amount: { kind: 'percent', percent: 10 },
  },
  'set-and-forget': {
    type: 'set-and-forget',
    goalId: 'g',
    schedule: { every: 'week', weekday: 5 },
    amountMinor: 10_000,
  },
  '52-week': { type: '52-week', goalId: 'g', unitMinor: 1000, direction: 'reverse', startDate: '2026-01-05' },
  habit: {
    type: 'habit',
    goalId: 'g',
    habitId: 'h',
    amountMinor: 5000,
    streakBonus: { afterDays: 5, multiplier: 2 },
  },
  'spend-less': {
    type: 'spend-less',
    goalId: 'g',
    match: { category: '5814' },
    period: 'month',
    budgetMinor: 150_000,
  },
  'no-spend-day': { type: 'no-spend-day', goalId: 'g', amountMinor: 2000 },
};

describe('rule schemas', () => {
  it('has an example for every rule type in the catalogue', () => {
    expect(Object.keys(examples).sort()).toEqual([...RULE_TYPES].sort());
  });

  it.each(Object.entries(examples))('accepts a %s draft and activates it', (_, draft) => {
    const parsed = DraftRuleSchema.parse(draft);
    const stored = activateRule(parsed, 'rule-9', '2026-03-10');
    expect(stored).toMatchObject({ id: 'rule-9', activeFrom: '2026-03-10', paused: false, caps: {} });
    expect(RuleSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it('keeps the DESIGN.md round-up shape', () => {
    expect(
      DraftRuleSchema.parse({ type: 'round-up', goalId: 'g', roundToMinor: 1000, multiplier: 1 }),
    ).toEqual({
      type: 'round-up',
      goalId: 'g',
      roundToMinor: 1000,
      multiplier: 1,
      caps: {},
      paused: false,
    });
  });

  it.each([
    ['an unknown field', { ...(examples['round-up'] as object), colour: 'pink' }],
    ['an unknown type', { type: 'weather', goalId: 'g' }],
    ['no goal', { type: 'no-spend-day', amountMinor: 2000 }],
    [
      'goal and split',
      {
        ...(examples['no-spend-day'] as object),
        split: [
          { goalId: 'a', percent: 50 },
          { goalId: 'b', percent: 50 },
        ],
      },
    ],
    ['a multiplier of 11', { ...(examples['round-up'] as object), multiplier: 11 }],
    ['a fractional amount', { ...(examples['no-spend-day'] as object), amountMinor: 20.5 }],
    ['a percentage over 100', { ...(examples.payday as object), amount: { kind: 'percent', percent: 120 } }],
    [
      'a three-decimal percentage',
      { ...(examples.payday as object), amount: { kind: 'percent', percent: 12.345 } },
    ],
    ['an empty purchase match', { ...(examples['guilty-pleasure'] as object), match: {} }],
    ['weekday 8', { ...(examples['set-and-forget'] as object), schedule: { every: 'week', weekday: 8 } }],
    ['a streak of one day', { ...(examples.habit as object), streakBonus: { afterDays: 1, multiplier: 2 } }],
    ['an unknown caps field', { ...(examples.habit as object), caps: { perYearMinor: 5 } }],
    ['a negative cap', { ...(examples.habit as object), caps: { perDayMinor: -5 } }],
  ])('rejects %s', (_, draft) => {
    expect(DraftRuleSchema.safeParse(draft).success).toBe(false);
  });
});

describe('other schemas at the API edge', () => {
  it('validates settings, with sensible Danish defaults', () => {
    const defaults = defaultSaverSettings('karen@example.dk');
    expect(SaverSettingsSchema.parse(defaults)).toEqual(defaults);
    expect(defaults).toMatchObject({ timeZone: 'Europe/Copenhagen', locale: 'da-DK', currency: 'DKK' });
    expect(SaverSettingsSchema.safeParse({ ...defaults, timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(SaverSettingsPatchSchema.safeParse({ paused: true }).success).toBe(true);
    expect(SaverSettingsPatchSchema.safeParse({ email: 'x@example.dk' }).success).toBe(false);
  });

  it('validates bank-neutral transactions and savings entries strictly', () => {
    const transaction = {
      id: 't1',
      accountId: 'a1',
      bookingDate: '2026-03-10',
      amountMinor: -4750,
      currency: 'DKK',
      status: 'booked',
      kind: 'card',
      counterpartyName: 'Netto',
    };
    expect(TransactionSchema.parse(transaction)).toEqual(transaction);
    expect(TransactionSchema.safeParse({ ...transaction, status: 'billed' }).success).toBe(false);
    expect(TransactionSchema.safeParse({ ...transaction, amountMinor: -47.5 }).success).toBe(false);
    expect(
      SavingsEntrySchema.safeParse({
        id: 'se_1',
        ruleId: 'r',
        goalId: 'g',
        status: 'pending',
        amountMinor: 250,
        currency: 'DKK',
        trigger: { kind: 'transaction', ref: 't1', date: '2026-03-10' },
        explanation: 'Rounded …',
        skipReason: null,
        createdAt: '2026-03-10T18:00:00.000Z',
      }).success,
    ).toBe(true);
  });
});
