import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { addDays, eachDate, isoWeekKey, localDateOf, monthKey } from '#domain/calendar';
import type { SavingsEntry } from '#domain/entries';
import { evaluate } from '#domain/evaluate';
import type { Rule } from '#domain/rules';
import type { Transaction } from '#domain/transaction';
import { goal, rule, SAVER, settings } from './fixtures.ts';

const goals = [
  goal({ targetMinor: 1_000_000_000 }),
  goal({ id: 'bike', name: 'Bike', targetMinor: 1_000_000_000 }),
];

const rules: Rule[] = [
  rule({ id: 'r-round', type: 'round-up', roundToMinor: 1000, multiplier: 2, caps: { perDayMinor: 3_000 } }),
  rule({
    id: 'r-coffee',
    type: 'guilty-pleasure',
    match: { merchantText: 'starbucks' },
    amount: { kind: 'percent', percent: 12.5 },
    caps: { perWeekMinor: 4_000, perMonthMinor: 9_000 },
    goalId: undefined,
    split: [
      { goalId: 'rome', percent: 33.33 },
      { goalId: 'bike', percent: 66.67 },
    ],
  }),
  rule({
    id: 'r-pay',
    type: 'payday',
    thresholdMinor: 50_000,
    amount: { kind: 'fixed', amountMinor: 25_000 },
  }),
  rule({
    id: 'r-daily',
    type: 'set-and-forget',
    schedule: { every: 'day' },
    amountMinor: 700,
    caps: { perWeekMinor: 3_000 },
  }),
];

const transactionArbitrary = fc.record({
  day: fc.integer({ min: 1, max: 28 }),
  amount: fc.integer({ min: 1, max: 150_000 }),
  status: fc.constantFrom('booked', 'booked', 'booked', 'reserved'),
  kind: fc.constantFrom('card', 'card', 'card', 'transfer', 'incoming', 'other'),
  counterpartyName: fc.constantFrom('Netto', 'Starbucks Strøget', 'ACME A/S', 'Føtex'),
});

const transactionsArbitrary = fc.array(transactionArbitrary, { maxLength: 40 }).map((items) =>
  items.map(
    (item, index): Transaction => ({
      id: `t${String(index).padStart(3, '0')}`,
      accountId: 'acc',
      bookingDate: `2026-03-${String(item.day).padStart(2, '0')}`,
      amountMinor: item.kind === 'incoming' ? item.amount : -item.amount,
      currency: 'DKK',
      status: item.status as Transaction['status'],
      kind: item.kind as Transaction['kind'],
      counterpartyName: item.counterpartyName,
    }),
  ),
);

const now = new Date('2026-03-28T20:00:00Z');
const base = {
  saverId: SAVER,
  settings: settings({ monthlyBudgetMinor: 60_000 }),
  rules,
  goals,
  now,
  calendarFrom: '2026-03-01',
};

function pendingTotals(
  entries: readonly SavingsEntry[],
  key: (entry: SavingsEntry) => string,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const entry of entries) {
    if (entry.status !== 'pending') continue;
    totals.set(key(entry), (totals.get(key(entry)) ?? 0) + entry.amountMinor);
  }
  return totals;
}

function expectWithinLimits(entries: readonly SavingsEntry[]): void {
  for (const current of rules) {
    const own = entries.filter((entry) => entry.ruleId === current.id);
    const limits: [number | undefined, (entry: SavingsEntry) => string][] = [
      [current.caps.perDayMinor, (entry) => entry.trigger.date],
      [current.caps.perWeekMinor, (entry) => isoWeekKey(entry.trigger.date)],
      [current.caps.perMonthMinor, (entry) => monthKey(entry.trigger.date)],
    ];
    for (const [cap, key] of limits) {
      if (cap === undefined) continue;
      for (const total of pendingTotals(own, key).values()) expect(total).toBeLessThanOrEqual(cap);
    }
  }
  for (const total of pendingTotals(entries, (entry) => monthKey(entry.trigger.date)).values()) {
    expect(total).toBeLessThanOrEqual(60_000);
  }
}

describe('engine properties', () => {
  const withShuffled = transactionsArbitrary.chain((transactions) =>
    fc.tuple(
      fc.constant(transactions),
      fc.shuffledSubarray(transactions, { minLength: transactions.length, maxLength: transactions.length }),
      fc.shuffledSubarray(rules, { minLength: rules.length, maxLength: rules.length }),
    ),
  );

  propertyTest.prop([withShuffled], { numRuns: 60 })(
    'the same inputs in any order give the same entries',
    ([transactions, shuffledTransactions, shuffledRules]) => {
      const expected = evaluate({ ...base, transactions });
      expect(
        evaluate({
          ...base,
          transactions: shuffledTransactions,
          rules: shuffledRules,
          goals: [...goals].reverse(),
        }),
      ).toEqual(expected);
    },
  );

  propertyTest.prop([transactionsArbitrary], { numRuns: 60 })(
    'replaying with the stored entries creates nothing new',
    (transactions) => {
      const first = evaluate({ ...base, transactions });
      const replay = evaluate({ ...base, transactions, priorEntries: first.entries });
      expect(replay.entries).toEqual([]);
    },
  );

  propertyTest.prop([transactionsArbitrary, fc.integer({ min: 2, max: 27 })], { numRuns: 60 })(
    'caps and the monthly budget hold, in one run or in daily runs that carry the ledger forward',
    (transactions, splitDay) => {
      const oneRun = evaluate({ ...base, transactions });
      expectWithinLimits(oneRun.entries);

      const cut = `2026-03-${String(splitDay).padStart(2, '0')}`;
      const early = evaluate({
        ...base,
        transactions: transactions.filter((transaction) => transaction.bookingDate < cut),
        now: new Date(`${addDays(cut, -1)}T12:00:00Z`),
      });
      const late = evaluate({ ...base, transactions, priorEntries: early.entries, calendarFrom: cut });
      const both = [...early.entries, ...late.entries];
      expectWithinLimits(both);
      // Every trigger is answered exactly once either way (as pending or skipped).
      expect(new Set(both.map((entry) => entry.id))).toEqual(
        new Set(oneRun.entries.map((entry) => entry.id)),
      );
      expect(both).toHaveLength(oneRun.entries.length);
    },
  );

  propertyTest.prop([transactionsArbitrary], { numRuns: 60 })(
    'no entry ever comes from a reserved transaction',
    (transactions) => {
      const result = evaluate({ ...base, transactions });
      const booked = new Set(transactions.filter((t) => t.status === 'booked').map((t) => t.id));
      for (const entry of result.entries) {
        if (entry.trigger.kind === 'transaction') expect(booked.has(entry.trigger.ref)).toBe(true);
      }
      const allReserved = transactions.map((t) => ({ ...t, status: 'reserved' as const }));
      const none = evaluate({
        ...base,
        transactions: allReserved,
        rules: rules.filter((r) => r.type !== 'set-and-forget'),
      });
      expect(none.entries).toEqual([]);
    },
  );

  it('entry ids are stable across runs and distinct for each goal of a split', () => {
    const transactions: Transaction[] = [
      {
        id: 'coffee-1',
        accountId: 'acc',
        bookingDate: '2026-03-05',
        amountMinor: -4_500,
        currency: 'DKK',
        status: 'booked',
        kind: 'card',
        counterpartyName: 'Starbucks',
      },
    ];
    const first = evaluate({ ...base, transactions, rules: [rules[1] as Rule] });
    const second = evaluate({
      ...base,
      transactions,
      rules: [rules[1] as Rule],
      now: new Date('2026-03-29T09:00:00Z'),
    });
    expect(first.entries.map((entry) => entry.id)).toEqual(second.entries.map((entry) => entry.id));
    expect(first.entries.map((entry) => entry.goalId).sort()).toEqual(['bike', 'rome']);
    expect(first.entries[0]?.id).toMatch(/^se_[0-9a-f]{32}$/);
  });
});

describe('daylight saving time in Europe/Copenhagen', () => {
  const weekly = rule({
    id: 'r-weekly',
    type: 'set-and-forget',
    schedule: { every: 'week', weekday: 7 },
    amountMinor: 10_000,
  });
  const daily = rule({
    id: 'r-daily',
    type: 'set-and-forget',
    schedule: { every: 'day' },
    amountMinor: 1_000,
  });

  /** Runs the engine at each instant, carrying stored entries and the previous run's local date forward. */
  function runAt(instants: readonly Date[], from: string): SavingsEntry[] {
    const stored: SavingsEntry[] = [];
    let calendarFrom = from;
    for (const instant of instants) {
      const result = evaluate({
        saverId: SAVER,
        settings: settings(),
        rules: [weekly, daily],
        goals: [goal({ targetMinor: 1_000_000_000 })],
        transactions: [],
        priorEntries: stored,
        calendarFrom,
        now: instant,
      });
      stored.push(...result.entries);
      calendarFrom = result.today;
    }
    return stored;
  }

  function hourly(fromIso: string, hours: number): Date[] {
    const start = Date.parse(fromIso);
    return Array.from({ length: hours }, (_, hour) => new Date(start + hour * 3_600_000));
  }

  it.each([
    // Each run starts at local midnight of a Monday and ends two weeks later, before local midnight.
    ['spring forward, Sunday 29 March 2026', '2026-03-22T23:00:00Z', '2026-03-23', '2026-04-05'],
    ['fall back, Sunday 25 October 2026', '2026-10-18T22:00:00Z', '2026-10-19', '2026-11-01'],
  ])('%s: hourly runs give one entry per local day and one per week', (_, startIso, firstDay, lastDay) => {
    const entries = runAt(hourly(startIso, 24 * 14 - 2), firstDay);
    const days = entries.filter((entry) => entry.ruleId === 'r-daily').map((entry) => entry.trigger.date);
    expect(days).toEqual(eachDate(firstDay, lastDay));
    const weeks = entries.filter((entry) => entry.ruleId === 'r-weekly').map((entry) => entry.trigger.date);
    expect(weeks).toEqual([addDays(firstDay, 6), addDays(firstDay, 13)]);
  });

  it('the 23-hour and 25-hour Sundays are each one local day', () => {
    const spring = hourly('2026-03-28T23:00:00Z', 23).map((instant) =>
      localDateOf(instant, 'Europe/Copenhagen'),
    );
    expect(new Set(spring)).toEqual(new Set(['2026-03-29']));
    const autumn = hourly('2026-10-24T22:00:00Z', 25).map((instant) =>
      localDateOf(instant, 'Europe/Copenhagen'),
    );
    expect(new Set(autumn)).toEqual(new Set(['2026-10-25']));
  });

  propertyTest.prop(
    [fc.uniqueArray(fc.integer({ min: 0, max: 24 * 21 - 1 }), { minLength: 1, maxLength: 40 })],
    { numRuns: 40 },
  )('runs at any hours across the DST weeks give exactly one weekly entry per week', (hours) => {
    const start = Date.parse('2026-10-12T00:00:00Z');
    const instants = [...hours].sort((a, b) => a - b).map((hour) => new Date(start + hour * 3_600_000));
    const entries = runAt(instants, '2026-10-12').filter((entry) => entry.ruleId === 'r-weekly');
    const lastDay = localDateOf(instants[instants.length - 1] as Date, 'Europe/Copenhagen');
    const expectedSundays = ['2026-10-18', '2026-10-25', '2026-11-01'].filter((sunday) => sunday <= lastDay);
    expect(entries.map((entry) => entry.trigger.date)).toEqual(expectedSundays);
    expect(new Set(entries.map((entry) => entry.trigger.ref)).size).toBe(entries.length);
  });
});
