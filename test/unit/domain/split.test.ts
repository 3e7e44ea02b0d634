import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InvalidSplitError } from '#domain/errors';
import { allocateProportionally, SplitSchema, splitAmount } from '#domain/split';

describe('splitting a save across goals', () => {
  it('gives 10,00 kr. split 33,33 / 33,33 / 33,34 % as 3,33 + 3,34 + 3,33 kr.', () => {
    const shares = [
      { goalId: 'c-bike', percent: 33.33 },
      { goalId: 'a-rome', percent: 33.33 },
      { goalId: 'b-buffer', percent: 33.34 },
    ];
    expect(splitAmount(1000, shares)).toEqual([
      { goalId: 'a-rome', amountMinor: 333 },
      { goalId: 'b-buffer', amountMinor: 334 },
      { goalId: 'c-bike', amountMinor: 333 },
    ]);
    // 1000 × 33,33 % = 333,3 · 1000 × 33,34 % = 333,4: the single leftover øre goes to the largest remainder.
  });

  it('splits 2,50 kr. 60/40 into 1,50 kr. and 1,00 kr.', () => {
    expect(
      splitAmount(250, [
        { goalId: 'rome', percent: 60 },
        { goalId: 'bike', percent: 40 },
      ]),
    ).toEqual([
      { goalId: 'bike', amountMinor: 100 },
      { goalId: 'rome', amountMinor: 150 },
    ]);
  });

  it('breaks equal remainders by goal id, whatever order the shares are listed in', () => {
    const forward = splitAmount(1, [
      { goalId: 'x', percent: 50 },
      { goalId: 'y', percent: 50 },
    ]);
    const backward = splitAmount(1, [
      { goalId: 'y', percent: 50 },
      { goalId: 'x', percent: 50 },
    ]);
    expect(forward).toEqual([
      { goalId: 'x', amountMinor: 1 },
      { goalId: 'y', amountMinor: 0 },
    ]);
    expect(backward).toEqual(forward);
  });

  it('validates split definitions', () => {
    expect(
      SplitSchema.safeParse([
        { goalId: 'a', percent: 50 },
        { goalId: 'b', percent: 50 },
      ]).success,
    ).toBe(true);
    expect(
      SplitSchema.safeParse([
        { goalId: 'a', percent: 50 },
        { goalId: 'b', percent: 49.99 },
      ]).success,
    ).toBe(false);
    expect(
      SplitSchema.safeParse([
        { goalId: 'a', percent: 50 },
        { goalId: 'a', percent: 50 },
      ]).success,
    ).toBe(false);
    expect(SplitSchema.safeParse([{ goalId: 'a', percent: 100 }]).success).toBe(false);
    expect(
      SplitSchema.safeParse([
        { goalId: 'a', percent: 50 },
        { goalId: 'b', percent: 50, extra: true },
      ]).success,
    ).toBe(false);
    expect(() => splitAmount(100, [{ goalId: 'a', percent: 99 }])).toThrow(InvalidSplitError);
  });
});

const sharesArbitrary = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 6 })
  .chain((goalIds) =>
    fc
      .array(fc.integer({ min: 1, max: 10_000 }), { minLength: goalIds.length, maxLength: goalIds.length })
      .map((weights) => {
        // Turn arbitrary weights into basis points that sum to exactly 10 000, each at least 1.
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        const points = weights.map((weight) => Math.max(1, Math.floor((weight * 9_000) / total)));
        const used = points.reduce((sum, point) => sum + point, 0);
        points[0] = (points[0] ?? 0) + 10_000 - used;
        return goalIds.map((goalId, index) => ({ goalId, percent: (points[index] ?? 0) / 100 }));
      }),
  );

describe('split properties', () => {
  propertyTest.prop([fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), sharesArbitrary], {
    numRuns: 300,
  })(
    'shares always sum to the whole and each is within one øre of its exact share',
    (amountMinor, shares) => {
      const parts = splitAmount(amountMinor, shares);
      expect(parts.reduce((sum, part) => sum + part.amountMinor, 0)).toBe(amountMinor);
      for (const share of shares) {
        const part = parts.find((candidate) => candidate.goalId === share.goalId);
        const exact = (amountMinor * Math.round(share.percent * 100)) / 10_000;
        expect(Math.abs((part?.amountMinor ?? Number.NaN) - exact)).toBeLessThan(1);
      }
    },
  );

  propertyTest.prop([fc.integer({ min: 0, max: 1_000_000 }), sharesArbitrary], { numRuns: 200 })(
    'the result does not depend on the order of the shares',
    (amountMinor, shares) => {
      expect(splitAmount(amountMinor, [...shares].reverse())).toEqual(splitAmount(amountMinor, shares));
    },
  );

  propertyTest.prop(
    [
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 6 }),
    ],
    { numRuns: 200 },
  )('proportional allocation sums to the total and never gives more than a weight asks', (total, weights) => {
    const goals = weights.map((amountMinor, index) => ({ goalId: `g${index}`, amountMinor }));
    const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
    fc.pre(weightSum > 0);
    const capped = Math.min(total, weightSum);
    const parts = allocateProportionally(capped, goals);
    expect(parts.reduce((sum, part) => sum + part.amountMinor, 0)).toBe(capped);
    parts.forEach((part, index) => {
      expect(part.amountMinor).toBeLessThanOrEqual(weights[index] ?? 0);
    });
  });
});
