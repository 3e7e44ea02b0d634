import { describe, expect, it } from 'vitest';
import {
  GoalSchema,
  NewGoalSchema,
  nextGoalAfter,
  projectGoal,
  resolveFundingGoal,
  toGoalView,
} from '#domain/goals';
import { goal } from './fixtures.ts';

const weekly = (kroner: number, dates: string[]) =>
  dates.map((date) => ({ date, amountMinor: kroner * 100 }));

describe('goal projection: Rome, 8 000 kr. by 1 June, 2 000 kr. saved on 1 March', () => {
  const rome = goal({ targetMinor: 800_000, savedMinor: 200_000, deadline: '2026-06-01' });
  const today = '2026-03-01';

  it('at 250 kr. a week it lands on 16 August, too late; 456,53 kr. a week is needed', () => {
    // 1 000 kr. in the last 28 days (a contribution 29 days ago falls outside the window).
    const contributions = [
      ...weekly(250, ['2026-02-08', '2026-02-15', '2026-02-22', '2026-03-01']),
      { date: '2026-01-31', amountMinor: 99_900 },
    ];
    expect(projectGoal(rome, contributions, today)).toEqual({
      progressPercent: 25,
      remainingMinor: 600_000,
      pacePerWeekMinor: 25_000,
      // 6 000 kr. at 1 000 kr. per 28 days takes 168 days.
      projectedCompletionDate: '2026-08-16',
      // 92 days left: 6 000 kr. × 7 / 92 = 456,52… rounded up.
      neededPerWeekMinor: 45_653,
      onTrack: false,
    });
  });

  it('at 1 000 kr. a week it is done by 12 April and on track', () => {
    const projection = projectGoal(
      rome,
      weekly(1_000, ['2026-02-08', '2026-02-15', '2026-02-22', '2026-03-01']),
      today,
    );
    expect(projection.projectedCompletionDate).toBe('2026-04-12');
    expect(projection.onTrack).toBe(true);
  });

  it('without any recent saving there is no projected date and it is not on track', () => {
    expect(projectGoal(rome, [], today)).toMatchObject({
      pacePerWeekMinor: 0,
      projectedCompletionDate: null,
      onTrack: false,
    });
    expect(projectGoal({ ...rome, deadline: null }, [], today)).toMatchObject({
      neededPerWeekMinor: null,
      onTrack: null,
    });
  });

  it('after the deadline the whole remainder is needed now', () => {
    expect(projectGoal(rome, [], '2026-06-02').neededPerWeekMinor).toBe(600_000);
  });

  it('shows 99 % until the last øre arrives, then 100 % and reached', () => {
    expect(projectGoal({ ...rome, savedMinor: 799_999 }, [], today).progressPercent).toBe(99);
    expect(projectGoal({ ...rome, savedMinor: 800_000 }, [], today)).toEqual({
      progressPercent: 100,
      remainingMinor: 0,
      pacePerWeekMinor: 0,
      projectedCompletionDate: null,
      neededPerWeekMinor: 0,
      onTrack: true,
    });
  });

  it('puts the projection beside the stored fields for the API', () => {
    const view = toGoalView(rome, [], today);
    expect(view).toMatchObject({ id: 'rome', name: 'Rome', targetMinor: 800_000, savedMinor: 200_000 });
    expect(view.projection.remainingMinor).toBe(600_000);
  });
});

describe('goal data', () => {
  it('fills defaults for a new goal and rejects unknown fields', () => {
    expect(NewGoalSchema.parse({ name: 'Rome', targetMinor: 800_000, currency: 'DKK' })).toEqual({
      name: 'Rome',
      emoji: null,
      targetMinor: 800_000,
      currency: 'DKK',
      deadline: null,
      whenReached: 'stop-rules',
    });
    expect(
      NewGoalSchema.safeParse({ name: 'Rome', targetMinor: 800_000, currency: 'DKK', savedMinor: 5 }).success,
    ).toBe(false);
    expect(GoalSchema.safeParse({ ...goal(), targetMinor: 0 }).success).toBe(false);
    expect(GoalSchema.safeParse({ ...goal(), deadline: '2026-02-30' }).success).toBe(false);
  });

  it('picks the next goal by priority, skipping full, archived and foreign-currency goals', () => {
    const rome = goal({ status: 'reached', whenReached: 'move-to-next' });
    const goals = [
      rome,
      goal({ id: 'euro', currency: 'EUR', priority: 0 }),
      goal({ id: 'archived', status: 'archived', priority: 0 }),
      goal({ id: 'full', priority: 1, targetMinor: 100, savedMinor: 50 }),
      goal({ id: 'later', priority: 3 }),
      goal({ id: 'sooner', priority: 2 }),
    ];
    expect(nextGoalAfter(rome, goals, new Map([['full', 50]]))?.id).toBe('sooner');
    expect(resolveFundingGoal('rome', goals, new Map([['full', 50]]))).toMatchObject({
      kind: 'fund',
      goal: { id: 'sooner' },
      redirectedFrom: { id: 'rome' },
    });
    expect(resolveFundingGoal('rome', [{ ...rome, whenReached: 'stop-rules' }])).toMatchObject({
      kind: 'skip',
      reason: 'goal-reached',
    });
  });
});
