import { z } from 'zod';
import { addDays, type LocalDate } from './calendar.ts';

export const HabitSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(60),
  emoji: z.string().max(16).nullable(),
});
export type Habit = z.infer<typeof HabitSchema>;

/** One logged action ("I worked out"), from the app or a personal webhook. */
export const HabitActionSchema = z.strictObject({
  id: z.string().min(1),
  habitId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type HabitAction = z.infer<typeof HabitActionSchema>;

/**
 * Length of the run of consecutive local days with at least one logged action that ends on `date`
 * (0 when nothing was logged on `date`).
 */
export function streakEndingOn(loggedDates: ReadonlySet<LocalDate>, date: LocalDate): number {
  let length = 0;
  let day = date;
  while (loggedDates.has(day)) {
    length++;
    day = addDays(day, -1);
  }
  return length;
}
