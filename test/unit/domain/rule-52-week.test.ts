import { describe, expect, it } from 'vitest';
import { evaluateAt, goal, rule, summarise } from './fixtures.ts';

describe('52-week challenge: week n saves n units (or 53 − n in reverse)', () => {
  const bigGoal = goal({ targetMinor: 10_000_000 });

  it('saves 10, 20, 30 kr. in weeks 1–3 with a 10 kr. unit', () => {
    const challenge = rule({ type: '52-week', unitMinor: 1_000, startDate: '2026-01-05' });
    const result = evaluateAt('2026-01-19T12:00:00Z', {
      rules: [challenge],
      goals: [bigGoal],
      calendarFrom: '2026-01-01',
    });
    expect(summarise(result)).toEqual([
      {
        status: 'pending',
        amountMinor: 1_000,
        explanation: '52-week challenge, week 1 of 52: 1 × 10,00 kr. = 10,00 kr.',
      },
      {
        status: 'pending',
        amountMinor: 2_000,
        explanation: '52-week challenge, week 2 of 52: 2 × 10,00 kr. = 20,00 kr.',
      },
      {
        status: 'pending',
        amountMinor: 3_000,
        explanation: '52-week challenge, week 3 of 52: 3 × 10,00 kr. = 30,00 kr.',
      },
    ]);
  });

  it('starts with 520,00 kr. in reverse and totals 13 780,00 kr. over the year either way', () => {
    const forward = rule({ type: '52-week', unitMinor: 1_000, startDate: '2026-01-05' });
    const reverse = rule({
      id: 'rule-2',
      type: '52-week',
      unitMinor: 1_000,
      startDate: '2026-01-05',
      direction: 'reverse',
    });
    const year = evaluateAt('2027-02-01T12:00:00Z', {
      rules: [forward, reverse],
      goals: [bigGoal],
      calendarFrom: '2026-01-01',
    });
    const total = (ruleId: string) =>
      year.entries
        .filter((entry) => entry.ruleId === ruleId)
        .reduce((sum, entry) => sum + entry.amountMinor, 0);
    // 10 kr. × (1 + 2 + … + 52) = 10 kr. × 1 378.
    expect(total('rule-1')).toBe(1_378_000);
    expect(total('rule-2')).toBe(1_378_000);
    expect(year.entries.filter((entry) => entry.ruleId === 'rule-1')).toHaveLength(52);
    expect(year.entries.find((entry) => entry.ruleId === 'rule-2')?.amountMinor).toBe(52_000);
  });
});
