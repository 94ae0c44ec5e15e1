/**
 * The one rounding rule (chaincode/src/lib/money.ts): exact floors, safe-integer checks, and the
 * property that makes escrow sound — payments taken from an escrow never exceed it.
 */
import fc from 'fast-check';
import { InvalidInputError } from '../../chaincode/src/lib/errors';
import { add, collateral, fraction, value } from '../../chaincode/src/lib/money';

const RUNS = 1000;

describe('value(q, p) = floor(q × p / 1000)', () => {
  test.each([
    [1000, 25, 25],
    [999, 25, 24],
    [1, 999, 0],
    [1500, 3, 4],
    [0, 100, 0],
    [123_456_789, 0, 0],
  ])('%i Wh at %i per kWh = %i', (q, p, expected) => {
    expect(value(q, p)).toBe(expected);
  });

  test('is exact beyond 2^53 intermediate products', () => {
    // 9e12 Wh × 1e6 per kWh = 9e18 (not exact as a double product) / 1000 = 9e15.
    expect(value(9_000_000_000_000, 1_000_000)).toBe(9_000_000_000_000_000);
    expect(value(9_007_199_254_740_991, 1)).toBe(9_007_199_254_740);
  });

  test('rejects unsafe results and non-integer or negative arguments', () => {
    expect(() => value(9_007_199_254_740_991, 2000)).toThrow(InvalidInputError);
    expect(() => value(1.5, 2)).toThrow('ESTP_INVALID_INPUT: quantityWh must be a non-negative safe integer');
    expect(() => value(1, -2)).toThrow('ESTP_INVALID_INPUT: price must be a non-negative safe integer');
  });

  test('property: payments out of an escrow never exceed it (superadditive floor)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(
          fc.record({
            q: fc.integer({ min: 0, max: 1_000_000 }),
            cut: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          {
            maxLength: 20,
          },
        ),
        (limit, fills) => {
          const total = fills.reduce((sum, f) => sum + f.q, 0);
          const escrow = value(total, limit);
          const paid = fills.reduce((sum, f) => sum + value(f.q, Math.min(limit, f.cut)), 0);
          expect(paid).toBeLessThanOrEqual(escrow);
          // And what is left covers the rest of the quantity at the limit, at every step.
          let left = escrow;
          let remaining = total;
          for (const f of fills) {
            left -= value(f.q, limit);
            remaining -= f.q;
            expect(left).toBeGreaterThanOrEqual(value(remaining, limit));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('collateral and fractions', () => {
  test('collateral is bps of the value, floored once', () => {
    expect(collateral(1000, 100, 1000)).toBe(10);
    expect(collateral(1999, 100, 1000)).toBe(19); // 19.99 → 19
    expect(collateral(1000, 0, 1000)).toBe(0);
    expect(collateral(1000, 100, 0)).toBe(0);
  });

  test('property: collateral allocated to fills never exceeds the collateral locked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 20 }),
        (price, bps, fills) => {
          const locked = collateral(
            fills.reduce((sum, q) => sum + q, 0),
            price,
            bps,
          );
          const allocated = fills.reduce((sum, q) => sum + collateral(q, price, bps), 0);
          expect(allocated).toBeLessThanOrEqual(locked);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('fraction floors and checks its arguments', () => {
    expect(fraction(1999, 100)).toBe(19);
    expect(fraction(0, 10_000)).toBe(0);
    expect(() => fraction(-1, 10)).toThrow(InvalidInputError);
    expect(() => collateral(1, 1, -1)).toThrow('collateralBps');
  });

  test('add checks for overflow', () => {
    expect(add(1, 2)).toBe(3);
    expect(() => add(Number.MAX_SAFE_INTEGER, 1, 'available')).toThrow(
      'ESTP_INVALID_INPUT: available exceeds the largest safe integer',
    );
  });
});
