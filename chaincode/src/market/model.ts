/**
 * Market records: markets, offers and the published clearing result.
 *
 * A market is (commodity, grid zone, delivery interval) with a gate closure; all times are ledger
 * time (the transaction timestamp) in ms since the epoch.
 */
import type { Commodity } from '../participant/model';
import type { WalkState } from './auction';

export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

/** OPEN: accepts offers until gate closure. CLEARING: the auction ran, batches remain. CLEARED: done. */
export type MarketStatus = 'OPEN' | 'CLEARING' | 'CLEARED';

/** Defaults of the optional market parameters. */
export const MARKET_DEFAULTS = {
  /** Price tick, minor units per kWh. */
  tickSize: 1,
  /** Quantities trade in multiples of 1 kWh. */
  quantityStepWh: 1000,
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
  /**
   * Arbiters have until settleAfter + this to agree on a ruling; then the dispute lapses and the
   * trade settles on the default outcome (the meter report stands, or the default).
   */
  rulingWindowMs: 7 * 24 * 60 * 60 * 1000,
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
  /**
   * settleAfterMs + rulingWindowMs: disputes not ruled by then lapse, and Settle applies the
   * default outcome. Absent on markets opened before rulings had a deadline (no deadline).
   */
  rulingDeadlineMs?: number;
  /**
   * Lowest offer price, minor units per kWh (inclusive): at it one quantity step is worth ≥ 1 minor
   * unit and, for energy, locks ≥ 1 unit of collateral. Absent only on markets opened before floors
   * were required.
   */
  priceFloor?: number;
  /** Optional highest offer price, minor units per kWh (inclusive). */
  priceCap?: number;
  /** Offer prices must be multiples of the tick; the clearing price is too. */
  tickSize: number;
  /**
   * Offer quantities, minimum fills and bilateral fills are multiples of this many Wh, so every
   * fill is worth at least one step at the floor. Absent on markets opened before steps (1 Wh).
   */
  quantityStepWh?: number;
  /** Collateral of energy SELL offers, basis points of value(quantity, limit). */
  collateralBps: number;
  /** Delivery shortfall tolerance, basis points of the traded quantity. */
  toleranceBps: number;
  status: MarketStatus;
  /** Layout of the market's order book keys (market/book.ts); absent on markets opened before 2. */
  bookVersion?: number;
  openedBy: string;
  openedAt: string;
  updatedAt: string;
}

/** OPEN (in the book) → FILLED | CANCELLED | EXPIRED (closed by the clearing with quantity unfilled). */
export type OfferStatus = 'OPEN' | 'FILLED' | 'CANCELLED' | 'EXPIRED';

/** What a lot's Offer record says of the offer it belongs to (market/lots.ts). */
export interface OfferLot {
  /** The whole offer's ID `<owner>/<offerId>` (no record has it: its lots are the offers). */
  of: string;
  /** 1 … count. */
  index: number;
  count: number;
}

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
  /** Set on a lot of an offer posted in lots (market/lots.ts): the offer it belongs to. */
  lot?: OfferLot;
}

/** One slice of the book left to release: the book keys of `side` from `from` (inclusive) to `to` (exclusive; absent: to the side's end). */
export interface ReleaseSlice {
  side: Side;
  from: string;
  to?: string;
}

/**
 * One slice of a matching round: its first bid and ask (book keys, and how much of each is left
 * for this slice), where its ranges end (exclusive; absent: the round's last slice), the first
 * trade's sequence number, and its pairs and volume — the plan's own, checked when it runs.
 */
export interface MatchSlice {
  bidFrom: string;
  bidFirstWh: number;
  bidTo?: string;
  askFrom: string;
  askFirstWh: number;
  askTo?: string;
  sequence: number;
  pairs: number;
  volumeWh: number;
}

/** What one matching slice took from an offer that another slice matched too (merged later). */
export interface SliceFill {
  offerId: string;
  filledWh: number;
  moneyTaken: number;
  certificatesTakenWh: number;
}

/**
 * The progress of one release or matching slice, key `(ClearingSlice, <marketId>/r/<index>)` or
 * `(ClearingSlice, <marketId>/m<round>/<index>)`: written only by the
 * ClearMarket calls that release that slice, so slices commit side by side without touching the
 * ClearingResult.
 */
export interface ClearingSlice {
  id: string;
  marketId: string;
  index: number;
  /** Offers this slice closed (EXPIRED), in all and per side. */
  offersClosed: number;
  bids: number;
  asks: number;
  /** True once the slice's key range is empty (a matching slice: once its pairs are trades). */
  done: boolean;
  /** A matching slice: its trades, their volume and value, and its fills of shared offers. */
  trades?: number;
  matchedWh?: number;
  tradedValue?: number;
  fills?: SliceFill[];
  updatedAt: string;
}

/**
 * PRICING: the auction walks the book to find its volume and price. MATCHING: batches turn the
 * volume into trades. RELEASING: batches close the offers left. DONE: the market is CLEARED.
 */
export type ClearingPhase = 'PRICING' | 'MATCHING' | 'RELEASING' | 'DONE';

/**
 * The market's published clearing result (docs/design.md#markets: queryable clearing price and volume), also
 * the progress of a clearing applied in bounded steps (market/clear.ts).
 */
export interface ClearingResult {
  /** The market ID. */
  id: string;
  marketId: string;
  commodity: Commodity;
  gridZone: string;
  deliveryStartMs: number;
  deliveryEndMs: number;
  /** Uniform clearing price, minor units per kWh; absent while PRICING and when nothing crossed. */
  price?: number;
  /** Volume the auction trades, Wh (known once PRICING is over). */
  volumeWh: number;
  /** Prices of the marginal (last matched) bid and ask. */
  marginalBidPrice?: number;
  marginalAskPrice?: number;
  phase: ClearingPhase;
  /** While PRICING: the walk over the book so far (market/auction.ts) and where each side resumes. */
  pricing?: {
    walk: WalkState;
    /** The last book key of each side the walk took. */
    bidsAfter?: string;
    asksAfter?: string;
    /** Book entries read by the pricing so far. */
    read: number;
  };
  /**
   * Once RELEASING (and more is left than one transaction closes): the remaining book cut into
   * slices of consecutive book keys, each released by its own `ClearMarket { slice }` calls, which
   * may run concurrently (market/clear.ts). Their counts are in their {@link ClearingSlice}
   * records until the last step adds them here.
   */
  release?: { slices: ReleaseSlice[] };
  /**
   * While MATCHING a round of more than one batch: the round's pairs cut into slices of batchSize
   * pairs, each matched by its own `ClearMarket { slice }` calls side by side (market/clear.ts).
   * `shared` lists the offers matched in two slices: no slice writes them, each records its fills
   * of them in its {@link ClearingSlice} record, and the step that ends the round merges them.
   */
  match?: { round: number; slices: MatchSlice[]; shared: string[] };
  /** Matching rounds planned so far (slice record IDs carry the round). */
  rounds?: number;
  /** Volume turned into trades so far. */
  matchedWh: number;
  /** Σ value of the trades created so far, minor units. */
  tradedValue: number;
  trades: number;
  /** Offers the clearing closed (FILLED or EXPIRED), in all and per side. */
  offersClosed: number;
  bids: number;
  asks: number;
  /** Offers skipped (closed, escrow released) because their owner was no longer ACTIVE. */
  skipped: number;
  /** ClearMarket transactions so far. */
  batches: number;
  startedAt: string;
  startedBy: string;
  /** When the pricing finished (the price and volume were published), and who ran that step. */
  pricedAt?: string;
  pricedBy?: string;
  clearedAt?: string;
  updatedAt: string;
}

/** Index of markets: `(market~commodity, commodity, gridZone, marketId)`. */
export const MARKETS_BY_COMMODITY = 'market~commodity';
/** Index of offers by market: `(offer~market, marketId, offerId)`. */
export const OFFERS_BY_MARKET = 'offer~market';
/*
 * No index of offers by owner: an offer's ledger ID starts with its owner (market/offers.ts). Ledgers
 * written before keep their `(offer~owner, owner, offerId)` entries; nothing reads them.
 */

/**
 * Indexes of trades (settlement/model.ts), written where fills become trades (fills.ts). By market:
 * `(trade~market, marketId, tradeId)`.
 */
export const TRADES_BY_MARKET = 'trade~market';
/**
 * Index of trades by participant (buyer and seller): `(trade~participant, participantId, tradeId)`,
 * or one batch entry per party of a ClearMarket batch, keyed by its first trade ID (market/fills.ts
 * `indexTrades`).
 */
export const TRADES_BY_PARTICIPANT = 'trade~participant';
/**
 * Index of trades by creation time, bucketed by UTC day so a period query is one partial-key scan
 * per day and no key is shared by all trades: `(trade~day, YYYY-MM-DD, createdAt ISO, tradeId)`.
 * Within a day the ISO timestamps (fixed width) sort chronologically.
 */
export const TRADES_BY_DAY = 'trade~day';
