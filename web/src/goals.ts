import { minorToInput, parseAmount } from './amountInput.ts';
import type { Goal, GoalWhenReached } from './api/types.ts';
import { text } from './text.ts';

/** Goals in the order rules fill them: by priority, then id (as the server breaks ties). */
export function byPriority<T extends Pick<Goal, 'id' | 'priority'>>(goals: readonly T[]): T[] {
  return [...goals].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The list a saver reorders (active and reached goals) and the archived ones apart. */
export function splitGoals(goals: readonly Goal[]): { current: Goal[]; archived: Goal[] } {
  const ordered = byPriority(goals);
  return {
    current: ordered.filter((goal) => goal.status !== 'archived'),
    archived: ordered.filter((goal) => goal.status === 'archived'),
  };
}

/**
 * Moving one goal up or down: the new order, and the priority each goal must get so priorities
 * become 0, 1, 2… in that order. Only goals whose priority changes need a PATCH.
 */
export function moveGoal<T extends Pick<Goal, 'id' | 'priority'>>(
  ordered: readonly T[],
  id: string,
  direction: 'up' | 'down',
): { order: T[]; changes: { id: string; priority: number }[] } {
  const from = ordered.findIndex((goal) => goal.id === id);
  const to = direction === 'up' ? from - 1 : from + 1;
  const order = [...ordered];
  if (from < 0 || to < 0 || to >= order.length) return { order, changes: [] };
  const [moved] = order.splice(from, 1);
  if (moved) order.splice(to, 0, moved);
  const changes = order
    .map((goal, index) => ({ id: goal.id, priority: index, before: goal.priority }))
    .filter((change) => change.priority !== change.before)
    .map(({ id: goalId, priority }) => ({ id: goalId, priority }));
  return { order, changes };
}

/** The priority a new goal gets: after every goal there is, so it joins the end of the list. */
export function nextPriority(goals: readonly Pick<Goal, 'priority'>[]): number {
  return goals.reduce((highest, goal) => Math.max(highest, goal.priority + 1), 0);
}

export interface GoalForm {
  name: string;
  emoji: string;
  target: string;
  deadline: string;
  whenReached: GoalWhenReached;
}

export type GoalFormField = 'name' | 'emoji' | 'target' | 'deadline';

export interface GoalBody {
  name: string;
  emoji: string | null;
  targetMinor: number;
  deadline: string | null;
  whenReached: GoalWhenReached;
}

export const emptyGoalForm = (): GoalForm => ({
  name: '',
  emoji: '',
  target: '',
  deadline: '',
  whenReached: 'stop-rules',
});

export function goalFormOf(goal: Goal, locale: string): GoalForm {
  return {
    name: goal.name,
    emoji: goal.emoji ?? '',
    target: minorToInput(goal.targetMinor, goal.currency, locale),
    deadline: goal.deadline ?? '',
    whenReached: goal.whenReached,
  };
}

/**
 * Checks the form as the API would and builds the body of POST/PATCH /api/goals. A deadline must be
 * after `today` (the saver's local date) only when it is new or changed, so an old goal still saves.
 */
export function goalBodyOf(
  form: GoalForm,
  saver: { currency: string; locale: string; today: string },
  previousDeadline: string | null = null,
): { ok: true; body: GoalBody } | { ok: false; errors: Partial<Record<GoalFormField, string>> } {
  const errors: Partial<Record<GoalFormField, string>> = {};
  const name = form.name.trim();
  if (name === '') errors.name = text.goals.nameRequired;
  const target = parseAmount(form.target, saver.currency, saver.locale);
  if (!target.ok && target.problem === 'empty') errors.target = text.goals.amountRequired;
  else if (!target.ok) errors.target = text.goals.amountInvalid;
  else if (target.minor <= 0) errors.target = text.goals.amountPositive;
  const deadline = form.deadline.trim();
  if (deadline !== '' && deadline !== previousDeadline && !(deadline > saver.today)) {
    errors.deadline = text.goals.deadlinePast;
  }
  if (Object.keys(errors).length > 0 || !target.ok) return { ok: false, errors };
  const emoji = form.emoji.trim();
  return {
    ok: true,
    body: {
      name,
      emoji: emoji === '' ? null : emoji,
      targetMinor: target.minor,
      deadline: deadline === '' ? null : deadline,
      whenReached: form.whenReached,
    },
  };
}

/** A local date (`YYYY-MM-DD`) as a short date in the saver's locale: `14. juni 2027`. */
export function formatDay(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}
