import { describe, expect, test } from 'vitest';
import { DraftRuleSchema } from '#domain/rules';
import type { Rule } from '../../../web/src/api/types.ts';
import {
  emptyRuleForm,
  isoWeekStart,
  isRuleType,
  type PreviewContext,
  RULE_TYPES,
  type RuleForm,
  ruleDraftOf,
  ruleFormOf,
  rulePreview,
} from '../../../web/src/rules.ts';

/** da-DK amounts use no-break spaces; plain spaces read better in expectations. */
const plain = (value: string) => value.replace(/\u00a0/g, ' ');

const context: PreviewContext = {
  currency: 'DKK',
  locale: 'da-DK',
  goalName: (id) => ({ goal_rome: 'Rome', goal_bike: 'Bike' })[id],
  habitName: (id) => (id === 'habit_gym' ? 'Workout' : undefined),
};

const form = (type: RuleForm['type'], changes: Partial<RuleForm> = {}): RuleForm => ({
  ...emptyRuleForm(type, { goalId: 'goal_rome', habitId: 'habit_gym', today: '2026-11-28' }),
  ...changes,
});

describe('the rule catalogue in the web app', () => {
  test('lists the eight rule types the domain knows', async () => {
    const { RULE_TYPES: domainTypes } = await import('#domain/rules');
    expect([...RULE_TYPES].sort()).toEqual([...domainTypes].sort());
    expect(isRuleType('round-up')).toBe(true);
    expect(isRuleType('lottery')).toBe(false);
    expect(isRuleType(null)).toBe(false);
  });

  test('every type’s default form gives a draft the API’s schema accepts', () => {
    for (const type of RULE_TYPES) {
      const changes: Partial<RuleForm> =
        type === 'guilty-pleasure' || type === 'spend-less' ? { merchantText: 'café' } : {};
      const checked = ruleDraftOf(form(type, changes), 'DKK');
      expect(checked.ok, type).toBe(true);
      if (checked.ok) expect(DraftRuleSchema.safeParse(checked.draft).success, type).toBe(true);
    }
  });
});

describe('building a draft rule from the editor', () => {
  test('a round-up to the next 10 kr, twice the difference, capped at 50 kr a week', () => {
    const checked = ruleDraftOf(form('round-up', { multiplier: '2', capWeek: '50' }), 'DKK');
    expect(checked).toEqual({
      ok: true,
      draft: {
        type: 'round-up',
        roundToMinor: 1000,
        multiplier: 2,
        goalId: 'goal_rome',
        caps: { perWeekMinor: 5000 },
        paused: false,
      },
    });
  });

  test('a guilty pleasure as a percentage, with amounts typed the Danish way', () => {
    const checked = ruleDraftOf(
      form('guilty-pleasure', {
        merchantText: ' Café ',
        amountKind: 'percent',
        percent: '12,5',
        capDay: '1.000,50',
      }),
      'DKK',
    );
    expect(checked.ok && checked.draft).toMatchObject({
      match: { merchantText: 'Café' },
      amount: { kind: 'percent', percent: 12.5 },
      caps: { perDayMinor: 100050 },
    });
  });

  test('names every field that stops it, in words', () => {
    const checked = ruleDraftOf(
      form('guilty-pleasure', { goalId: '', amount: '20,505', merchantText: '', capMonth: '-5' }),
      'DKK',
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toEqual({
      goalId: 'Choose a goal.',
      amount: 'Enter an amount like 20 or 20,50.',
      merchantText: 'Enter part of a shop name, or a category.',
      capMonth: 'Enter an amount like 20 or 20,50.',
    });
  });

  test('schedules, streak bonuses and bounds', () => {
    const monthly = ruleDraftOf(form('set-and-forget', { every: 'month', dayOfMonth: '25' }), 'DKK');
    expect(monthly.ok && monthly.draft).toMatchObject({ schedule: { every: 'month', dayOfMonth: 25 } });
    const badDay = ruleDraftOf(form('set-and-forget', { every: 'month', dayOfMonth: '32' }), 'DKK');
    expect(!badDay.ok && badDay.errors.dayOfMonth).toBe('Enter a whole number from 1 to 31.');
    const bonus = ruleDraftOf(
      form('habit', { bonusOn: true, afterDays: '5', bonusMultiplier: '1,5' }),
      'DKK',
    );
    expect(bonus.ok && bonus.draft).toMatchObject({ streakBonus: { afterDays: 5, multiplier: 1.5 } });
    const noHabit = ruleDraftOf(form('habit', { habitId: '' }), 'DKK');
    expect(!noHabit.ok && noHabit.errors.habitId).toBe('Choose a habit.');
  });

  test('a no-spend day without a shop counts any purchase', () => {
    const checked = ruleDraftOf(form('no-spend-day'), 'DKK');
    expect(checked.ok && checked.draft).toEqual({
      type: 'no-spend-day',
      amountMinor: 3000,
      goalId: 'goal_rome',
      caps: {},
      paused: false,
    });
  });

  test('a stored rule comes back into the editor as it was saved', () => {
    const stored: Rule = {
      id: 'rule_1',
      activeFrom: '2026-11-01',
      type: 'payday',
      thresholdMinor: 1_500_000,
      counterparty: 'ACME ApS',
      amount: { kind: 'percent', percent: 7.5 },
      goalId: 'goal_bike',
      caps: { perMonthMinor: 200_000 },
      paused: true,
    };
    const edited = ruleFormOf(stored, 'DKK', 'da-DK');
    expect(edited).toMatchObject({ threshold: '15000', percent: '7,5', capMonth: '2000', paused: true });
    const again = ruleDraftOf(edited, 'DKK');
    const { id: _id, activeFrom: _activeFrom, ...draft } = stored;
    expect(again).toEqual({ ok: true, draft });
  });

  test('a split made through the API is kept', () => {
    const stored: Rule = {
      id: 'rule_2',
      activeFrom: '2026-11-01',
      type: 'round-up',
      roundToMinor: 500,
      multiplier: 1,
      split: [
        { goalId: 'goal_rome', percent: 50 },
        { goalId: 'goal_bike', percent: 50 },
      ],
      caps: {},
      paused: false,
    };
    const checked = ruleDraftOf(ruleFormOf(stored, 'DKK', 'da-DK'), 'DKK');
    expect(checked.ok && checked.draft).toMatchObject({ split: stored.split });
    expect(checked.ok && 'goalId' in checked.draft).toBe(false);
  });
});

describe('the plain-language preview', () => {
  const preview = (type: RuleForm['type'], changes: Partial<RuleForm> = {}) =>
    plain(rulePreview(form(type, changes), context));

  test('says what each rule does, with amounts in the saver’s locale', () => {
    expect(preview('round-up')).toBe(
      'Every card purchase is rounded up to the next 10,00 kr., and the difference goes to Rome.',
    );
    expect(preview('round-up', { multiplier: '3', roundToUnits: '5' })).toBe(
      'Every card purchase is rounded up to the next 5,00 kr., and 3 × the difference goes to Rome.',
    );
    expect(preview('guilty-pleasure', { merchantText: 'café' })).toBe(
      'Every time you buy at “café”, 20,00 kr. goes to Rome.',
    );
    expect(preview('payday', { counterparty: 'ACME' })).toBe(
      'When a payment of at least 10.000,00 kr. from “ACME” arrives, 10 % of it goes to Rome.',
    );
    expect(preview('set-and-forget')).toBe('Every Monday, 100,00 kr. goes to Rome.');
    expect(preview('set-and-forget', { every: 'month', dayOfMonth: '25' })).toBe(
      'On day 25 of every month, 100,00 kr. goes to Rome.',
    );
    expect(preview('52-week')).toBe(
      'Week 1 saves 10,00 kr., and each week changes by the same step until week 52 saves 520,00 kr., into Rome.',
    );
    expect(preview('habit', { bonusOn: true, afterDays: '5', bonusMultiplier: '2' })).toBe(
      'Every time you log “Workout”, 25,00 kr. goes to Rome. After 5 days in a row, it saves 2 × as much.',
    );
    expect(preview('spend-less', { category: '5814', period: 'month' })).toBe(
      'At the end of every month, whatever is left of your 500,00 kr. budget for category 5814 goes to Rome.',
    );
    expect(preview('no-spend-day')).toBe('For every day without any card purchase, 30,00 kr. goes to Rome.');
  });

  test('adds caps and the paused state, and reads gaps as choices still to make', () => {
    expect(preview('guilty-pleasure', { capDay: '40', capWeek: '100', paused: true })).toBe(
      'Every time you buy at a shop you choose, 20,00 kr. goes to Rome. At most 40,00 kr. a day, 100,00 kr. a week. It is paused.',
    );
    expect(preview('set-and-forget', { amount: 'abc', goalId: 'goal_gone' })).toBe(
      'Every Monday, an amount you choose goes to your goal.',
    );
  });
});

describe('ISO weeks of the backtest chart', () => {
  test('start on their Monday, across year ends', () => {
    expect(isoWeekStart('2026-W48')).toBe('2026-11-23');
    expect(isoWeekStart('2026-W01')).toBe('2025-12-29');
    expect(isoWeekStart('2020-W53')).toBe('2020-12-28');
    expect(isoWeekStart('2027-W01')).toBe('2027-01-04');
    expect(isoWeekStart('week 3')).toBeNull();
  });
});
