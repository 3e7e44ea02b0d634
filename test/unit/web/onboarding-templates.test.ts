import { describe, expect, test } from 'vitest';
import { DraftRuleSchema } from '#domain/rules';
import { TEMPLATE_KEYS, templateRule } from '../../../web/src/screens/onboarding/templates.ts';

describe('the rule templates of getting started', () => {
  test('each is a valid draft rule funding the new goal, with the promised defaults', () => {
    const rules = TEMPLATE_KEYS.map((key) =>
      DraftRuleSchema.parse(
        templateRule(key, 'goal_1', 'DKK', { merchant: 'Espresso House', habitId: 'habit_1' }),
      ),
    );
    expect(rules.every((rule) => rule.goalId === 'goal_1' && rule.paused === false)).toBe(true);
    expect(rules).toMatchObject([
      { type: 'round-up', roundToMinor: 1000, multiplier: 1 },
      {
        type: 'guilty-pleasure',
        match: { merchantText: 'Espresso House' },
        amount: { kind: 'fixed', amountMinor: 2000 },
      },
      { type: 'payday', thresholdMinor: 1_000_000, amount: { kind: 'percent', percent: 10 } },
      { type: 'habit', habitId: 'habit_1', amountMinor: 5000 },
    ]);
  });
});
