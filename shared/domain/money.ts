import { z } from 'zod';
import {
  AmountOutOfRangeError,
  CurrencyMismatchError,
  InvalidAmountError,
  InvalidCurrencyError,
} from './errors.ts';

/** ISO 4217 alphabetic code, upper case. */
export const CurrencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as DKK');
export type CurrencyCode = z.infer<typeof CurrencyCodeSchema>;

/** Integer minor units (øre, cents) inside the safe-integer range. */
export const MinorAmountSchema = z.int();
/** A non-negative minor amount, for targets, caps, floors and budgets. */
export const NonNegativeMinorSchema = z.int().nonnegative();
/** A strictly positive minor amount, for fixed saves. */
export const PositiveMinorSchema = z.int().positive();

export const MoneySchema = z.strictObject({ amountMinor: MinorAmountSchema, currency: CurrencyCodeSchema });
export type Money = z.infer<typeof MoneySchema>;

export const DEFAULT_LOCALE = 'da-DK';
export const DEFAULT_CURRENCY = 'DKK';

const digitsCache = new Map<string, number>();

/** Number of minor-unit digits of a currency (DKK 2, JPY 0, BHD 3), as ICU knows it. */
export function minorUnitDigits(currency: string): number {
  assertCurrencyCode(currency);
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    digitsCache.set(currency, digits);
  }
  return digits;
}

export function assertCurrencyCode(currency: string): void {
  if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidCurrencyError(currency);
}

/** Throws unless `value` is an integer inside ±(2^53 − 1). */
export function assertSafeMinor(value: number, what = 'amount'): void {
  if (!Number.isSafeInteger(value)) {
    throw new AmountOutOfRangeError(`${what} ${value} is not a safe integer number of minor units`);
  }
}

export function money(amountMinor: number, currency: string): Money {
  assertCurrencyCode(currency);
  assertSafeMinor(amountMinor);
  return { amountMinor: normaliseZero(amountMinor), currency };
}

// Kept strict on purpose: no grouping, no exponent, no comma; bank amounts use a plain decimal point.
const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a bank amount ("-47.50", -47.5, "1234.5") into integer minor units of `currency` exactly.
 * Numbers are read through their shortest round-trip decimal form, never multiplied as floats.
 * More fraction digits than the currency has are accepted only when they are zeros: no silent rounding.
 */
export function parseAmountToMinor(input: string | number, currency: string): number {
  const digits = minorUnitDigits(currency);
  const text = decimalTextOf(input);
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new InvalidAmountError(`Not a decimal amount: ${JSON.stringify(input)}`);
  const [, sign = '', whole = '', fraction = ''] = match;
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > digits) {
    throw new InvalidAmountError(
      `${JSON.stringify(input)} has more than ${digits} decimals, which ${currency} does not have`,
    );
  }
  const magnitude = BigInt(whole + significantFraction.padEnd(digits, '0'));
  if (magnitude > MAX_SAFE) {
    throw new AmountOutOfRangeError(`${JSON.stringify(input)} ${currency} is outside the safe integer range`);
  }
  const minor = Number(magnitude);
  return sign === '-' ? normaliseZero(-minor) : minor;
}

export function parseMoney(input: string | number, currency: string): Money {
  return { amountMinor: parseAmountToMinor(input, currency), currency };
}

function decimalTextOf(input: string | number): string {
  if (typeof input === 'string') return input;
  if (!Number.isFinite(input)) throw new InvalidAmountError(`Not a finite amount: ${input}`);
  const text = String(input);
  if (text.includes('e')) {
    // Only magnitudes ≥ 1e21 or < 1e-6 print with an exponent: too large, or too many decimals.
    if (Math.abs(input) >= 1) throw new AmountOutOfRangeError(`${text} is outside the safe integer range`);
    throw new InvalidAmountError(`${text} has more decimals than any currency`);
  }
  return text;
}

/** Plain decimal text for the bank and for round-trips: -4750 DKK → "-47.50". */
export function toDecimalString(amountMinor: number, currency: string): string {
  assertSafeMinor(amountMinor);
  const digits = minorUnitDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const magnitude = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  if (digits === 0) return sign + magnitude;
  return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

type CachedFormatter = { format: Intl.NumberFormat; results: Map<number, string> };
const formatterCache = new Map<string, CachedFormatter>();

/** Formats for people in the saver's locale: 250000 DKK in da-DK → "2.500,00 kr.". */
export function formatMinor(amountMinor: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  const key = `${locale}|${currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    formatter = {
      format: new Intl.NumberFormat(locale, { style: 'currency', currency }),
      results: new Map(),
    };
    formatterCache.set(key, formatter);
  }
  // Explanations repeat the same few amounts; remembering them (bounded) saves most Intl calls.
  let text = formatter.results.get(amountMinor);
  if (text === undefined) {
    // Intl formats a decimal string exactly, so no float division is involved.
    text = formatter.format.format(toDecimalString(amountMinor, currency) as `${number}`);
    if (formatter.results.size >= 10_000) formatter.results.clear();
    formatter.results.set(amountMinor, text);
  }
  return text;
}

export function formatMoney(value: Money, locale: string = DEFAULT_LOCALE): string {
  return formatMinor(value.amountMinor, value.currency, locale);
}

export function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

/** Adds two minor amounts, throwing instead of losing precision beyond 2^53. */
export function addMinor(a: number, b: number): number {
  const sum = a + b;
  assertSafeMinor(sum, 'sum');
  return normaliseZero(sum);
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: addMinor(a.amountMinor, b.amountMinor), currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: addMinor(a.amountMinor, -b.amountMinor), currency: a.currency };
}

export function sumMoney(values: readonly Money[], currency: string): Money {
  let total = 0;
  for (const value of values) {
    if (value.currency !== currency) throw new CurrencyMismatchError(currency, value.currency);
    total = addMinor(total, value.amountMinor);
  }
  return { amountMinor: total, currency };
}

/**
 * Parses a percentage with at most two decimals (12.5 → 1250) into basis points, exactly.
 * Returns null when the value has more precision than that.
 */
export function percentToBasisPoints(percent: number): number | null {
  if (!Number.isFinite(percent) || percent < 0) return null;
  const text = String(percent);
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/**
 * `amountMinor × basisPoints / 10 000`, rounded half away from zero to a whole minor unit.
 * Integer arithmetic only; BigInt takes over when the product leaves the safe range.
 */
export function applyBasisPoints(amountMinor: number, basisPoints: number): number {
  assertSafeMinor(amountMinor);
  const magnitude = Math.abs(amountMinor);
  const product = magnitude * basisPoints;
  let scaled: number;
  if (Number.isSafeInteger(product)) {
    // Exact integer division: subtracting the remainder leaves an exact multiple of 10 000.
    const shifted = product + 5000;
    scaled = (shifted - (shifted % 10000)) / 10000;
  } else {
    scaled = Number((BigInt(magnitude) * BigInt(basisPoints) + 5000n) / 10000n);
  }
  assertSafeMinor(scaled);
  return amountMinor < 0 ? -scaled : scaled;
}

function normaliseZero(value: number): number {
  return value === 0 ? 0 : value;
}
