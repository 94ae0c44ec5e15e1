/**
 * ClearMarket: the market's uniform-price call auction after gate closure, computed and applied in
 * bounded steps, one per transaction, so no transaction's work depends on the size of the book:
 *
 * 1. **PRICING.** The auction walks both sides of the order book in priority order
 *    (market/auction.ts `walk`), at most `4 × batchSize` entries of each side per transaction,
 *    keeping the walk's state (its fronts and the last key read on each side) in the
 *    ClearingResult. Offers whose owner (or its org) is no longer ACTIVE are skipped: closed (EXPIRED) with
 *    their escrow released, at most `batchSize` per step. When the fronts stop crossing, the volume
 *    and the uniform price are known and published.
 * 2. **MATCHING.** A batch turns at most `batchSize` matched pairs into trades, walking the book
 *    from its front again: it reads only the first batchSize + 1 entries of each side, because
 *    filled offers have left the book and a partly filled one carries its remaining quantity in its
 *    book entry, so the greedy walk resumes exactly where the previous batch stopped.
 * 3. **RELEASING.** Once the volume is matched, each batch closes at most `3 × batchSize` of the
 *    offers left (EXPIRED), releasing their escrow (a closure costs about a third of a pair).
 * 4. When the book is empty the market is CLEARED and further ClearMarket calls are rejected.
 *
 * A transaction that finishes a pricing of at most `batchSize` book entries goes on with the first
 * batch, so a small market clears in one transaction; after a longer pricing the batches start in
 * the next transaction. After gate closure only ClearMarket changes the book: PostOffer, CancelOffer
 * and AcceptOffer read the market record, which the first ClearMarket writes (CLEARING), so one
 * endorsed before it and committed after it fails MVCC validation.
 *
 * See docs/trust.md ("Bounded work") and docs/trading.md for the bounds and the measured times.
 */
import type { Context } from 'fabric-contract-api';
import { type Caller, requireRole } from '../lib/caller';
import { IllegalStateError, TooEarlyError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { toBytes } from '../lib/json';
import { RecordType } from '../lib/keys';
import { add } from '../lib/money';
import { mustReadRecord, readRecord, writeRecord } from '../lib/state';
import { isoOf, txTimeAfter, txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id, int } from '../lib/validate';
import { type Participant, inactiveReason, requireActiveParticipant } from '../participant/model';
import { AccountBook } from '../lib/accounts';
import { indexTrades, recordTrade } from './fills';
import { EMPTY_WALK, clearingPrice, matchOrders, walk } from './auction';
import { type BookEntry, readBook } from './book';
import { getMarketRecord } from './markets';
import type { ClearingResult, Market, Offer, OfferStatus, Side } from './model';
import { closeOffer } from './offers';

/**
 * Pairs (and then offer closures) applied per ClearMarket transaction unless the caller asks for
 * another size. Measured on the real network (`npm run bench:network`, docs/trading.md): 250 pairs
 * take 3–4 s from submit to commit on a loaded 2-core machine, 500 up to 10 s and more.
 */
export const DEFAULT_CLEARING_BATCH = 250;
/**
 * Upper bound of `batchSize`: keeps a transaction far from the peer's 30 s execute timeout and its
 * write set (≈ 1.5 MB at 1 000 pairs) far below the channel's 10 MB block limit.
 */
export const MAX_CLEARING_BATCH = 1_000;
/** Book entries a pricing step reads per side: this many per pair of the batch size (1 000 by default). */
export const PRICING_ENTRIES_PER_PAIR = 4;
/**
 * Offers a release batch closes: this many per pair of the batch size (750 by default). Closing an
 * unmatched offer writes the offer, deletes its book entry and credits its owner (one delta per
 * owner): about 3 state accesses against ~9 for a pair (two offers read and written, two book
 * entries, the trade and its participant index entries), so a release batch of 3 × batchSize costs about what a
 * batch of pairs costs (docs/trading.md, "Clearing in bounded steps").
 */
export const RELEASES_PER_PAIR = 3;

export const ClearMarket = transaction({
  contract: 'Market',
  name: 'ClearMarket',
  kind: 'submit',
  summary:
    "Runs the next bounded step of the market's call auction after gate closure — pricing slices of the book, then batches of at most batchSize trades, then releases; call again until `batch.done` (any ACTIVE member). Offers of owners no longer ACTIVE are skipped and released.",
  input: {
    marketId: id().describe('the market'),
    batchSize: int({ min: 1, max: MAX_CLEARING_BATCH })
      .orUndefined()
      .describe(
        `matched pairs applied by this transaction (default ${DEFAULT_CLEARING_BATCH}), ${PRICING_ENTRIES_PER_PAIR} × it book entries priced per side, ${RELEASES_PER_PAIR} × it offers closed per release batch`,
      ),
  },
  output: result<ClearMarketResult>('the clearing result and what this batch did'),
  errors: {
    ESTP_FORBIDDEN: '',
    ESTP_NOT_FOUND: '',
    ESTP_TOO_EARLY: 'before gate closure',
    ESTP_ILLEGAL_STATE: 'already CLEARED',
    ESTP_BAD_TIMESTAMP: "before the market's or its clearing's latest recorded transaction",
  },
  example: { marketId: 'ELEC-ZONE-A-2026-06-01T10' },
});

/** What one ClearMarket transaction did. */
export interface ClearMarketResult {
  clearing: ClearingResult;
  batch: {
    /** 1 for the first transaction of the clearing. */
    number: number;
    /** Book entries the pricing read in this transaction (both sides). */
    priced: number;
    trades: number;
    offersClosed: number;
    /** True when the market is now CLEARED. */
    done: boolean;
  };
}

function tradeId(marketId: string, sequence: number): string {
  return `${marketId}/c/${sequence.toString().padStart(8, '0')}`;
}

/** The owner's participant ID, from an offer's ledger ID `<owner>/<offerId>`. */
function ownerOf(offerId: string): string {
  return offerId.slice(0, offerId.indexOf('/'));
}

function newClearing(market: Market, caller: Caller, now: string): ClearingResult {
  return {
    id: market.id,
    marketId: market.id,
    commodity: market.commodity,
    gridZone: market.gridZone,
    deliveryStartMs: market.deliveryStartMs,
    deliveryEndMs: market.deliveryEndMs,
    volumeWh: 0,
    phase: 'PRICING',
    pricing: { walk: EMPTY_WALK, read: 0 },
    matchedWh: 0,
    tradedValue: 0,
    trades: 0,
    offersClosed: 0,
    skipped: 0,
    bids: 0,
    asks: 0,
    batches: 0,
    startedAt: now,
    startedBy: caller.participantId,
    updatedAt: now,
  };
}

/**
 * The state one ClearMarket transaction works on: the accounts and offers it touches (each read
 * once and written once), and the book entries it removed (Fabric has no read-your-writes).
 */
class ClearingWork {
  readonly accounts: AccountBook;
  readonly removed = new Set<string>();
  /** Book entries the pricing read in this transaction. */
  priced = 0;
  private readonly offers = new Map<string, Offer>();
  private readonly owners = new Map<string, boolean>();
  private readonly remaining = new Map<string, { entry: BookEntry; remainingWh: number }>();

  constructor(
    readonly ctx: Context,
    readonly market: Market,
    readonly clearing: ClearingResult,
    readonly now: string,
  ) {
    this.accounts = new AccountBook(ctx, now);
  }

  /** The offer of a book entry, checked against it. */
  async offer(entry: BookEntry): Promise<Offer> {
    let offer = this.offers.get(entry.id);
    if (!offer) {
      offer = await mustReadRecord<Offer>(this.ctx, RecordType.Offer, entry.id);
      if (offer.status !== 'OPEN' || offer.remainingWh !== entry.quantity) {
        throw new IllegalStateError(`offer ${offer.id} disagrees with its order book entry`);
      }
      this.offers.set(entry.id, offer);
    }
    return offer;
  }

  /** Whether the owner of an offer may still trade: an ACTIVE participant of an ACTIVE org. */
  async ownerActive(offerId: string): Promise<boolean> {
    const owner = ownerOf(offerId);
    let active = this.owners.get(owner);
    if (active === undefined) {
      const participant = await readRecord<Participant>(this.ctx, RecordType.Participant, owner);
      active = participant !== undefined && (await inactiveReason(this.ctx, participant)) === undefined;
      this.owners.set(owner, active);
    }
    return active;
  }

  /** Closes the entry's offer, releasing what it still locks, and removes it from the book. */
  async close(entry: BookEntry, status: OfferStatus): Promise<void> {
    await closeOffer(this.accounts, await this.offer(entry), status, this.now);
    this.removed.add(entry.key);
    this.clearing.offersClosed += 1;
    if (entry.side === 'BUY') this.clearing.bids += 1;
    else this.clearing.asks += 1;
  }

  /** Records that a matched entry has `remainingWh` left (written to its book entry at the end). */
  fill(entry: BookEntry, remainingWh: number): void {
    this.remaining.set(entry.key, { entry, remainingWh });
  }

  /** Writes the book entries, offers and accounts this transaction changed. */
  async flush(): Promise<void> {
    for (const key of [...this.removed].sort()) await this.ctx.stub.deleteState(key);
    for (const [key, { entry, remainingWh }] of [...this.remaining].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (this.removed.has(key) || remainingWh === entry.quantity) continue;
      await this.ctx.stub.putState(key, toBytes({ remainingWh, minFillWh: entry.minFill }));
    }
    for (const id of [...this.offers.keys()].sort()) {
      const offer = this.offers.get(id);
      if (offer) await writeRecord(this.ctx, RecordType.Offer, id, offer);
    }
    await this.accounts.flush();
  }
}

/**
 * Runs the next step of a market's clearing: pricing, then batches of trades, then releases.
 * @throws {ForbiddenError} no member role, or the caller is not an ACTIVE participant.
 * @throws {NotFoundError} unknown market.
 * @throws {TooEarlyError} before gate closure.
 * @throws {IllegalStateError} the market is already CLEARED.
 * @throws {BadTimestampError} timestamp before the latest one recorded on the market or its clearing.
 * @throws {LimitExceededError} a book read reached the peer's totalQueryLimit (impossible with the
 *   bounded slices; a loud failure rather than a cut read).
 */
export async function clearMarket(
  ctx: Context,
  request: InputOf<typeof ClearMarket>,
): Promise<ClearMarketResult> {
  const caller = await requireRole(ctx, 'member');
  const market = await getMarketRecord(ctx, request.marketId);
  if (market.status === 'CLEARED') throw new IllegalStateError(`market ${market.id} is already CLEARED`);
  const existing =
    market.status === 'OPEN'
      ? undefined
      : await mustReadRecord<ClearingResult>(ctx, RecordType.ClearingResult, market.id);
  const nowMs = txTimeAfter(ctx, { [`market ${market.id}`]: market, [`clearing of ${market.id}`]: existing });
  if (nowMs < market.gateClosureMs) {
    throw new TooEarlyError(
      `market ${market.id} clears at or after gate closure ${isoOf(market.gateClosureMs)}`,
    );
  }
  await requireActiveParticipant(ctx, caller);
  const batchSize = request.batchSize ?? DEFAULT_CLEARING_BATCH;
  const now = txTimeIso(ctx);
  const clearing = existing ?? newClearing(market, caller, now);
  const work = new ClearingWork(ctx, market, clearing, now);
  const before = { trades: clearing.trades, closed: clearing.offersClosed };

  if (clearing.phase === 'PRICING') {
    await priceStep(work, caller, batchSize * PRICING_ENTRIES_PER_PAIR, batchSize);
  }
  // A step that finished a long pricing leaves the first batch to the next transaction.
  if (work.priced <= batchSize) {
    if (clearing.phase === 'MATCHING') await matchStep(work, batchSize);
    if (clearing.phase === 'RELEASING') {
      const pairsLeft = batchSize - (clearing.trades - before.trades);
      await releaseStep(work, pairsLeft * RELEASES_PER_PAIR);
    }
  }
  await work.flush();

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
    priced: work.priced,
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

/**
 * One pricing step: reads at most `slice` entries of each side after the last ones the walk took,
 * skips (and closes, at most `closeBudget` of them) those whose owner is no longer ACTIVE, and
 * advances the walk. When the walk is done it publishes the volume and price and moves on to
 * MATCHING (or RELEASING).
 */
async function priceStep(
  work: ClearingWork,
  caller: Caller,
  slice: number,
  closeBudget: number,
): Promise<void> {
  const { clearing, market } = work;
  const pricing = clearing.pricing ?? { walk: EMPTY_WALK, read: 0 };
  // Closing a skipped offer writes it and its owner's account: at most `closeBudget` per step.
  let closures = 0;
  const side = async (which: Side, after: string | undefined) => {
    const read = await readBook(work.ctx, market, which, slice, { after });
    const active: BookEntry[] = [];
    let complete = read.complete;
    let last: string | undefined;
    for (const entry of read.entries) {
      if (await work.ownerActive(entry.id)) active.push(entry);
      else if (closures < closeBudget) {
        await work.close(entry, 'EXPIRED');
        clearing.skipped += 1;
        closures += 1;
      } else {
        complete = false; // the rest of the slice waits for the next step
        break;
      }
      last = entry.key;
      pricing.read += 1;
      work.priced += 1;
    }
    return { entries: active, complete, last };
  };
  const bids = await side('BUY', pricing.bidsAfter);
  const asks = await side('SELL', pricing.asksAfter);
  const step = walk(pricing.walk, bids.entries, asks.entries, bids.complete, asks.complete);
  // Resume after the last entry the walk took; entries it skipped as inactive are gone already.
  const bidsAfter = step.bidsTaken > 0 ? bids.entries[step.bidsTaken - 1]?.key : undefined;
  const asksAfter = step.asksTaken > 0 ? asks.entries[step.asksTaken - 1]?.key : undefined;
  pricing.walk = step.state;
  pricing.bidsAfter = bidsAfter ?? (step.outcome === 'needBids' ? bids.last : pricing.bidsAfter);
  pricing.asksAfter = asksAfter ?? (step.outcome === 'needAsks' ? asks.last : pricing.asksAfter);
  clearing.pricing = pricing;
  if (step.outcome !== 'done') return;

  const { best } = step.state;
  clearing.volumeWh = best.volume;
  clearing.marginalBidPrice = best.bidPrice;
  clearing.marginalAskPrice = best.askPrice;
  if (best.bidPrice !== undefined && best.askPrice !== undefined) {
    clearing.price = clearingPrice(best.bidPrice, best.askPrice, market.tickSize);
  }
  clearing.phase = best.volume > 0 ? 'MATCHING' : 'RELEASING';
  clearing.pricedAt = work.now;
  clearing.pricedBy = caller.participantId;
  delete clearing.pricing;
}

/** One matching batch: at most `batchSize` pairs become trades, at the clearing price. */
async function matchStep(work: ClearingWork, batchSize: number): Promise<void> {
  const { clearing, market } = work;
  const price = clearing.price;
  if (price === undefined) throw new IllegalStateError(`clearing of ${market.id} has volume but no price`);
  const options = { skip: work.removed };
  const bids = (await readBook(work.ctx, market, 'BUY', batchSize + 1, options)).entries;
  const asks = (await readBook(work.ctx, market, 'SELL', batchSize + 1, options)).entries;
  const match = matchOrders(bids, asks, { volume: clearing.volumeWh - clearing.matchedWh, pairs: batchSize });
  const txId = work.ctx.stub.getTxID();
  const tradeIds: string[] = [];
  for (const pair of match.pairs) {
    const bid = bids[pair.bid];
    const ask = asks[pair.ask];
    if (!bid || !ask) throw new IllegalStateError('matched pair outside the book slice');
    const buyOffer = await work.offer(bid);
    const sellOffer = await work.offer(ask);
    const sequence = clearing.trades + 1;
    const trade = await recordTrade(
      work.ctx,
      work.accounts,
      {
        id: tradeId(market.id, sequence),
        market,
        origin: 'AUCTION',
        quantityWh: pair.quantity,
        price,
        buyer: { participantId: buyOffer.owner, mspId: buyOffer.ownerMspId, offer: buyOffer },
        seller: { participantId: sellOffer.owner, mspId: sellOffer.ownerMspId, offer: sellOffer },
        now: work.now,
        txId,
      },
      true,
    );
    tradeIds.push(trade.id);
    clearing.trades = sequence;
    clearing.matchedWh = add(clearing.matchedWh, pair.quantity, 'matchedWh');
    clearing.tradedValue = add(clearing.tradedValue, trade.value, 'tradedValue');
  }
  await indexTrades(work.ctx, market.id, work.now, tradeIds);
  for (const [entries, remaining] of [
    [bids, match.bidRemaining],
    [asks, match.askRemaining],
  ] as const) {
    for (const [n, entry] of entries.entries()) {
      const left = remaining[n] ?? entry.quantity;
      if (left === 0) await work.close(entry, 'FILLED');
      else work.fill(entry, left);
    }
  }
  if (clearing.matchedWh === clearing.volumeWh) clearing.phase = 'RELEASING';
  else if (match.exhausted) {
    throw new IllegalStateError(`the book of ${market.id} no longer matches its clearing volume`);
  }
}

/**
 * One release batch: at most `budget` of the offers left are closed (EXPIRED), best first. The
 * budget is RELEASES_PER_PAIR × the pairs this transaction did not use.
 */
async function releaseStep(work: ClearingWork, budget: number): Promise<void> {
  const { clearing, market } = work;
  const limit = Math.max(budget, 0);
  const options = { skip: work.removed };
  const bids = await readBook(work.ctx, market, 'BUY', limit, options);
  const asks = await readBook(work.ctx, market, 'SELL', limit, options);
  const rest = [...bids.entries, ...asks.entries];
  const closing = rest.slice(0, limit);
  for (const entry of closing) await work.close(entry, 'EXPIRED');
  if (bids.complete && asks.complete && closing.length === rest.length) clearing.phase = 'DONE';
}
