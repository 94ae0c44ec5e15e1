/**
 * The uniform-price call auction, as pure functions over integers (no Fabric types): the Market
 * contract wraps it, the property tests and the clearing benchmark call it directly.
 *
 * **Priority.** Bids by price descending, asks by price ascending; ties by time (the PostOffer
 * transaction timestamp, earlier first), then by offer ID in UTF-8 byte order — the order of the
 * order book's ledger keys (see `market/book.ts`), so a clearing that walks the book in key order
 * and one that sorts with {@link compareBids}/{@link compareAsks} meet the same orders in the same
 * order.
 *
 * **Matching.** Walk both sides in priority order and match the front bid with the front ask for
 * min(their remaining quantities) while the bid's price ≥ the ask's price. This greedy walk
 * trades the maximum volume that can be traded at any single price, V* = maxₚ min(D(p), S(p)),
 * where D(p) is the demand at or above p and S(p) the supply at or below p. Every order is
 * divisible: only the last order touched on a side can end partially filled (the marginal order).
 *
 * **Minimum fills.** An order may carry a minimum fill m (its `minFill`, at most its quantity): it
 * trades either nothing or at least m. Orders before the last one touched on each side are filled
 * whole, so only the marginal orders can break a minimum. The auction therefore trades the largest
 * volume V ≤ V* at which the marginal bid and the marginal ask each hold 0, all, or at least their
 * minimum — the greedy walk cut back to its last admissible step, never skipping an order: price
 * and time priority stay strict. {@link walk} finds V in the same single pass: a volume inside one
 * step of the walk (one bid against one ask) is admissible exactly when the step's end is, so it
 * remembers the end of the last admissible step.
 *
 * **Price.** With (b, a) the prices of the last matched bid and ask (the marginal pair), the
 * clearing price is `tick × floor((b + a) / (2 × tick))`: the midpoint of the marginal pair rounded
 * down to the tick. Every matched bid has a price ≥ b and every matched ask a price ≤ a, and
 * a ≤ price ≤ b when both lie on the tick grid, so nobody trades beyond their limit.
 *
 * **Incremental.** {@link walk} takes and returns its state, so the clearing can run it over the
 * order book a bounded slice at a time, across several transactions (market/clear.ts).
 */

/** One order as the auction sees it: integers only. */
export interface Order {
  /** Unique ID, the final tie-breaker. */
  readonly id: string;
  /** Limit price, minor units per kWh. */
  readonly price: number;
  /** Quantity still to be matched, Wh (> 0). */
  readonly quantity: number;
  /** Priority time, ms (the PostOffer transaction timestamp). */
  readonly time: number;
  /** Minimum fill, Wh: the order trades nothing or at least min(minFill, quantity). */
  readonly minFill?: number;
}

/** One matched pair: indexes into the sorted bid and ask arrays, and the quantity matched. */
export interface Pair {
  readonly bid: number;
  readonly ask: number;
  readonly quantity: number;
}

/** What matching produced. */
export interface MatchResult {
  readonly pairs: Pair[];
  /** Σ pair quantities, Wh. */
  readonly volume: number;
  /** Remaining quantity of every bid / ask after matching (same indexes as the input). */
  readonly bidRemaining: number[];
  readonly askRemaining: number[];
  /** True when matching stopped because the fronts no longer cross or a side ran out (not a limit). */
  readonly exhausted: boolean;
}

/** The outcome of a full call auction. */
export interface AuctionResult extends MatchResult {
  /** The bids and asks in priority order (the indexes of `pairs` point into these). */
  readonly bids: readonly Order[];
  readonly asks: readonly Order[];
  /** The uniform clearing price, or undefined when nothing crosses. */
  readonly price: number | undefined;
  /** Prices of the marginal (last matched) bid and ask. */
  readonly marginalBidPrice: number | undefined;
  readonly marginalAskPrice: number | undefined;
}

/** Compares IDs by their UTF-8 bytes (= Unicode code points), the order of LevelDB keys. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Bid priority: price descending, then time ascending, then ID. */
export function compareBids(a: Order, b: Order): number {
  return b.price - a.price || a.time - b.time || compareIds(a.id, b.id);
}

/** Ask priority: price ascending, then time ascending, then ID. */
export function compareAsks(a: Order, b: Order): number {
  return a.price - b.price || a.time - b.time || compareIds(a.id, b.id);
}

/**
 * The clearing price of a marginal pair: the midpoint rounded down to the tick.
 * @param bidPrice price of the last matched bid (≥ askPrice)
 * @param askPrice price of the last matched ask
 */
export function clearingPrice(bidPrice: number, askPrice: number, tick = 1): number {
  if (!Number.isSafeInteger(tick) || tick < 1) throw new RangeError(`tick must be an integer ≥ 1: ${tick}`);
  if (bidPrice < askPrice) throw new RangeError(`bid ${bidPrice} does not cross ask ${askPrice}`);
  return tick * Math.floor((bidPrice + askPrice) / (2 * tick));
}

/** Limits of one matching run (a clearing batch). */
export interface MatchLimits {
  /** Stop once this much volume is matched. */
  readonly volume?: number;
  /** Stop after this many pairs. */
  readonly pairs?: number;
}

/**
 * The greedy walk over bids and asks already in priority order. Quantities are read from the
 * orders; the inputs are not modified.
 */
export function matchOrders(
  bids: readonly Order[],
  asks: readonly Order[],
  limits: MatchLimits = {},
): MatchResult {
  const bidRemaining = bids.map((order) => order.quantity);
  const askRemaining = asks.map((order) => order.quantity);
  const maxVolume = limits.volume ?? Number.MAX_SAFE_INTEGER;
  const maxPairs = limits.pairs ?? Number.MAX_SAFE_INTEGER;
  const pairs: Pair[] = [];
  let volume = 0;
  let i = 0;
  let j = 0;
  let exhausted = false;
  for (;;) {
    if (volume >= maxVolume || pairs.length >= maxPairs) break;
    const bid = bids[i];
    const ask = asks[j];
    if (bid === undefined || ask === undefined || bid.price < ask.price) {
      exhausted = true;
      break;
    }
    const bidLeft = bidRemaining[i] ?? 0;
    const askLeft = askRemaining[j] ?? 0;
    const quantity = Math.min(bidLeft, askLeft, maxVolume - volume);
    if (quantity > 0) {
      pairs.push({ bid: i, ask: j, quantity });
      volume += quantity;
      bidRemaining[i] = bidLeft - quantity;
      askRemaining[j] = askLeft - quantity;
    }
    if ((bidRemaining[i] ?? 0) === 0) i += 1;
    if ((askRemaining[j] ?? 0) === 0) j += 1;
  }
  return { pairs, volume, bidRemaining, askRemaining, exhausted };
}

/** The order at the front of one side of a {@link walk}, as far as the walk consumed it. */
export interface WalkFront {
  readonly id: string;
  readonly price: number;
  /** Its quantity when the walk reached it, Wh. */
  readonly quantity: number;
  /** What the walk has not matched yet, Wh. */
  readonly remaining: number;
  /** Its binding minimum fill: min(minFill, quantity), 0 without one. */
  readonly min: number;
  /** The walk's volume when it reached the order (its fills start there). */
  readonly start: number;
}

/** The state of a pricing walk: plain JSON, kept between transactions. */
export interface WalkState {
  /** Volume the greedy walk has matched so far, Wh. */
  readonly volume: number;
  readonly bid?: WalkFront;
  readonly ask?: WalkFront;
  /** The end of the last admissible step: the volume to trade and its marginal pair. */
  readonly best: { readonly volume: number; readonly bidPrice?: number; readonly askPrice?: number };
}

export const EMPTY_WALK: WalkState = { volume: 0, best: { volume: 0 } };

/** What one call of {@link walk} reached. */
export interface WalkResult {
  readonly state: WalkState;
  /**
   * `done`: the fronts no longer cross, a side is exhausted, or the volume reached its limit — the
   * auction's volume and price are `state.best`. `needBids`/`needAsks`: the slice of that side ran
   * out before the book did; call again with its next orders.
   */
  readonly outcome: 'done' | 'needBids' | 'needAsks';
  /** How many of the given bids / asks the walk took up (they are behind it now). */
  readonly bidsTaken: number;
  readonly asksTaken: number;
}

function front(order: Order, start: number): WalkFront {
  return {
    id: order.id,
    price: order.price,
    quantity: order.quantity,
    remaining: order.quantity,
    min: Math.min(order.minFill ?? 0, order.quantity),
    start,
  };
}

/** An order's fill at `volume` breaks no minimum: nothing, all, or at least its minimum. */
function admissible(order: WalkFront, volume: number): boolean {
  return order.remaining === 0 || volume - order.start >= order.min;
}

/**
 * Advances the greedy walk over `bids` and `asks` — the next orders of each side in priority order,
 * after the state's fronts — until it is done or a slice runs out. `bidsComplete`/`asksComplete`
 * say whether a slice ends the side. The inputs are not modified.
 * @param maxVolume stop before matching more than this (keeps the volume a safe integer).
 */
export function walk(
  start: WalkState,
  bids: readonly Order[],
  asks: readonly Order[],
  bidsComplete: boolean,
  asksComplete: boolean,
  maxVolume = Number.MAX_SAFE_INTEGER,
): WalkResult {
  let { volume, bid, ask, best } = start;
  let i = 0;
  let j = 0;
  for (;;) {
    if (bid === undefined) {
      const next = bids[i];
      if (next === undefined) {
        return {
          state: { volume, ask, best },
          outcome: bidsComplete ? 'done' : 'needBids',
          bidsTaken: i,
          asksTaken: j,
        };
      }
      bid = front(next, volume);
      i += 1;
    }
    if (ask === undefined) {
      const next = asks[j];
      if (next === undefined) {
        return {
          state: { volume, bid, best },
          outcome: asksComplete ? 'done' : 'needAsks',
          bidsTaken: i,
          asksTaken: j,
        };
      }
      ask = front(next, volume);
      j += 1;
    }
    const quantity = Math.min(bid.remaining, ask.remaining, maxVolume - volume);
    if (bid.price < ask.price || quantity <= 0) {
      return { state: { volume, bid, ask, best }, outcome: 'done', bidsTaken: i, asksTaken: j };
    }
    volume += quantity;
    bid = { ...bid, remaining: bid.remaining - quantity };
    ask = { ...ask, remaining: ask.remaining - quantity };
    if (admissible(bid, volume) && admissible(ask, volume)) {
      best = { volume, bidPrice: bid.price, askPrice: ask.price };
    }
    if (bid.remaining === 0) bid = undefined;
    if (ask.remaining === 0) ask = undefined;
  }
}

/**
 * Runs the call auction in one go: sorts both sides by priority, walks them to find the volume
 * and price, and matches that volume. The result does not depend on the order of the input arrays.
 */
export function runAuction(bids: readonly Order[], asks: readonly Order[], tick = 1): AuctionResult {
  const sortedBids = [...bids].sort(compareBids);
  const sortedAsks = [...asks].sort(compareAsks);
  const { best } = walk(EMPTY_WALK, sortedBids, sortedAsks, true, true).state;
  const match = matchOrders(sortedBids, sortedAsks, { volume: best.volume });
  const price =
    best.bidPrice === undefined || best.askPrice === undefined
      ? undefined
      : clearingPrice(best.bidPrice, best.askPrice, tick);
  return {
    ...match,
    // the auction ran to its end: matching stopped at the volume the walk found
    exhausted: true,
    bids: sortedBids,
    asks: sortedAsks,
    price,
    marginalBidPrice: best.bidPrice,
    marginalAskPrice: best.askPrice,
  };
}
