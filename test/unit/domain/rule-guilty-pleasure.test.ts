import { describe, expect, it } from 'vitest';
import { evaluateAt, purchase, rule, summarise } from './fixtures.ts';

describe('guilty pleasure: a matching booked purchase costs the saver extra into a goal', () => {
  const coffee = rule({
    type: 'guilty-pleasure',
    match: { merchantText: 'starbucks' },
    amount: { kind: 'fixed', amountMinor: 2_000 },
  });

  it('puts 20,00 kr. aside for a 45,00 kr. coffee at Starbucks', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [coffee],
      transactions: [purchase('45.00', { counterpartyName: 'STARBUCKS KBH H' }), purchase('312.75')],
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 2_000,
        explanation: 'Guilty pleasure: 45,00 kr. at STARBUCKS KBH H, so 20,00 kr. goes to savings.',
      },
    ]);
  });

  it('matches the merchant text in the transaction text too', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [coffee],
      transactions: [
        purchase('39.00', { counterpartyName: undefined, text: 'Dankort-nota Starbucks Nørreport' }),
      ],
    });
    expect(result.entries).toHaveLength(1);
  });

  it('takes 10 % of a 187,45 kr. takeaway: 18,75 kr. (18,745 rounds half up)', () => {
    const takeaway = rule({
      type: 'guilty-pleasure',
      match: { category: '5814' },
      amount: { kind: 'percent', percent: 10 },
    });
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [takeaway],
      transactions: [
        purchase('187.45', { counterpartyName: 'Wolt', merchantCategory: '5814' }),
        purchase('187.45', { counterpartyName: 'Wolt', merchantCategory: '5411' }),
      ],
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 1_875,
        explanation: 'Guilty pleasure: 187,45 kr. at Wolt, so 10 % of it (18,75 kr.) goes to savings.',
      },
    ]);
  });

  it('requires every given criterion: counterparty exactly and category', () => {
    const exact = rule({
      type: 'guilty-pleasure',
      match: { counterparty: '7-Eleven', category: 'convenience' },
      amount: { kind: 'fixed', amountMinor: 1_000 },
    });
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [exact],
      transactions: [
        purchase('25.00', { counterpartyName: '7-eleven', merchantCategory: 'Convenience' }),
        purchase('25.00', { counterpartyName: '7-Eleven Vesterport', merchantCategory: 'convenience' }),
        purchase('25.00', { counterpartyName: '7-Eleven', merchantCategory: 'kiosk' }),
      ],
    });
    expect(result.entries).toHaveLength(1);
  });

  it('never fires on a reserved coffee', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [coffee],
      transactions: [purchase('45.00', { counterpartyName: 'Starbucks', status: 'reserved' })],
    });
    expect(result.entries).toEqual([]);
  });
});
