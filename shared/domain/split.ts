import { z } from 'zod';
import { InvalidSplitError } from './errors.ts';
import { assertSafeMinor, percentToBasisPoints } from './money.ts';

export const GoalIdSchema = z.string().min(1);

/** One goal's share of a split rule, in percent with at most two decimals (12.5 = 12,5 %). */
export const SplitShareSchema = z.strictObject({
  goalId: GoalIdSchema,
  percent: z
    .number()
    .positive()
    .max(100)
    .refine((percent) => percentToBasisPoints(percent) !== null, 'at most two decimals'),
});
export type SplitShare = z.infer<typeof SplitShareSchema>;

export const SplitSchema = z
  .array(SplitShareSchema)
  .min(2)
  .max(20)
  .refine(
    (shares) => new Set(shares.map((share) => share.goalId)).size === shares.length,
    'each goal at most once',
  )
  .refine((shares) => totalBasisPoints(shares) === 10_000, 'shares must add up to exactly 100 %');

function totalBasisPoints(shares: readonly SplitShare[]): number {
  return shares.reduce((sum, share) => sum + (percentToBasisPoints(share.percent) ?? Number.NaN), 0);
}

export type GoalAmount = { goalId: string; amountMinor: number };

/**
 * Splits an amount by percentage with the largest-remainder method: every goal gets the floor of its
 * exact share, and the leftover minor units go one each to the largest fractional remainders, ties to
 * the smallest goal id. The result therefore always sums to the whole and does not depend on the
 * order the shares are listed in. Output is sorted by goal id.
 */
export function splitAmount(amountMinor: number, shares: readonly SplitShare[]): GoalAmount[] {
  assertSafeMinor(amountMinor);
  if (shares.length === 0) throw new InvalidSplitError('A split needs at least one share');
  const basisPoints = shares.map((share) => {
    const points = percentToBasisPoints(share.percent);
    if (points === null) throw new InvalidSplitError(`Share ${share.percent} % has more than two decimals`);
    return { goalId: share.goalId, points };
  });
  if (basisPoints.reduce((sum, share) => sum + share.points, 0) !== 10_000) {
    throw new InvalidSplitError('Split shares must add up to exactly 100 %');
  }
  const magnitude = BigInt(Math.abs(amountMinor));
  const parts = basisPoints
    .map(({ goalId, points }) => {
      const exact = magnitude * BigInt(points);
      return { goalId, floor: exact / 10_000n, remainder: exact % 10_000n };
    })
    .sort((a, b) => (a.goalId < b.goalId ? -1 : a.goalId > b.goalId ? 1 : 0));
  let leftover = magnitude - parts.reduce((sum, part) => sum + part.floor, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : a.goalId < b.goalId ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (leftover === 0n) break;
    part.floor += 1n;
    leftover -= 1n;
  }
  const sign = amountMinor < 0 ? -1 : 1;
  return parts.map((part) => ({ goalId: part.goalId, amountMinor: Number(part.floor) * sign || 0 }));
}

/**
 * Shares `totalMinor` (≥ 0) out in proportion to non-negative integer weights with the same
 * largest-remainder method, so the parts sum to the total exactly. Used when a cap lets only part of
 * a split save through. Output keeps the input order.
 */
export function allocateProportionally(totalMinor: number, weights: readonly GoalAmount[]): GoalAmount[] {
  assertSafeMinor(totalMinor);
  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight.amountMinor), 0n);
  if (totalMinor < 0 || weights.some((weight) => weight.amountMinor < 0)) {
    throw new InvalidSplitError('Proportional allocation needs non-negative amounts');
  }
  if (weightSum === 0n) {
    if (totalMinor === 0) return weights.map((weight) => ({ goalId: weight.goalId, amountMinor: 0 }));
    throw new InvalidSplitError('Cannot allocate an amount over zero weights');
  }
  const total = BigInt(totalMinor);
  const parts = weights.map((weight, index) => {
    const exact = total * BigInt(weight.amountMinor);
    return { index, goalId: weight.goalId, floor: exact / weightSum, remainder: exact % weightSum };
  });
  let leftover = total - parts.reduce((sum, part) => sum + part.floor, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : a.goalId < b.goalId ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (leftover === 0n) break;
    part.floor += 1n;
    leftover -= 1n;
  }
  return parts.map((part) => ({ goalId: part.goalId, amountMinor: Number(part.floor) }));
}
