/**
 * Amounts and dates for people, in the saver's locale (da-DK by default: `2.500,00 kr.`).
 *
 * Deliberately free of `#domain/money`: that module validates with zod, which would more than double
 * the app's JavaScript. The unit tests check that `formatAmount` agrees with the domain's `formatMinor`.
 */

export const DEFAULT_LOCALE = 'da-DK';

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Plain decimal text of integer minor units (-4750 DKK → "-47.50"), so no float division is involved. */
export function minorToDecimal(minor: number, digits: number): string {
  const sign = minor < 0 ? '-' : '';
  const magnitude = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  if (digits === 0) return sign + magnitude;
  return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

export function formatAmount(minor: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  const formatter = currencyFormatter(currency, locale);
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  // Intl formats a decimal string exactly; `-0` would print a minus sign.
  const amount = minor === 0 ? 0 : minor;
  return formatter.format(minorToDecimal(amount, digits) as `${number}`);
}

export function formatDate(iso: string, locale: string = DEFAULT_LOCALE, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', ...(timeZone ? { timeZone } : {}) }).format(
    new Date(iso),
  );
}

/** A moment with its time of day, for transfers and notifications: `14. marts 2026 kl. 09.30`. */
export function formatDateTime(iso: string, locale: string = DEFAULT_LOCALE, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** The local date (`YYYY-MM-DD`) of a moment where the saver lives. */
export function localDateIn(timeZone: string, at: Date = new Date()): string {
  // en-CA prints dates as ISO 8601 does.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** A local date (`YYYY-MM-DD`) as a heading: `fredag 13. marts 2026`; no time zone can shift it. */
export function formatLocalDate(date: string, locale: string = DEFAULT_LOCALE): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

/** The hour of the day where the saver lives, for the greeting. */
export function hourIn(timeZone: string, at: Date = new Date()): number {
  const hour = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(at);
  return Number(hour);
}

/**
 * An account number as banks print it: an IBAN in groups of four (DK50 0040 0440 1162 43), a Danish
 * BBAN as registration and account number (2276 4013256744); anything else as given.
 */
export function formatAccountNumber(number: string): string {
  const compact = number.replace(/\s+/g, '');
  if (/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return compact.replace(/(.{4})(?=.)/g, '$1 ');
  if (/^\d{14}$/.test(compact)) return `${compact.slice(0, 4)} ${compact.slice(4)}`;
  return number;
}

/** The currency's short sign in the saver's locale (`kr.` for DKK in da-DK), for beside an input. */
export function currencySign(currency: string, locale: string): string {
  const parts = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(1);
  return parts.find((part) => part.type === 'currency')?.value ?? currency;
}
