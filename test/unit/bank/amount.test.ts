import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountFormatError, formatMinorAsDecimal, parseAmountToMinor } from '#bank/amount';

describe('parseAmountToMinor', () => {
  it.each([
    ['-6.13', 'EUR', -613],
    ['1234.56', 'DKK', 123_456],
    ['1200.00', 'DKK', 120_000],
    ['0.1', 'SEK', 10],
    ['12.500', 'NOK', 1250],
    ['-0.00', 'DKK', 0],
    ['42', 'DKK', 4200],
    ['100', 'ISK', 100],
    [' 7.05 ', 'DKK', 705],
  ] as const)('parses the text %s %s exactly', (text, currency, expected) => {
    const parsed = parseAmountToMinor(text, currency);
    expect(parsed).toBe(expected);
    expect(Object.is(parsed, -0)).toBe(false);
  });

  it.each([
    [-47.5, -4750],
    [1.45, 145],
    [0.29, 29],
    [1.005e2, 10_050],
    [-0.01, -1],
    [70, 7000],
  ])('parses the JSON number %s through its shortest string form', (value, expected) => {
    expect(parseAmountToMinor(value, 'DKK')).toBe(expected);
  });

  it.each([
    '1e400',
    '1e3',
    'NaN',
    'Infinity',
    '',
    '-',
    '1.2.3',
    '+5',
    '0x10',
    '1,50',
    '12.345',
    '99999999999999999999999',
    '9007199254740992.00',
    '1'.repeat(100),
  ])('refuses the text %j', (text) => {
    expect(() => parseAmountToMinor(text, 'DKK')).toThrow(AmountFormatError);
  });

  it.each([
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number('1e400'),
    1e21,
    1e-7,
    Number('12345678901234567890'),
    0.1 + 0.2,
    0.005,
  ])('refuses the number %s', (value) => {
    expect(() => parseAmountToMinor(value, 'DKK')).toThrow(AmountFormatError);
  });

  it('refuses unknown or malformed currencies', () => {
    expect(() => parseAmountToMinor('1.00', 'dkk')).toThrow(AmountFormatError);
    expect(() => parseAmountToMinor('1.00', 'XYZ1')).toThrow(AmountFormatError);
  });

  it('formatting minor units as decimal text and parsing it back is the identity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('DKK', 'SEK', 'NOK', 'EUR', 'ISK'),
        (minor, currency) => {
          const text = formatMinorAsDecimal(minor, currency);
          expect(parseAmountToMinor(text, currency)).toBe(minor === 0 ? 0 : minor);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a JSON number of any two-decimal amount up to 15 digits parses to the same minor units as its text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }), (minor) => {
        const text = formatMinorAsDecimal(minor, 'DKK');
        expect(parseAmountToMinor(JSON.parse(text) as number, 'DKK')).toBe(minor === 0 ? 0 : minor);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatMinorAsDecimal', () => {
  it.each([
    [145, 'DKK', '1.45'],
    [-5, 'DKK', '-0.05'],
    [0, 'EUR', '0.00'],
    [100_000, 'SEK', '1000.00'],
    [7, 'ISK', '7'],
  ] as const)('formats %s %s as %s', (minor, currency, expected) => {
    expect(formatMinorAsDecimal(minor, currency)).toBe(expected);
  });

  it('refuses non-integers', () => {
    expect(() => formatMinorAsDecimal(1.5, 'DKK')).toThrow(AmountFormatError);
  });
});
