import { z } from 'zod';
import { InvalidDateError } from './errors.ts';

/**
 * Local calendar dates ("YYYY-MM-DD" in the saver's time zone) and the period keys built from them.
 * Calendar arithmetic runs on civil dates (days since 1970-01-01 through Date.UTC), so DST never
 * shifts a day; the only place a time zone matters is turning an instant into a local date.
 */
export const LocalDateSchema = z.iso.date();
export type LocalDate = string;

export const DEFAULT_TIME_ZONE = 'Europe/Copenhagen';

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .min(1)
  .refine(isValidTimeZone, 'an IANA time zone such as Europe/Copenhagen');

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The local date of an instant in a time zone: 2026-03-28T23:30Z in Copenhagen is 2026-03-29. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
    dateFormatters.set(timeZone, formatter);
  }
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new InvalidDateError('Invalid instant');
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatter.formatToParts(time)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A small memo for pure per-date (or per-day-number) results: the engine asks for the same few hundred
 * dates again and again. Cleared when full so it stays bounded.
 */
function memo<K, T>(compute: (key: K) => T): (key: K) => T {
  const cache = new Map<K, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= 4096) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}

/** Days since 1970-01-01 of a local date; throws on anything that is not a real calendar date. */
export const epochDay: (date: LocalDate) => number = memo(computeEpochDay);

function computeEpochDay(date: LocalDate): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new InvalidDateError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new InvalidDateError(`Not a calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

/** The local date `days` after 1970-01-01; remembered, since formatting through Date is slow. */
export const fromEpochDay: (days: number) => LocalDate = memo(computeFromEpochDay);

function computeFromEpochDay(days: number): LocalDate {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(epochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return epochDay(to) - epochDay(from);
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachDate(from: LocalDate, to: LocalDate): LocalDate[] {
  const start = epochDay(from);
  const end = epochDay(to);
  const dates: LocalDate[] = [];
  for (let day = start; day <= end; day++) dates.push(fromEpochDay(day));
  return dates;
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (4).
  return ((((epochDay(date) + 3) % 7) + 7) % 7) + 1;
}

export function startOfIsoWeek(date: LocalDate): LocalDate {
  return addDays(date, 1 - isoWeekday(date));
}

/** ISO 8601 week key, e.g. 2026-W13; the week-year may differ from the calendar year at New Year. */
export const isoWeekKey: (date: LocalDate) => string = memo(computeIsoWeekKey);

function computeIsoWeekKey(date: LocalDate): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const weekYear = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(`${weekYear}-01-01`, thursday) / 7) + 1;
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

export function monthKey(date: LocalDate): string {
  return date.slice(0, 7);
}

export function startOfMonth(date: LocalDate): LocalDate {
  return `${date.slice(0, 7)}-01`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function endOfMonth(date: LocalDate): LocalDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 7)}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
}

export type PeriodUnit = 'day' | 'week' | 'month';

/** The key of the day / ISO week / month a local date falls in. */
export function periodKeyOf(unit: PeriodUnit, date: LocalDate): string {
  if (unit === 'day') return date;
  if (unit === 'week') return isoWeekKey(date);
  return monthKey(date);
}

export function periodStart(unit: PeriodUnit, date: LocalDate): LocalDate {
  if (unit === 'day') return date;
  if (unit === 'week') return startOfIsoWeek(date);
  return startOfMonth(date);
}

export function periodEnd(unit: PeriodUnit, date: LocalDate): LocalDate {
  if (unit === 'day') return date;
  if (unit === 'week') return addDays(startOfIsoWeek(date), 6);
  return endOfMonth(date);
}

export function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a <= b ? a : b;
}

export function maxDate(a: LocalDate, b: LocalDate): LocalDate {
  return a >= b ? a : b;
}
