/**
 * What a saver types into an amount field, as integer minor units, and amounts back as editable text.
 * Pure and zod-free (the bundle budget), with no floats: the digits are read as text.
 */

export type AmountProblem = 'empty' | 'invalid' | 'negative' | 'too-many-decimals' | 'too-large';

export type ParsedAmount = { ok: true; minor: number } | { ok: false; problem: AmountProblem };

interface Separators {
  decimal: string;
  group: string;
  digits: number;
}

const separatorCache = new Map<string, Separators>();

function separatorsOf(currency: string, locale: string): Separators {
  const key = `${locale}|${currency}`;
  const cached = separatorCache.get(key);
  if (cached) return cached;
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  // Savers type only `.` and `,`; whichever the locale does not use for decimals separates thousands.
  const decimal = parts.find((part) => part.type === 'decimal')?.value === ',' ? ',' : '.';
  const separators = {
    decimal,
    group: decimal === ',' ? '.' : ',',
    digits: format.resolvedOptions().maximumFractionDigits ?? 2,
  };
  separatorCache.set(key, separators);
  return separators;
}

const escapeForRegExp = (character: string) => (character === '.' ? '\\.' : character);

/**
 * Reads `1.500`, `1500,50`, `1 500 kr.` or `100,-` (da-DK) into minor units. A lone separator the
 * locale does not use for decimals counts as one when it is followed by at most the currency's digits
 * (`10.5` is 10,50 kr.), and as a thousands separator when every group after it has three (`1.500`).
 */
export function parseAmountInput(input: string, currency: string, locale: string): ParsedAmount {
  const { decimal, group, digits } = separatorsOf(currency, locale);
  let text = input.replace(/[\s\u00a0\u202f]/g, '');
  text = text.replace(/^(kr\.?|dkk|€|\$|£)/i, '').replace(/(,-|kr\.?|dkk|€|\$|£)$/i, '');
  if (text === '') return { ok: false, problem: 'empty' };
  if (text.startsWith('-') || text.startsWith('−')) return { ok: false, problem: 'negative' };
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return { ok: false, problem: 'invalid' };

  let whole: string;
  let fraction = '';
  const grouped = new RegExp(`^\\d{1,3}(${escapeForRegExp(group)}\\d{3})+$`);
  if (text.includes(decimal)) {
    const at = text.lastIndexOf(decimal);
    whole = text.slice(0, at);
    fraction = text.slice(at + 1);
    if (whole.includes(decimal) || fraction.includes(group)) return { ok: false, problem: 'invalid' };
    if (whole.includes(group)) {
      if (!grouped.test(whole)) return { ok: false, problem: 'invalid' };
      whole = whole.split(group).join('');
    }
  } else if (text.includes(group)) {
    const pieces = text.split(group);
    const last = pieces[pieces.length - 1] ?? '';
    if (grouped.test(text)) whole = pieces.join('');
    else if (pieces.length === 2 && last.length >= 1 && last.length <= Math.max(digits, 1)) {
      whole = pieces[0] ?? '';
      fraction = last;
    } else return { ok: false, problem: 'invalid' };
  } else whole = text;

  if (whole === '') whole = '0';
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return { ok: false, problem: 'invalid' };
  if (fraction.length > digits) return { ok: false, problem: 'too-many-decimals' };
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, problem: 'too-large' };
  return { ok: true, minor: Number(minor) };
}

/** Minor units as text to edit: `150050` → `1500,50`, `100000` → `1000` (da-DK); no thousands separators. */
export function amountInputValue(minor: number, currency: string, locale: string): string {
  const { decimal, digits } = separatorsOf(currency, locale);
  const text = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  if (digits === 0) return text;
  const whole = text.slice(0, -digits);
  const fraction = text.slice(-digits);
  return /^0+$/.test(fraction) ? whole : `${whole}${decimal}${fraction}`;
}
