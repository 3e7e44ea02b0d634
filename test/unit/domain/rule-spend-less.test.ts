import { describe, expect, it } from 'vitest';
import { evaluateAt, purchase, rule, summarise } from './fixtures.ts';

describe('spend less: what is left of a category budget at the end of the period is saved', () => {
  const coffeeWeek = rule({
    type: 'spend-less',
    match: { category: 'coffee' },
    period: 'week',
    budgetMinor: 20_000,
    activeFrom: '2026-03-02',
  });
  const coffee = (kroner: string, bookingDate: string) =>
    purchase(kroner, { bookingDate, merchantCategory: 'coffee', counterpartyName: 'Espresso House' });

  it('saves 200,00 − 3 × 42,00 = 74,00 kr. for week 10, judged after the booking grace', () => {
    const transactions = [
      coffee('42.00', '2026-03-02'),
      coffee('42.00', '2026-03-04'),
      coffee('42.00', '2026-03-08'),
      coffee('42.00', '2026-03-09'), // next week
      purchase('500.00', { bookingDate: '2026-03-05' }), // not coffee
    ];
    // Week 10 ends Sunday 8 March; with two grace days it is judged on Wednesday 11 March.
    const tooEarly = evaluateAt('2026-03-10T12:00:00Z', { rules: [coffeeWeek], transactions });
    expect(tooEarly.entries).toEqual([]);
    const result = evaluateAt('2026-03-11T12:00:00Z', { rules: [coffeeWeek], transactions });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 7_400,
        explanation:
          'Spend less on coffee: spent 126,00 kr. of a 200,00 kr. budget in 2026-W10, so the 74,00 kr. left goes to savings.',
      },
    ]);
    expect(result.entries[0]?.trigger).toEqual({ kind: 'period', ref: '2026-W10', date: '2026-03-08' });
  });

  it('saves nothing when the budget is used up', () => {
    const transactions = [coffee('120.00', '2026-03-03'), coffee('80.00', '2026-03-06')];
    const result = evaluateAt('2026-03-11T12:00:00Z', { rules: [coffeeWeek], transactions });
    expect(result.entries).toEqual([]);
  });

  it('judges a month: 1 500,00 kr. eating-out budget, 1 212,50 kr. spent in March, 287,50 kr. saved', () => {
    const eatingOut = rule({
      type: 'spend-less',
      match: { merchantText: 'restaurant' },
      period: 'month',
      budgetMinor: 150_000,
      activeFrom: '2026-03-01',
    });
    const transactions = [
      purchase('612.50', { bookingDate: '2026-03-07', counterpartyName: 'Restaurant Barr' }),
      purchase('600.00', { bookingDate: '2026-03-31', counterpartyName: 'Restaurant Kødbyen' }),
      purchase('300.00', { bookingDate: '2026-04-01', counterpartyName: 'Restaurant Kødbyen' }),
    ];
    const result = evaluateAt('2026-04-03T12:00:00Z', {
      rules: [eatingOut],
      transactions,
      calendarFrom: '2026-04-01',
    });
    expect(result.entries.map((entry) => [entry.trigger.ref, entry.amountMinor])).toEqual([
      ['2026-03', 28_750],
    ]);
  });

  it('never judges a period that began before the rule was switched on', () => {
    const late = rule({
      type: 'spend-less',
      match: { category: 'coffee' },
      period: 'week',
      budgetMinor: 20_000,
      activeFrom: '2026-03-04',
    });
    const result = evaluateAt('2026-03-11T12:00:00Z', { rules: [late], transactions: [] });
    expect(result.entries).toEqual([]);
  });
});
