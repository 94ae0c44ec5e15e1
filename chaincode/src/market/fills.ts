/**
 * Turning a fill into a trade — shared by the call auction (ClearMarket) and bilateral fills
 * (AcceptOffer) so both move money the same way:
 *
 * - energy: the buyer's payment escrow for the trade is value(q, price), taken from the BUY offer's
 *   escrow (or locked from a taker's available credits); the seller's collateral is
 *   collateral(q, limit, bps) taken from the SELL offer's collateral (a taker seller locks
 *   collateral(q, price, bps) from available). Both stay escrowed on the trade until Settle.
 * - certificates deliver at once: value(q, price) goes from the buyer (offer escrow or available) to
 *   the seller's available credits and q Wh of certificates from the seller (offer escrow or held)
 *   to the buyer's held certificates; the trade is SETTLED when created.
 */
import type { Context } from 'fabric-contract-api';
import { IllegalStateError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { collateral as collateralOf, value } from '../lib/money';
import { writeBatchIndex, writeRecord } from '../lib/state';
import type { AccountBook } from '../lib/accounts';
import type { Trade } from '../settlement/model';
import { type Market, type Offer, TRADES_BY_DAY, TRADES_BY_MARKET, TRADES_BY_PARTICIPANT } from './model';

/** One side of a fill: the offer filled, or the taker of an AcceptOffer (no offer). */
export interface Party {
  readonly participantId: string;
  readonly mspId: string;
  /** The offer being filled; mutated in place (filled/remaining quantity, locked amounts). */
  readonly offer?: Offer;
}

export interface Fill {
  readonly id: string;
  readonly market: Market;
  readonly origin: Trade['origin'];
  readonly quantityWh: number;
  readonly price: number;
  readonly buyer: Party;
  readonly seller: Party;
  readonly now: string;
  readonly txId: string;
}

function take(offer: Offer, field: 'moneyLocked' | 'certificatesLockedWh', amount: number): void {
  if (offer[field] < amount) {
    throw new IllegalStateError(`offer ${offer.id} has ${offer[field]} ${field}, a fill needs ${amount}`);
  }
  offer[field] -= amount;
}

function fillOffer(offer: Offer | undefined, quantityWh: number, now: string): void {
  if (!offer) return;
  if (offer.remainingWh < quantityWh) {
    throw new IllegalStateError(
      `offer ${offer.id} has ${offer.remainingWh} Wh left, a fill needs ${quantityWh}`,
    );
  }
  offer.filledWh += quantityWh;
  offer.remainingWh -= quantityWh;
  offer.updatedAt = now;
}

/** What the indexes of a trade name: its ID and its two parties. */
export type IndexedTrade = Pick<Trade, 'id' | 'buyer' | 'seller'>;

/**
 * Writes the index entries of trades created together in one transaction (they share market and
 * time), in trade ID order: one market entry and one day entry for them all, and one participant
 * entry per buyer or seller naming that party's trades — each an ordinary entry when it names one
 * trade, a batch entry (the IDs as its value, keyed by the first) when more. A ClearMarket batch
 * of n pairs among k parties writes 2 + k keys instead of 2 + 2n (a participant entry per trade
 * and party).
 */
export async function indexTrades(
  ctx: Context,
  marketId: string,
  now: string,
  trades: readonly IndexedTrade[],
): Promise<void> {
  const ids = trades.map((trade) => trade.id);
  await writeBatchIndex(ctx, TRADES_BY_MARKET, [marketId], ids);
  await writeBatchIndex(ctx, TRADES_BY_DAY, [now.slice(0, 10), now], ids);
  const byParty = new Map<string, string[]>();
  for (const trade of trades) {
    for (const party of new Set([trade.buyer, trade.seller])) {
      const theirs = byParty.get(party);
      if (theirs) theirs.push(trade.id);
      else byParty.set(party, [trade.id]);
    }
  }
  for (const [party, theirs] of [...byParty].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await writeBatchIndex(ctx, TRADES_BY_PARTICIPANT, [party], theirs);
  }
}

/**
 * Moves the money and certificates of one fill and writes the trade with its index entries
 * unless `batched` (the caller then indexes the batch's trades together with
 * {@link indexTrades}). The offers in `fill` are updated in memory; the caller writes them (and
 * closes them when filled).
 */
export async function recordTrade(
  ctx: Context,
  accounts: AccountBook,
  fill: Fill,
  batched = false,
): Promise<Trade> {
  const { market, buyer, seller, quantityWh, price, now } = fill;
  const tradeValue = value(quantityWh, price, 'trade value');
  let tradeCollateral = 0;
  if (market.commodity === 'SAVINGS_CERT') {
    if (buyer.offer) {
      take(buyer.offer, 'moneyLocked', tradeValue);
      await accounts.payFromEscrow(buyer.participantId, seller.participantId, tradeValue);
    } else {
      await accounts.transfer(buyer.participantId, seller.participantId, tradeValue, 'buying certificates');
    }
    if (seller.offer) {
      take(seller.offer, 'certificatesLockedWh', quantityWh);
      await accounts.deliverCertificatesFromEscrow(seller.participantId, buyer.participantId, quantityWh);
    } else {
      await accounts.deliverCertificates(
        seller.participantId,
        buyer.participantId,
        quantityWh,
        'selling certificates',
      );
    }
  } else {
    if (buyer.offer) take(buyer.offer, 'moneyLocked', tradeValue);
    else await accounts.lock(buyer.participantId, tradeValue, 'the payment escrow of the trade');
    if (seller.offer) {
      tradeCollateral = collateralOf(quantityWh, seller.offer.price, market.collateralBps);
      take(seller.offer, 'moneyLocked', tradeCollateral);
    } else {
      tradeCollateral = collateralOf(quantityWh, price, market.collateralBps);
      await accounts.lock(seller.participantId, tradeCollateral, 'the collateral of the trade');
    }
  }
  fillOffer(buyer.offer, quantityWh, now);
  fillOffer(seller.offer, quantityWh, now);

  const trade: Trade = {
    id: fill.id,
    marketId: market.id,
    commodity: market.commodity,
    origin: fill.origin,
    buyer: buyer.participantId,
    buyerMspId: buyer.mspId,
    seller: seller.participantId,
    sellerMspId: seller.mspId,
    buyOfferId: buyer.offer?.id,
    sellOfferId: seller.offer?.id,
    quantityWh,
    price,
    value: tradeValue,
    collateral: tradeCollateral,
    status: market.commodity === 'SAVINGS_CERT' ? 'SETTLED' : 'MATCHED',
    createdAt: now,
    createdTxId: fill.txId,
    updatedAt: now,
  };
  if (market.commodity === 'SAVINGS_CERT') {
    trade.settlement = {
      deliveredWh: quantityWh,
      paid: tradeValue,
      buyerRefund: 0,
      penalty: 0,
      collateralReleased: 0,
      basis: 'CERTIFICATE',
      settledAt: now,
    };
  }
  await writeRecord(ctx, RecordType.Trade, trade.id, trade);
  if (!batched) await indexTrades(ctx, market.id, now, [trade]);
  return trade;
}
