import { text } from '../../text.ts';

/** The rule templates of getting started, with their sensible defaults. */
export type TemplateKey = 'roundUp' | 'coffee' | 'salary' | 'workout';
export const TEMPLATE_KEYS: TemplateKey[] = ['roundUp', 'coffee', 'salary', 'workout'];

/** Whole units of the saver's currency in minor units (10 kr → 1000 øre). */
function unitsToMinor(units: number, currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  return units * 10 ** (digits ?? 2);
}

/**
 * A template's rule as POST /api/rules takes it (shared/domain/rules.ts DraftRuleSchema). The
 * workout template needs a habit to log, which the caller creates first.
 */
export function templateRule(
  key: TemplateKey,
  goalId: string,
  currency: string,
  extra: { merchant: string; habitId: string | null },
): Record<string, unknown> {
  const templates = text.start.templates;
  switch (key) {
    case 'roundUp':
      return {
        type: 'round-up',
        name: templates.roundUp.title,
        goalId,
        roundToMinor: unitsToMinor(10, currency),
        multiplier: 1,
      };
    case 'coffee':
      return {
        type: 'guilty-pleasure',
        name: `${templates.coffee.title} · ${extra.merchant}`.slice(0, 80),
        goalId,
        match: { merchantText: extra.merchant },
        amount: { kind: 'fixed', amountMinor: unitsToMinor(20, currency) },
      };
    case 'salary':
      return {
        type: 'payday',
        name: templates.salary.title,
        goalId,
        thresholdMinor: unitsToMinor(10_000, currency),
        amount: { kind: 'percent', percent: 10 },
      };
    case 'workout':
      return {
        type: 'habit',
        name: templates.workout.title,
        goalId,
        habitId: extra.habitId,
        amountMinor: unitsToMinor(50, currency),
      };
  }
}
