import { describe, expect, it } from 'vitest';
import { backtestRule, backtestWindow } from '#domain/backtest';
import { eachDate } from '#domain/calendar';
import { DraftRuleSchema } from '#domain/rules';
import { purchase, rule, SAVER, settings } from './fixtures.ts';

describe('backtest: what a rule would have done over past transactions', () => {
  it('covers the last 90 full days before today', () => {
    expect(backtestWindow('2026-03-16')).toEqual({ fromDate: '2025-12-16', toDate: '2026-03-15' });
  });

  it('a draft 10 kr. round-up over two weeks of 47,50 kr. purchases saves 35,00 kr. in one transfer', () => {
    const draft = DraftRuleSchema.parse({ type: 'round-up', goalId: 'rome', roundToMinor: 1000 });
    const transactions = eachDate('2026-03-02', '2026-03-15').map((bookingDate) =>
      purchase('47.50', { bookingDate }),
    );
    const result = backtestRule({
      saverId: SAVER,
      rule: draft,
      settings: settings({ minimumTransferMinor: 2_000 }),
      transactions: [...transactions, purchase('47.50', { bookingDate: '2026-03-10', status: 'reserved' })],
      fromDate: '2026-03-02',
      toDate: '2026-03-15',
    });
    expect(result).toMatchObject({
      totalMinor: 3_500, // 14 × 2,50 kr.
      transferredMinor: 2_000, // one transfer after day 8; 15,00 kr. still below the minimum
      transferCount: 1,
      entryCount: 14,
      skippedCount: 0,
      floorHits: 0,
      weekly: [
        { week: '2026-W10', savedMinor: 1_750 },
        { week: '2026-W11', savedMinor: 1_750 },
      ],
    });
    expect(result.summary.replaceAll('\u00a0', ' ')).toBe(
      'This rule would have saved 35,00 kr. over the last 14 days, in 1 transfer.',
    );
  });

  it('rebuilds balances backwards and counts when the floor stopped a save', () => {
    // Floor 1 000 kr.; the account ends at 1 100 kr. after three 45 kr. coffees.
    const coffee = rule({
      type: 'guilty-pleasure',
      match: { merchantText: 'coffee' },
      amount: { kind: 'fixed', amountMinor: 5_000 },
      paused: true,
    });
    const transactions = ['2026-03-02', '2026-03-03', '2026-03-04'].map((bookingDate) =>
      purchase('45.00', { bookingDate, counterpartyName: 'Coffee Collective' }),
    );
    const result = backtestRule({
      saverId: SAVER,
      rule: coffee,
      settings: settings({ balanceFloorMinor: 100_000 }),
      transactions,
      fromDate: '2026-03-02',
      toDate: '2026-03-04',
      endBalanceMinor: 110_000,
    });
    // 2 March: 1 190 kr. → save 50. 3 March: 1 145 − 50 = 1 095 kr. → save 50. 4 March: 1 100 − 100 = 1 000 kr. → floor.
    expect(result).toMatchObject({
      totalMinor: 10_000,
      transferCount: 2,
      floorHits: 1,
      skippedCount: 1,
    });
    expect(result.entries.map((entry) => entry.skipReason)).toEqual([null, null, 'balance-floor']);
    expect(result.summary.replaceAll('\u00a0', ' ')).toBe(
      'This rule would have saved 100,00 kr. over the last 3 days, in 2 transfers; the balance floor stopped it 1 time.',
    );
  });

  it('counts cap hits: a 30 kr. weekly cap on daily 10 kr. saves', () => {
    const daily = rule({
      type: 'set-and-forget',
      schedule: { every: 'day' },
      amountMinor: 1_000,
      caps: { perWeekMinor: 3_000 },
    });
    const result = backtestRule({
      saverId: SAVER,
      rule: daily,
      settings: settings(),
      transactions: [],
      fromDate: '2026-03-02',
      toDate: '2026-03-08',
    });
    expect(result).toMatchObject({ totalMinor: 3_000, entryCount: 3, skippedCount: 4, capHits: 4 });
  });
});
