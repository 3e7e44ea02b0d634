/**
 * Amounts as savers type them ("8.000", "20,50", "1,000.50") to integer minor units and back. No
 * floats: the digits are joined as text. Free of zod, like format.ts.
 */

export type ParsedAmount = { kind: 'empty' } | { kind: 'invalid' } | { kind: 'ok'; minor: number };

/** How many minor-unit digits a currency has (DKK 2, JPY 0), as Intl knows it. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
  } catch {
    return 2;
  }
}

/**
 * A typed amount. With both `.` and `,` the last one is the decimal mark ("1.000,50", "1,000.50");
 * a mark used twice groups thousands ("1.000.000"). A single mark before exactly three digits groups
 * thousands only if it is the locale's group mark: in da-DK "1.000" is a thousand, and "20,505" is
 * refused rather than guessed. Otherwise a single mark is the decimal mark, so "20.50" works too.
 */
export function parseAmount(input: string, currency: string, locale = 'da-DK'): ParsedAmount {
  const suffix = new RegExp(`(kr\\.?|${currency.replace(/[^A-Za-z]/g, '')})$`, 'i');
  const compact = input.replace(/[\s\u00a0\u202f]/g, '').replace(suffix, '');
  if (compact === '') return { kind: 'empty' };
  if (!/^\d[\d.,]*$/.test(compact)) return { kind: 'invalid' };
  const digits = currencyDigits(currency);
  const last = Math.max(compact.lastIndexOf('.'), compact.lastIndexOf(','));
  let whole = compact;
  let fraction = '';
  if (last >= 0) {
    const mark = compact.charAt(last);
    const before = compact.slice(0, last);
    const after = compact.slice(last + 1);
    const marksBefore = before.replace(/\d/g, '');
    const grouping =
      marksBefore.includes(mark) || (marksBefore === '' && after.length === 3 && mark === groupMark(locale));
    if (grouping) {
      if (!new RegExp(`^\\d{1,3}(\\${mark}\\d{3})+$`).test(compact)) return { kind: 'invalid' };
      whole = compact;
    } else {
      const group = marksBefore.charAt(0);
      const wholeShape = group === '' ? /^\d+$/ : new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`);
      if (!wholeShape.test(before) || !/^\d+$/.test(after)) return { kind: 'invalid' };
      whole = before;
      fraction = after;
    }
  }
  if (fraction.length > digits) return { kind: 'invalid' };
  const minorText = `${whole.replace(/[.,]/g, '')}${fraction.padEnd(digits, '0')}`.replace(/^0+(?=\d)/, '');
  const minor = Number(minorText);
  if (!Number.isSafeInteger(minor)) return { kind: 'invalid' };
  return { kind: 'ok', minor };
}

/** Minor units as an input's starting text in the saver's locale: "8000", "20,50". */
export function minorToInput(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const magnitude = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const whole = digits === 0 ? magnitude : magnitude.slice(0, -digits);
  const fraction = digits === 0 ? '' : magnitude.slice(-digits);
  const sign = minor < 0 ? '-' : '';
  if (/^0*$/.test(fraction)) return `${sign}${whole}`;
  return `${sign}${whole}${decimalMark(locale)}${fraction}`;
}

/** A plain number (percent, multiplier) in the saver's locale: 12.5 → "12,5" in da-DK. */
export function numberToInput(value: number, locale: string): string {
  return String(value).replace('.', decimalMark(locale));
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

function groupMark(locale: string): string {
  try {
    return (
      new Intl.NumberFormat(locale).formatToParts(10000).find((part) => part.type === 'group')?.value ?? ','
    );
  } catch {
    return ',';
  }
}

function decimalMark(locale: string): string {
  try {
    return (
      new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.'
    );
  } catch {
    return '.';
  }
}
