/**
 * Units and the one rounding rule of ESTP.
 *
 * - Energy (ELECTRICITY, HEAT) is measured in **Wh**; savings certificates (SAVINGS_CERT) in
 *   **Wh saved**, so one formula prices every commodity.
 * - Money is in **integer minor currency units** (e.g. euro cents): settlement credits.
 * - Prices are **minor units per kWh** (per kWh saved for certificates).
 *
 * **The rounding rule.** The money value of `q` Wh at price `p` is
 *
 *     value(q, p) = floor(q × p / 1000)
 *
 * computed exactly with BigInt and checked to be a safe integer; every other amount (collateral,
 * tolerance, penalty cap) is a floor of an exact product too. Nothing is ever rounded up, so
 *
 * 1. an escrow is computed as `value(Q, limit)` and each payment out of it as `value(qᵢ, pᵢ)` with
 *    Σqᵢ ≤ Q and pᵢ ≤ limit; because floor(a) + floor(b) ≤ floor(a + b), Σ value(qᵢ, pᵢ) ≤ escrow,
 *    so an escrow always covers what is taken out of it;
 * 2. what is left of an escrow after its payments is released (refunded) to its owner, to the unit.
 *
 * Money therefore only moves between accounts (available ↔ escrowed ↔ another account): no
 * rounding step creates or destroys a unit. Only Deposit (mint) and Withdraw (burn) change the
 * total, and Audit:Totals checks minted − burned = Σ available + Σ escrowed.
 *
 * **Nothing changes hands for nothing.** A market declares a quantity step and a price floor such
 * that the smallest fill (one step at the floor) is worth at least 1 minor unit and, for energy,
 * locks at least 1 unit of collateral ({@link minimumPrice}); quantities are multiples of the step
 * and prices at least the floor, so every fill, trade, escrow and collateral is ≥ 1.
 *
 * **Caps** (docs/trust.md, "Money rules and caps"): a Deposit or Withdraw moves at most
 * {@link MAX_OPERATION_AMOUNT}; an account's lifetime minted, burned, issued and retired totals are
 * each at most {@link MAX_ACCOUNT_TOTAL}; an offer is at most {@link MAX_QUANTITY_WH} at
 * {@link MAX_PRICE}. Ledger-wide sums are formed with BigInt (settlement/totals.ts).
 */
import { InvalidInputError } from './errors';

/** Wh per kWh: prices are per kWh, quantities in Wh. */
export const WH_PER_KWH = 1000;
/** Basis points in one: fractions (collateral, tolerance) are given in basis points. */
export const BPS = 10_000;

/** Largest accepted price, in minor units per kWh (10 million euros per kWh). */
export const MAX_PRICE = 1_000_000_000;
/** Largest accepted quantity of one offer or trade, in Wh (1 PWh). */
export const MAX_QUANTITY_WH = 1_000_000_000_000_000;
/** Largest Deposit or Withdraw, in minor units (10¹², e.g. 10 billion euros in cents). */
export const MAX_OPERATION_AMOUNT = 1_000_000_000_000;
/**
 * Largest lifetime total of one account's minted, burned, certificates issued and retired (10¹⁵,
 * below 2⁵³ ≈ 9.007 × 10¹⁵): the operation that would pass it is refused.
 */
export const MAX_ACCOUNT_TOTAL = 1_000_000_000_000_000;

const BIG_WH_PER_KWH = BigInt(WH_PER_KWH);
const BIG_BPS = BigInt(BPS);

function toSafe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidInputError(what, `exceeds the largest safe integer (${Number.MAX_SAFE_INTEGER})`);
  }
  return Number(value);
}

function requireNonNegativeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(what, 'must be a non-negative safe integer');
  }
}

/**
 * The money value of `quantityWh` at `pricePerKwh`: floor(q × p / 1000), exact.
 * @throws {InvalidInputError} when an argument is not a non-negative safe integer or the value is
 *   not a safe integer.
 */
export function value(quantityWh: number, pricePerKwh: number, what = 'value'): number {
  requireNonNegativeInteger(quantityWh, 'quantityWh');
  requireNonNegativeInteger(pricePerKwh, 'price');
  return toSafe((BigInt(quantityWh) * BigInt(pricePerKwh)) / BIG_WH_PER_KWH, what);
}

/**
 * floor(amount × bps / 10 000): a fraction of an integer amount, never rounded up.
 * @throws {InvalidInputError} on negative or unsafe arguments.
 */
export function fraction(amount: number, bps: number, what = 'amount'): number {
  requireNonNegativeInteger(amount, what);
  requireNonNegativeInteger(bps, 'bps');
  return toSafe((BigInt(amount) * BigInt(bps)) / BIG_BPS, what);
}

/**
 * Collateral an energy SELL of `quantityWh` at `pricePerKwh` locks:
 * floor(q × p × bps / (1000 × 10 000)), i.e. `bps` basis points of its value, floored once.
 * Allocating collateral to fills with the same formula never allocates more than was locked
 * (floor is superadditive), and the remainder is released when the offer closes.
 */
export function collateral(quantityWh: number, pricePerKwh: number, bps: number): number {
  requireNonNegativeInteger(quantityWh, 'quantityWh');
  requireNonNegativeInteger(pricePerKwh, 'price');
  requireNonNegativeInteger(bps, 'collateralBps');
  return toSafe(
    (BigInt(quantityWh) * BigInt(pricePerKwh) * BigInt(bps)) / (BIG_WH_PER_KWH * BIG_BPS),
    'collateral',
  );
}

/**
 * a + b, checked to stay a safe integer (balances and totals).
 * @throws {InvalidInputError} naming `what` on overflow.
 */
export function add(a: number, b: number, what = 'amount'): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new InvalidInputError(what, `exceeds the largest safe integer (${Number.MAX_SAFE_INTEGER})`);
  }
  return sum;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The smallest price, a multiple of `tick`, at which one quantity step is worth at least 1 minor
 * unit — value(step, p) ≥ 1 — and, when `collateralBps` is given (energy markets), locks at least
 * 1 unit of collateral — collateral(step, p, bps) ≥ 1. Every larger multiple of the step and every
 * higher price then satisfies both, since value and collateral grow with each.
 * @throws {InvalidInputError} collateralBps 0 on an energy market (no price gives collateral).
 */
export function minimumPrice(stepWh: number, tick: number, collateralBps?: number): number {
  const step = BigInt(stepWh);
  let price = ceilDiv(BIG_WH_PER_KWH, step);
  if (collateralBps !== undefined) {
    if (collateralBps < 1) throw new InvalidInputError('collateralBps', 'must be ≥ 1 on an energy market');
    const forCollateral = ceilDiv(BIG_WH_PER_KWH * BIG_BPS, step * BigInt(collateralBps));
    if (forCollateral > price) price = forCollateral;
  }
  const big = BigInt(tick);
  return toSafe(ceilDiv(price, big) * big, 'price floor');
}

/**
 * Exact sum of integers (BigInt): ledger-wide totals of any size and count.
 */
export function exactSum(values: Iterable<number>): bigint {
  let sum = 0n;
  for (const amount of values) sum += BigInt(amount);
  return sum;
}

/** A total as JSON: a number while it is a safe integer, else its exact decimal string. */
export type ExactAmount = number | string;

/** {@link ExactAmount} of a BigInt. */
export function exactAmount(total: bigint): ExactAmount {
  return total <= BigInt(Number.MAX_SAFE_INTEGER) && total >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(total)
    : total.toString();
}
