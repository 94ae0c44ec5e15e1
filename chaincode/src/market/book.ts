/**
 * The order book: one ledger entry per OPEN offer whose KEY is its auction priority, so a range
 * scan of one market side returns the offers already in priority order.
 *
 *     (offer~book, marketId, side, priceKey, timeKey, offerId) → {"remainingWh": n}
 *
 * - side `B` (bids) has priceKey = MAX_PRICE − price (so ascending keys = price descending), side
 *   `S` (asks) has priceKey = price, both zero-padded to 10 digits; timeKey is the PostOffer
 *   timestamp zero-padded to 15 digits; the offer ID last. Composite-key attributes end in U+0000,
 *   so the key order is the order of market/auction.ts's compareBids/compareAsks.
 * - The value carries the remaining quantity, so the clearing reads one market side with ONE range
 *   scan and no per-offer reads (the read set records the range, not 10,000 keys).
 * - Entries are written only by the offer's own transactions before gate closure (PostOffer,
 *   AcceptOffer, CancelOffer) and by ClearMarket after it: offers of different owners never share a
 *   key, and the clearing's range covers only its own market.
 */
import type { Context } from 'fabric-contract-api';
import { IllegalStateError } from '../lib/errors';
import { results } from '../lib/iterate';
import { fromBytes, toBytes } from '../lib/json';
import { MAX_PRICE } from '../lib/money';
import type { Order } from './auction';
import type { Offer, Side } from './model';

export const ORDER_BOOK = 'offer~book';

const PRICE_DIGITS = 10;
const TIME_DIGITS = 15;

type BookSide = 'B' | 'S';

function sideKey(side: Side): BookSide {
  return side === 'BUY' ? 'B' : 'S';
}

function pad(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}

/** One order book entry as read from the ledger. */
export interface BookEntry extends Order {
  /** The entry's ledger key. */
  readonly key: string;
  readonly side: Side;
}

/** The book key of an offer. */
export function bookKey(
  ctx: Context,
  offer: Pick<Offer, 'marketId' | 'side' | 'price' | 'postedAtMs' | 'id'>,
): string {
  const priceKey = offer.side === 'BUY' ? MAX_PRICE - offer.price : offer.price;
  return ctx.stub.createCompositeKey(ORDER_BOOK, [
    offer.marketId,
    sideKey(offer.side),
    pad(priceKey, PRICE_DIGITS),
    pad(offer.postedAtMs, TIME_DIGITS),
    offer.id,
  ]);
}

/** Puts (or updates) the offer's entry with its remaining quantity. */
export async function putBookEntry(ctx: Context, offer: Offer): Promise<void> {
  await ctx.stub.putState(bookKey(ctx, offer), toBytes({ remainingWh: offer.remainingWh }));
}

/** Removes the offer's entry (the offer is no longer OPEN). */
export async function deleteBookEntry(ctx: Context, offer: Offer): Promise<void> {
  await ctx.stub.deleteState(bookKey(ctx, offer));
}

/** A page of one side of the book, in priority order. */
export interface BookSlice {
  readonly entries: BookEntry[];
  /** True when the slice holds every entry of the side (the scan reached the end). */
  readonly complete: boolean;
}

/**
 * Reads up to `limit` entries of one side of a market's book, best first, with an unpaginated
 * iterator (Fabric refuses writes after paginated queries) that is always closed.
 */
export async function readBook(
  ctx: Context,
  marketId: string,
  side: Side,
  limit: number,
): Promise<BookSlice> {
  const book = ctx.stub.getStateByPartialCompositeKey(ORDER_BOOK, [marketId, sideKey(side)]);
  const entries: BookEntry[] = [];
  let complete = true;
  for await (const { key, value } of results(book)) {
    if (entries.length >= limit) {
      complete = false;
      break;
    }
    const { attributes } = ctx.stub.splitCompositeKey(key);
    const [, , priceKey, timeKey, id] = attributes;
    if (priceKey === undefined || timeKey === undefined || id === undefined) {
      throw new IllegalStateError(`order book entry ${key} is malformed`);
    }
    const stored = Number(priceKey);
    const { remainingWh } = fromBytes<{ remainingWh: number }>(value);
    entries.push({
      key,
      side,
      id,
      price: side === 'BUY' ? MAX_PRICE - stored : stored,
      time: Number(timeKey),
      quantity: remainingWh,
    });
  }
  return { entries, complete };
}
