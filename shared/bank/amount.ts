/**
 * Exact conversion between Nordea's decimal amounts and integer minor units. Nordea sends amounts as
 * JSON strings (v5) or numbers (v4); both are handled as decimal text so no float arithmetic ever
 * touches money.
 */

/** ISO 4217 minor-unit exponents for the currencies Nordea accounts and payments use. */
const KNOWN_EXPONENTS: Readonly<Record<string, number>> = {
  DKK: 2,
  SEK: 2,
  NOK: 2,
  EUR: 2,
  ISK: 0,
  USD: 2,
  GBP: 2,
  CHF: 2,
  PLN: 2,
  JPY: 0,
};

/** Longer texts cannot be a real amount; refusing them early keeps hostile input cheap. */
const MAX_AMOUNT_TEXT_LENGTH = 40;

/**
 * A float carries at most 15 significant decimal digits through text → number → text unchanged,
 * so a JSON number with more digits may already have lost its exact value.
 */
const MAX_EXACT_FLOAT_DIGITS = 15;

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

export class AmountFormatError extends Error {
  override readonly name = 'AmountFormatError';
}

export function currencyExponent(currency: string): number {
  const known = KNOWN_EXPONENTS[currency];
  if (known !== undefined) return known;
  if (!/^[A-Z]{3}$/.test(currency)) throw new AmountFormatError(`Not an ISO 4217 currency code: ${currency}`);
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    if (digits === undefined) throw new AmountFormatError(`No minor unit known for ${currency}`);
    return digits;
  } catch {
    throw new AmountFormatError(`Unknown currency: ${currency}`);
  }
}

function countSignificantDigits(decimalText: string): number {
  const digits = decimalText.replace('-', '').replace('.', '').replace(/^0+/, '');
  return digits.length;
}

/** The decimal text of a JSON number, via its shortest round-trip form (e.g. -47.5 → "-47.5"). */
function numberToDecimalText(value: number): string {
  if (!Number.isFinite(value)) throw new AmountFormatError('Amount is not a finite number');
  const text = String(value);
  if (!DECIMAL_TEXT.test(text)) {
    // Exponent notation: either far too large or far too small to be an amount.
    throw new AmountFormatError(`Amount out of range: ${text}`);
  }
  if (countSignificantDigits(text) > MAX_EXACT_FLOAT_DIGITS) {
    throw new AmountFormatError(`Amount has more digits than a JSON number carries exactly: ${text}`);
  }
  return text;
}

/**
 * Parses a decimal amount into integer minor units of `currency`, exactly. Refuses anything that is not
 * plain decimal text, has more fraction digits than the currency allows (unless they are zeros), or does
 * not fit a safe integer.
 */
export function parseAmountToMinor(amount: string | number, currency: string): number {
  const text = typeof amount === 'number' ? numberToDecimalText(amount) : amount.trim();
  if (text.length === 0 || text.length > MAX_AMOUNT_TEXT_LENGTH) {
    throw new AmountFormatError('Amount is empty or too long');
  }
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) throw new AmountFormatError(`Not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, wholeDigits = '', fractionDigits = ''] = match;
  const exponent = currencyExponent(currency);
  const significantFraction = fractionDigits.replace(/0+$/, '');
  if (significantFraction.length > exponent) {
    throw new AmountFormatError(`Amount ${text} has more decimals than ${currency} allows`);
  }
  const minorText = wholeDigits + significantFraction.padEnd(exponent, '0');
  const magnitude = BigInt(minorText);
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER))
    throw new AmountFormatError(`Amount out of range: ${text}`);
  const minor = Number(magnitude);
  // Number(0n) is +0, so "-0.00" never becomes -0.
  return sign === '-' && minor !== 0 ? -minor : minor;
}

/** Formats integer minor units as the decimal text Nordea expects, e.g. 145 DKK → "1.45". */
export function formatMinorAsDecimal(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new AmountFormatError('Amount must be a safe integer');
  const exponent = currencyExponent(currency);
  const negative = amountMinor < 0;
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const text = exponent === 0 ? whole : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}
