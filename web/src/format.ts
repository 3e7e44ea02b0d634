import { DEFAULT_LOCALE, formatMinor } from '#domain/money';

/** Amounts and dates for people, in the saver's locale (da-DK by default: `2.500,00 kr.`). */

export const formatAmount = (minor: number, currency: string, locale: string = DEFAULT_LOCALE): string =>
  formatMinor(minor, currency, locale);

export function formatDate(iso: string, locale: string = DEFAULT_LOCALE, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', ...(timeZone ? { timeZone } : {}) }).format(
    new Date(iso),
  );
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
