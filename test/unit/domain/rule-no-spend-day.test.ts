import { describe, expect, it } from 'vitest';
import { evaluateAt, purchase, rule, summarise } from './fixtures.ts';

describe('no-spend day: a day without a matching purchase saves a fixed amount', () => {
  const noCoffee = rule({
    type: 'no-spend-day',
    match: { merchantText: 'coffee' },
    amountMinor: 2_000,
    activeFrom: '2026-03-01',
  });

  it('saves 20,00 kr. for each coffee-free day once its booking grace has passed', () => {
    const transactions = [
      purchase('38.00', { bookingDate: '2026-03-09', counterpartyName: 'Coffee Collective' }),
      purchase('250.00', { bookingDate: '2026-03-10', counterpartyName: 'Netto' }),
    ];
    // On 13 March, with two grace days, days up to 10 March are judged.
    const result = evaluateAt('2026-03-13T12:00:00Z', {
      rules: [noCoffee],
      transactions,
      calendarFrom: '2026-03-12',
    });
    expect(summarise(result)).toEqual([
      { status: 'pending', amountMinor: 2_000, explanation: 'No coffee purchase on 2026-03-10: 20,00 kr.' },
    ]);
    const dayBefore = evaluateAt('2026-03-12T12:00:00Z', { rules: [noCoffee], transactions });
    expect(dayBefore.entries).toEqual([]); // 9 March had coffee
  });

  it('without a pattern, any booked card purchase spoils the day', () => {
    const noSpend = rule({ type: 'no-spend-day', amountMinor: 5_000, activeFrom: '2026-03-01' });
    const transactions = [
      purchase('12.00', { bookingDate: '2026-03-09' }),
      purchase('9000.00', { bookingDate: '2026-03-10', kind: 'transfer', counterpartyName: 'Husleje' }),
    ];
    const result = evaluateAt('2026-03-13T12:00:00Z', {
      rules: [noSpend],
      transactions,
      calendarFrom: '2026-03-12',
    });
    expect(summarise(result)).toEqual([
      { status: 'pending', amountMinor: 5_000, explanation: 'No card purchase on 2026-03-10: 50,00 kr.' },
    ]);
  });

  it('judges no day before the rule was switched on', () => {
    const result = evaluateAt('2026-03-03T12:00:00Z', { rules: [noCoffee], calendarFrom: '2026-02-20' });
    expect(result.entries).toEqual([]);
  });
});
