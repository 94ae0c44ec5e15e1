/**
 * The order book: one ledger entry per OPEN offer whose KEY is its auction priority, so a range
 * scan of one market side returns the offers already in priority order.
 *
 *     offer~book␁<marketId>␁<B|S>␁<priceKey>␁<timeKey>␁<offerId>␁ → {"remainingWh": n, "minFillWh": m}
 *
 * - ␁ is U+0001: it sorts below every character an ID may hold, so a side's entries sort by price,
 *   then time, then offer ID — the order of market/auction.ts's compareBids/compareAsks.
 * - side `B` (bids) has priceKey = MAX_PRICE − price (so ascending keys = price descending), side
 *   `S` (asks) has priceKey = price, both zero-padded to 10 digits; timeKey is the PostOffer
 *   timestamp zero-padded to 15 digits; the offer ID last.
 * - The keys are simple keys, not composite ones, because a simple-key range can start at any key
 *   (fabric-shim refuses composite start keys): the clearing reads a side a bounded slice at a time
 *   and resumes after the last key it read, in a later transaction (market/clear.ts).
 * - The value carries the remaining quantity and the minimum fill, so the clearing reads the book
 *   with range scans and no per-offer reads.
 * - Entries are written only by the offer's own transactions before gate closure (PostOffer,
 *   AcceptOffer, CancelOffer) and by ClearMarket after it: offers of different owners never share a
 *   key, and the clearing's ranges cover only its own market.
 *
 * Markets opened before this layout (`bookVersion` absent) keep their entries under composite keys
 * `(offer~book, marketId, side, priceKey, timeKey, offerId)`; their books are read whole, as then.
 */
import type { Context } from 'fabric-contract-api';
import { IllegalStateError } from '../lib/errors';
import { fromBytes, toBytes } from '../lib/json';
import { MAX_PRICE } from '../lib/money';
import { scan, scanRange } from '../lib/pagination';
import type { Order } from './auction';
import type { Market, Offer, Side } from './model';

export const ORDER_BOOK = 'offer~book';
/** The layout of the book keys of markets opened by this version (see the module comment). */
export const BOOK_VERSION = 2;

const SEPARATOR = '\u0001';
const MAX_UNICODE_RUNE = '\u{10ffff}';
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

/** What an entry holds. */
interface BookValue {
  remainingWh: number;
  minFillWh?: number;
}

/** The book of markets opened before BOOK_VERSION 2 (composite keys). */
export function isLegacyBook(market: Pick<Market, 'bookVersion'>): boolean {
  return market.bookVersion === undefined;
}

function attributesOf(
  market: Pick<Market, 'id'>,
  offer: Pick<Offer, 'side' | 'price' | 'postedAtMs' | 'id'>,
): string[] {
  const priceKey = offer.side === 'BUY' ? MAX_PRICE - offer.price : offer.price;
  return [
    market.id,
    sideKey(offer.side),
    pad(priceKey, PRICE_DIGITS),
    pad(offer.postedAtMs, TIME_DIGITS),
    offer.id,
  ];
}

function simpleKey(parts: readonly string[]): string {
  return [ORDER_BOOK, ...parts].join(SEPARATOR) + SEPARATOR;
}

/** The book key of an offer of `market`. */
export function bookKey(
  ctx: Context,
  market: Pick<Market, 'id' | 'bookVersion'>,
  offer: Pick<Offer, 'side' | 'price' | 'postedAtMs' | 'id'>,
): string {
  const attributes = attributesOf(market, offer);
  return isLegacyBook(market) ? ctx.stub.createCompositeKey(ORDER_BOOK, attributes) : simpleKey(attributes);
}

/** The first book key after `key` (every key ends with the separator and none extends another). */
export function keyAfter(key: string): string {
  return key + SEPARATOR;
}

/** Puts (or updates) the offer's entry with its remaining quantity and minimum fill. */
export async function putBookEntry(
  ctx: Context,
  market: Pick<Market, 'id' | 'bookVersion'>,
  offer: Offer,
): Promise<void> {
  const value: BookValue = { remainingWh: offer.remainingWh, minFillWh: offer.minFillWh };
  await ctx.stub.putState(bookKey(ctx, market, offer), toBytes(value));
}

/** Removes the offer's entry (the offer is no longer OPEN). */
export async function deleteBookEntry(
  ctx: Context,
  market: Pick<Market, 'id' | 'bookVersion'>,
  offer: Offer,
): Promise<void> {
  await ctx.stub.deleteState(bookKey(ctx, market, offer));
}

/** A slice of one side of the book, in priority order. */
export interface BookSlice {
  readonly entries: BookEntry[];
  /** True when the slice reaches the end of the side. */
  readonly complete: boolean;
}

function entryOf(key: string, parts: readonly string[], value: Uint8Array, side: Side): BookEntry {
  const [priceKey, timeKey, id] = parts;
  if (priceKey === undefined || timeKey === undefined || id === undefined) {
    throw new IllegalStateError(`order book entry ${key} is malformed`);
  }
  const stored = Number(priceKey);
  const { remainingWh, minFillWh } = fromBytes<BookValue>(value);
  return {
    key,
    side,
    id,
    price: side === 'BUY' ? MAX_PRICE - stored : stored,
    time: Number(timeKey),
    quantity: remainingWh,
    minFill: minFillWh,
  };
}

/**
 * Reads up to `limit` entries of one side of a market's book, best first — after the key `after`
 * when given, or from the key `from` (inclusive) — and before the key `to` (exclusive) when given, skipping the keys in `skip` (entries this transaction removed already; Fabric has
 * no read-your-writes). Unpaginated iterator (Fabric refuses writes after paginated queries),
 * always closed.
 */
export async function readBook(
  ctx: Context,
  market: Pick<Market, 'id' | 'bookVersion'>,
  side: Side,
  limit: number,
  options: { after?: string; from?: string; to?: string; skip?: ReadonlySet<string> } = {},
): Promise<BookSlice> {
  const entries: BookEntry[] = [];
  const { after, from: start, to, skip } = options;
  if (isLegacyBook(market) && (start !== undefined || to !== undefined)) {
    throw new IllegalStateError(`the book of ${market.id} has no key ranges (composite keys)`);
  }
  if (isLegacyBook(market)) {
    // Whole-side composite range, as when these markets were opened; `after` is applied here.
    for await (const { key, value } of scan(ctx, ORDER_BOOK, [market.id, sideKey(side)])) {
      if ((after !== undefined && key <= after) || skip?.has(key)) continue;
      if (entries.length >= limit) return { entries, complete: false };
      entries.push(entryOf(key, ctx.stub.splitCompositeKey(key).attributes.slice(2), value, side));
    }
    return { entries, complete: true };
  }
  const sideStart = simpleKey([market.id, sideKey(side)]);
  // Every key ends with the separator and no key extends another, so key + separator is the first
  // key after it.
  const from = after !== undefined ? after + SEPARATOR : (start ?? sideStart);
  for await (const { key, value } of scanRange(ctx, from, to ?? sideStart + MAX_UNICODE_RUNE)) {
    if (skip?.has(key)) continue;
    if (entries.length >= limit) return { entries, complete: false };
    const parts = key.slice(sideStart.length, -1).split(SEPARATOR);
    entries.push(entryOf(key, parts, value, side));
  }
  return { entries, complete: true };
}
