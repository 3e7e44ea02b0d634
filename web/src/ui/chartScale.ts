/** Layout for BarChart, kept apart from React so it can be unit tested. */

/** A round top for the value axis at or above `max`: 1, 2, 2.5 or 5 × a power of ten (0 stays 0). */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

export interface BarRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Bars for `values` in a `width` × `height` box: equal slots with `gapRatio` of each slot left empty,
 * heights in proportion to `top`. A positive value never draws thinner than `minHeight`, so a small
 * save still shows; zero and negative values draw nothing.
 */
export function barLayout(
  values: readonly number[],
  options: { width: number; height: number; top: number; gapRatio?: number; minHeight?: number },
): BarRect[] {
  const { width, height, top, gapRatio = 0.25, minHeight = 1 } = options;
  if (values.length === 0) return [];
  const slot = width / values.length;
  const barWidth = slot * (1 - gapRatio);
  return values.map((value, index) => {
    const scaled = top > 0 && value > 0 ? Math.max(minHeight, (value / top) * height) : 0;
    const barHeight = Math.min(height, scaled);
    return {
      x: index * slot + (slot - barWidth) / 2,
      y: height - barHeight,
      width: barWidth,
      height: barHeight,
    };
  });
}

/** Which bars get a label below the chart: at most `maxLabels`, evenly spread, always the last. */
export function labelledIndexes(count: number, maxLabels: number): number[] {
  if (count <= 0) return [];
  if (count <= maxLabels) return Array.from({ length: count }, (_, index) => index);
  const step = Math.ceil((count - 1) / (maxLabels - 1));
  const indexes: number[] = [];
  for (let index = count - 1; index >= 0; index -= step) indexes.unshift(index);
  return indexes;
}
