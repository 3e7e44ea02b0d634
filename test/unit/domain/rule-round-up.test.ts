import { describe, expect, it } from 'vitest';
import { checkRuleAgainst } from '#domain/rules';
import { evaluateAt, goal, purchase, rule, settings, summarise } from './fixtures.ts';

describe('round-up: each booked card purchase rounds up to the next base', () => {
  const roundToTen = rule({ type: 'round-up', roundToMinor: 1000, multiplier: 1 });

  it('rounds 47,50 kr. at Netto up to 50,00 kr. and saves 2,50 kr.', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [roundToTen],
      transactions: [purchase('47.50')],
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 250,
        explanation: 'Rounded 47,50 kr. at Netto up to 50,00 kr.: 2,50 kr.',
      },
    ]);
    expect(result.entries[0]).toMatchObject({
      ruleId: 'rule-1',
      goalId: 'rome',
      currency: 'DKK',
      trigger: { kind: 'transaction', date: '2026-03-10' },
      skipReason: null,
      createdAt: '2026-03-10T18:00:00.000Z',
    });
  });

  it('saves nothing for a purchase already on the base (250,00 kr. with base 10 kr.)', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [roundToTen],
      transactions: [purchase('250.00')],
    });
    expect(result.entries).toEqual([]);
  });

  it('multiplies: 12,30 kr. to the next 5 kr. is 2,70 kr., × 3 is 8,10 kr.', () => {
    const tripled = rule({ type: 'round-up', roundToMinor: 500, multiplier: 3 });
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [tripled],
      transactions: [purchase('12.30')],
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 810,
        explanation: 'Rounded 12,30 kr. at Netto up to 15,00 kr.: 2,70 kr. × 3 = 8,10 kr.',
      },
    ]);
  });

  it('rounds 1 234,56 kr. to the next 100 kr.: 65,44 kr.', () => {
    const hundreds = rule({ type: 'round-up', roundToMinor: 10_000 });
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [hundreds],
      transactions: [purchase('1234.56')],
    });
    expect(result.entries.map((entry) => entry.amountMinor)).toEqual([6_544]);
  });

  it('ignores reserved purchases, transfers, incoming money and card refunds', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [roundToTen],
      transactions: [
        purchase('47.50', { status: 'reserved' }),
        purchase('47.50', { kind: 'transfer', counterpartyName: 'Landlord' }),
        purchase('47.50', { kind: 'other' }),
        purchase('-47.50', { amountMinor: 4_750 }),
        purchase('47.50', { kind: 'incoming', amountMinor: 4_750 }),
      ],
    });
    expect(result.entries).toEqual([]);
  });

  it('acts only on purchases booked on or after the day it was switched on', () => {
    const switchedOn = rule({ type: 'round-up', roundToMinor: 1000, activeFrom: '2026-03-10' });
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [switchedOn],
      transactions: [
        purchase('47.50', { bookingDate: '2026-03-09' }),
        purchase('18.00', { bookingDate: '2026-03-10' }),
      ],
    });
    expect(result.entries.map((entry) => entry.amountMinor)).toEqual([200]);
  });

  it('ignores purchases in another currency than the saver’s', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [roundToTen],
      transactions: [purchase('4.50', { currency: 'EUR' })],
    });
    expect(result.entries).toEqual([]);
  });

  it('offers bases of 1, 5, 10, 50 and 100 kroner only', () => {
    const odd = rule({ type: 'round-up', roundToMinor: 700 });
    expect(checkRuleAgainst(roundToTen, [goal()], settings())).toEqual([]);
    expect(checkRuleAgainst(odd, [goal()], settings())).toEqual([
      { code: 'round-up-base', roundToMinor: 700, allowed: [100, 500, 1000, 5000, 10000] },
    ]);
    expect(checkRuleAgainst(roundToTen, [], settings())).toEqual([{ code: 'goal-missing', goalId: 'rome' }]);
  });
});
