import { describe, expect, test } from 'vitest';
import { amountInputValue, parseAmountInput } from '../../../web/src/moneyInput.ts';

const da = (input: string) => parseAmountInput(input, 'DKK', 'da-DK');

describe('amounts as savers type them', () => {
  test('da-DK: comma decimals, dot thousands, kroner signs and spaces ignored', () => {
    expect(da('1.500')).toEqual({ ok: true, minor: 150_000 });
    expect(da('1500,50')).toEqual({ ok: true, minor: 150_050 });
    expect(da('1 500 kr.')).toEqual({ ok: true, minor: 150_000 });
    expect(da('1\u00a0500,00\u00a0kr.')).toEqual({ ok: true, minor: 150_000 });
    expect(da('100,-')).toEqual({ ok: true, minor: 10_000 });
    expect(da('1.000.000')).toEqual({ ok: true, minor: 100_000_000 });
    expect(da('0')).toEqual({ ok: true, minor: 0 });
    expect(da(',5')).toEqual({ ok: true, minor: 50 });
  });

  test('a lone dot with one or two digits after it is a decimal point', () => {
    expect(da('10.5')).toEqual({ ok: true, minor: 1_050 });
    expect(da('12.34')).toEqual({ ok: true, minor: 1_234 });
  });

  test('what cannot be an amount says why', () => {
    expect(da('')).toEqual({ ok: false, problem: 'empty' });
    expect(da(' kr.')).toEqual({ ok: false, problem: 'empty' });
    expect(da('-5')).toEqual({ ok: false, problem: 'negative' });
    expect(da('abc')).toEqual({ ok: false, problem: 'invalid' });
    expect(da('1,5.0')).toEqual({ ok: false, problem: 'invalid' });
    expect(da('1234.567')).toEqual({ ok: false, problem: 'invalid' });
    expect(da('10,555')).toEqual({ ok: false, problem: 'too-many-decimals' });
    expect(da('99999999999999999')).toEqual({ ok: false, problem: 'too-large' });
  });

  test('en-GB swaps the separators', () => {
    expect(parseAmountInput('1,000', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 100_000 });
    expect(parseAmountInput('1,000.5', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 100_050 });
    expect(parseAmountInput('10,5', 'EUR', 'en-GB')).toEqual({ ok: true, minor: 1_050 });
  });

  test('amounts back as text to edit, which reads back the same', () => {
    expect(amountInputValue(150_050, 'DKK', 'da-DK')).toBe('1500,50');
    expect(amountInputValue(100_000, 'DKK', 'da-DK')).toBe('1000');
    expect(amountInputValue(5, 'DKK', 'da-DK')).toBe('0,05');
    expect(amountInputValue(150_050, 'EUR', 'en-GB')).toBe('1500.50');
    for (const minor of [0, 5, 99, 100, 150_050, 100_000_000]) {
      expect(da(amountInputValue(minor, 'DKK', 'da-DK'))).toEqual({ ok: true, minor });
    }
  });
});
