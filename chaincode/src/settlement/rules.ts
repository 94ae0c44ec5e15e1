/**
 * The settlement of one energy trade, as a pure function (no Fabric types).
 *
 * With q the traded quantity, p the price, E = value(q, p) the buyer's escrow and C the seller's
 * collateral on the trade:
 *
 * - delivered d = min(measured, q) (over-delivery is not paid); paid = value(d, p) ≤ E; the buyer
 *   gets E − paid back.
 * - tolerance t = floor(q × toleranceBps / 10 000); shortfall s = q − d. A shortfall within the band
 *   (s ≤ t) costs nothing; beyond it the seller pays penalty = min(C, value(s − t, p)) out of its
 *   collateral to the buyer (the band works as a deductible, so the penalty has no jump at its
 *   edge). A trade settles once, so it is penalised at most once.
 * - a default (no meter report by the deadline) is settled as d = 0;
 * - a dispute ruling replaces both d and the penalty (the ruling's penalty is ≤ C by validation).
 * - the seller gets paid + C − penalty; the buyer E − paid + penalty: exactly E + C in total.
 */
import { IllegalStateError } from '../lib/errors';
import { fraction, value } from '../lib/money';

export interface EnergySettlementInput {
  readonly quantityWh: number;
  readonly price: number;
  /** The buyer's escrow on the trade: value(quantityWh, price). */
  readonly escrow: number;
  /** The seller's collateral on the trade. */
  readonly collateral: number;
  readonly toleranceBps: number;
  /** Measured delivery (0 for a default). */
  readonly measuredWh: number;
  /** A dispute ruling's penalty, replacing the computed one. */
  readonly ruledPenalty?: number;
}

export interface EnergySettlementOutcome {
  readonly deliveredWh: number;
  readonly paid: number;
  readonly buyerRefund: number;
  readonly penalty: number;
  readonly collateralReleased: number;
  /** Credits the buyer's available balance gains: buyerRefund + penalty. */
  readonly toBuyer: number;
  /** Credits the seller's available balance gains: paid + collateralReleased. */
  readonly toSeller: number;
}

/** The penalty for a shortfall: 0 within the tolerance band, else min(collateral, value(beyond, price)). */
export function shortfallPenalty(
  quantityWh: number,
  deliveredWh: number,
  price: number,
  collateral: number,
  toleranceBps: number,
): number {
  const shortfall = quantityWh - Math.min(deliveredWh, quantityWh);
  const tolerance = fraction(quantityWh, toleranceBps, 'quantityWh');
  if (shortfall <= tolerance) return 0;
  return Math.min(collateral, value(shortfall - tolerance, price, 'penalty'));
}

/**
 * Splits a trade's escrow and collateral between buyer and seller.
 * @throws {IllegalStateError} if the escrow does not cover the payment or a ruled penalty exceeds
 *   the collateral (both impossible for trades this chaincode created).
 */
export function settleEnergy(input: EnergySettlementInput): EnergySettlementOutcome {
  const deliveredWh = Math.min(input.measuredWh, input.quantityWh);
  const paid = value(deliveredWh, input.price, 'payment');
  if (paid > input.escrow) throw new IllegalStateError(`payment ${paid} exceeds the escrow ${input.escrow}`);
  const penalty =
    input.ruledPenalty ??
    shortfallPenalty(input.quantityWh, deliveredWh, input.price, input.collateral, input.toleranceBps);
  if (penalty > input.collateral) {
    throw new IllegalStateError(`penalty ${penalty} exceeds the collateral ${input.collateral}`);
  }
  const buyerRefund = input.escrow - paid;
  const collateralReleased = input.collateral - penalty;
  return {
    deliveredWh,
    paid,
    buyerRefund,
    penalty,
    collateralReleased,
    toBuyer: buyerRefund + penalty,
    toSeller: paid + collateralReleased,
  };
}
