/** Bank dates are local dates in Denmark; the simulator derives them from the simulated instant. */

const COPENHAGEN_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export const DAY_MS = 86_400_000;

/** ISO date (YYYY-MM-DD) of an instant as seen in Copenhagen. */
export function bankDate(instant: Date): string {
  return COPENHAGEN_DATE.format(instant);
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function addMonths(isoDate: string, months: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(isoDate: string): number {
  return new Date(`${isoDate}T00:00:00Z`).getUTCDay();
}

/** Fixed-date Danish bank holidays; the moving Easter holidays are left out on purpose (rarely month ends). */
const FIXED_HOLIDAYS = new Set(['01-01', '06-05', '12-24', '12-25', '12-26', '12-31']);

export function isBankingDay(isoDate: string): boolean {
  const day = weekday(isoDate);
  return day !== 0 && day !== 6 && !FIXED_HOLIDAYS.has(isoDate.slice(5));
}

export function nextBankingDay(isoDate: string): string {
  let date = isoDate;
  while (!isBankingDay(date)) date = addDays(date, 1);
  return date;
}

export function lastBankingDayOfMonth(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  let last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  while (!isBankingDay(last)) last = addDays(last, -1);
  return last;
}

export function firstBankingDayOfMonth(isoDate: string): string {
  return nextBankingDay(`${isoDate.slice(0, 8)}01`);
}
