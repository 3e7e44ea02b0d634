import type { Goal, SavingsEntry, Transfer, TransferStatus } from './api/types.ts';

/**
 * The dashboard's figures, derived from the API's lists and kept free of React so unit tests run
 * them as they are. Exact because the activity list is ordered by trigger date, newest first: once
 * a page reaches back past a date, every entry after that date has been seen.
 */

/** How far back the saving chart reaches. */
export const CHART_WEEKS = 12;

/** A local date (`YYYY-MM-DD`) moved by whole days, on the calendar (no time zone can shift it). */
export function addDaysTo(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

export const monthStartOf = (date: string): string => `${date.slice(0, 7)}-01`;

/** The first date the dashboard needs entries from: the chart's first week (this month starts later). */
export const historyStart = (today: string): string => addDaysTo(today, -7 * CHART_WEEKS);

export interface MonthTotals {
  /** What counts toward the monthly limit: paid, and still on its way. */
  countedMinor: number;
  savedMinor: number;
  onTheWayMinor: number;
}

/** This month's saves by trigger date, as the monthly limit counts them (skipped and failed ones do not). */
export function monthTotals(entries: readonly SavingsEntry[], today: string): MonthTotals {
  const month = today.slice(0, 7);
  let savedMinor = 0;
  let onTheWayMinor = 0;
  for (const entry of entries) {
    if (entry.trigger.date.slice(0, 7) !== month) continue;
    if (entry.status === 'saved') savedMinor += entry.amountMinor;
    else if (entry.status === 'pending' || entry.status === 'transferring')
      onTheWayMinor += entry.amountMinor;
  }
  return { countedMinor: savedMinor + onTheWayMinor, savedMinor, onTheWayMinor };
}

export interface GoalSeries {
  goalId: string;
  label: string;
  points: { date: string; valueMinor: number }[];
}

/**
 * What each goal held at the end of each of the last `weeks` weeks (ending today): its saved amount
 * now, less what was saved for it after that day. `completeAfter` is the newest date whose entries
 * may be missing (null: the whole list was read); weeks ending before it are left out, not guessed.
 */
export function savingSeries(
  goals: readonly Goal[],
  entries: readonly SavingsEntry[],
  today: string,
  completeAfter: string | null,
  weeks: number = CHART_WEEKS,
): GoalSeries[] {
  const ends: string[] = [];
  for (let week = weeks; week >= 0; week--) {
    const end = addDaysTo(today, -7 * week);
    if (completeAfter === null || end >= completeAfter) ends.push(end);
  }
  return goals.map((goal) => {
    const saved = entries.filter((entry) => entry.goalId === goal.id && entry.status === 'saved');
    return {
      goalId: goal.id,
      label: goal.name,
      points: ends.map((end) => {
        let later = 0;
        for (const entry of saved) if (entry.trigger.date > end) later += entry.amountMinor;
        return { date: end, valueMinor: Math.max(0, goal.savedMinor - later) };
      }),
    };
  });
}

const OPEN: ReadonlySet<TransferStatus> = new Set([
  'planned',
  'submitting',
  'submitted',
  'awaiting_confirmation',
  'unknown',
]);

/** The transfer the dashboard shows: the newest one still under way, else the newest one of all. */
export function transferToShow(transfers: readonly Transfer[]): { transfer: Transfer; open: boolean } | null {
  const open = transfers.find((transfer) => OPEN.has(transfer.status));
  if (open) return { transfer: open, open: true };
  const latest = transfers[0];
  return latest ? { transfer: latest, open: false } : null;
}

/** Goals as the dashboard lists them: archived ones left out, by priority as rules fill them. */
export const dashboardGoals = (goals: readonly Goal[]): Goal[] =>
  goals.filter((goal) => goal.status !== 'archived').sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));

/** A local date for people: `14. marts 2027` in da-DK. */
export function formatDay(date: string, locale: string, options: Intl.DateTimeFormatOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC', ...options }).format(
    new Date(`${date}T12:00:00Z`),
  );
}
