import { describe, expect, test } from 'vitest';
import { formatMinor } from '#domain/money';
import { formatAmount, formatLocalDate, localDateIn, minorToDecimal } from '../../../web/src/format.ts';

describe('web money formatting (zod-free)', () => {
  test('formats da-DK amounts as savers expect', () => {
    expect(formatAmount(250_000, 'DKK').replace(/\u00a0/g, ' ')).toBe('2.500,00 kr.');
    expect(formatAmount(250, 'DKK').replace(/\u00a0/g, ' ')).toBe('2,50 kr.');
  });

  test('agrees with the domain’s formatMinor', () => {
    const cases: [number, string, string][] = [
      [0, 'DKK', 'da-DK'],
      [1, 'DKK', 'da-DK'],
      [-4750, 'DKK', 'da-DK'],
      [123_456_789, 'DKK', 'da-DK'],
      [Number.MAX_SAFE_INTEGER, 'DKK', 'da-DK'],
      [1050, 'EUR', 'en-GB'],
      [1234, 'JPY', 'ja-JP'],
      [12_345, 'BHD', 'en-GB'],
    ];
    for (const [minor, currency, locale] of cases) {
      expect(formatAmount(minor, currency, locale), `${minor} ${currency}`).toBe(
        formatMinor(minor, currency, locale),
      );
    }
  });

  test('minor units to decimal text without floats', () => {
    expect(minorToDecimal(-4750, 2)).toBe('-47.50');
    expect(minorToDecimal(5, 2)).toBe('0.05');
    expect(minorToDecimal(1234, 0)).toBe('1234');
    expect(minorToDecimal(12_345, 3)).toBe('12.345');
  });

  test('local dates: where the saver lives, and printed without a time-zone shift', () => {
    expect(localDateIn('Europe/Copenhagen', new Date('2026-03-13T23:30:00Z'))).toBe('2026-03-14');
    expect(localDateIn('America/New_York', new Date('2026-03-13T23:30:00Z'))).toBe('2026-03-13');
    expect(formatLocalDate('2026-03-14', 'en-GB')).toMatch(/^Saturday,? 14 March 2026$/);
    // Midnight UTC dates are where a time-zone shift would show; there is none.
    expect(formatLocalDate('2026-01-01', 'en-GB')).toMatch(/^Thursday,? 1 January 2026$/);
  });
});
