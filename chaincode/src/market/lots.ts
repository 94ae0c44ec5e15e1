/**
 * Offers posted in lots, so that fills of one popular offer do not conflict (docs/trading.md#hot-offers).
 *
 * An offer's remaining quantity is one key: every AcceptOffer of it reads and rewrites the offer and
 * its book entry, so concurrent fills commit one per block. PostOffer with `lots: N` (2 to
 * {@link MAX_LOTS}) posts the quantity as N ordinary offers instead — the **lots** `<offerId>.lot001`
 * … `<offerId>.lotNNN`, each with its own remaining quantity, lock and book entry, and a `lot` field
 * naming the offer they belong to. Takers fill a lot (AcceptOffer of its ID), so fills of different
 * lots never touch a common key; the call auction, GetOffer, ListOffers and CancelOffer see lots as
 * the ordinary offers they are, and nothing else changes. The rules that span lots:
 *
 * - the quantity is split as evenly as the market's step allows (the first lots take one step
 *   more), every lot at least one step and at least the minimum fill;
 * - an AcceptOffer's `acceptId` is scoped to the whole offer, not to the lot: a resubmission on any
 *   lot of it is refused (ESTP_ALREADY_EXISTS), never filled twice (market/offers.ts
 *   bilateralTradeId);
 * - a lot locks its own escrow, collateral or certificates, computed from its own quantity with the
 *   rounding rule (lib/money.ts), so what the lots lock together never exceeds the whole offer's.
 *
 * The client picks a lot: `acceptLot` (application/src/gateway/lots.ts) starts at the lot its
 * acceptId hashes to and moves on to the next when a lot has too little left.
 */
import { InvalidInputError } from '../lib/errors';
import type { Market } from './model';

/** The most lots one offer may be posted in (bounds PostOffer's writes). */
export const MAX_LOTS = 100;
/** `<offerId>.lotNNN`: the suffix of a lot's client ID. */
const LOT_SUFFIX_LENGTH = '.lot000'.length;
/** Client IDs are at most 128 characters (lib/validate.ts ID_PATTERN); a lot's must be too. */
const MAX_OFFER_ID_WITH_LOTS = 128 - LOT_SUFFIX_LENGTH;

/** The client ID of lot `index` (1-based) of `offerId`. */
export function lotOfferId(offerId: string, index: number): string {
  return `${offerId}.lot${String(index).padStart(3, '0')}`;
}

/**
 * The quantities of `lots` lots of `quantityWh`, each a multiple of the market's step: the steps
 * are dealt out evenly, the first lots taking one more.
 * @throws {InvalidInputError} an offerId too long for its lots' IDs, fewer steps than lots, or a
 *   minimum fill above the smallest lot.
 */
export function lotQuantities(
  market: Pick<Market, 'quantityStepWh'>,
  request: { offerId: string; quantityWh: number; minFillWh?: number | undefined; lots: number },
): number[] {
  if (request.offerId.length > MAX_OFFER_ID_WITH_LOTS) {
    throw new InvalidInputError('offerId', `must be at most ${MAX_OFFER_ID_WITH_LOTS} characters with lots`);
  }
  const step = market.quantityStepWh ?? 1;
  const steps = request.quantityWh / step;
  if (steps < request.lots) {
    throw new InvalidInputError('lots', `must be ≤ the number of quantity steps in quantityWh (${steps})`);
  }
  const each = Math.floor(steps / request.lots);
  const extra = steps % request.lots;
  const quantities = Array.from({ length: request.lots }, (_, n) => (each + (n < extra ? 1 : 0)) * step);
  const smallest = each * step;
  if (request.minFillWh !== undefined && request.minFillWh > smallest) {
    throw new InvalidInputError('minFillWh', `must not exceed the smallest lot (${smallest} Wh)`);
  }
  return quantities;
}
