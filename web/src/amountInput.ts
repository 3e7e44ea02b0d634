/**
 * Amounts as savers type them ("8.000", "20,50", "1 500 kr.", "100,-") to integer minor units, and
 * back as editable text. No floats: the digits are joined as text. Pure and zod-free (the bundle
 * budget), like format.ts.
 */

export type AmountProblem = 'empty' | 'invalid' | 'negative' | 'too-many-decimals' | 'too-large';

export type ParsedAmount = { ok: true; minor: number } | { ok: false; problem: AmountProblem };

interface Separators {
  decimal: string;
  group: string;
}

const separatorCache = new Map<string, Separators>();

/** Savers type only `.` and `,`: whichever the locale does not use for decimals groups thousands. */
function separatorsOf(locale: string): Separators {
  const cached = separatorCache.get(locale);
  if (cached) return cached;
  let decimal = '.';
  try {
    const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
    if (parts.find((part) => part.type === 'decimal')?.value === ',') decimal = ',';
  } catch {
    // An unknown locale reads like English.
  }
  const separators = { decimal, group: decimal === ',' ? '.' : ',' };
  separatorCache.set(locale, separators);
  return separators;
}

/** How many minor-unit digits a currency has (DKK 2, JPY 0), as Intl knows it. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
  } catch {
    return 2;
  }
}

const refuse = (problem: AmountProblem): ParsedAmount => ({ ok: false, problem });

/**
 * A typed amount. Spaces, a currency sign or code before or after, and a closing ",-" are ignored.
 * With both `.` and `,` the last one is the decimal mark ("1.000,50", "1,000.50"); a mark used twice
 * groups thousands ("1.000.000"). A single mark before exactly three digits groups thousands only if
 * it is the locale's group mark: in da-DK "1.500" is 1.500 kr., while "20,505" has too many decimals
 * rather than being guessed at. Otherwise a single mark is the decimal mark, so "20.50" works too.
 */
export function parseAmount(input: string, currency: string, locale = 'da-DK'): ParsedAmount {
  const { group } = separatorsOf(locale);
  const digits = currencyDigits(currency);
  const code = currency.replace(/[^A-Za-z]/g, '');
  const sign = `kr\\.?|dkk|${code}|€|\\$|£`;
  const compact = input
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(new RegExp(`^(${sign})`, 'i'), '')
    .replace(new RegExp(`(${sign})$`, 'i'), '')
    .replace(/,-$/, '');
  if (compact === '') return refuse('empty');
  if (compact.startsWith('-') || compact.startsWith('−')) return refuse('negative');
  if (!/^[\d.,]+$/.test(compact) || !/\d/.test(compact)) return refuse('invalid');

  let whole = compact;
  let fraction = '';
  const last = Math.max(compact.lastIndexOf('.'), compact.lastIndexOf(','));
  if (last >= 0) {
    const mark = compact.charAt(last);
    const before = compact.slice(0, last);
    const after = compact.slice(last + 1);
    const marksBefore = before.replace(/\d/g, '');
    const grouping =
      marksBefore.includes(mark) || (marksBefore === '' && after.length === 3 && mark === group);
    if (grouping) {
      if (!new RegExp(`^\\d{1,3}(\\${mark}\\d{3})+$`).test(compact)) return refuse('invalid');
    } else {
      const groupedWith = marksBefore.charAt(0);
      const wholeShape = groupedWith === '' ? /^\d*$/ : new RegExp(`^\\d{1,3}(\\${groupedWith}\\d{3})*$`);
      if (!wholeShape.test(before)) return refuse('invalid');
      // The locale's group mark as a lone decimal mark only with a currency's worth of digits ("10.5").
      if (marksBefore === '' && mark === group && after.length > Math.max(digits, 1))
        return refuse('invalid');
      whole = before === '' ? '0' : before;
      fraction = after;
    }
  }
  if (fraction.length > digits) return refuse('too-many-decimals');
  const minor =
    BigInt(whole.replace(/[.,]/g, '')) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return refuse('too-large');
  return { ok: true, minor: Number(minor) };
}

/** Minor units as an input's starting text in the saver's locale, without thousands marks: "8000", "20,50". */
export function minorToInput(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const magnitude = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const whole = digits === 0 ? magnitude : magnitude.slice(0, -digits);
  const fraction = digits === 0 ? '' : magnitude.slice(-digits);
  const sign = minor < 0 ? '-' : '';
  if (/^0*$/.test(fraction)) return `${sign}${whole}`;
  return `${sign}${whole}${separatorsOf(locale).decimal}${fraction}`;
}

/** A plain number (percent, multiplier) in the saver's locale: 12.5 → "12,5" in da-DK. */
export function numberToInput(value: number, locale: string): string {
  return String(value).replace('.', separatorsOf(locale).decimal);
}

/** A typed decimal with at most `maxDecimals` decimals ("12,5" or "12.5"), or null. */
export function parseDecimal(input: string, maxDecimals = 2): number | null {
  const compact = input.trim().replace(',', '.');
  if (!new RegExp(`^\\d+(\\.\\d{1,${maxDecimals}})?$`).test(compact)) return null;
  return Number(compact);
}

/** A typed whole number within bounds, or null. */
export function parseWhole(input: string, min: number, max: number): number | null {
  const compact = input.trim();
  if (!/^\d{1,6}$/.test(compact)) return null;
  const value = Number(compact);
  return value >= min && value <= max ? value : null;
}
