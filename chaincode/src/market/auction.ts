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
 * **Price.** With (b, a) the prices of the last matched bid and ask (the marginal pair), the
 * clearing price is `tick × floor((b + a) / (2 × tick))`: the midpoint of the marginal pair rounded
 * down to the tick. Every matched bid has a price ≥ b and every matched ask a price ≤ a, and
 * a ≤ price ≤ b when both lie on the tick grid, so nobody trades beyond their limit.
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

/**
 * Runs the call auction: sorts both sides by priority, matches them and prices the result.
 * The result does not depend on the order of the input arrays.
 */
export function runAuction(bids: readonly Order[], asks: readonly Order[], tick = 1): AuctionResult {
  const sortedBids = [...bids].sort(compareBids);
  const sortedAsks = [...asks].sort(compareAsks);
  const match = matchOrders(sortedBids, sortedAsks);
  const last = match.pairs[match.pairs.length - 1];
  const marginalBidPrice = last === undefined ? undefined : sortedBids[last.bid]?.price;
  const marginalAskPrice = last === undefined ? undefined : sortedAsks[last.ask]?.price;
  const price =
    marginalBidPrice === undefined || marginalAskPrice === undefined
      ? undefined
      : clearingPrice(marginalBidPrice, marginalAskPrice, tick);
  return { ...match, bids: sortedBids, asks: sortedAsks, price, marginalBidPrice, marginalAskPrice };
}
