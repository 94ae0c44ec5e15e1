/**
 * ClearMarket: the market's uniform-price call auction after gate closure, computed and applied in
 * bounded steps, one per transaction, so no transaction's work depends on the size of the book:
 *
 * 1. **PRICING.** The auction walks both sides of the order book in priority order
 *    (market/auction.ts `walk`), at most `16 × batchSize` entries of each side per transaction,
 *    keeping the walk's state (its fronts and the last key read on each side) in the
 *    ClearingResult. Offers whose owner (or its org) is no longer ACTIVE are skipped: closed (EXPIRED) with
 *    their escrow released, at most `batchSize` per step. When the fronts stop crossing, the volume
 *    and the uniform price are known and published.
 * 2. **MATCHING**, in rounds. A round's first step replays the greedy match in memory over a bounded
 *    read of the book's front (at most MAX_MATCH_SLICES × batchSize pairs). A round of at most
 *    batchSize pairs is one batch, matched at once. A longer one is cut into slices of batchSize
 *    pairs, each matched by `ClearMarket { slice }` side by side with the others: a slice reads only
 *    its own key ranges and writes its trades and the offers only it matched; offers two slices
 *    match (shared) are written by neither — their fills wait in the slices' records until the step
 *    that finds the round done merges them.
 * 3. **RELEASING.** Once the volume is matched, the offers left are closed (EXPIRED), releasing their
 *    escrow: at once when they are at most `3 × batchSize`, otherwise in release slices of
 *    `3 × batchSize` book keys, each closed by `ClearMarket { slice }` side by side.
 * 4. When every slice is done the market is CLEARED and further ClearMarket calls are rejected.
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
import { IllegalStateError, InvalidInputError, TooEarlyError } from '../lib/errors';
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
import { type IndexedTrade, indexTrades, recordTrade } from './fills';
import { EMPTY_WALK, clearingPrice, matchOrders, walk } from './auction';
import { type BookEntry, deleteBookEntry, isLegacyBook, keyAfter, putBookEntry, readBook } from './book';
import { getMarketRecord } from './markets';
import type {
  ClearingResult,
  ClearingSlice,
  Market,
  MatchSlice,
  Offer,
  OfferStatus,
  ReleaseSlice,
  SliceFill,
  Side,
} from './model';
import { closeOffer } from './offers';

/**
 * Pairs (and then offer closures) applied per ClearMarket transaction unless the caller asks for
 * another size: small enough that a transaction commits within about 5 s on a slower 2-core
 * machine. Measured there (`npm run bench:ledger -- --only ClearMarket --clear 10000`,
 * docs/performance.md, "Clearing"): slices of 250 pairs took up to 10.8 s from submit to commit
 * with two others beside them (51.7 s for the 10 000-offer book), of 125 pairs with one other
 * 3.7–4.7 s in most runs and up to 6.6 s in the machine's slower quarters: a little more time in
 * all for transactions far from the client's 15 s deadline.
 */
export const DEFAULT_CLEARING_BATCH = 125;
/**
 * Upper bound of `batchSize`: keeps a transaction far from the peer's 30 s execute timeout and its
 * write set (≈ 1.5 MB at 1 000 pairs) far below the channel's 10 MB block limit.
 */
export const MAX_CLEARING_BATCH = 1_000;
/**
 * Book entries a pricing step reads per side: this many per pair of the batch size (4 000 by
 * default). Reading is cheap against writing (a pricing step writes only the offers of owners no
 * longer ACTIVE, at most batchSize of them): on the real network a step of 1 000 entries a side took
 * 1.0–1.3 s, most of it the transaction's fixed cost, so a 10 000-offer book prices in one or two
 * transactions instead of four (docs/performance.md, "Clearing").
 */
export const PRICING_ENTRIES_PER_PAIR = 16;
/**
 * Offers a release batch closes: this many per pair of the batch size (750 by default). Closing an
 * unmatched offer writes the offer, deletes its book entry and credits its owner (one delta per
 * owner): about 3 state accesses against ~8 for a pair (two offers read and written, two book
 * entries, the trade, a share of its parties' index entries), so a release batch of 3 × batchSize
 * costs about what a batch of pairs costs (docs/trading.md, "Clearing in bounded steps"). A release
 * slice is as many book keys, so that one call closes it.
 */
export const RELEASES_PER_PAIR = 3;

/**
 * Offers a transaction may close in place of `pairs` pairs: a release step's budget, what one
 * release slice call closes, and so the book keys of a release slice (with `pairs` = batchSize).
 */
function releaseBudget(pairs: number): number {
  return RELEASES_PER_PAIR * pairs;
}
/**
 * Release slices per side of the book at most. When the matching is done and more is left than the
 * transaction can close, it cuts the rest of each side into slices of RELEASES_PER_PAIR × batchSize
 * consecutive book keys (the last one open-ended), reading at most this many such slices a side —
 * 15 × batchSize entries, within a pricing step's 16 × batchSize; each slice is released by
 * `ClearMarket { slice }` calls that touch only its own offers, book keys, progress record and
 * owners' deltas, so a client submits them together (docs/trading.md, "Clearing in bounded steps").
 */
export const MAX_RELEASE_SLICES_PER_SIDE = 5;
/** Release slice numbers run from 0 to this (exclusive): bids' slices first, then asks'. */
export const MAX_RELEASE_SLICES = 2 * MAX_RELEASE_SLICES_PER_SIDE;
/**
 * Matching slices of one round at most. A round of more than batchSize pairs is planned by one
 * transaction that reads at most this many × batchSize + 1 entries a side and replays the greedy
 * match in memory; its slices of batchSize pairs each are then matched side by side.
 */
export const MAX_MATCH_SLICES = 16;
/** The largest `slice` a ClearMarket call may name. */
const MAX_SLICE = Math.max(MAX_RELEASE_SLICES, MAX_MATCH_SLICES);

export const ClearMarket = transaction({
  contract: 'Market',
  name: 'ClearMarket',
  kind: 'submit',
  summary:
    "Runs the next bounded step of the market's call auction after gate closure — pricing slices of the book, then rounds of matching slices of at most batchSize trades, then release slices; the slices a step announces may run side by side with `slice`; call again until `batch.done` (any ACTIVE member). Offers of owners no longer ACTIVE are skipped and released.",
  input: {
    marketId: id().describe('the market'),
    batchSize: int({ min: 1, max: MAX_CLEARING_BATCH })
      .orUndefined()
      .describe(
        `matched pairs applied by this transaction (default ${DEFAULT_CLEARING_BATCH}), ${PRICING_ENTRIES_PER_PAIR} × it book entries priced per side, ${RELEASES_PER_PAIR} × it offers closed per release batch`,
      ),
    slice: int({ min: 0, max: MAX_SLICE - 1 })
      .orUndefined()
      .describe(
        'once the clearing has slices (`clearing.match.slices` while MATCHING, `clearing.release.slices` while RELEASING): run this slice only, side by side with the others; call again until `batch.slice.done`, then once without slice to go on',
      ),
  },
  output: result<ClearMarketResult>('the clearing result and what this batch did'),
  errors: {
    ESTP_FORBIDDEN: '',
    ESTP_NOT_FOUND: '',
    ESTP_TOO_EARLY: 'before gate closure',
    ESTP_INVALID_INPUT: "slice beyond the clearing's current slices",
    ESTP_ILLEGAL_STATE: 'already CLEARED; a slice while no round or release is sliced',
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
    /** A slice call: the slice, and whether its key range is empty now (then call without slice). */
    slice?: { index: number; done: boolean };
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

/** Where closed offers are counted: the ClearingResult, or a release slice's record. */
type Tally = Pick<ClearingResult, 'offersClosed' | 'bids' | 'asks'>;

function sliceId(marketId: string, index: number, round?: number): string {
  return round === undefined ? `${marketId}/r/${index}` : `${marketId}/m${round}/${index}`;
}

function newSlice(marketId: string, index: number, now: string, round?: number): ClearingSlice {
  const slice: ClearingSlice = {
    id: sliceId(marketId, index, round),
    marketId,
    index,
    offersClosed: 0,
    bids: 0,
    asks: 0,
    done: false,
    updatedAt: now,
  };
  if (round !== undefined) Object.assign(slice, { trades: 0, matchedWh: 0, tradedValue: 0, fills: [] });
  return slice;
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
  /** Whether this transaction finished the pricing. */
  pricingDone = false;
  /** Offers this transaction closed, trades it created. */
  closed = 0;
  trades = 0;
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

  /**
   * Offers matched by two slices of a round: this transaction reads them but does not write them
   * (their fills go into the slice record, merged when the round ends).
   */
  readonly shared = new Set<string>();
  /** Shared offers as read, to tell what this transaction took from them. */
  readonly sharedBefore = new Map<string, Offer>();

  /** The offer of a book entry, checked against it. */
  async offer(entry: BookEntry): Promise<Offer> {
    let offer = this.offers.get(entry.id);
    if (!offer) {
      offer = await mustReadRecord<Offer>(this.ctx, RecordType.Offer, entry.id);
      if (offer.status !== 'OPEN' || offer.remainingWh !== entry.quantity) {
        throw new IllegalStateError(`offer ${offer.id} disagrees with its order book entry`);
      }
      this.offers.set(entry.id, offer);
      if (this.shared.has(entry.id)) this.sharedBefore.set(entry.id, { ...offer });
    }
    return offer;
  }

  /** What this transaction took from the shared offers it matched. */
  sharedFills(): SliceFill[] {
    const fills: SliceFill[] = [];
    for (const [offerId, before] of [...this.sharedBefore].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const now = this.offers.get(offerId);
      if (!now || now.filledWh === before.filledWh) continue;
      fills.push({
        offerId,
        filledWh: now.filledWh - before.filledWh,
        moneyTaken: before.moneyLocked - now.moneyLocked,
        certificatesTakenWh: before.certificatesLockedWh - now.certificatesLockedWh,
      });
    }
    return fills;
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

  /**
   * Closes the entry's offer, releasing what it still locks, and removes it from the book; counted
   * in `tally` (the clearing, or the release slice doing it).
   */
  async close(entry: BookEntry, status: OfferStatus, tally: Tally = this.clearing): Promise<void> {
    await closeOffer(this.accounts, await this.offer(entry), status, this.now);
    this.removed.add(entry.key);
    this.closed += 1;
    tally.offersClosed += 1;
    if (entry.side === 'BUY') tally.bids += 1;
    else tally.asks += 1;
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
      if (offer && !this.shared.has(id)) await writeRecord(this.ctx, RecordType.Offer, id, offer);
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
  const batchSize = request.batchSize ?? DEFAULT_CLEARING_BATCH;
  if (request.slice !== undefined) {
    return releaseSliceCall(ctx, caller, market, existing, request.slice, batchSize);
  }
  await requireActiveParticipant(ctx, caller);
  const now = txTimeIso(ctx);
  const clearing = existing ?? newClearing(market, caller, now);
  const work = new ClearingWork(ctx, market, clearing, now);

  if (clearing.phase === 'PRICING') {
    await priceStep(work, caller, batchSize * PRICING_ENTRIES_PER_PAIR, batchSize);
  }
  // A step that finished a long pricing leaves the first batch to the next transaction.
  if (work.priced <= batchSize) {
    // A transaction that planned a matching round or ran one of its slices stops there.
    const stop = clearing.phase === 'MATCHING' && (await matchInRounds(work, batchSize));
    if (!stop && clearing.phase === 'RELEASING') {
      const pairsLeft = batchSize - work.trades;
      const budget = releaseBudget(pairsLeft);
      if (isLegacyBook(market)) await releaseStep(work, budget);
      else await releaseInSlices(work, batchSize, budget);
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
    trades: work.trades,
    offersClosed: work.closed,
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
  work.pricingDone = true;
  clearing.pricedAt = work.now;
  clearing.pricedBy = caller.participantId;
  delete clearing.pricing;
}

/**
 * One matched pair of the book (its bid and ask entries) recorded as the AUCTION trade numbered
 * `sequence` at the clearing price: the matching batches and the matching slices alike.
 */
async function recordAuctionTrade(
  work: ClearingWork,
  price: number,
  bid: BookEntry | undefined,
  ask: BookEntry | undefined,
  quantityWh: number,
  sequence: number,
  txId: string,
): Promise<Awaited<ReturnType<typeof recordTrade>>> {
  if (!bid || !ask) throw new IllegalStateError('matched pair outside the book slice');
  const buyOffer = await work.offer(bid);
  const sellOffer = await work.offer(ask);
  return recordTrade(
    work.ctx,
    work.accounts,
    {
      id: tradeId(work.market.id, sequence),
      market: work.market,
      origin: 'AUCTION',
      quantityWh,
      price,
      buyer: { participantId: buyOffer.owner, mspId: buyOffer.ownerMspId, offer: buyOffer },
      seller: { participantId: sellOffer.owner, mspId: sellOffer.ownerMspId, offer: sellOffer },
      now: work.now,
      txId,
    },
    true,
  );
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
  const trades: IndexedTrade[] = [];
  for (const pair of match.pairs) {
    const sequence = clearing.trades + 1;
    const trade = await recordAuctionTrade(
      work,
      price,
      bids[pair.bid],
      asks[pair.ask],
      pair.quantity,
      sequence,
      txId,
    );
    trades.push(trade);
    clearing.trades = sequence;
    clearing.matchedWh = add(clearing.matchedWh, pair.quantity, 'matchedWh');
    clearing.tradedValue = add(clearing.tradedValue, trade.value, 'tradedValue');
  }
  await indexTrades(work.ctx, market.id, work.now, trades);
  work.trades += trades.length;
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

/**
 * The rest of the book once the volume is matched. The first time, a bounded read of what is left
 * (at most MAX_RELEASE_SLICES_PER_SIDE slices of RELEASES_PER_PAIR × batchSize entries a side):
 * when it all fits in `budget`, it is closed at once and the clearing is DONE (a small market
 * clears in one transaction); otherwise it is cut into release slices of RELEASES_PER_PAIR ×
 * batchSize consecutive keys — what one slice call closes — (the last of a side open-ended) and
 * this transaction stops there, so that the slices' calls can run side by side.
 * Later calls without `slice` release the slices in order, `budget` offers per transaction, and the
 * call that finds every slice done adds their counts to the clearing: DONE.
 */
async function releaseInSlices(work: ClearingWork, batchSize: number, budget: number): Promise<void> {
  const { clearing, market } = work;
  if (!clearing.release) {
    const sliceKeys = releaseBudget(batchSize);
    const limit = MAX_RELEASE_SLICES_PER_SIDE * sliceKeys;
    const options = { skip: work.removed };
    const bids = await readBook(work.ctx, market, 'BUY', limit, options);
    const asks = await readBook(work.ctx, market, 'SELL', limit, options);
    const rest = [...bids.entries, ...asks.entries];
    if (bids.complete && asks.complete && rest.length <= budget) {
      for (const entry of rest) await work.close(entry, 'EXPIRED');
      clearing.phase = 'DONE';
      return;
    }
    clearing.release = {
      slices: [...cut(bids.entries, 'BUY', sliceKeys), ...cut(asks.entries, 'SELL', sliceKeys)],
    };
    return;
  }
  let left = budget;
  let done = true;
  const records: ClearingSlice[] = [];
  for (const [index, slice] of clearing.release.slices.entries()) {
    const record = await readSlice(work, index);
    if (!record.done && left > 0) {
      left -= await releaseSlice(work, slice, left, record);
      await writeRecord(work.ctx, RecordType.ClearingSlice, record.id, record);
    }
    done &&= record.done;
    records.push(record);
  }
  if (!done) return;
  for (const record of records) {
    clearing.offersClosed += record.offersClosed;
    clearing.bids += record.bids;
    clearing.asks += record.asks;
  }
  clearing.phase = 'DONE';
}

/** Cuts one side's remaining entries into slices of `size` keys; the last reaches to the side's end. */
function cut(entries: readonly BookEntry[], side: Side, size: number): ReleaseSlice[] {
  const slices: ReleaseSlice[] = [];
  for (let start = 0; start < entries.length; start += size) {
    const from = entries[start]?.key;
    const to = entries[start + size]?.key;
    if (from === undefined) break;
    slices.push(to === undefined ? { side, from } : { side, from, to });
  }
  return slices;
}

async function readSlice(work: ClearingWork, index: number): Promise<ClearingSlice> {
  const id = sliceId(work.market.id, index);
  return (
    (await readRecord<ClearingSlice>(work.ctx, RecordType.ClearingSlice, id)) ??
    newSlice(work.market.id, index, work.now)
  );
}

/**
 * Closes (EXPIRED) at most `budget` offers of one release slice, best first, counted on its record,
 * which is done once the slice's key range is empty. Returns how many it closed.
 */
async function releaseSlice(
  work: ClearingWork,
  slice: ReleaseSlice,
  budget: number,
  record: ClearingSlice,
): Promise<number> {
  const read = await readBook(work.ctx, work.market, slice.side, budget, { from: slice.from, to: slice.to });
  for (const entry of read.entries) await work.close(entry, 'EXPIRED', record);
  if (read.complete) record.done = true;
  record.updatedAt = work.now;
  return read.entries.length;
}

/**
 * `ClearMarket { slice }`: matches one matching slice's pairs (while MATCHING), or releases at most
 * RELEASES_PER_PAIR × batchSize offers of one release slice (while RELEASING). It reads the market
 * and the ClearingResult but writes neither — only the slice's trades, offers, book keys, progress
 * record and its owners' deltas — so the slices commit side by side; two calls
 * of one slice read and write the same keys, and the one validated second fails MVCC validation
 * (nothing is closed twice). A call on a slice that is done already writes nothing.
 */
async function releaseSliceCall(
  ctx: Context,
  caller: Caller,
  market: Market,
  clearing: ClearingResult | undefined,
  index: number,
  batchSize: number,
): Promise<ClearMarketResult> {
  const plan =
    clearing?.phase === 'MATCHING' && clearing.match
      ? { kind: 'matching', round: clearing.match.round, count: clearing.match.slices.length }
      : clearing?.phase === 'RELEASING' && clearing.release
        ? { kind: 'release', round: undefined, count: clearing.release.slices.length }
        : undefined;
  if (clearing === undefined || plan === undefined) {
    throw new IllegalStateError(
      `the clearing of ${market.id} is ${clearing ? clearing.phase : 'not started'} without slices: call ClearMarket without slice`,
    );
  }
  if (index >= plan.count) {
    throw new InvalidInputError(
      'slice',
      `must be below ${plan.count}, the ${plan.kind} slices of ${market.id}`,
    );
  }
  const id = sliceId(market.id, index, plan.round);
  const stored = await readRecord<ClearingSlice>(ctx, RecordType.ClearingSlice, id);
  txTimeAfter(ctx, {
    [`market ${market.id}`]: market,
    [`clearing of ${market.id}`]: clearing,
    [`slice ${id}`]: stored,
  });
  await requireActiveParticipant(ctx, caller);
  const now = txTimeIso(ctx);
  const record = stored ?? newSlice(market.id, index, now, plan.round);
  const work = new ClearingWork(ctx, market, clearing, now);
  if (!record.done) {
    const release = clearing.release?.slices[index];
    if (clearing.match) await matchSlice(work, clearing.match, index, record);
    else if (release) await releaseSlice(work, release, releaseBudget(batchSize), record);
    await work.flush();
    await writeRecord(ctx, RecordType.ClearingSlice, id, record);
  }
  const batch = {
    number: clearing.batches,
    priced: 0,
    trades: work.trades,
    offersClosed: work.closed,
    done: false,
    slice: { index, done: record.done },
  };
  emitEvent(ctx, EventName.MarketClearingBatch, {
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
 * MATCHING, without `slice`. The first call of a round replays the greedy match in memory over at
 * most MAX_MATCH_SLICES × batchSize pairs (a bounded read of the book's front): a round of at most
 * batchSize pairs is matched at once ({@link matchStep}, as one batch always was); a longer one is
 * cut into slices of batchSize pairs, recorded in the clearing, and the transaction stops there.
 * Later calls run the round's slices in order, one a transaction (a client may instead run them side
 * by side with `slice`), and the call that finds every slice done merges the round: it adds the
 * slices' counts to the clearing and applies their fills of shared offers. Returns true when this
 * transaction stops after planning, a slice or a merge.
 */
async function matchInRounds(work: ClearingWork, batchSize: number): Promise<boolean> {
  const { clearing } = work;
  if (!clearing.match) {
    // A pricing that ended in this transaction after at most batchSize entries leaves at most
    // batchSize pairs: one batch, nothing to plan.
    const oneBatch = work.pricingDone && work.priced <= batchSize;
    if (oneBatch || isLegacyBook(work.market) || !(await planRound(work, batchSize))) {
      await matchStep(work, batchSize);
      return false;
    }
    return true;
  }
  const { match } = clearing;
  const records: ClearingSlice[] = [];
  let ran = false;
  for (const index of match.slices.keys()) {
    const id = sliceId(work.market.id, index, match.round);
    const record =
      (await readRecord<ClearingSlice>(work.ctx, RecordType.ClearingSlice, id)) ??
      newSlice(work.market.id, index, work.now, match.round);
    if (!record.done && !ran) {
      await matchSlice(work, match, index, record);
      await writeRecord(work.ctx, RecordType.ClearingSlice, id, record);
      ran = true;
    }
    records.push(record);
  }
  if (records.every((record) => record.done)) await mergeRound(work, records);
  return true;
}

/**
 * Plans a matching round: reads the book's front (at most MAX_MATCH_SLICES × batchSize + 1 entries
 * a side) and replays the greedy match over the volume left. Returns false when the round is one
 * batch (nothing planned); otherwise records its slices in the clearing.
 */
async function planRound(work: ClearingWork, batchSize: number): Promise<boolean> {
  const { clearing, market } = work;
  const limit = MAX_MATCH_SLICES * batchSize;
  const options = { skip: work.removed };
  const bids = (await readBook(work.ctx, market, 'BUY', limit, options)).entries;
  const asks = (await readBook(work.ctx, market, 'SELL', limit, options)).entries;
  const match = matchOrders(bids, asks, { volume: clearing.volumeWh - clearing.matchedWh, pairs: limit });
  if (match.pairs.length <= batchSize) return false;
  const bidLeft = bids.map((entry) => entry.quantity);
  const askLeft = asks.map((entry) => entry.quantity);
  const slices: MatchSlice[] = [];
  const shared: string[] = [];
  for (let start = 0; start < match.pairs.length; start += batchSize) {
    const pairs = match.pairs.slice(start, start + batchSize);
    const [first] = pairs;
    const bid = first && bids[first.bid];
    const ask = first && asks[first.ask];
    if (!first || !bid || !ask) throw new IllegalStateError('matched pair outside the book slice');
    const bidFirstWh = bidLeft[first.bid] ?? 0;
    const askFirstWh = askLeft[first.ask] ?? 0;
    const previous = slices.at(-1);
    if (previous) {
      // The previous slice's ranges end before this slice's first offers, or just after them when
      // both slices match them (then neither writes them).
      const bidShared = bidFirstWh < bid.quantity;
      const askShared = askFirstWh < ask.quantity;
      previous.bidTo = bidShared ? keyAfter(bid.key) : bid.key;
      previous.askTo = askShared ? keyAfter(ask.key) : ask.key;
      if (bidShared && !shared.includes(bid.id)) shared.push(bid.id);
      if (askShared && !shared.includes(ask.id)) shared.push(ask.id);
    }
    let volumeWh = 0;
    for (const pair of pairs) {
      volumeWh += pair.quantity;
      bidLeft[pair.bid] = (bidLeft[pair.bid] ?? 0) - pair.quantity;
      askLeft[pair.ask] = (askLeft[pair.ask] ?? 0) - pair.quantity;
    }
    slices.push({
      bidFrom: bid.key,
      bidFirstWh,
      askFrom: ask.key,
      askFirstWh,
      sequence: clearing.trades + 1 + start,
      pairs: pairs.length,
      volumeWh,
    });
  }
  clearing.match = { round: (clearing.rounds ?? 0) + 1, slices, shared };
  clearing.rounds = clearing.match.round;
  return true;
}

/**
 * Matches one slice of a round: reads its ranges of the book (from its first bid and ask, to where
 * the next slice starts), replays the greedy match from its first offers' shares and checks that it
 * gives the plan's pairs and volume. Offers only this slice matches are written as a batch writes
 * them; the shared ones are not written — their fills go into the slice's record.
 */
async function matchSlice(
  work: ClearingWork,
  match: NonNullable<ClearingResult['match']>,
  index: number,
  record: ClearingSlice,
): Promise<void> {
  const { clearing, market } = work;
  const slice = match.slices[index];
  const price = clearing.price;
  if (!slice || price === undefined)
    throw new IllegalStateError(`no matching slice ${index} of ${market.id}`);
  for (const id of match.shared) work.shared.add(id);
  const read = async (side: Side, from: string, to: string | undefined, firstWh: number) => {
    const { entries } = await readBook(work.ctx, market, side, slice.pairs + 1, { from, to });
    const [first] = entries;
    if (!first || first.key !== from || first.quantity < firstWh) {
      throw new IllegalStateError(`the book of ${market.id} no longer holds slice ${index} of its matching`);
    }
    return { entries, orders: [{ ...first, quantity: firstWh }, ...entries.slice(1)] };
  };
  const bids = await read('BUY', slice.bidFrom, slice.bidTo, slice.bidFirstWh);
  const asks = await read('SELL', slice.askFrom, slice.askTo, slice.askFirstWh);
  const result = matchOrders(bids.orders, asks.orders, { volume: slice.volumeWh, pairs: slice.pairs });
  if (result.pairs.length !== slice.pairs || result.volume !== slice.volumeWh) {
    throw new IllegalStateError(`slice ${index} of the matching of ${market.id} no longer matches its plan`);
  }
  const txId = work.ctx.stub.getTxID();
  const trades: IndexedTrade[] = [];
  let tradedValue = record.tradedValue ?? 0;
  for (const [n, pair] of result.pairs.entries()) {
    const trade = await recordAuctionTrade(
      work,
      price,
      bids.entries[pair.bid],
      asks.entries[pair.ask],
      pair.quantity,
      slice.sequence + n,
      txId,
    );
    trades.push(trade);
    tradedValue = add(tradedValue, trade.value, 'tradedValue');
  }
  await indexTrades(work.ctx, market.id, work.now, trades);
  for (const [side, remaining] of [
    [bids, result.bidRemaining],
    [asks, result.askRemaining],
  ] as const) {
    for (const [n, entry] of side.entries.entries()) {
      const order = side.orders[n];
      if (work.shared.has(entry.id) || !order) continue;
      const left = remaining[n] ?? order.quantity;
      if (left === 0) await work.close(entry, 'FILLED', record);
      else work.fill(entry, left);
    }
  }
  work.trades += trades.length;
  record.trades = (record.trades ?? 0) + trades.length;
  record.matchedWh = (record.matchedWh ?? 0) + result.volume;
  record.tradedValue = tradedValue;
  record.fills = work.sharedFills();
  record.done = true;
  record.updatedAt = work.now;
}

/**
 * Ends a matching round whose slices are all done: adds their trades, volume, value and closures
 * to the clearing, and applies their fills to each shared offer — closed (FILLED, the rest of its
 * escrow refunded) when nothing is left, otherwise its book entry keeps the remainder.
 */
async function mergeRound(work: ClearingWork, records: readonly ClearingSlice[]): Promise<void> {
  const { clearing, market } = work;
  const match = clearing.match;
  if (!match) return;
  const fills = new Map<string, SliceFill[]>();
  for (const record of records) {
    clearing.trades += record.trades ?? 0;
    clearing.matchedWh = add(clearing.matchedWh, record.matchedWh ?? 0, 'matchedWh');
    clearing.tradedValue = add(clearing.tradedValue, record.tradedValue ?? 0, 'tradedValue');
    clearing.offersClosed += record.offersClosed;
    clearing.bids += record.bids;
    clearing.asks += record.asks;
    for (const fill of record.fills ?? [])
      fills.set(fill.offerId, [...(fills.get(fill.offerId) ?? []), fill]);
  }
  for (const offerId of match.shared) {
    const offer = await mustReadRecord<Offer>(work.ctx, RecordType.Offer, offerId);
    if (offer.status !== 'OPEN') throw new IllegalStateError(`shared offer ${offerId} is ${offer.status}`);
    for (const fill of fills.get(offerId) ?? []) {
      if (
        offer.remainingWh < fill.filledWh ||
        offer.moneyLocked < fill.moneyTaken ||
        offer.certificatesLockedWh < fill.certificatesTakenWh
      ) {
        throw new IllegalStateError(`the fills of ${offerId} exceed the offer`);
      }
      offer.filledWh += fill.filledWh;
      offer.remainingWh -= fill.filledWh;
      offer.moneyLocked -= fill.moneyTaken;
      offer.certificatesLockedWh -= fill.certificatesTakenWh;
    }
    offer.updatedAt = work.now;
    if (offer.remainingWh === 0) {
      await closeOffer(work.accounts, offer, 'FILLED', work.now);
      await deleteBookEntry(work.ctx, market, offer);
      work.closed += 1;
      clearing.offersClosed += 1;
      if (offer.side === 'BUY') clearing.bids += 1;
      else clearing.asks += 1;
    } else {
      await putBookEntry(work.ctx, market, offer);
    }
    await writeRecord(work.ctx, RecordType.Offer, offer.id, offer);
  }
  delete clearing.match;
  if (clearing.matchedWh === clearing.volumeWh) clearing.phase = 'RELEASING';
}
