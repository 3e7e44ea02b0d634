import { describe, expect, test } from 'vitest';
import {
  minorToInput,
  numberToInput,
  parseAmount,
  parseDecimal,
  parseWhole,
} from '../../../web/src/amountInput.ts';

const da = (input: string) => parseAmount(input, 'DKK', 'da-DK');

describe('amounts as savers type them', () => {
  test.each([
    ['8000', 800_000],
    ['8.000', 800_000],
    ['8.000,50', 800_050],
    ['8,000.50', 800_050],
    ['1.500', 150_000],
    ['1500,50', 150_050],
    ['1.000.000', 100_000_000],
    ['20.5', 2050],
    ['20,05', 2005],
    ['0,5', 50],
    [',5', 50],
    ['0', 0],
    [' 1 000 kr. ', 100_000],
    ['1 500 kr.', 150_000],
    ['1\u00a0500,00\u00a0kr.', 150_000],
    ['kr. 250', 25_000],
    ['100,-', 10_000],
    ['100,- kr.', 10_000],
    ['49 DKK', 4_900],
  ])('da-DK: %s is %i øre', (input, minor) => {
    expect(da(input)).toEqual({ ok: true, minor });
  });

  test('a lone dot with one or two digits after it is a decimal point', () => {
    expect(da('10.5')).toEqual({ ok: true, minor: 1_050 });
    expect(da('12.34')).toEqual({ ok: true, minor: 1_234 });
  });

  test.each(['abc', '1.00.0', '12,3,4', '1,5.0', '1234.567', '12.3456', '1,000.000.50'])(
    '%s is refused as not an amount',
    (input) => {
      expect(da(input)).toEqual({ ok: false, problem: 'invalid' });
    },
  );

  test('what cannot be an amount says why', () => {
    expect(da('')).toEqual({ ok: false, problem: 'empty' });
    expect(da('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(da(' kr.')).toEqual({ ok: false, problem: 'empty' });
    expect(da('-5')).toEqual({ ok: false, problem: 'negative' });
    expect(da('10,555')).toEqual({ ok: false, problem: 'too-many-decimals' });
    // A comma before three digits is a decimal mark in da-DK: refused, never guessed to be a thousand.
    expect(da('20,505')).toEqual({ ok: false, problem: 'too-many-decimals' });
    expect(da('1,000')).toEqual({ ok: false, problem: 'too-many-decimals' });
    expect(da('99999999999999999')).toEqual({ ok: false, problem: 'too-large' });
  });

  test('currencies without minor units take no decimals', () => {
    expect(parseAmount('500', 'JPY', 'da-DK')).toEqual({ ok: true, minor: 500 });
    expect(parseAmount('1.000', 'JPY', 'da-DK')).toEqual({ ok: true, minor: 1_000 });
    expect(parseAmount('500,5', 'JPY', 'da-DK')).toEqual({ ok: false, problem: 'too-many-decimals' });
  });

  test('en-GB swaps the separators; da-DK is the default locale', () => {
    expect(parseAmount('1,000', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 100_000 });
    expect(parseAmount('1,000', 'DKK', 'en-GB')).toEqual({ ok: true, minor: 100_000 });
    expect(parseAmount('1,000.5', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 100_050 });
    expect(parseAmount('10,5', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 1_050 });
    expect(parseAmount('€12.50', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 1_250 });
    expect(parseAmount('1.500', 'DKK')).toEqual({ ok: true, minor: 150_000 });
  });
});

describe('amounts back as text to edit', () => {
  test('in the saver’s locale, without thousands marks', () => {
    expect(minorToInput(800_000, 'DKK', 'da-DK')).toBe('8000');
    expect(minorToInput(800_050, 'DKK', 'da-DK')).toBe('8000,50');
    expect(minorToInput(150_050, 'DKK', 'da-DK')).toBe('1500,50');
    expect(minorToInput(100_000, 'DKK', 'da-DK')).toBe('1000');
    expect(minorToInput(5, 'DKK', 'da-DK')).toBe('0,05');
    expect(minorToInput(5, 'DKK', 'en-GB')).toBe('0.05');
    expect(minorToInput(150_050, 'EUR', 'en-GB')).toBe('1500.50');
    expect(minorToInput(500, 'JPY', 'da-DK')).toBe('500');
  });

  test('which reads back the same', () => {
    for (const minor of [0, 5, 99, 100, 150_050, 100_000_000]) {
      expect(da(minorToInput(minor, 'DKK', 'da-DK'))).toEqual({ ok: true, minor });
      expect(parseAmount(minorToInput(minor, 'EUR', 'en-GB'), 'EUR', 'en-GB')).toEqual({ ok: true, minor });
    }
  });
});

describe('plain numbers', () => {
  test('percentages, multipliers and whole numbers', () => {
    expect(numberToInput(12.5, 'da-DK')).toBe('12,5');
    expect(numberToInput(12.5, 'en-GB')).toBe('12.5');
    expect(parseDecimal('12,5')).toBe(12.5);
    expect(parseDecimal('12.5')).toBe(12.5);
    expect(parseDecimal('12,555')).toBeNull();
    expect(parseWhole('10', 1, 10)).toBe(10);
    expect(parseWhole('11', 1, 10)).toBeNull();
    expect(parseWhole('2.5', 1, 10)).toBeNull();
  });
});
