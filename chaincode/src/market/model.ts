/**
 * Market records: markets, offers and the published clearing result.
 *
 * A market is (commodity, grid zone, delivery interval) with a gate closure; all times are ledger
 * time (the transaction timestamp) in ms since the epoch.
 */
import type { Commodity } from '../participant/model';

export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

/** OPEN: accepts offers until gate closure. CLEARING: the auction ran, batches remain. CLEARED: done. */
export type MarketStatus = 'OPEN' | 'CLEARING' | 'CLEARED';

/** Defaults of the optional market parameters. */
export const MARKET_DEFAULTS = {
  /** Price tick, minor units per kWh. */
  tickSize: 1,
  /** Collateral of an energy SELL offer: 10 % of value(quantity, limit price). */
  collateralBps: 1_000,
  /** Delivery shortfall up to 2 % of the traded quantity carries no penalty. */
  toleranceBps: 200,
  /** Meter reports are due 24 h after delivery ends. */
  reportDelayMs: 24 * 60 * 60 * 1000,
  /** Disputes may be opened until 24 h after the report deadline; then trades settle. */
  disputeWindowMs: 24 * 60 * 60 * 1000,
  /** A dispute ruling is final (and the trade can settle) this long after it is agreed. */
  rulingNoticeMs: 0,
} as const;

export interface Market {
  id: string;
  commodity: Commodity;
  gridZone: string;
  deliveryStartMs: number;
  deliveryEndMs: number;
  /** Offers are accepted, cancelled and accepted bilaterally while txTime < gateClosureMs. */
  gateClosureMs: number;
  /** Meter reports are accepted while deliveryEndMs ≤ txTime ≤ reportDeadlineMs. */
  reportDeadlineMs: number;
  disputeWindowMs: number;
  /** reportDeadlineMs + disputeWindowMs: disputes are opened before it, trades settle from it. */
  settleAfterMs: number;
  rulingNoticeMs: number;
  /** Optional limits on offer prices, minor units per kWh (inclusive). */
  priceFloor?: number;
  priceCap?: number;
  /** Offer prices must be multiples of the tick; the clearing price is too. */
  tickSize: number;
  /** Collateral of energy SELL offers, basis points of value(quantity, limit). */
  collateralBps: number;
  /** Delivery shortfall tolerance, basis points of the traded quantity. */
  toleranceBps: number;
  status: MarketStatus;
  openedBy: string;
  openedAt: string;
  updatedAt: string;
}

/** OPEN (in the book) → FILLED | CANCELLED | EXPIRED (closed by the clearing with quantity unfilled). */
export type OfferStatus = 'OPEN' | 'FILLED' | 'CANCELLED' | 'EXPIRED';

export interface Offer {
  /** The ledger ID: `<owner participant ID>/<offerId>`. */
  id: string;
  /** The owner's client-chosen ID (unique per owner). */
  offerId: string;
  owner: string;
  ownerMspId: string;
  marketId: string;
  commodity: Commodity;
  side: Side;
  quantityWh: number;
  /** Limit price, minor units per kWh. */
  price: number;
  /** Bilateral fills (AcceptOffer) must be at least this, or the whole remainder. */
  minFillWh?: number;
  filledWh: number;
  /** quantityWh − filledWh while OPEN; what was left unfilled once closed. */
  remainingWh: number;
  /**
   * Money still locked by this offer: BUY — the payment escrow, initially value(quantity, price);
   * energy SELL — the collateral, initially collateral(quantity, price, collateralBps).
   */
  moneyLocked: number;
  /** Certificates still locked by a SAVINGS_CERT SELL offer, Wh saved. */
  certificatesLockedWh: number;
  status: OfferStatus;
  /** Priority time: the PostOffer transaction timestamp, ms. */
  postedAtMs: number;
  postedAt: string;
  postedTxId: string;
  closedAt?: string;
  updatedAt: string;
}

export type ClearingPhase = 'MATCHING' | 'RELEASING' | 'DONE';

/**
 * The market's published clearing result (docs/design.md#markets: queryable clearing price and volume), also
 * the progress of a clearing applied in batches.
 */
export interface ClearingResult {
  /** The market ID. */
  id: string;
  marketId: string;
  commodity: Commodity;
  gridZone: string;
  deliveryStartMs: number;
  deliveryEndMs: number;
  /** Uniform clearing price, minor units per kWh; absent when no bid crossed an ask. */
  price?: number;
  /** Matched volume, Wh. */
  volumeWh: number;
  bids: number;
  asks: number;
  bidVolumeWh: number;
  askVolumeWh: number;
  marginalBidPrice?: number;
  marginalAskPrice?: number;
  phase: ClearingPhase;
  /** Volume turned into trades so far. */
  matchedWh: number;
  /** Σ value of the trades created so far, minor units. */
  tradedValue: number;
  trades: number;
  offersClosed: number;
  batches: number;
  computedAt: string;
  computedBy: string;
  clearedAt?: string;
  updatedAt: string;
}

/** Index of markets: `(market~commodity, commodity, gridZone, marketId)`. */
export const MARKETS_BY_COMMODITY = 'market~commodity';
/** Index of offers by market: `(offer~market, marketId, offerId)`. */
export const OFFERS_BY_MARKET = 'offer~market';
/** Index of offers by owner: `(offer~owner, owner, offerId)`. */
export const OFFERS_BY_OWNER = 'offer~owner';

/**
 * Indexes of trades (settlement/model.ts), written where fills become trades (fills.ts). By market:
 * `(trade~market, marketId, tradeId)`.
 */
export const TRADES_BY_MARKET = 'trade~market';
/** Index of trades by participant (buyer and seller): `(trade~participant, participantId, tradeId)`. */
export const TRADES_BY_PARTICIPANT = 'trade~participant';
/**
 * Index of trades by creation time, bucketed by UTC day so a period query is one partial-key scan
 * per day and no key is shared by all trades: `(trade~day, YYYY-MM-DD, createdAt ISO, tradeId)`.
 * Within a day the ISO timestamps (fixed width) sort chronologically.
 */
export const TRADES_BY_DAY = 'trade~day';
