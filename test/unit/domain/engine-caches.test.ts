import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, vi } from 'vitest';
import { addDays, eachDate, fromEpochDay } from '#domain/calendar';
import type { EvaluationResult } from '#domain/evaluate';
import { savingsEntryId, savingsEntryIdsOf } from '#domain/ids';
import { formatMinor, toDecimalString } from '#domain/money';
import type { Rule } from '#domain/rules';
import type { Transaction } from '#domain/transaction';
import { matchesPurchase, type PurchaseMatch } from '#domain/transaction';
import { goal, rule, SAVER, settings } from './fixtures.ts';

/**
 * The rules engine remembers work between calls (calendar keys, formatted amounts, lower-cased texts)
 * and prepares rules once per call (entry-id prefixes, compiled matchers, a merge instead of a sort).
 * These properties pin those shortcuts to the plain computations they replace.
 */

const safeMinor = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const smallMinor = fc.integer({ min: -2_000_000, max: 2_000_000 });

describe('formatted amounts', () => {
  const locales = ['da-DK', 'en-GB', 'de-DE', 'de-CH', 'en-IN', 'pl-PL', 'es-ES', 'fr-FR', 'sv-SE', 'ar-EG'];
  const currencies = ['DKK', 'EUR', 'USD', 'JPY', 'BHD', 'SEK'];

  propertyTest.prop(
    [fc.constantFrom(...locales), fc.constantFrom(...currencies), fc.array(fc.oneof(safeMinor, smallMinor))],
    { numRuns: 150 },
  )(
    'read the same as Intl, first time and remembered, whatever else shares the memo',
    (locale, currency, amounts) => {
      const intl = new Intl.NumberFormat(locale, { style: 'currency', currency });
      const expected = (minor: number) => intl.format(toDecimalString(minor, currency) as `${number}`);
      for (const minor of amounts) {
        // Amounts a power of two apart (from 2^12 up) share a memo slot; each must get its own text.
        for (const amount of [minor, minor + 4096, minor + 16_384, minor + 65_536, minor]) {
          if (!Number.isSafeInteger(amount)) continue;
          expect(formatMinor(amount, currency, locale)).toBe(expected(amount));
        }
      }
    },
  );
});

describe('calendar memo', () => {
  // Daylight saving changes in Copenhagen (2026-03-29, 2026-10-25) must not move civil dates.
  const aroundDst = fc.integer({ min: 20_500, max: 20_800 });

  propertyTest.prop([fc.array(fc.oneof(aroundDst, fc.integer({ min: -50_000, max: 200_000 })))], {
    numRuns: 100,
  })('fromEpochDay gives what Date gives, cold or remembered', (days) => {
    for (const day of [...days, ...days]) {
      expect(fromEpochDay(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
    }
  });

  propertyTest.prop([aroundDst, fc.integer({ min: -40, max: 40 })], { numRuns: 100 })(
    'adding days and listing dates across DST steps one civil day at a time',
    (day, offset) => {
      const from = fromEpochDay(day);
      const to = addDays(from, offset);
      expect(to).toBe(new Date((day + offset) * 86_400_000).toISOString().slice(0, 10));
      const dates = eachDate(from, to);
      expect(dates).toHaveLength(Math.max(0, offset + 1));
      dates.forEach((date, index) => {
        expect(date).toBe(addDays(from, index));
      });
    },
  );
});

describe('entry ids', () => {
  const part = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('a"b', 'c\\d', '\u0000', '\ud800'),
  );

  propertyTest.prop([part, part, fc.array(fc.tuple(fc.constantFrom('transaction', 'period'), part, part))], {
    numRuns: 200,
  })('the per-rule id maker gives exactly savingsEntryId', (saverId, ruleId, triggers) => {
    const idOf = savingsEntryIdsOf(saverId, ruleId);
    for (const [kind, ref, goalId] of triggers) {
      expect(idOf(kind, ref, goalId)).toBe(savingsEntryId(saverId, ruleId, kind, ref, goalId));
    }
  });
});

describe('purchase matching', () => {
  /** The matcher as first written: lower-cases everything on every call. */
  function referenceMatch(transaction: Transaction, match: PurchaseMatch): boolean {
    const counterparty = transaction.counterpartyName?.toLocaleLowerCase('da-DK') ?? '';
    if (match.merchantText !== undefined) {
      const needle = match.merchantText.toLocaleLowerCase('da-DK');
      const text = transaction.text?.toLocaleLowerCase('da-DK') ?? '';
      if (!text.includes(needle) && !counterparty.includes(needle)) return false;
    }
    if (match.counterparty !== undefined && counterparty !== match.counterparty.toLocaleLowerCase('da-DK')) {
      return false;
    }
    return (
      match.category === undefined ||
      transaction.merchantCategory?.toLocaleLowerCase('da-DK') === match.category.toLocaleLowerCase('da-DK')
    );
  }

  const word = fc.constantFrom(
    'Netto',
    'NETTO',
    'netto',
    'Føtex',
    'FØTEX',
    'İstanbul',
    'ΟΔΟΣ',
    'οδος',
    'Café',
    'cafe',
  );
  const text = fc.oneof(word, fc.string({ maxLength: 6 }));

  propertyTest.prop(
    [
      fc.record({ counterpartyName: text, text, merchantCategory: text }, { requiredKeys: [] }),
      fc.record({ merchantText: text, counterparty: text, category: text }, { requiredKeys: [] }),
    ],
    { numRuns: 300 },
  )('compiled and remembered lower-casing matches like the original', (fields, match) => {
    const transaction: Transaction = {
      id: 't1',
      accountId: 'acc',
      bookingDate: '2026-03-10',
      amountMinor: -100,
      currency: 'DKK',
      status: 'booked',
      kind: 'card',
      ...fields,
    };
    expect(matchesPurchase(transaction, match)).toBe(referenceMatch(transaction, match));
    expect(matchesPurchase(transaction, match)).toBe(referenceMatch(transaction, match));
  });
});

describe('the engine with cold and warm caches', () => {
  const rules: Rule[] = [
    rule({
      id: 'r-round',
      type: 'round-up',
      roundToMinor: 1000,
      multiplier: 3,
      caps: { perDayMinor: 4_000 },
    }),
    rule({
      id: 'r-coffee',
      type: 'guilty-pleasure',
      match: { merchantText: 'STARBUCKS' },
      amount: { kind: 'percent', percent: 12.5 },
      goalId: undefined,
      split: [
        { goalId: 'rome', percent: 40 },
        { goalId: 'bike', percent: 60 },
      ],
    }),
    rule({
      id: 'r-week',
      type: 'set-and-forget',
      schedule: { every: 'week', weekday: 7 },
      amountMinor: 5_000,
    }),
    rule({
      id: 'r-less',
      type: 'spend-less',
      match: { category: 'CAFE' },
      period: 'week',
      budgetMinor: 20_000,
    }),
    rule({ id: 'r-none', type: 'no-spend-day', amountMinor: 1_000 }),
  ];
  const goals = [goal({ targetMinor: 200_000 }), goal({ id: 'bike', name: 'Bike', targetMinor: 150_000 })];

  const transactions = fc
    .array(
      fc.record({
        hour: fc.integer({ min: 0, max: 24 * 30 }),
        amount: fc.integer({ min: 1, max: 90_000 }),
        name: fc.constantFrom('Netto', 'Starbucks Strøget', 'Café Ø'),
        category: fc.constantFrom('cafe', 'groceries'),
      }),
      { maxLength: 40 },
    )
    .map((items) =>
      items.map(
        (item, index): Transaction => ({
          id: `t${index}`,
          accountId: 'acc',
          // Spans both 2026 DST changes in Copenhagen when the offset lands there.
          bookingDate: fromEpochDay(20_525 + Math.floor(item.hour / 24)),
          amountMinor: -item.amount,
          currency: 'DKK',
          status: 'booked',
          kind: 'card',
          counterpartyName: item.name,
          merchantCategory: item.category,
        }),
      ),
    );

  propertyTest.prop([transactions, fc.constantFrom('2026-04-05T21:30:00Z', '2026-11-01T22:30:00Z')], {
    numRuns: 25,
  })('give the same entries, in canonical order', async (items, now) => {
    const input = {
      saverId: SAVER,
      settings: settings({ monthlyBudgetMinor: 90_000 }),
      rules,
      goals,
      transactions: items.map((item) => ({
        ...item,
        bookingDate: now.startsWith('2026-11') ? addDays(item.bookingDate, 210) : item.bookingDate,
      })),
      calendarFrom: now.startsWith('2026-11') ? '2026-10-19' : '2026-03-16',
      now: new Date(now),
    };
    vi.resetModules();
    const cold = (await import('#domain/evaluate')).evaluate(input);
    const warm = (await import('#domain/evaluate')).evaluate(input);
    expect(warm).toEqual(cold);
    expect(JSON.stringify(warm)).toBe(JSON.stringify(cold));
    expectCanonicalOrder(warm);
  });
});

function expectCanonicalOrder(result: EvaluationResult): void {
  const keys = result.entries.map((entry) => [
    entry.trigger.date,
    entry.ruleId,
    entry.trigger.kind,
    entry.trigger.ref,
  ]);
  const sorted = [...keys].sort((a, b) => {
    for (let index = 0; index < a.length; index++) {
      const left = a[index] as string;
      const right = b[index] as string;
      if (left !== right) return left < right ? -1 : 1;
    }
    return 0;
  });
  expect(keys).toEqual(sorted);
}
