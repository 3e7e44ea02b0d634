import { describe, expect, test } from 'vitest';
import type { Goal, SavingsEntry, Transfer } from '../../../web/src/api/types.ts';
import {
  addDaysTo,
  dashboardGoals,
  historyStart,
  monthTotals,
  savingSeries,
  transferToShow,
} from '../../../web/src/dashboard.ts';

const entry = (
  id: string,
  goalId: string,
  date: string,
  amountMinor: number,
  status: SavingsEntry['status'] = 'saved',
): SavingsEntry => ({
  id,
  ruleId: 'rule',
  goalId,
  status,
  amountMinor,
  currency: 'DKK',
  trigger: { kind: 'transaction', ref: id, date },
  explanation: '',
  skipReason: status === 'skipped' ? 'balance-floor' : null,
  createdAt: `${date}T10:00:00Z`,
  transferId: null,
});

const goal = (id: string, savedMinor: number, extra: Partial<Goal> = {}): Goal => ({
  id,
  name: id,
  emoji: null,
  targetMinor: 800_000,
  currency: 'DKK',
  deadline: null,
  savedMinor,
  status: 'active',
  priority: 0,
  whenReached: 'stop-rules',
  projection: {
    progressPercent: 0,
    remainingMinor: 800_000 - savedMinor,
    pacePerWeekMinor: 0,
    projectedCompletionDate: null,
    neededPerWeekMinor: null,
    onTrack: null,
  },
  ...extra,
});

describe('the dashboard’s figures', () => {
  test('calendar steps and the history it needs', () => {
    expect(addDaysTo('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDaysTo('2026-10-25', 1)).toBe('2026-10-26');
    expect(historyStart('2026-11-28')).toBe('2026-09-05');
  });

  test('this month counts paid and on-the-way saves by trigger date, not skipped or cancelled ones', () => {
    const entries = [
      entry('a', 'rome', '2026-11-28', 250, 'pending'),
      entry('b', 'rome', '2026-11-20', 1000, 'transferring'),
      entry('c', 'rome', '2026-11-01', 500),
      entry('d', 'rome', '2026-11-02', 700, 'skipped'),
      entry('e', 'rome', '2026-11-03', 900, 'cancelled'),
      entry('f', 'rome', '2026-10-31', 4000),
    ];
    expect(monthTotals(entries, '2026-11-28')).toEqual({
      countedMinor: 1750,
      savedMinor: 500,
      onTheWayMinor: 1250,
    });
  });

  test('saving over time: each week’s end holds today’s saved amount less what came after', () => {
    const goals = [goal('rome', 3000), goal('bike', 0)];
    const entries = [
      entry('1', 'rome', '2026-11-27', 1000),
      entry('2', 'rome', '2026-11-20', 500, 'pending'),
      entry('3', 'rome', '2026-11-10', 1500),
      entry('4', 'rome', '2026-10-01', 500),
    ];
    const [rome, bike] = savingSeries(goals, entries, '2026-11-28', null, 3);
    expect(rome?.points).toEqual([
      { date: '2026-11-07', valueMinor: 500 },
      { date: '2026-11-14', valueMinor: 2000 },
      { date: '2026-11-21', valueMinor: 2000 },
      { date: '2026-11-28', valueMinor: 3000 },
    ]);
    expect(bike?.points.every((point) => point.valueMinor === 0)).toBe(true);
  });

  test('weeks that end before the entries read are left out rather than guessed', () => {
    const series = savingSeries([goal('rome', 100)], [], '2026-11-28', '2026-11-10', 3);
    expect(series[0]?.points.map((point) => point.date)).toEqual(['2026-11-14', '2026-11-21', '2026-11-28']);
  });

  test('the transfer shown: the newest one under way, else the newest of all', () => {
    const transfer = (id: string, status: Transfer['status']): Transfer => ({
      id,
      status,
      amountMinor: 100,
      currency: 'DKK',
      entryIds: [],
      bankPaymentId: null,
      createdAt: '2026-11-28T10:00:00Z',
      updatedAt: '2026-11-28T10:00:00Z',
      signingUrl: null,
      confirmBy: null,
      failureReason: null,
    });
    expect(transferToShow([])).toBeNull();
    expect(transferToShow([transfer('a', 'paid'), transfer('b', 'planned')])).toMatchObject({
      transfer: { id: 'b' },
      open: true,
    });
    expect(transferToShow([transfer('a', 'paid'), transfer('b', 'rejected')])).toMatchObject({
      transfer: { id: 'a' },
      open: false,
    });
  });

  test('archived goals are left out, the rest by priority', () => {
    const shown = dashboardGoals([
      goal('b', 0, { priority: 2 }),
      goal('a', 0, { priority: 1 }),
      goal('x', 0, { status: 'archived' }),
    ]);
    expect(shown.map((item) => item.id)).toEqual(['a', 'b']);
  });
});
