/** Amounts are integer minor units inside the simulator; Nordea's decimal strings exist only at the edge. */

const DECIMAL_AMOUNT = /^-?\d{1,15}(\.\d{1,2})?$/;

/** Parses "47.5", "-47.50" or 47.5 into minor units; undefined when the value is not an exact 2-decimal amount. */
export function parseAmountToMinor(value: unknown): number | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  if (!DECIMAL_AMOUNT.test(text)) return undefined;
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(minor)) return undefined;
  return negative && minor !== 0 ? -minor : minor;
}

/** Renders minor units as Nordea's decimal string, e.g. -4750 → "-47.50". */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const absolute = Math.abs(minor);
  const whole = Math.floor(absolute / 100);
  const fraction = String(absolute % 100).padStart(2, '0');
  return `${sign}${whole}.${fraction}`;
}

export const CURRENCY_BY_COUNTRY: Record<string, string> = { DK: 'DKK', SE: 'SEK', NO: 'NOK', FI: 'EUR' };
