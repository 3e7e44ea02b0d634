import { z } from 'zod';
import { LocalDateSchema } from './calendar.ts';
import { CurrencyCodeSchema, NonNegativeMinorSchema } from './money.ts';

/**
 * pending: waiting to be batched into a transfer · transferring: inside a transfer not yet settled ·
 * saved: its transfer was paid · failed: its transfer was rejected or expired · cancelled: the saver
 * cancelled its transfer · skipped: a limit or state stopped it (see `skipReason`).
 */
export const EntryStatusSchema = z.enum([
  'pending',
  'skipped',
  'transferring',
  'saved',
  'failed',
  'cancelled',
]);
export type EntryStatus = z.infer<typeof EntryStatusSchema>;

export const SkipReasonSchema = z.enum([
  'saver-paused',
  'rule-paused',
  'goal-missing',
  'goal-archived',
  'goal-reached',
  'goal-currency',
  'cap-day',
  'cap-week',
  'cap-month',
  'monthly-budget',
  'balance-floor',
]);
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** transaction: ref is the bank transaction id · habit-action: the logged action's id · period: the period key. */
export const TriggerKindSchema = z.enum(['transaction', 'habit-action', 'period']);
export type TriggerKind = z.infer<typeof TriggerKindSchema>;

/** `date` is the saver's local date the trigger belongs to; caps and the budget count by it. */
export const TriggerSchema = z.strictObject({
  kind: TriggerKindSchema,
  ref: z.string().min(1),
  date: LocalDateSchema,
});
export type Trigger = z.infer<typeof TriggerSchema>;

/**
 * A savings entry. For a skipped entry `amountMinor` is what would have been saved. `goalId` is the goal
 * the money goes to (the next goal when a reached goal passed it on).
 */
export const SavingsEntrySchema = z.strictObject({
  id: z.string().min(1),
  ruleId: z.string().min(1),
  goalId: z.string().min(1),
  status: EntryStatusSchema,
  amountMinor: NonNegativeMinorSchema,
  currency: CurrencyCodeSchema,
  trigger: TriggerSchema,
  explanation: z.string(),
  skipReason: SkipReasonSchema.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type SavingsEntry = z.infer<typeof SavingsEntrySchema>;

/** Entries whose money is spent against caps, the budget and goal room: everything but skipped and undone ones. */
export function countsTowardLimits(entry: Pick<SavingsEntry, 'status'>): boolean {
  return entry.status === 'pending' || entry.status === 'transferring' || entry.status === 'saved';
}

/** Canonical order: trigger date, then id. */
export function compareEntries(a: SavingsEntry, b: SavingsEntry): number {
  if (a.trigger.date !== b.trigger.date) return a.trigger.date < b.trigger.date ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
