/**
 * The arithmetic of `bench:ledger --book`'s probes (test/bench/ledger.bench.ts): where the posting
 * stops to probe, and what the probes' PostOffer/CreateAsset ratios say about the book's growth.
 * Pure functions, so test/unit/bench-probes.test.ts checks them without a network.
 */

/** The least-squares line through a series' points, at its first and last x. */
export interface Trend {
  first: number;
  last: number;
  /** From `first` to `last`, in % (one decimal). */
  change: number;
}

/**
 * The book sizes at which the posting of `offers` offers stops to probe: `early` offers (or the
 * first tenth if that is smaller) and every tenth, the last at `offers`; ascending, none twice,
 * none beyond `offers`.
 */
export function probePoints(offers: number, early: number): number[] {
  if (!(Number.isSafeInteger(offers) && offers > 0)) return [];
  const tenth = Math.max(1, Math.floor(offers / 10));
  const tenths = Array.from({ length: 10 }, (_, n) => (n === 9 ? offers : Math.min(offers, (n + 1) * tenth)));
  return [...new Set([Math.min(early, tenth), ...tenths])].sort((a, b) => a - b);
}

/**
 * The least-squares line through `points` (x, y), evaluated at the first and the last point's x
 * (rounded to 3 decimals), and its change between them. A series with one x is flat at its mean.
 * @throws {RangeError} no points.
 */
export function trendOf(points: readonly (readonly [number, number])[]): Trend {
  const n = points.length;
  if (n === 0) throw new RangeError('a trend needs at least one point');
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  const at = (x: number): number => meanY + slope * (x - meanX);
  const first = at(points[0]![0]);
  const last = at(points[n - 1]![0]);
  return {
    first: Math.round(first * 1000) / 1000,
    last: Math.round(last * 1000) / 1000,
    change: Math.round((last / first - 1) * 1000) / 10,
  };
}

/**
 * The lowest and the highest of `values` relative to their mean, in % (one decimal): the ±10 %
 * band of issue 12's posting target. Undefined without values or with a mean of 0.
 */
export function spreadOf(values: readonly number[]): { below: number; above: number } | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (mean === 0) return undefined;
  const relative = (value: number): number => Math.round((value / mean - 1) * 1000) / 10;
  return { below: relative(Math.min(...values)), above: relative(Math.max(...values)) };
}
