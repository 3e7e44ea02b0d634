import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { addDays, localDateOf } from '#domain/calendar';
import { type HabitAction, type HabitActionSchema, HabitSchema, streakEndingOn } from '#domain/habits';
import type { Rule } from '#domain/rules';
import type { SaverSettings } from '#domain/settings';
import type { HookRepository } from '#store/hook-repository';
import type { SaverItems } from '#store/saver-items';
import { Conflict, NotAuthenticated, NotFound, RuleViolation, Throttled } from './errors.ts';
import { type RateLimiter, WEBHOOK_CALLS_PER_HOOK } from './rate-limit.ts';

export const MAX_HABITS_PER_SAVER = 20;
/** API6: logging is the trigger for money moving, so it is bounded per habit and day. */
export const MAX_LOGS_PER_HABIT_PER_DAY = 10;
const MAX_BACKDATE_DAYS = 7;
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Enough history for any streak bonus a rule can ask for. */
const STREAK_HISTORY = 400;

export const StoredHabitSchema = HabitSchema.extend({
  hookId: z.string().min(1),
  createdAt: z.iso.datetime(),
});
export type StoredHabit = z.infer<typeof StoredHabitSchema>;

export const NewHabitSchema = z.strictObject({
  name: HabitSchema.shape.name,
  emoji: HabitSchema.shape.emoji.default(null),
});

export const HabitLogSchema = z.strictObject({ occurredAt: z.iso.datetime({ offset: true }).optional() });

export interface HabitView {
  id: string;
  name: string;
  emoji: string | null;
  streakDays: number;
  loggedToday: number;
  lastLoggedAt: string | null;
  /** The personal webhook's address; its secret is shown once, at creation, and never again. */
  webhookUrl: string;
}

export interface HabitDependencies {
  habits: SaverItems<typeof StoredHabitSchema>;
  logs: SaverItems<typeof HabitActionSchema>;
  rules: { all(saverId: string): Promise<Rule[]> };
  hooks: Pick<HookRepository, 'put' | 'get' | 'delete'>;
  /** Counters for the webhook's rate limit. */
  limiter: RateLimiter;
  settingsOf: (saverId: string) => Promise<SaverSettings>;
  webOrigin: string;
  now: () => Date;
}

/** The daily limit resets at the saver's midnight (off by at most an hour on a DST night). */
function secondsUntilLocalMidnight(at: Date, timeZone: string): number {
  const parts: Record<string, number> = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  );
  const elapsed = (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0);
  return Math.max(1, 86_400 - elapsed);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
/** Log ids sort by habit, then time, so one habit's history is a prefix query, newest first. */
const logId = (habitId: string, at: Date) =>
  `${habitId}_${at.toISOString().replace(/[-:.]/g, '')}_${randomBytes(4).toString('hex')}`;

export function createHabits(dependencies: HabitDependencies) {
  const { habits, logs, rules, hooks, limiter, settingsOf, webOrigin, now } = dependencies;

  const webhookUrlOf = (hookId: string) => `${webOrigin}/api/hooks/${hookId}`;

  const view = async (saverId: string, habit: StoredHabit, timeZone: string): Promise<HabitView> => {
    const recent = await logs.listByIdPrefix(saverId, `${habit.id}_`, {
      limit: STREAK_HISTORY,
      newestFirst: true,
    });
    const today = localDateOf(now(), timeZone);
    const days = new Set(recent.map((action) => localDateOf(new Date(action.occurredAt), timeZone)));
    return {
      id: habit.id,
      name: habit.name,
      emoji: habit.emoji,
      // A streak is still alive today if it ran until yesterday.
      streakDays: streakEndingOn(days, today) || streakEndingOn(days, addDays(today, -1)),
      loggedToday: recent.filter((action) => localDateOf(new Date(action.occurredAt), timeZone) === today)
        .length,
      lastLoggedAt: recent[0]?.occurredAt ?? null,
      webhookUrl: webhookUrlOf(habit.hookId),
    };
  };

  const existing = async (saverId: string, habitId: string) => {
    const habit = await habits.get(saverId, habitId);
    if (!habit) throw new NotFound('There is no such habit.');
    return habit;
  };

  const log = async (
    saverId: string,
    habitId: string,
    occurredAt?: string,
  ): Promise<{ action: HabitAction; habit: HabitView }> => {
    const habit = await existing(saverId, habitId);
    const { timeZone } = await settingsOf(saverId);
    const at = occurredAt ? new Date(occurredAt) : now();
    const age = now().getTime() - at.getTime();
    if (age < -MAX_CLOCK_SKEW_MS || age > MAX_BACKDATE_DAYS * 86_400_000) {
      throw new RuleViolation(`Log actions from the last ${MAX_BACKDATE_DAYS} days, not the future.`, [
        { pointer: '/occurredAt', detail: 'Out of range.' },
      ]);
    }
    const before = await view(saverId, habit, timeZone);
    const sameDay = localDateOf(at, timeZone) === localDateOf(now(), timeZone);
    if (sameDay && before.loggedToday >= MAX_LOGS_PER_HABIT_PER_DAY) {
      throw new Throttled(secondsUntilLocalMidnight(now(), timeZone));
    }
    const action: HabitAction = { id: logId(habitId, at), habitId, occurredAt: at.toISOString() };
    await logs.create(saverId, action);
    return { action, habit: await view(saverId, habit, timeZone) };
  };

  return {
    async list(saverId: string): Promise<{ items: HabitView[]; nextCursor: null }> {
      const { timeZone } = await settingsOf(saverId);
      const all = await habits.all(saverId);
      return {
        items: await Promise.all(all.map((habit) => view(saverId, habit, timeZone))),
        nextCursor: null,
      };
    },

    /** Creates the habit and its personal webhook; the webhook secret is shown only here. */
    async create(saverId: string, input: z.infer<typeof NewHabitSchema>) {
      if ((await habits.all(saverId)).length >= MAX_HABITS_PER_SAVER) {
        throw new Conflict(`You can have at most ${MAX_HABITS_PER_SAVER} habits.`);
      }
      const habit: StoredHabit = {
        id: `habit_${randomUUID()}`,
        ...input,
        hookId: randomBytes(16).toString('base64url'),
        createdAt: now().toISOString(),
      };
      const secret = randomBytes(32).toString('base64url');
      await hooks.put({
        hookId: habit.hookId,
        saverId,
        habitId: habit.id,
        secretHash: sha256(secret).toString('base64url'),
      });
      await habits.create(saverId, habit);
      const { timeZone } = await settingsOf(saverId);
      return {
        ...(await view(saverId, habit, timeZone)),
        webhook: { url: webhookUrlOf(habit.hookId), secret },
      };
    },

    log,

    /** A log through the personal webhook: one answer for an unknown hook and a wrong secret. */
    async logViaHook(hookId: string, presentedSecret: string | undefined, occurredAt?: string) {
      // Counted before the secret is checked, so guessing it is as slow as flooding it.
      await limiter.check(`hook#${hookId}`, WEBHOOK_CALLS_PER_HOOK);
      const hook = await hooks.get(hookId);
      const presented = sha256(presentedSecret ?? '');
      const expected = hook ? Buffer.from(hook.secretHash, 'base64url') : sha256(randomUUID());
      if (!hook || !presentedSecret || !timingSafeEqual(presented, expected)) {
        throw new NotAuthenticated('Unknown webhook or wrong secret.');
      }
      return log(hook.saverId, hook.habitId, occurredAt);
    },

    /** Refused while a rule saves on this habit. The log stays as history until the saver is erased. */
    async remove(saverId: string, habitId: string): Promise<void> {
      const habit = await existing(saverId, habitId);
      const using = (await rules.all(saverId)).filter(
        (rule) => rule.type === 'habit' && rule.habitId === habitId,
      );
      if (using.length > 0) throw new Conflict('A rule saves on this habit. Change or delete it first.');
      await hooks.delete(habit.hookId);
      await habits.delete(saverId, habitId);
    },
  };
}
