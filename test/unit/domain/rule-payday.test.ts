import { describe, expect, it } from 'vitest';
import { evaluateAt, incoming, purchase, rule, summarise } from './fixtures.ts';

describe('payday: an incoming payment over a threshold sends part of it away', () => {
  const tenPercent = rule({
    type: 'payday',
    thresholdMinor: 1_000_000,
    counterparty: 'acme',
    amount: { kind: 'percent', percent: 10 },
  });

  it('saves 10 % of a 28 450,00 kr. salary from ACME A/S: 2 845,00 kr.', () => {
    const result = evaluateAt('2026-03-31T08:00:00Z', {
      rules: [tenPercent],
      transactions: [incoming('28450.00')],
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 284_500,
        explanation: 'Payday: 28.450,00 kr. from ACME A/S, so 10 % of it (2.845,00 kr.) goes to savings.',
      },
    ]);
  });

  it('ignores payments under the threshold, from someone else, or still reserved', () => {
    const result = evaluateAt('2026-03-31T08:00:00Z', {
      rules: [tenPercent],
      transactions: [
        incoming('9999.99'),
        incoming('28450.00', { counterpartyName: 'Mormor', text: 'Fødselsdag' }),
        incoming('28450.00', { status: 'reserved' }),
      ],
    });
    expect(result.entries).toEqual([]);
  });

  it('does not treat money out, or a refund on the card, as payday', () => {
    const anyPayer = rule({
      type: 'payday',
      thresholdMinor: 100,
      amount: { kind: 'fixed', amountMinor: 50_000 },
    });
    const result = evaluateAt('2026-03-31T08:00:00Z', {
      rules: [anyPayer],
      transactions: [purchase('15000.00'), purchase('1500.00', { amountMinor: 150_000 })],
    });
    expect(result.entries).toEqual([]);
  });

  it('saves a fixed 1 500,00 kr. from any payer over 10 000 kr.', () => {
    const fixed = rule({
      type: 'payday',
      thresholdMinor: 1_000_000,
      amount: { kind: 'fixed', amountMinor: 150_000 },
    });
    const result = evaluateAt('2026-03-31T08:00:00Z', {
      rules: [fixed],
      transactions: [incoming('10000.00', { counterpartyName: 'SU-styrelsen', text: 'SU' })],
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 150_000,
        explanation: 'Payday: 10.000,00 kr. from SU-styrelsen, so 1.500,00 kr. goes to savings.',
      },
    ]);
  });
});
