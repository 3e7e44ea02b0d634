import { describe, expect, it } from 'vitest';
import type { HabitAction } from '#domain/habits';
import { evaluateAt, rule, summarise } from './fixtures.ts';

const habits = [{ id: 'workout', name: 'workout', emoji: '🏋️' }];

function workout(id: string, occurredAt: string): HabitAction {
  return { id, habitId: 'workout', occurredAt };
}

describe('habit: the saver logs an action and it saves a fixed amount, more on a streak', () => {
  const gym = rule({
    type: 'habit',
    habitId: 'workout',
    amountMinor: 5_000,
    streakBonus: { afterDays: 3, multiplier: 1.5 },
  });

  it('saves 50,00 kr. for a logged workout', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [gym],
      habits,
      habitActions: [workout('a1', '2026-03-10T06:30:00Z')],
    });
    expect(summarise(result)).toEqual([
      { status: 'pending', amountMinor: 5_000, explanation: 'Logged workout: 50,00 kr.' },
    ]);
    expect(result.entries[0]?.trigger).toEqual({ kind: 'habit-action', ref: 'a1', date: '2026-03-10' });
  });

  it('pays 75,00 kr. (× 1,5) from the third day in a row', () => {
    const result = evaluateAt('2026-03-12T18:00:00Z', {
      rules: [gym],
      habits,
      habitActions: [
        workout('a1', '2026-03-10T06:30:00Z'),
        workout('a2', '2026-03-11T06:30:00Z'),
        workout('a3', '2026-03-12T06:30:00Z'),
      ],
    });
    expect(summarise(result).map((entry) => entry.explanation)).toEqual([
      'Logged workout: 50,00 kr.',
      'Logged workout: 50,00 kr.',
      'Logged workout on day 3 of a streak: 50,00 kr. × 1,5 = 75,00 kr.',
    ]);
  });

  it('counts streak days in Copenhagen time: 23:30 UTC is the next local day', () => {
    const result = evaluateAt('2026-03-12T23:45:00Z', {
      rules: [gym],
      habits,
      habitActions: [
        workout('a1', '2026-03-10T22:30:00Z'), // 23:30 on 10 March in Copenhagen
        workout('a2', '2026-03-11T23:30:00Z'), // 00:30 on 12 March
        workout('a3', '2026-03-12T23:30:00Z'), // 00:30 on 13 March
      ],
    });
    // Local days 10, 12 and 13 March: the gap on the 11th breaks the streak.
    expect(result.entries.map((entry) => [entry.trigger.date, entry.amountMinor])).toEqual([
      ['2026-03-10', 5_000],
      ['2026-03-12', 5_000],
      ['2026-03-13', 5_000],
    ]);
  });

  it('saves for every action of the day and ignores other habits', () => {
    const result = evaluateAt('2026-03-10T18:00:00Z', {
      rules: [gym],
      habitActions: [
        workout('a1', '2026-03-10T06:30:00Z'),
        workout('a2', '2026-03-10T17:00:00Z'),
        { id: 'b1', habitId: 'reading', occurredAt: '2026-03-10T20:00:00Z' },
      ],
    });
    expect(result.entries.map((entry) => entry.trigger.ref)).toEqual(expect.arrayContaining(['a1', 'a2']));
    expect(result.entries).toHaveLength(2);
  });
});
