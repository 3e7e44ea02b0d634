import { describe, expect, it } from 'vitest';
import { ledgerWindowStart } from '#domain/evaluate';
import { evaluateAt, goal, purchase, rule, settings, summarise } from './fixtures.ts';

const now = '2026-03-10T18:00:00Z';
const coffee = (id: string, kroner = '45.00', bookingDate = '2026-03-10') =>
  purchase(kroner, { id, bookingDate, counterpartyName: 'Starbucks' });
const guilty = (overrides: Record<string, unknown> = {}) =>
  rule({
    type: 'guilty-pleasure',
    match: { merchantText: 'starbucks' },
    amount: { kind: 'fixed', amountMinor: 2_000 },
    ...overrides,
  });

describe('caps', () => {
  it('a 50,00 kr. daily cap lets two 20,00 kr. saves through, limits the third to 10,00 kr. and skips the fourth', () => {
    const result = evaluateAt(now, {
      rules: [guilty({ caps: { perDayMinor: 5_000 } })],
      transactions: [coffee('t1'), coffee('t2'), coffee('t3'), coffee('t4')],
    });
    expect(
      result.entries.map((entry) => [entry.trigger.ref, entry.status, entry.amountMinor, entry.skipReason]),
    ).toEqual(
      expect.arrayContaining([
        ['t1', 'pending', 2_000, null],
        ['t2', 'pending', 2_000, null],
        ['t3', 'pending', 1_000, null],
        ['t4', 'skipped', 2_000, 'cap-day'],
      ]),
    );
    const explanations = summarise(result).map((entry) => entry.explanation);
    expect(explanations).toContain(
      'Guilty pleasure: 45,00 kr. at Starbucks, so 20,00 kr. goes to savings. Limited to 10,00 kr. by the daily cap of 50,00 kr.',
    );
    expect(explanations).toContain(
      'Guilty pleasure: 45,00 kr. at Starbucks, so 20,00 kr. goes to savings. Skipped: the daily cap of 50,00 kr. is used up.',
    );
  });

  it('counts what was already saved this week before today', () => {
    const earlier = evaluateAt('2026-03-09T18:00:00Z', {
      rules: [guilty({ caps: { perWeekMinor: 3_000 } })],
      transactions: [coffee('mon', '45.00', '2026-03-09')],
    });
    const result = evaluateAt(now, {
      rules: [guilty({ caps: { perWeekMinor: 3_000 } })],
      transactions: [coffee('mon', '45.00', '2026-03-09'), coffee('tue')],
      priorEntries: earlier.entries,
    });
    expect(result.entries.map((entry) => [entry.trigger.ref, entry.amountMinor])).toEqual([['tue', 1_000]]);
    expect(result.limited).toEqual([{ entryId: result.entries[0]?.id, by: 'cap-week' }]);
  });

  it('loads prior entries from the earlier of week start and month start', () => {
    expect(ledgerWindowStart('2026-04-02')).toBe('2026-03-30');
    expect(ledgerWindowStart('2026-04-20')).toBe('2026-04-01');
  });
});

describe('the global monthly budget', () => {
  it('stops all rules together at 100,00 kr. a month', () => {
    const roundUp = rule({ id: 'a-round', type: 'round-up', roundToMinor: 10_000 });
    const result = evaluateAt(now, {
      settings: settings({ monthlyBudgetMinor: 10_000 }),
      rules: [roundUp, guilty({ id: 'b-coffee' })],
      transactions: [coffee('t1', '45.00'), coffee('t2', '45.00')],
    });
    // Within a day, rules run in id order: the round-ups take 55,00 kr. and then the 45,00 kr. left;
    // both coffees find the budget used up.
    expect(
      result.entries.map((entry) => [entry.ruleId, entry.trigger.ref, entry.status, entry.amountMinor]),
    ).toEqual(
      expect.arrayContaining([
        ['a-round', 't1', 'pending', 5_500],
        ['a-round', 't2', 'pending', 4_500],
        ['b-coffee', 't1', 'skipped', 2_000],
        ['b-coffee', 't2', 'skipped', 2_000],
      ]),
    );
    expect(
      result.entries.filter((entry) => entry.status === 'skipped').map((entry) => entry.skipReason),
    ).toEqual(['monthly-budget', 'monthly-budget']);
  });
});

describe('the balance floor', () => {
  it('keeps 1 000,00 kr. in the account: with 1 030,00 kr. available and 15,00 kr. on the way, only one save fits', () => {
    const result = evaluateAt(now, {
      settings: settings({ balanceFloorMinor: 100_000 }),
      rules: [guilty({ amount: { kind: 'fixed', amountMinor: 1_000 } })],
      transactions: [coffee('t1'), coffee('t2')],
      balance: { availableMinor: 103_000, unsettledTransfersMinor: 1_500 },
    });
    expect(result.entries.map((entry) => [entry.trigger.ref, entry.status, entry.skipReason])).toEqual(
      expect.arrayContaining([
        ['t1', 'pending', null],
        ['t2', 'skipped', 'balance-floor'],
      ]),
    );
    expect(summarise(result).find((entry) => entry.status === 'skipped')?.explanation).toBe(
      'Guilty pleasure: 45,00 kr. at Starbucks, so 10,00 kr. goes to savings. Skipped: it would take the account below the balance floor of 1.000,00 kr.',
    );
  });

  it('counts pending entries not yet transferred against the floor', () => {
    const first = evaluateAt(now, {
      rules: [guilty()],
      transactions: [coffee('t1')],
    });
    const result = evaluateAt(now, {
      settings: settings({ balanceFloorMinor: 100_000 }),
      rules: [guilty()],
      transactions: [coffee('t1'), coffee('t2')],
      priorEntries: first.entries,
      balance: { availableMinor: 103_000, unsettledTransfersMinor: 0 },
    });
    // 1 030 − 20 pending leaves 10,00 kr. above the floor: the next 20,00 kr. does not fit.
    expect(result.entries.map((entry) => entry.skipReason)).toEqual(['balance-floor']);
  });
});

describe('pausing and reached goals', () => {
  it('keeps a skipped entry with the reason when the rule or the saver is paused', () => {
    const paused = evaluateAt(now, { rules: [guilty({ paused: true })], transactions: [coffee('t1')] });
    expect(summarise(paused)).toEqual([
      {
        status: 'skipped',
        amountMinor: 2_000,
        explanation:
          'Guilty pleasure: 45,00 kr. at Starbucks, so 20,00 kr. goes to savings. Skipped: the rule is paused.',
      },
    ]);
    const allPaused = evaluateAt(now, {
      settings: settings({ paused: true }),
      rules: [guilty()],
      transactions: [coffee('t1')],
    });
    expect(allPaused.entries.map((entry) => entry.skipReason)).toEqual(['saver-paused']);
  });

  it('stops at the goal: 8 000 kr. target with 7 990 kr. saved takes 10,00 kr. and then skips', () => {
    const result = evaluateAt(now, {
      goals: [goal({ savedMinor: 799_000 })],
      rules: [guilty()],
      transactions: [coffee('t1'), coffee('t2')],
    });
    expect(summarise(result)).toEqual(
      expect.arrayContaining([
        {
          status: 'pending',
          amountMinor: 1_000,
          explanation:
            'Guilty pleasure: 45,00 kr. at Starbucks, so 20,00 kr. goes to savings. Limited to 10,00 kr., what Rome still needs.',
        },
        {
          status: 'skipped',
          amountMinor: 2_000,
          explanation:
            'Guilty pleasure: 45,00 kr. at Starbucks, so 20,00 kr. goes to savings. Skipped: Rome is already reached.',
        },
      ]),
    );
  });

  it('moves to the next goal by priority when the saver chose that', () => {
    const rome = goal({ status: 'reached', savedMinor: 800_000, whenReached: 'move-to-next' });
    const bike = goal({ id: 'bike', name: 'Bike', priority: 2, targetMinor: 500_000 });
    const buffer = goal({ id: 'buffer', name: 'Buffer', priority: 1, targetMinor: 1_000_000 });
    const result = evaluateAt(now, {
      goals: [rome, bike, buffer],
      rules: [guilty()],
      transactions: [coffee('t1')],
    });
    expect(result.entries.map((entry) => [entry.goalId, entry.status])).toEqual([['buffer', 'pending']]);
    expect(result.entries[0]?.explanation).toContain('Rome is reached, so it goes to Buffer.');
  });

  it('skips with a reason when the goal is archived or gone', () => {
    const archived = evaluateAt(now, {
      goals: [goal({ status: 'archived' })],
      rules: [guilty()],
      transactions: [coffee('t1')],
    });
    expect(archived.entries.map((entry) => entry.skipReason)).toEqual(['goal-archived']);
    const gone = evaluateAt(now, { goals: [], rules: [guilty()], transactions: [coffee('t1')] });
    expect(gone.entries.map((entry) => entry.skipReason)).toEqual(['goal-missing']);
  });
});

describe('splitting across goals', () => {
  it('splits a 2,50 kr. round-up 60/40 into 1,50 kr. for Rome and 1,00 kr. for Bike', () => {
    const split = rule({
      type: 'round-up',
      roundToMinor: 1000,
      goalId: undefined,
      split: [
        { goalId: 'rome', percent: 60 },
        { goalId: 'bike', percent: 40 },
      ],
    });
    const result = evaluateAt(now, {
      goals: [goal(), goal({ id: 'bike', name: 'Bike' })],
      rules: [split],
      transactions: [purchase('47.50')],
    });
    expect(summarise(result)).toEqual(
      expect.arrayContaining([
        {
          status: 'pending',
          amountMinor: 150,
          explanation:
            'Rounded 47,50 kr. at Netto up to 50,00 kr.: 2,50 kr. 60 % of it (1,50 kr.) is for Rome.',
        },
        {
          status: 'pending',
          amountMinor: 100,
          explanation:
            'Rounded 47,50 kr. at Netto up to 50,00 kr.: 2,50 kr. 40 % of it (1,00 kr.) is for Bike.',
        },
      ]),
    );
    expect(new Set(result.entries.map((entry) => entry.id)).size).toBe(2);
  });

  it('shares a cap-limited save between the goals in proportion', () => {
    const split = rule({
      type: 'set-and-forget',
      schedule: { every: 'day' },
      amountMinor: 10_000,
      caps: { perDayMinor: 5_001 },
      goalId: undefined,
      split: [
        { goalId: 'rome', percent: 50 },
        { goalId: 'bike', percent: 50 },
      ],
    });
    const result = evaluateAt(now, { goals: [goal(), goal({ id: 'bike', name: 'Bike' })], rules: [split] });
    expect(result.entries.map((entry) => [entry.goalId, entry.amountMinor])).toEqual(
      expect.arrayContaining([
        ['bike', 2_501],
        ['rome', 2_500],
      ]),
    );
  });
});
