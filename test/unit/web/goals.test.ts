import { describe, expect, test } from 'vitest';
import type { Goal } from '../../../web/src/api/types.ts';
import {
  byPriority,
  emptyGoalForm,
  formatDay,
  goalBodyOf,
  goalFormOf,
  moveGoal,
  nextPriority,
  splitGoals,
} from '../../../web/src/goals.ts';
import { barLayout, labelledIndexes, niceCeiling } from '../../../web/src/ui/chartScale.ts';

const goal = (id: string, priority: number, changes: Partial<Goal> = {}): Goal => ({
  id,
  name: id,
  emoji: null,
  targetMinor: 800_000,
  currency: 'DKK',
  deadline: null,
  savedMinor: 0,
  status: 'active',
  priority,
  whenReached: 'stop-rules',
  projection: {
    progressPercent: 0,
    remainingMinor: 800_000,
    pacePerWeekMinor: 0,
    projectedCompletionDate: null,
    neededPerWeekMinor: null,
    onTrack: null,
  },
  ...changes,
});

describe('goal order', () => {
  test('is by priority, then id, with archived goals apart', () => {
    const goals = [goal('c', 1), goal('b', 0), goal('a', 1), goal('z', 0, { status: 'archived' })];
    expect(byPriority(goals).map((item) => item.id)).toEqual(['b', 'z', 'a', 'c']);
    const { current, archived } = splitGoals(goals);
    expect(current.map((item) => item.id)).toEqual(['b', 'a', 'c']);
    expect(archived.map((item) => item.id)).toEqual(['z']);
  });

  test('moving a goal renumbers priorities 0, 1, 2… and patches only what changed', () => {
    const ordered = [goal('rome', 0), goal('bike', 1), goal('sofa', 2)];
    const down = moveGoal(ordered, 'rome', 'down');
    expect(down.order.map((item) => item.id)).toEqual(['bike', 'rome', 'sofa']);
    expect(down.changes).toEqual([
      { id: 'bike', priority: 0 },
      { id: 'rome', priority: 1 },
    ]);
    // Ties from goals created with the default priority are untangled on the first move.
    const tied = [goal('a', 0), goal('b', 0), goal('c', 0)];
    expect(moveGoal(tied, 'c', 'up').changes).toEqual([
      { id: 'c', priority: 1 },
      { id: 'b', priority: 2 },
    ]);
  });

  test('moving past either end changes nothing', () => {
    const ordered = [goal('rome', 0), goal('bike', 1)];
    expect(moveGoal(ordered, 'rome', 'up').changes).toEqual([]);
    expect(moveGoal(ordered, 'bike', 'down').changes).toEqual([]);
    expect(moveGoal(ordered, 'missing', 'down').changes).toEqual([]);
  });

  test('a new goal joins the end of the list', () => {
    expect(nextPriority([])).toBe(0);
    expect(nextPriority([goal('a', 0), goal('b', 4)])).toBe(5);
  });
});

describe('the goal form', () => {
  const today = '2026-11-28';

  test('builds the body of POST /api/goals', () => {
    const form = { ...emptyGoalForm(), name: ' Rome ', emoji: '✈️', target: '8.000', deadline: '2027-06-01' };
    expect(goalBodyOf(form, { currency: 'DKK', locale: 'da-DK', today })).toEqual({
      ok: true,
      body: {
        name: 'Rome',
        emoji: '✈️',
        targetMinor: 800_000,
        deadline: '2027-06-01',
        whenReached: 'stop-rules',
      },
    });
  });

  test('says what is missing or wrong', () => {
    const form = { ...emptyGoalForm(), target: '0', deadline: today };
    expect(goalBodyOf(form, { currency: 'DKK', locale: 'da-DK', today })).toEqual({
      ok: false,
      errors: {
        name: 'Give the goal a name.',
        target: 'Enter an amount above zero.',
        deadline: 'Choose a date after today.',
      },
    });
  });

  test('keeps a deadline that has passed when the saver did not change it', () => {
    const stored = goal('rome', 0, { name: 'Rome', deadline: '2026-01-01', targetMinor: 800_050 });
    const form = goalFormOf(stored, 'da-DK');
    expect(form.target).toBe('8000,50');
    expect(goalBodyOf(form, { currency: 'DKK', locale: 'da-DK', today }, stored.deadline).ok).toBe(true);
  });

  test('dates read as the saver’s locale writes them', () => {
    expect(formatDay('2027-06-14', 'da-DK')).toBe('14. juni 2027');
    expect(formatDay('2027-06-14', 'en-GB')).toBe('14 June 2027');
  });
});

describe('bar chart scaling', () => {
  test('the value axis ends on a round number', () => {
    expect(niceCeiling(0)).toBe(0);
    expect(niceCeiling(640)).toBe(1000);
    expect(niceCeiling(1800)).toBe(2000);
    expect(niceCeiling(2100)).toBe(2500);
    expect(niceCeiling(4000)).toBe(5000);
    expect(niceCeiling(5000)).toBe(5000);
    expect(niceCeiling(0.3)).toBeCloseTo(0.5);
  });

  test('bars share the width evenly and scale to the top', () => {
    const bars = barLayout([0, 50, 100], { width: 300, height: 100, top: 100, gapRatio: 0.2 });
    expect(bars).toEqual([
      { x: 10, y: 100, width: 80, height: 0 },
      { x: 110, y: 50, width: 80, height: 50 },
      { x: 210, y: 0, width: 80, height: 100 },
    ]);
  });

  test('a tiny save still shows, and nothing draws below zero or above the top', () => {
    const [tiny, negative, over] = barLayout([1, -20, 500], {
      width: 30,
      height: 100,
      top: 1000,
      minHeight: 2,
    });
    expect(tiny?.height).toBe(2);
    expect(negative?.height).toBe(0);
    expect(over?.height).toBe(50);
    expect(barLayout([], { width: 10, height: 10, top: 1 })).toEqual([]);
  });

  test('labels are spread out and always include the latest week', () => {
    expect(labelledIndexes(5, 7)).toEqual([0, 1, 2, 3, 4]);
    const labels = labelledIndexes(14, 7);
    expect(labels.length).toBeLessThanOrEqual(7);
    expect(labels.at(-1)).toBe(13);
    expect(labelledIndexes(0, 7)).toEqual([]);
  });
});
