import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AmountOutOfRangeError, CurrencyMismatchError, InvalidAmountError } from '#domain/errors';
import {
  addMoney,
  applyBasisPoints,
  formatMinor,
  minorUnitDigits,
  money,
  parseAmountToMinor,
  percentToBasisPoints,
  sumMoney,
  toDecimalString,
} from '#domain/money';

const safeMinor = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

describe('parsing bank amounts', () => {
  it.each([
    ['-47.50', -4750],
    ['-47.5', -4750],
    ['1234.5', 123450],
    ['0.01', 1],
    ['+12', 1200],
    ['-0', 0],
    ['0.30', 30],
    ['47.500', 4750],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('reads the string %s as %i øre', (input, expected) => {
    expect(parseAmountToMinor(input, 'DKK')).toBe(expected);
  });

  it.each([
    [-47.5, -4750],
    [1234.5, 123450],
    [19.99, 1999],
    [1.15, 115],
    [-0, 0],
  ])('reads the number %d without float multiplication', (input, expected) => {
    // 1.15 * 100 is 114.99999999999999 in floats; reading the decimal text gives exactly 115.
    expect(parseAmountToMinor(input, 'DKK')).toBe(expected);
  });

  it('never yields negative zero', () => {
    expect(Object.is(parseAmountToMinor('-0.00', 'DKK'), 0)).toBe(true);
  });

  it('knows currencies without or with three minor digits', () => {
    expect(parseAmountToMinor('1500', 'JPY')).toBe(1500);
    expect(parseAmountToMinor('1.234', 'BHD')).toBe(1234);
    expect(minorUnitDigits('DKK')).toBe(2);
  });

  it.each(['1e9', '47,50', '1 000.00', '', '.5', '5.', 'NaN', '0x10', '--1', '12.345'])(
    'refuses %j instead of guessing',
    (input) => {
      expect(() => parseAmountToMinor(input, 'DKK')).toThrow(InvalidAmountError);
    },
  );

  it('refuses numbers with more precision than the currency and non-finite numbers', () => {
    expect(() => parseAmountToMinor(1.005, 'DKK')).toThrow(InvalidAmountError);
    expect(() => parseAmountToMinor(Number.NaN, 'DKK')).toThrow(InvalidAmountError);
    expect(() => parseAmountToMinor(1e-7, 'DKK')).toThrow(InvalidAmountError);
  });

  it('refuses amounts beyond the safe integer range', () => {
    expect(() => parseAmountToMinor('90071992547409.92', 'DKK')).toThrow(AmountOutOfRangeError);
    expect(() => parseAmountToMinor(1e21, 'DKK')).toThrow(AmountOutOfRangeError);
    expect(() => money(2 ** 53, 'DKK')).toThrow(AmountOutOfRangeError);
  });
});

describe('formatting for people', () => {
  // ICU puts a no-break space between amount and symbol so "kr." never wraps onto its own line.
  const nbsp = '\u00a0';

  it('formats Danish kroner the Danish way by default', () => {
    expect(formatMinor(250_000, 'DKK')).toBe(`2.500,00${nbsp}kr.`);
    expect(formatMinor(-4_750, 'DKK')).toBe(`-47,50${nbsp}kr.`);
    expect(formatMinor(1, 'DKK')).toBe(`0,01${nbsp}kr.`);
  });

  it('follows the saver locale', () => {
    expect(formatMinor(250_000, 'DKK', 'en-GB')).toBe(`DKK${nbsp}2,500.00`);
    expect(formatMinor(123_456, 'EUR', 'de-DE')).toBe(`1.234,56${nbsp}€`);
  });

  it('writes plain decimal text for the bank', () => {
    expect(toDecimalString(-4750, 'DKK')).toBe('-47.50');
    expect(toDecimalString(5, 'DKK')).toBe('0.05');
    expect(toDecimalString(1500, 'JPY')).toBe('1500');
  });
});

describe('arithmetic', () => {
  it('adds amounts of one currency', () => {
    expect(addMoney(money(4750, 'DKK'), money(250, 'DKK'))).toEqual({ amountMinor: 5000, currency: 'DKK' });
    expect(sumMoney([money(1, 'DKK'), money(2, 'DKK')], 'DKK').amountMinor).toBe(3);
  });

  it('refuses to mix currencies with a typed error', () => {
    expect(() => addMoney(money(100, 'DKK'), money(100, 'EUR'))).toThrow(CurrencyMismatchError);
    expect(() => sumMoney([money(100, 'SEK')], 'DKK')).toThrow(CurrencyMismatchError);
  });

  it('refuses sums that leave the safe range', () => {
    expect(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'DKK'), money(1, 'DKK'))).toThrow(
      AmountOutOfRangeError,
    );
  });

  it('takes percentages exactly, rounding half away from zero', () => {
    expect(percentToBasisPoints(12.5)).toBe(1250);
    expect(percentToBasisPoints(0.07)).toBe(7);
    expect(percentToBasisPoints(33.333)).toBeNull();
    expect(applyBasisPoints(4_500, 1_000)).toBe(450); // 10 % of 45,00 kr.
    expect(applyBasisPoints(5, 5_000)).toBe(3); // 2,5 øre rounds to 3
    expect(applyBasisPoints(-5, 5_000)).toBe(-3);
    expect(applyBasisPoints(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('properties', () => {
  propertyTest.prop([safeMinor, fc.constantFrom('DKK', 'EUR', 'JPY', 'BHD')], { numRuns: 300 })(
    'decimal text round-trips exactly',
    (amountMinor, currency) => {
      expect(parseAmountToMinor(toDecimalString(amountMinor, currency), currency)).toBe(amountMinor);
    },
  );

  propertyTest.prop([fc.integer({ min: -10_000_000_000, max: 10_000_000_000 })], { numRuns: 300 })(
    'a JSON number the bank sends as kroner parses to the same øre as its string',
    (amountMinor) => {
      const asNumber = Number(toDecimalString(amountMinor, 'DKK'));
      expect(parseAmountToMinor(asNumber, 'DKK')).toBe(amountMinor);
    },
  );

  propertyTest.prop([fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { maxLength: 200 })], {
    numRuns: 100,
  })('summing many parsed amounts never drifts', (amounts) => {
    const parsed = amounts.map((amount) => parseAmountToMinor(toDecimalString(amount, 'DKK'), 'DKK'));
    expect(
      sumMoney(
        parsed.map((amountMinor) => money(amountMinor, 'DKK')),
        'DKK',
      ).amountMinor,
    ).toBe(amounts.reduce((sum, amount) => sum + amount, 0));
  });

  propertyTest.prop([safeMinor], { numRuns: 200 })('Danish formatting shows the exact øre', (amountMinor) => {
    const formatted = formatMinor(amountMinor, 'DKK');
    const digitsOnly = formatted.replace(/[^0-9]/g, '');
    expect(BigInt(digitsOnly)).toBe(BigInt(Math.abs(amountMinor)));
    expect(formatted.endsWith('\u00a0kr.')).toBe(true);
  });
});
