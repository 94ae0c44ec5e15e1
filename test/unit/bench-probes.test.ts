/**
 * The arithmetic of the ledger benchmark's `--book` probes (test/bench/probes.ts): where a posting
 * stops to probe and how the probes' ratios are summarised (docs/performance.md, "Re-run").
 */
import { probePoints, spreadOf, trendOf } from '../bench/probes';

describe('probePoints', () => {
  it('stops at 1 000 offers and at every tenth of a large book', () => {
    expect(probePoints(100_000, 1000)).toEqual([
      1000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000,
    ]);
  });

  it('ends at the book even when it is no multiple of ten', () => {
    const points = probePoints(12_345, 1000);
    expect(points[0]).toBe(1000);
    expect(points.at(-1)).toBe(12_345);
    expect(points).toContain(11_106);
  });

  it('makes the first tenth the early stop when it comes first, and never stops twice', () => {
    expect(probePoints(5000, 1000)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
  });

  it('never stops beyond a book of fewer than ten offers', () => {
    expect(probePoints(4, 1000)).toEqual([1, 2, 3, 4]);
    expect(probePoints(0, 1000)).toEqual([]);
  });
});

describe('trendOf', () => {
  it('finds a flat series flat whatever its noise around the line', () => {
    expect(
      trendOf([
        [0, 0.9],
        [1, 0.8],
        [2, 0.85],
        [3, 0.8],
        [4, 0.9],
      ]),
    ).toEqual({ first: 0.85, last: 0.85, change: 0 });
  });

  it('reads a falling ratio as the fitted line between the first and the last x', () => {
    expect(
      trendOf([
        [1000, 1.0],
        [50_000, 0.95],
        [100_000, 0.9],
      ]),
    ).toEqual({ first: 1, last: 0.9, change: -10 });
  });

  it('depends on where along the book each value falls: the same values in another order slope', () => {
    expect(
      trendOf([
        [0, 0.9],
        [1, 0.8],
        [2, 0.9],
        [3, 0.8],
        [4, 0.85],
      ]),
    ).toEqual({ first: 0.87, last: 0.83, change: -4.6 });
  });

  it('is flat at the mean when every point has the same x, and refuses no points', () => {
    expect(
      trendOf([
        [5, 1],
        [5, 3],
      ]),
    ).toEqual({ first: 2, last: 2, change: 0 });
    expect(() => trendOf([])).toThrow(RangeError);
  });
});

describe('spreadOf', () => {
  it('gives the lowest and highest value against the mean in %', () => {
    expect(spreadOf([0.8, 1.0, 0.9])).toEqual({ below: -11.1, above: 11.1 });
  });

  it('has nothing to say without values or with a mean of 0', () => {
    expect(spreadOf([])).toBeUndefined();
    expect(spreadOf([0, 0])).toBeUndefined();
  });
});
