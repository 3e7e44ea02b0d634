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

const formatterCache = new Map<string, (amountMinor: number) => string>();
const FORMAT_MEMO_SLOTS = 16_384;

/** Formats for people in the saver's locale: 250000 DKK in da-DK → "2.500,00 kr.". */
export function formatMinor(amountMinor: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  return minorFormatter(currency, locale)(amountMinor);
}

/**
 * `formatMinor` bound to one currency and locale, for code that formats many amounts (the rules engine):
 * the formatter and its remembered results are looked up once instead of on every amount.
 */
export function minorFormatter(
  currency: string,
  locale: string = DEFAULT_LOCALE,
): (amountMinor: number) => string {
  const key = `${locale}|${currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    // Intl formats a decimal string exactly, so no float division is involved.
    const viaIntl = (amountMinor: number) =>
      format.format(toDecimalString(amountMinor, currency) as `${number}`);
    const compute = layoutFormatter(format, currency, viaIntl) ?? viaIntl;
    // Explanations repeat the same few amounts. A direct-mapped memo (one slot per amount modulo its
    // size) remembers them at a fixed cost and size, without the rehashing of a growing Map.
    const amounts = new Float64Array(FORMAT_MEMO_SLOTS).fill(Number.NaN);
    const texts = new Array<string>(FORMAT_MEMO_SLOTS).fill('');
    formatter = (amountMinor) => {
      const slot = amountMinor & (FORMAT_MEMO_SLOTS - 1);
      if (amounts[slot] === amountMinor) return texts[slot] as string;
      const text = compute(amountMinor);
      amounts[slot] = amountMinor;
      texts[slot] = text;
      return text;
    };
    formatterCache.set(key, formatter);
  }
  return formatter;
}

/** Where the digits go in one locale's currency format, as Intl lays it out. */
type CurrencyLayout = {
  digits: number;
  decimal: string;
  group: string;
  /** Per sign: the text before and after the number ("-" and " kr." in da-DK). */
  positive: { prefix: string; suffix: string };
  negative: { prefix: string; suffix: string };
  /** Index = length of the integer digits; value = sizes of its digit groups, left to right. */
  groupSizes: number[][];
};

const SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;

/**
 * A formatter that lays out digits the way `Intl` does for this locale and currency, without calling
 * `Intl` per amount (an Intl call costs microseconds; the engine formats millions of amounts). The
 * layout is read from Intl itself, for every integer length and both signs, and the result is then
 * checked against Intl on amounts of every length; if anything differs (other numbering systems,
 * layouts that depend on the digits) this returns null and Intl stays in charge.
 */
function layoutFormatter(
  format: Intl.NumberFormat,
  currency: string,
  viaIntl: (amountMinor: number) => string,
): ((amountMinor: number) => string) | null {
  const digits = minorUnitDigits(currency);
  const layout = readLayout(format, currency, digits);
  if (!layout) return null;
  const fast = (amountMinor: number) => formatWithLayout(layout, amountMinor);
  for (const amountMinor of layoutSamples()) {
    if (fast(amountMinor) !== viaIntl(amountMinor)) return null;
  }
  return (amountMinor) => {
    assertSafeMinor(amountMinor);
    return fast(amountMinor);
  };
}

function readLayout(format: Intl.NumberFormat, currency: string, digits: number): CurrencyLayout | null {
  const groupSizes: number[][] = [[]];
  let decimal: string | null = null;
  let group: string | null = null;
  let positive: CurrencyLayout['positive'] | null = null;
  let negative: CurrencyLayout['negative'] | null = null;
  for (let length = 1; length + digits <= SAFE_DIGITS; length++) {
    // 1 followed by zeros: every digit the same except the first, so only the layout shows.
    const minor = 10 ** (length - 1 + digits);
    for (const sign of [1, -1]) {
      const parts = format.formatToParts(toDecimalString(sign * minor, currency) as `${number}`);
      const first = parts.findIndex((part) => part.type === 'integer');
      let end = first;
      const sizes: number[] = [];
      let fraction = '';
      let decimalText: string | null = null;
      for (; end >= 0 && end < parts.length; end++) {
        const part = parts[end] as Intl.NumberFormatPart;
        if (part.type === 'integer') sizes.push(part.value.length);
        else if (part.type === 'group') {
          if (group === null) group = part.value;
          else if (group !== part.value) return null;
        } else if (part.type === 'decimal') decimalText = part.value;
        else if (part.type === 'fraction') fraction = part.value;
        else break;
      }
      if (first < 0 || fraction.length !== digits || (digits > 0 && decimalText === null)) return null;
      if (decimalText !== null) {
        if (decimal === null) decimal = decimalText;
        else if (decimal !== decimalText) return null;
      }
      const around = {
        prefix: parts
          .slice(0, first)
          .map((part) => part.value)
          .join(''),
        suffix: parts
          .slice(end)
          .map((part) => part.value)
          .join(''),
      };
      const known = sign > 0 ? positive : negative;
      if (known === null) {
        if (sign > 0) positive = around;
        else negative = around;
      } else if (known.prefix !== around.prefix || known.suffix !== around.suffix) return null;
      const previous = groupSizes[length];
      if (previous === undefined) groupSizes[length] = sizes;
      else if (previous.join() !== sizes.join()) return null;
    }
  }
  if (!positive || !negative) return null;
  return { digits, decimal: decimal ?? '', group: group ?? '', positive, negative, groupSizes };
}

function formatWithLayout(layout: CurrencyLayout, amountMinor: number): string {
  const around = amountMinor < 0 ? layout.negative : layout.positive;
  const magnitude = String(Math.abs(amountMinor)).padStart(layout.digits + 1, '0');
  const integerLength = magnitude.length - layout.digits;
  let text = around.prefix;
  const sizes = layout.groupSizes[integerLength] ?? [integerLength];
  let at = 0;
  for (let index = 0; index < sizes.length; index++) {
    const size = sizes[index] as number;
    text += index === 0 ? magnitude.slice(at, at + size) : layout.group + magnitude.slice(at, at + size);
    at += size;
  }
  if (layout.digits > 0) text += layout.decimal + magnitude.slice(integerLength);
  return text + around.suffix;
}

/** Amounts of every length and both signs, with varied digits, to check a layout against Intl. */
function layoutSamples(): number[] {
  const samples = [0];
  const varied = '9081726354637281';
  for (let length = 1; length <= SAFE_DIGITS; length++) {
    for (const magnitude of [10 ** (length - 1), 10 ** length - 1, Number(varied.slice(0, length))]) {
      if (!Number.isSafeInteger(magnitude)) continue;
      samples.push(magnitude, -magnitude);
    }
  }
  samples.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
  return samples;
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
