/**
 * ClearMarket: the market's uniform-price call auction, run once after gate closure and applied
 * in bounded batches.
 *
 * 1. The first ClearMarket of a market (any ACTIVE member, at or after gate closure) reads both
 *    sides of the order book (two range scans, no per-offer reads), runs market/auction.ts once
 *    and publishes the ClearingResult: uniform price, volume, marginal prices. It then applies the
 *    first batch.
 * 2. A batch turns at most `batchSize` matched pairs into trades and, once the whole volume is
 *    matched, closes at most `batchSize` unmatched offers (releasing their escrow), in priority
 *    order. Each later ClearMarket applies the next batch: it reads only the first batchSize + 1
 *    entries of each side of the book — the greedy walk resumes exactly where the previous batch
 *    stopped, because filled offers have left the book and a partly filled one carries its
 *    remaining quantity in its book entry.
 * 3. When the book is empty the market is CLEARED and further ClearMarket calls are rejected.
 *
 * Every transaction's work and write set is thus bounded by the batch size, whatever the size of
 * the market (see docs/trading.md for the measured times and the network's 10 MB block limit).
 */
import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import { IllegalStateError, TooEarlyError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { toBytes } from '../lib/json';
import { RecordType } from '../lib/keys';
import { add } from '../lib/money';
import { mustReadRecord, writeRecord } from '../lib/state';
import { isoOf, txTimeIso, txTimeMs } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id, int } from '../lib/validate';
import { requireActiveParticipant } from '../participant/model';
import { AccountBook } from '../lib/accounts';
import { recordTrade } from './fills';
import { matchOrders, runAuction } from './auction';
import { type BookEntry, readBook } from './book';
import { getMarketRecord } from './markets';
import type { ClearingResult, Market, Offer } from './model';
import { closeOffer } from './offers';

/**
 * Pairs (and then offer closures) applied per ClearMarket transaction unless the caller asks for
 * fewer. Measured on the real network (`npm run bench:network`: 10 000 offers, three endorsing
 * peers served by one chaincode process, 2 cores): 7–10 s from submit to commit for a batch of
 * 500 pairs, 11–12 s for 1 000, against the peer's 30 s chaincode execute timeout.
 */
export const DEFAULT_CLEARING_BATCH = 500;
/**
 * Upper bound of `batchSize`: keeps a transaction near 12 s on that machine (2 000 would approach
 * the 30 s timeout) and its write set (≈ 1.5 MB) far below the channel's 10 MB block limit.
 */
export const MAX_CLEARING_BATCH = 1_000;

export const ClearMarket = transaction({
  contract: 'Market',
  name: 'ClearMarket',
  kind: 'submit',
  summary:
    "Runs the market's call auction once after gate closure and applies its result in batches of at most batchSize pairs/closures; call again until `batch.done` (any ACTIVE member).",
  input: {
    marketId: id().describe('the market'),
    batchSize: int({ min: 1, max: MAX_CLEARING_BATCH })
      .orUndefined()
      .describe(
        `matched pairs (then offer closures) applied by this transaction (default ${DEFAULT_CLEARING_BATCH})`,
      ),
  },
  output: result<ClearMarketResult>('the clearing result and what this batch did'),
  errors: {
    ESTP_FORBIDDEN: '',
    ESTP_NOT_FOUND: '',
    ESTP_TOO_EARLY: 'before gate closure',
    ESTP_ILLEGAL_STATE: 'already CLEARED',
  },
  example: { marketId: 'ELEC-ZONE-A-2026-06-01T10' },
});

/** What one ClearMarket transaction did. */
export interface ClearMarketResult {
  clearing: ClearingResult;
  batch: {
    /** 1 for the transaction that ran the auction. */
    number: number;
    trades: number;
    offersClosed: number;
    /** True when the market is now CLEARED. */
    done: boolean;
  };
}

/** One book entry as a batch works on it. */
interface Working {
  readonly entry: BookEntry;
  remaining: number;
  closed: boolean;
}

function tradeId(marketId: string, sequence: number): string {
  return `${marketId}/c/${sequence.toString().padStart(8, '0')}`;
}

/**
 * Runs the auction (first call) and/or applies the next batch of a market's clearing.
 * @throws {ForbiddenError} no member role, or the caller is not an ACTIVE participant.
 * @throws {NotFoundError} unknown market.
 * @throws {TooEarlyError} before gate closure.
 * @throws {IllegalStateError} the market is already CLEARED.
 */
export async function clearMarket(
  ctx: Context,
  request: InputOf<typeof ClearMarket>,
): Promise<ClearMarketResult> {
  const caller = await requireRole(ctx, 'member');
  const market = await getMarketRecord(ctx, request.marketId);
  const nowMs = txTimeMs(ctx);
  if (nowMs < market.gateClosureMs) {
    throw new TooEarlyError(
      `market ${market.id} clears at or after gate closure ${isoOf(market.gateClosureMs)}`,
    );
  }
  if (market.status === 'CLEARED') throw new IllegalStateError(`market ${market.id} is already CLEARED`);
  await requireActiveParticipant(ctx, caller);
  const batchSize = request.batchSize ?? DEFAULT_CLEARING_BATCH;
  const now = txTimeIso(ctx);

  let clearing: ClearingResult;
  let bids: BookEntry[];
  let asks: BookEntry[];
  let complete: boolean;
  if (market.status === 'OPEN') {
    const bidSide = await readBook(ctx, market.id, 'BUY', Number.MAX_SAFE_INTEGER);
    const askSide = await readBook(ctx, market.id, 'SELL', Number.MAX_SAFE_INTEGER);
    const auction = runAuction(bidSide.entries, askSide.entries, market.tickSize);
    bids = auction.bids as BookEntry[];
    asks = auction.asks as BookEntry[];
    complete = true;
    clearing = {
      id: market.id,
      marketId: market.id,
      commodity: market.commodity,
      gridZone: market.gridZone,
      deliveryStartMs: market.deliveryStartMs,
      deliveryEndMs: market.deliveryEndMs,
      price: auction.price,
      volumeWh: auction.volume,
      bids: bids.length,
      asks: asks.length,
      bidVolumeWh: bids.reduce((sum, order) => add(sum, order.quantity), 0),
      askVolumeWh: asks.reduce((sum, order) => add(sum, order.quantity), 0),
      marginalBidPrice: auction.marginalBidPrice,
      marginalAskPrice: auction.marginalAskPrice,
      phase: auction.volume > 0 ? 'MATCHING' : 'RELEASING',
      matchedWh: 0,
      tradedValue: 0,
      trades: 0,
      offersClosed: 0,
      batches: 0,
      computedAt: now,
      computedBy: caller.participantId,
      updatedAt: now,
    };
  } else {
    clearing = await mustReadRecord<ClearingResult>(ctx, RecordType.ClearingResult, market.id);
    const bidSide = await readBook(ctx, market.id, 'BUY', batchSize + 1);
    const askSide = await readBook(ctx, market.id, 'SELL', batchSize + 1);
    bids = bidSide.entries;
    asks = askSide.entries;
    complete = bidSide.complete && askSide.complete;
  }

  const before = { trades: clearing.trades, closed: clearing.offersClosed };
  await applyBatch(ctx, market, clearing, bids, asks, complete, batchSize, now);
  clearing.batches += 1;
  clearing.updatedAt = now;
  const done = clearing.phase === 'DONE';
  if (done) clearing.clearedAt = now;
  if (market.status === 'OPEN' || done) {
    market.status = done ? 'CLEARED' : 'CLEARING';
    market.updatedAt = now;
    await writeRecord(ctx, RecordType.Market, market.id, market);
  }
  await writeRecord(ctx, RecordType.ClearingResult, clearing.id, clearing);
  const batch = {
    number: clearing.batches,
    trades: clearing.trades - before.trades,
    offersClosed: clearing.offersClosed - before.closed,
    done,
  };
  emitEvent(ctx, done ? EventName.MarketCleared : EventName.MarketClearingBatch, {
    marketId: market.id,
    price: clearing.price,
    volumeWh: clearing.volumeWh,
    matchedWh: clearing.matchedWh,
    phase: clearing.phase,
    trades: clearing.trades,
    batch,
  });
  return { clearing, batch };
}

async function applyBatch(
  ctx: Context,
  market: Market,
  clearing: ClearingResult,
  bids: readonly BookEntry[],
  asks: readonly BookEntry[],
  complete: boolean,
  batchSize: number,
  now: string,
): Promise<void> {
  const txId = ctx.stub.getTxID();
  const accounts = new AccountBook(ctx, now);
  const offers = new Map<string, Offer>();
  const load = async (entry: BookEntry): Promise<Offer> => {
    let offer = offers.get(entry.id);
    if (!offer) {
      offer = await mustReadRecord<Offer>(ctx, RecordType.Offer, entry.id);
      if (offer.status !== 'OPEN' || offer.remainingWh !== entry.quantity) {
        throw new IllegalStateError(`offer ${offer.id} disagrees with its order book entry`);
      }
      offers.set(entry.id, offer);
    }
    return offer;
  };
  const bidWork: Working[] = bids.map((entry) => ({ entry, remaining: entry.quantity, closed: false }));
  const askWork: Working[] = asks.map((entry) => ({ entry, remaining: entry.quantity, closed: false }));
  let budget = batchSize;

  if (clearing.phase === 'MATCHING') {
    const price = clearing.price;
    if (price === undefined) throw new IllegalStateError(`clearing of ${market.id} has volume but no price`);
    const match = matchOrders(bids, asks, { volume: clearing.volumeWh - clearing.matchedWh, pairs: budget });
    for (const pair of match.pairs) {
      const bid = bidWork[pair.bid];
      const ask = askWork[pair.ask];
      if (!bid || !ask) throw new IllegalStateError('matched pair outside the book slice');
      const buyOffer = await load(bid.entry);
      const sellOffer = await load(ask.entry);
      const sequence = clearing.trades + 1;
      const trade = await recordTrade(ctx, accounts, {
        id: tradeId(market.id, sequence),
        market,
        origin: 'AUCTION',
        quantityWh: pair.quantity,
        price,
        buyer: { participantId: buyOffer.owner, mspId: buyOffer.ownerMspId, offer: buyOffer },
        seller: { participantId: sellOffer.owner, mspId: sellOffer.ownerMspId, offer: sellOffer },
        now,
        txId,
      });
      bid.remaining -= pair.quantity;
      ask.remaining -= pair.quantity;
      clearing.trades = sequence;
      clearing.matchedWh = add(clearing.matchedWh, pair.quantity, 'matchedWh');
      clearing.tradedValue = add(clearing.tradedValue, trade.value, 'tradedValue');
    }
    budget -= match.pairs.length;
    for (const work of [...bidWork, ...askWork]) {
      if (work.remaining === 0 && work.entry.quantity > 0) {
        await closeOffer(accounts, await load(work.entry), 'FILLED', now);
        work.closed = true;
        clearing.offersClosed += 1;
      }
    }
    if (clearing.matchedWh === clearing.volumeWh) clearing.phase = 'RELEASING';
    else if (match.exhausted) {
      throw new IllegalStateError(`the book of ${market.id} no longer matches its clearing volume`);
    }
  }

  if (clearing.phase === 'RELEASING') {
    const rest = [...bidWork, ...askWork].filter((work) => !work.closed);
    const closing = rest.slice(0, Math.max(budget, 0));
    for (const work of closing) {
      await closeOffer(accounts, await load(work.entry), 'EXPIRED', now);
      work.closed = true;
      clearing.offersClosed += 1;
    }
    if (complete && closing.length === rest.length) clearing.phase = 'DONE';
  }

  for (const work of [...bidWork, ...askWork]) {
    if (work.closed) await ctx.stub.deleteState(work.entry.key);
    else if (work.remaining !== work.entry.quantity) {
      await ctx.stub.putState(work.entry.key, toBytes({ remainingWh: work.remaining }));
    }
  }
  for (const id of [...offers.keys()].sort()) {
    const offer = offers.get(id);
    if (offer) await writeRecord(ctx, RecordType.Offer, id, offer);
  }
  await accounts.flush();
}
