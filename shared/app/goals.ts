import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { addDays, type LocalDate, localDateOf } from '#domain/calendar';
import type { SavingsEntry } from '#domain/entries';
import {
  DEFAULT_PACE_WINDOW_DAYS,
  type Goal,
  type GoalContribution,
  GoalSchema,
  type GoalView,
  type NewGoal,
  toGoalView,
} from '#domain/goals';
import { fundedGoalIds, type Rule } from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import { InvalidCursorError, type Page, type SaverItems } from '#store/saver-items';
import { Conflict, InvalidInput, NotFound, RuleViolation } from './errors.ts';

/** API4: a saver's collections are bounded. */
export const MAX_GOALS_PER_SAVER = 50;

/** PATCH /api/goals/{id}: what the saver may change (saved amount and reaching are ours). */
export const GoalPatchSchema = z
  .strictObject({
    name: GoalSchema.shape.name,
    emoji: GoalSchema.shape.emoji,
    targetMinor: GoalSchema.shape.targetMinor,
    deadline: GoalSchema.shape.deadline,
    priority: GoalSchema.shape.priority,
    whenReached: GoalSchema.shape.whenReached,
    status: z.enum(['active', 'archived']),
  })
  .partial();
export type GoalPatch = z.infer<typeof GoalPatchSchema>;

export interface GoalDependencies {
  goals: SaverItems<typeof GoalSchema>;
  rules: Pick<SaverItems<z.ZodType<Rule>>, 'all'>;
  settingsOf: (saverId: string) => Promise<SaverSettings>;
  /** The saver's savings entries from a date on; their saved ones give each goal its recent pace. */
  savedEntriesSince?: (saverId: string, fromDate: LocalDate) => Promise<SavingsEntry[]>;
  now: () => Date;
  newId?: () => string;
}

export async function pageOf<T>(list: () => Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new InvalidInput(error.message, [{ pointer: '/cursor', detail: error.message }]);
    throw error;
  }
}

export function createGoals(dependencies: GoalDependencies) {
  const { goals, rules, settingsOf, savedEntriesSince, now } = dependencies;
  const newId = dependencies.newId ?? (() => `goal_${randomUUID()}`);

  /** Money that reached each goal in the pace window: its saved entries, on their trigger dates. */
  const contributionsOf = async (saverId: string, today: LocalDate) => {
    const byGoal = new Map<string, GoalContribution[]>();
    if (!savedEntriesSince) return byGoal;
    for (const entry of await savedEntriesSince(saverId, addDays(today, 1 - DEFAULT_PACE_WINDOW_DAYS))) {
      if (entry.status !== 'saved') continue;
      const list = byGoal.get(entry.goalId) ?? [];
      list.push({ date: entry.trigger.date, amountMinor: entry.amountMinor });
      byGoal.set(entry.goalId, list);
    }
    return byGoal;
  };

  const views = async (saverId: string, list: readonly Goal[]): Promise<GoalView[]> => {
    if (list.length === 0) return [];
    const { timeZone } = await settingsOf(saverId);
    const today = localDateOf(now(), timeZone);
    const contributions = await contributionsOf(saverId, today);
    return list.map((goal) => toGoalView(goal, contributions.get(goal.id) ?? [], today));
  };
  const view = async (saverId: string, goal: Goal): Promise<GoalView> =>
    (await views(saverId, [goal]))[0] as GoalView;

  const existing = async (saverId: string, id: string) => {
    const goal = await goals.get(saverId, id);
    if (!goal) throw new NotFound('There is no such goal.');
    return goal;
  };

  return {
    async list(saverId: string, cursor?: string): Promise<Page<GoalView>> {
      const page = await pageOf(() => goals.list(saverId, cursor ? { cursor } : {}));
      return {
        items: await views(saverId, page.items),
        nextCursor: page.nextCursor,
      };
    },

    async get(saverId: string, id: string): Promise<GoalView> {
      const { version: _version, ...goal } = await existing(saverId, id);
      return view(saverId, goal);
    },

    async create(saverId: string, input: NewGoal): Promise<GoalView> {
      const settings = await settingsOf(saverId);
      if (input.currency !== settings.currency) {
        throw new RuleViolation('Goals are saved in your account currency.', [
          { pointer: '/currency', detail: `Use ${settings.currency}, the currency of your savings.` },
        ]);
      }
      const others = await goals.all(saverId);
      if (others.length >= MAX_GOALS_PER_SAVER) {
        throw new Conflict(`You can have at most ${MAX_GOALS_PER_SAVER} goals. Archive or delete one first.`);
      }
      // A new goal comes after the others unless it says otherwise, so the order is never a tie.
      const priority = input.priority ?? Math.max(-1, ...others.map((other) => other.priority)) + 1;
      const goal: Goal = { ...input, priority, id: newId(), savedMinor: 0, status: 'active' };
      if (!(await goals.create(saverId, goal))) throw new Conflict('A goal with this id exists.');
      return view(saverId, goal);
    },

    async update(saverId: string, id: string, patch: GoalPatch): Promise<GoalView> {
      const { version, ...current } = await existing(saverId, id);
      if (
        current.status === 'reached' &&
        patch.targetMinor !== undefined &&
        patch.targetMinor > current.savedMinor
      ) {
        // Raising a reached goal's target reopens it.
        patch = { ...patch, status: 'active' };
      }
      const next = GoalSchema.parse({ ...current, ...patch });
      if (!(await goals.replace(saverId, next, version))) {
        throw new Conflict('The goal changed meanwhile. Reload it and try again.');
      }
      return view(saverId, next);
    },

    /** Refused while a rule funds the goal, so no rule is left saving into nothing. */
    async remove(saverId: string, id: string): Promise<void> {
      await existing(saverId, id);
      const funding = (await rules.all(saverId)).filter((rule) => fundedGoalIds(rule).includes(id));
      if (funding.length > 0) {
        throw new Conflict(
          `${funding.length} rule(s) save into this goal. Change or delete them first, or archive the goal.`,
        );
      }
      await goals.delete(saverId, id);
    },
  };
}
