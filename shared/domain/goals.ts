import { z } from 'zod';
import { addDays, daysBetween, type LocalDate, LocalDateSchema } from './calendar.ts';
import { CurrencyCodeSchema, NonNegativeMinorSchema, PositiveMinorSchema } from './money.ts';

export const GoalStatusSchema = z.enum(['active', 'reached', 'archived']);
export type GoalStatus = z.infer<typeof GoalStatusSchema>;

/** What happens to a goal's rules once it is reached: they stop, or they fund the next goal. */
export const WhenReachedSchema = z.enum(['stop-rules', 'move-to-next']);

/** A goal as stored. `priority`: lower numbers come first when rules move on to the next goal. */
export const GoalSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(80),
  emoji: z.string().max(16).nullable(),
  targetMinor: PositiveMinorSchema,
  currency: CurrencyCodeSchema,
  deadline: LocalDateSchema.nullable(),
  savedMinor: NonNegativeMinorSchema,
  status: GoalStatusSchema,
  priority: z.int().nonnegative(),
  whenReached: WhenReachedSchema,
});
export type Goal = z.infer<typeof GoalSchema>;

/** Body of POST /api/goals: the saver's choices; id, saved amount and status are ours. */
export const NewGoalSchema = z.strictObject({
  name: GoalSchema.shape.name,
  emoji: GoalSchema.shape.emoji.default(null),
  targetMinor: GoalSchema.shape.targetMinor,
  currency: CurrencyCodeSchema,
  deadline: GoalSchema.shape.deadline.default(null),
  /** Default: after the saver's other goals. */
  priority: GoalSchema.shape.priority.optional(),
  whenReached: WhenReachedSchema.default('stop-rules'),
});
export type NewGoal = z.infer<typeof NewGoalSchema>;

export const GoalProjectionSchema = z.strictObject({
  progressPercent: z.int().min(0).max(100),
  remainingMinor: NonNegativeMinorSchema,
  pacePerWeekMinor: NonNegativeMinorSchema,
  projectedCompletionDate: LocalDateSchema.nullable(),
  neededPerWeekMinor: NonNegativeMinorSchema.nullable(),
  onTrack: z.boolean().nullable(),
});
export type GoalProjection = z.infer<typeof GoalProjectionSchema>;

export const GoalViewSchema = GoalSchema.extend({ projection: GoalProjectionSchema });
export type GoalView = z.infer<typeof GoalViewSchema>;

/** Money that reached a goal (a paid transfer's allocation), on the saver's local date. */
export type GoalContribution = { date: LocalDate; amountMinor: number };

export const DEFAULT_PACE_WINDOW_DAYS = 28;

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

export function isGoalFull(goal: Goal, extraMinor = 0): boolean {
  return goal.status === 'reached' || goal.savedMinor + extraMinor >= goal.targetMinor;
}

/**
 * Derived goal figures on `today` (the saver's local date). The pace is what arrived in the last
 * `paceWindowDays` days (today included); the projection extends that pace. Progress is floored so
 * 99,9 % never shows as 100 %. Amounts round up where they are "needed" and down where they are "achieved".
 */
export function projectGoal(
  goal: Goal,
  contributions: readonly GoalContribution[],
  today: LocalDate,
  paceWindowDays: number = DEFAULT_PACE_WINDOW_DAYS,
): GoalProjection {
  const saved = BigInt(goal.savedMinor);
  const target = BigInt(goal.targetMinor);
  const remaining = saved >= target ? 0n : target - saved;
  const progressPercent = remaining === 0n ? 100 : Number((saved * 100n) / target);

  const windowStart = addDays(today, 1 - paceWindowDays);
  let windowSum = 0n;
  for (const contribution of contributions) {
    if (contribution.date >= windowStart && contribution.date <= today && contribution.amountMinor > 0) {
      windowSum += BigInt(contribution.amountMinor);
    }
  }
  const window = BigInt(paceWindowDays);
  const pacePerWeekMinor = Number((windowSum * 7n) / window);

  if (remaining === 0n || goal.status === 'reached') {
    return {
      progressPercent: 100,
      remainingMinor: 0,
      pacePerWeekMinor,
      projectedCompletionDate: null,
      neededPerWeekMinor: goal.deadline === null ? null : 0,
      onTrack: goal.deadline === null ? null : true,
    };
  }

  const projectedCompletionDate =
    windowSum === 0n ? null : addDays(today, Number(ceilDiv(remaining * window, windowSum)));

  let neededPerWeekMinor: number | null = null;
  let onTrack: boolean | null = null;
  if (goal.deadline !== null) {
    const daysLeft = daysBetween(today, goal.deadline);
    neededPerWeekMinor =
      daysLeft <= 0 ? Number(remaining) : Number(ceilDiv(remaining * 7n, BigInt(daysLeft)));
    onTrack = projectedCompletionDate !== null && projectedCompletionDate <= goal.deadline;
  }

  return {
    progressPercent: Math.min(progressPercent, 99),
    remainingMinor: Number(remaining),
    pacePerWeekMinor,
    projectedCompletionDate,
    neededPerWeekMinor,
    onTrack,
  };
}

export function toGoalView(
  goal: Goal,
  contributions: readonly GoalContribution[],
  today: LocalDate,
  paceWindowDays?: number,
): GoalView {
  return { ...goal, projection: projectGoal(goal, contributions, today, paceWindowDays) };
}

/**
 * Orders goals for "move to the next goal": by priority, then id. The next goal of `from` is the first
 * active goal in that order (other than `from`) in the same currency that still has room.
 */
export function nextGoalAfter(
  from: Goal,
  goals: readonly Goal[],
  committedMinor: ReadonlyMap<string, number> = new Map(),
): Goal | null {
  const candidates = goals
    .filter(
      (goal) =>
        goal.id !== from.id &&
        goal.status === 'active' &&
        goal.currency === from.currency &&
        !isGoalFull(goal, committedMinor.get(goal.id) ?? 0),
    )
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return candidates[0] ?? null;
}

export type FundingDecision =
  | { kind: 'fund'; goal: Goal; redirectedFrom: Goal | null }
  | { kind: 'skip'; reason: 'goal-missing' | 'goal-archived' | 'goal-reached'; goal: Goal | null };

/**
 * Which goal a rule's money goes to right now. A reached goal passes the money on when the saver chose
 * `move-to-next` (one hop: the next goal's own choice applies only once it is itself reached later).
 * `committedMinor` is money already on its way to each goal (pending entries) so a goal is not overfilled.
 */
export function resolveFundingGoal(
  goalId: string,
  goals: readonly Goal[],
  committedMinor: ReadonlyMap<string, number> = new Map(),
): FundingDecision {
  const goal = goals.find((candidate) => candidate.id === goalId);
  if (!goal) return { kind: 'skip', reason: 'goal-missing', goal: null };
  if (goal.status === 'archived') return { kind: 'skip', reason: 'goal-archived', goal };
  if (!isGoalFull(goal, committedMinor.get(goal.id) ?? 0))
    return { kind: 'fund', goal, redirectedFrom: null };
  if (goal.whenReached === 'move-to-next') {
    const next = nextGoalAfter(goal, goals, committedMinor);
    if (next) return { kind: 'fund', goal: next, redirectedFrom: goal };
  }
  return { kind: 'skip', reason: 'goal-reached', goal };
}

/**
 * Credits paid money to goals. A goal whose saved amount reaches its target becomes `reached`;
 * those goals are listed in `newlyReached` so the caller can celebrate and stop or move their rules.
 */
export function creditGoals(
  goals: readonly Goal[],
  credits: readonly { goalId: string; amountMinor: number }[],
): { goals: Goal[]; newlyReached: string[] } {
  const byGoal = new Map<string, number>();
  for (const credit of credits)
    byGoal.set(credit.goalId, (byGoal.get(credit.goalId) ?? 0) + credit.amountMinor);
  const newlyReached: string[] = [];
  const updated = goals.map((goal) => {
    const credit = byGoal.get(goal.id);
    if (credit === undefined) return goal;
    const savedMinor = goal.savedMinor + credit;
    const reachedNow = goal.status === 'active' && savedMinor >= goal.targetMinor;
    if (reachedNow) newlyReached.push(goal.id);
    return { ...goal, savedMinor, status: reachedNow ? ('reached' as const) : goal.status };
  });
  return { goals: updated, newlyReached: newlyReached.sort() };
}
