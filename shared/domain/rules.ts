import { z } from 'zod';
import { type LocalDate, LocalDateSchema } from './calendar.ts';
import type { Goal } from './goals.ts';
import { minorUnitDigits, PositiveMinorSchema, percentToBasisPoints } from './money.ts';
import type { SaverSettings } from './settings.ts';
import { GoalIdSchema, SplitSchema } from './split.ts';
import { PurchaseMatchSchema } from './transaction.ts';

/**
 * The rule catalogue (DESIGN.md §4) as serializable data. Every rule funds one goal (`goalId`) or
 * several (`split`, percentages summing to 100), may carry caps and can be paused. `activeFrom` is the
 * saver's local date the rule was switched on: nothing older than that ever triggers it.
 */

const TwoDecimalPercentSchema = z
  .number()
  .positive()
  .max(100)
  .refine((percent) => percentToBasisPoints(percent) !== null, 'at most two decimals');

export const CapsSchema = z.strictObject({
  perDayMinor: PositiveMinorSchema.optional(),
  perWeekMinor: PositiveMinorSchema.optional(),
  perMonthMinor: PositiveMinorSchema.optional(),
});
export type Caps = z.infer<typeof CapsSchema>;

/** A fixed amount, or a percentage of the triggering transaction. */
export const SaveAmountSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), amountMinor: PositiveMinorSchema }),
  z.strictObject({ kind: z.literal('percent'), percent: TwoDecimalPercentSchema }),
]);
export type SaveAmount = z.infer<typeof SaveAmountSchema>;

export const ScheduleSchema = z.discriminatedUnion('every', [
  z.strictObject({ every: z.literal('day') }),
  z.strictObject({ every: z.literal('week'), weekday: z.int().min(1).max(7) }),
  z.strictObject({ every: z.literal('month'), dayOfMonth: z.int().min(1).max(31) }),
]);
export type Schedule = z.infer<typeof ScheduleSchema>;

export const StreakBonusSchema = z.strictObject({
  afterDays: z.int().min(2).max(365),
  multiplier: z
    .number()
    .min(1)
    .max(10)
    .refine((value) => percentToBasisPoints(value) !== null, 'at most two decimals'),
});

const typeShapes = {
  'round-up': {
    roundToMinor: PositiveMinorSchema,
    multiplier: z.int().min(1).max(10).default(1),
  },
  'guilty-pleasure': {
    match: PurchaseMatchSchema,
    amount: SaveAmountSchema,
  },
  payday: {
    thresholdMinor: PositiveMinorSchema,
    counterparty: z.string().trim().min(1).optional(),
    amount: SaveAmountSchema,
  },
  'set-and-forget': {
    schedule: ScheduleSchema,
    amountMinor: PositiveMinorSchema,
  },
  '52-week': {
    unitMinor: PositiveMinorSchema,
    direction: z.enum(['forward', 'reverse']).default('forward'),
    startDate: LocalDateSchema,
  },
  habit: {
    habitId: z.string().min(1),
    amountMinor: PositiveMinorSchema,
    streakBonus: StreakBonusSchema.optional(),
  },
  'spend-less': {
    match: PurchaseMatchSchema,
    period: z.enum(['week', 'month']),
    budgetMinor: PositiveMinorSchema,
  },
  'no-spend-day': {
    match: PurchaseMatchSchema.optional(),
    amountMinor: PositiveMinorSchema,
  },
} as const;

export const RULE_TYPES = Object.keys(typeShapes) as (keyof typeof typeShapes)[];
export type RuleType = keyof typeof typeShapes;

const commonShape = {
  name: z.string().trim().min(1).max(80).optional(),
  goalId: GoalIdSchema.optional(),
  split: SplitSchema.optional(),
  caps: CapsSchema.default({}),
  paused: z.boolean().default(false),
};

function fundsExactlyOneWay(rule: { goalId?: string | undefined; split?: unknown }): boolean {
  return (rule.goalId === undefined) !== (rule.split === undefined);
}
const FUNDING_MESSAGE = { message: 'give either goalId or split, not both', path: ['goalId'] };

function storedVariant<T extends RuleType>(type: T) {
  return z.strictObject({
    id: z.string().min(1),
    type: z.literal(type),
    activeFrom: LocalDateSchema,
    ...commonShape,
    ...typeShapes[type],
  });
}

function draftVariant<T extends RuleType>(type: T) {
  return z.strictObject({ type: z.literal(type), ...commonShape, ...typeShapes[type] });
}

/** A stored rule: what the rules repository keeps and the evaluator runs. */
export const RuleSchema = z
  .discriminatedUnion('type', [
    storedVariant('round-up'),
    storedVariant('guilty-pleasure'),
    storedVariant('payday'),
    storedVariant('set-and-forget'),
    storedVariant('52-week'),
    storedVariant('habit'),
    storedVariant('spend-less'),
    storedVariant('no-spend-day'),
  ])
  .refine(fundsExactlyOneWay, FUNDING_MESSAGE);
export type Rule = z.infer<typeof RuleSchema>;
export type RuleInput = z.input<typeof RuleSchema>;
export type RuleOf<T extends RuleType> = Extract<Rule, { type: T }>;

/** A rule as the saver sends it (POST /api/rules, backtest drafts): no id, no activeFrom yet. */
export const DraftRuleSchema = z
  .discriminatedUnion('type', [
    draftVariant('round-up'),
    draftVariant('guilty-pleasure'),
    draftVariant('payday'),
    draftVariant('set-and-forget'),
    draftVariant('52-week'),
    draftVariant('habit'),
    draftVariant('spend-less'),
    draftVariant('no-spend-day'),
  ])
  .refine(fundsExactlyOneWay, FUNDING_MESSAGE);
export type DraftRule = z.infer<typeof DraftRuleSchema>;

/** Turns a validated draft into a stored rule, switched on at the saver's local date `activeFrom`. */
export function activateRule(draft: DraftRule, id: string, activeFrom: LocalDate): Rule {
  return RuleSchema.parse({ ...draft, id, activeFrom });
}

/** The goals a rule funds, in the order given. */
export function fundedGoalIds(rule: Pick<Rule, 'goalId' | 'split'>): string[] {
  if (rule.split) return rule.split.map((share) => share.goalId);
  return rule.goalId === undefined ? [] : [rule.goalId];
}

/** Round-up bases the product offers: 1, 5, 10, 50 or 100 whole units of the currency. */
export const ROUND_UP_BASE_UNITS = [1, 5, 10, 50, 100] as const;

export function allowedRoundToMinor(currency: string): number[] {
  const scale = 10 ** minorUnitDigits(currency);
  return ROUND_UP_BASE_UNITS.map((units) => units * scale);
}

export type RuleProblem =
  | { code: 'goal-missing'; goalId: string }
  | { code: 'goal-currency'; goalId: string; currency: string }
  | { code: 'round-up-base'; roundToMinor: number; allowed: number[] };

/**
 * Checks that need more than the rule itself: its goals exist and use the saver's currency, and a
 * round-up base is one of the offered ones. An empty list means the rule can be saved.
 */
export function checkRuleAgainst(
  rule: Pick<Rule, 'goalId' | 'split'> &
    ({ type: 'round-up'; roundToMinor: number } | { type: Exclude<RuleType, 'round-up'> }),
  goals: readonly Goal[],
  settings: Pick<SaverSettings, 'currency'>,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const goalId of fundedGoalIds(rule)) {
    const goal = goals.find((candidate) => candidate.id === goalId);
    if (!goal) problems.push({ code: 'goal-missing', goalId });
    else if (goal.currency !== settings.currency)
      problems.push({ code: 'goal-currency', goalId, currency: goal.currency });
  }
  if (rule.type === 'round-up') {
    const allowed = allowedRoundToMinor(settings.currency);
    if (!allowed.includes(rule.roundToMinor)) {
      problems.push({ code: 'round-up-base', roundToMinor: rule.roundToMinor, allowed });
    }
  }
  return problems;
}
