/**
 * PostOffer, CancelOffer, AcceptOffer, GetOffer, ListOffers.
 *
 * Offer IDs are chosen by the owner and namespaced by the owner: the ledger ID is
 * `<owner participant ID>/<offerId>`. Client IDs may not contain `/`, so the split is unambiguous;
 * two owners can both use `o-1` without colliding (or learning of each other's IDs), and the
 * PostOffer of one owner can never touch a key of another owner's offer. Posting the same offerId
 * twice is rejected (ESTP_ALREADY_EXISTS), never duplicated.
 *
 * PostOffer writes only keys of its owner: the offer, its index entry by market, its order-book
 * entry and the owner's account. The market record is only read. An owner's offers need no index:
 * their ledger IDs start with `<owner>/`, so ListOffers by owner reads that range of offer records.
 * With `lots` it posts the offer as that many ordinary offers instead ({@link postLots},
 * market/lots.ts), so that concurrent fills of a popular offer do not conflict.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { type Caller, requireRole } from '../lib/caller';
import { ForbiddenError, IllegalStateError, InvalidInputError, TooLateError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { collateral, value } from '../lib/money';
import { type Page, listByIndex, listRecords, listRecordsByIdPrefix, pageFields } from '../lib/pagination';
import { assertAbsent, mustReadRecord, writeIndex, writeRecord } from '../lib/state';
import { isoOf, txTimeAfter, txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id, int, oneOf } from '../lib/validate';
import {
  type Participant,
  getParticipant,
  inactiveReason,
  requireActiveParticipant,
} from '../participant/model';
import { AccountBook } from '../lib/accounts';
import type { Trade } from '../settlement/model';
import { recordTrade } from './fills';
import { deleteBookEntry, putBookEntry } from './book';
import { offerRef, participantId, price, quantityWh } from '../lib/fields';
import { getMarketRecord } from './markets';
import { MAX_LOTS, lotOfferId, lotQuantities } from './lots';
import { type Market, OFFERS_BY_MARKET, type Offer, type OfferStatus, SIDES } from './model';

/** The ledger ID of an owner's offer. */
export function offerLedgerId(owner: string, offerId: string): string {
  return `${owner}/${offerId}`;
}

/**
 * The caller may trade in the market: ACTIVE, trading the market's commodity and, for energy, in
 * the market's grid zone.
 * @throws {ForbiddenError}
 */
export async function requireTrader(ctx: Context, caller: Caller, market: Market): Promise<Participant> {
  const participant = await requireActiveParticipant(ctx, caller);
  if (!participant.commodities.includes(market.commodity)) {
    throw new ForbiddenError(`${participant.id} does not trade ${market.commodity}`);
  }
  if (market.commodity !== 'SAVINGS_CERT' && participant.gridZone !== market.gridZone) {
    throw new ForbiddenError(
      `${participant.id} is in grid zone ${participant.gridZone}, market ${market.id} in ${market.gridZone}`,
    );
  }
  return participant;
}

/**
 * A quantity must be a multiple of the market's quantity step (so every fill is worth ≥ 1 minor unit).
 * @throws {InvalidInputError}
 */
function requireStep(market: Market, field: string, quantity: number): void {
  const step = market.quantityStepWh ?? 1;
  if (quantity % step !== 0) {
    throw new InvalidInputError(field, `must be a multiple of the market's quantity step ${step} Wh`);
  }
}

function requireBeforeGateClosure(market: Market, now: number, what: string): void {
  if (market.status !== 'OPEN' || now >= market.gateClosureMs) {
    throw new TooLateError(
      `${what} closed at gate closure ${isoOf(market.gateClosureMs)} of market ${market.id}`,
    );
  }
}

/**
 * Releases what an offer still locks to its owner and closes it. The caller writes the offer and
 * removes its book entry.
 */
export async function closeOffer(
  accounts: AccountBook,
  offer: Offer,
  status: OfferStatus,
  now: string,
): Promise<void> {
  await accounts.release(offer.owner, offer.moneyLocked);
  await accounts.releaseCertificates(offer.owner, offer.certificatesLockedWh);
  offer.moneyLocked = 0;
  offer.certificatesLockedWh = 0;
  offer.status = status;
  offer.closedAt = now;
  offer.updatedAt = now;
}

export const PostOffer = transaction({
  contract: 'Market',
  name: 'PostOffer',
  kind: 'submit',
  summary:
    'Posts an offer before gate closure, locking its escrow (BUY), collateral (energy SELL) or certificates (certificate SELL).',
  input: {
    offerId: id().describe('offer ID (client-chosen, unique per owner: posting it twice is rejected)'),
    marketId: id().describe('the market'),
    side: oneOf(SIDES).describe('BUY (a bid) or SELL (an ask)'),
    quantityWh: quantityWh().describe(
      "quantity of energy, or of certificates (Wh saved): a multiple of the market's quantity step",
    ),
    price: price().describe("limit price, at least the market's floor"),
    minFillWh: quantityWh()
      .orUndefined()
      .describe('smallest fill accepted, bilaterally and in the auction (a multiple of the step)'),
    lots: int({ min: 2, max: MAX_LOTS })
      .orUndefined()
      .describe(
        'post the offer as this many lots <offerId>.lot001 …, each an offer of its own that takers fill without conflicting with each other (for a popular offer)',
      ),
  },
  output: result<Offer>('the offer, with what it locks (with lots: the first lot)'),
  errors: {
    ESTP_INVALID_INPUT:
      "a quantity off the market's step, a price below its floor or off its tick, more lots than steps",
    ESTP_FORBIDDEN: 'no member role, not ACTIVE, wrong commodity/zone',
    ESTP_NOT_FOUND: 'market',
    ESTP_TOO_LATE: 'after gate closure',
    ESTP_BAD_TIMESTAMP: "before the market's latest recorded transaction",
    ESTP_ALREADY_EXISTS: 'offerId reused',
    ESTP_INSUFFICIENT_FUNDS: '',
  },
  example: {
    offerId: 'O-1',
    marketId: 'ELEC-ZONE-A-2026-06-01T10',
    side: 'BUY',
    quantityWh: 5000,
    price: 250,
  },
});
export type PostOfferInput = InputOf<typeof PostOffer>;

/**
 * Posts an offer (member role, ACTIVE, before gate closure). BUY locks value(quantity, price);
 * an energy SELL locks collateral(quantity, price, market.collateralBps); a certificate SELL locks
 * `quantityWh` of held certificates.
 * @throws {InvalidInputError} bad fields; price off the market's floor/cap/tick; quantity or minFillWh
 *   not a multiple of the market's quantity step; minFillWh > quantity.
 * @throws {ForbiddenError} no member role; not ACTIVE; wrong commodity or grid zone.
 * @throws {NotFoundError} unknown market.
 * @throws {TooLateError} at or after gate closure.
 * @throws {AlreadyExistsError} the caller already posted this offerId.
 * @throws {InsufficientFundsError} not enough available credits or certificates.
 */
export async function postOffer(ctx: Context, request: PostOfferInput): Promise<Offer> {
  if (request.minFillWh !== undefined && request.minFillWh > request.quantityWh) {
    throw new InvalidInputError('minFillWh', 'must not exceed quantityWh');
  }
  const caller = await requireRole(ctx, 'member');
  const market = await getMarketRecord(ctx, request.marketId);
  const nowMs = txTimeAfter(ctx, { [`market ${market.id}`]: market });
  requireBeforeGateClosure(market, nowMs, 'offers');
  if (market.priceFloor !== undefined && request.price < market.priceFloor) {
    throw new InvalidInputError('price', `must be ≥ the market's price floor ${market.priceFloor}`);
  }
  if (market.priceCap !== undefined && request.price > market.priceCap) {
    throw new InvalidInputError('price', `must be ≤ the market's price cap ${market.priceCap}`);
  }
  if (request.price % market.tickSize !== 0) {
    throw new InvalidInputError('price', `must be a multiple of the market's tick ${market.tickSize}`);
  }
  requireStep(market, 'quantityWh', request.quantityWh);
  if (request.minFillWh !== undefined) requireStep(market, 'minFillWh', request.minFillWh);
  const participant = await requireTrader(ctx, caller, market);
  if (request.lots !== undefined) return postLots(ctx, request, request.lots, market, participant, nowMs);
  const ledgerId = offerLedgerId(participant.id, request.offerId);
  await assertAbsent(ctx, RecordType.Offer, ledgerId);

  const now = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, now);
  const offer = newOffer(ctx, market, participant, request, nowMs);
  await lockOffer(accounts, market, offer);
  await writeNewOffer(ctx, market, offer);
  await accounts.flush();
  emitEvent(ctx, EventName.OfferPosted, {
    offerId: offer.id,
    marketId: offer.marketId,
    owner: offer.owner,
    side: offer.side,
    quantityWh: offer.quantityWh,
    price: offer.price,
    moneyLocked: offer.moneyLocked,
    certificatesLockedWh: offer.certificatesLockedWh,
  });
  return offer;
}

/** A new OPEN offer of `request`, locking nothing yet ({@link lockOffer}). */
function newOffer(
  ctx: Context,
  market: Market,
  owner: Participant,
  request: Pick<PostOfferInput, 'offerId' | 'side' | 'quantityWh' | 'price' | 'minFillWh'>,
  nowMs: number,
): Offer {
  const now = txTimeIso(ctx);
  return {
    id: offerLedgerId(owner.id, request.offerId),
    offerId: request.offerId,
    owner: owner.id,
    ownerMspId: owner.mspId,
    marketId: market.id,
    commodity: market.commodity,
    side: request.side,
    quantityWh: request.quantityWh,
    price: request.price,
    minFillWh: request.minFillWh,
    filledWh: 0,
    remainingWh: request.quantityWh,
    moneyLocked: 0,
    certificatesLockedWh: 0,
    status: 'OPEN',
    postedAtMs: nowMs,
    postedAt: now,
    postedTxId: ctx.stub.getTxID(),
    updatedAt: now,
  };
}

/**
 * Locks what a new offer needs from its owner and records it on the offer: BUY the escrow
 * value(quantity, price), energy SELL the collateral, certificate SELL the certificates.
 * @throws {InsufficientFundsError}
 */
async function lockOffer(accounts: AccountBook, market: Market, offer: Offer): Promise<void> {
  if (offer.side === 'BUY') {
    offer.moneyLocked = value(offer.quantityWh, offer.price, 'quantityWh × price');
    await accounts.lock(offer.owner, offer.moneyLocked, `the escrow of BUY ${offer.offerId}`);
  } else if (market.commodity === 'SAVINGS_CERT') {
    offer.certificatesLockedWh = offer.quantityWh;
    await accounts.lockCertificates(offer.owner, offer.certificatesLockedWh, `SELL ${offer.offerId}`);
  } else {
    offer.moneyLocked = collateral(offer.quantityWh, offer.price, market.collateralBps);
    await accounts.lock(offer.owner, offer.moneyLocked, `the collateral of SELL ${offer.offerId}`);
  }
}

/** Writes a new offer: its record, its index entries and its book entry. */
async function writeNewOffer(ctx: Context, market: Market, offer: Offer): Promise<void> {
  await writeRecord(ctx, RecordType.Offer, offer.id, offer);
  await writeIndex(ctx, OFFERS_BY_MARKET, [offer.marketId, offer.id]);
  await putBookEntry(ctx, market, offer);
}

/**
 * PostOffer with `lots`: the offer as `lots` ordinary offers `<offerId>.lot001` … (market/lots.ts),
 * each locking its own part, in one transaction. Returns the first lot.
 * @throws {InvalidInputError} see {@link lotQuantities}.
 * @throws {AlreadyExistsError} the caller already posted this offerId (or one of its lots' IDs).
 * @throws {InsufficientFundsError}
 */
async function postLots(
  ctx: Context,
  request: PostOfferInput,
  count: number,
  market: Market,
  owner: Participant,
  nowMs: number,
): Promise<Offer> {
  const quantities = lotQuantities(market, { ...request, lots: count });
  const of = offerLedgerId(owner.id, request.offerId);
  await assertAbsent(ctx, RecordType.Offer, of);
  const accounts = new AccountBook(ctx, txTimeIso(ctx));
  const lots: Offer[] = [];
  for (const [n, quantity] of quantities.entries()) {
    const lotId = lotOfferId(request.offerId, n + 1);
    await assertAbsent(ctx, RecordType.Offer, offerLedgerId(owner.id, lotId));
    const lot = newOffer(ctx, market, owner, { ...request, offerId: lotId, quantityWh: quantity }, nowMs);
    lot.lot = { of, index: n + 1, count: quantities.length };
    await lockOffer(accounts, market, lot);
    await writeNewOffer(ctx, market, lot);
    lots.push(lot);
  }
  await accounts.flush();
  emitEvent(ctx, EventName.OfferPosted, {
    offerId: of,
    lots: lots.map((lot) => lot.id),
    marketId: market.id,
    owner: owner.id,
    side: request.side,
    quantityWh: request.quantityWh,
    price: request.price,
    moneyLocked: lots.reduce((sum, lot) => sum + lot.moneyLocked, 0),
    certificatesLockedWh: lots.reduce((sum, lot) => sum + lot.certificatesLockedWh, 0),
  });
  const [first] = lots;
  if (first === undefined) throw new IllegalStateError('an offer in lots has at least two lots');
  return first;
}

const OFFER_REF = offerRef().describe('offer ID <owner participant ID>/<offerId>, as PostOffer returned it');

export const CancelOffer = transaction({
  contract: 'Market',
  name: 'CancelOffer',
  kind: 'submit',
  summary:
    'Cancels an open offer (by its owner, or by any ACTIVE member once the owner or its org is no longer ACTIVE; before gate closure) and releases what it locks to the owner.',
  input: { id: OFFER_REF },
  output: result<Offer>('the cancelled offer'),
  errors: {
    ESTP_FORBIDDEN: 'not the owner while it is ACTIVE',
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: 'not OPEN',
    ESTP_TOO_LATE: '',
    ESTP_BAD_TIMESTAMP: "before the market's or offer's latest recorded transaction",
  },
  example: { id: 'CommunityMSP:member1/O-1' },
});

/**
 * Cancels an OPEN offer before gate closure and releases what it locks to its owner. The owner
 * cancels its offers; an offer whose owner (or the owner's org) is no longer ACTIVE — its owner can
 * submit nothing — may be cancelled by any ACTIVE member, which takes it off the book.
 * @throws {ForbiddenError} no member role; another owner's offer while that owner is ACTIVE; a
 *   non-owner that is not an ACTIVE participant.
 * @throws {NotFoundError} unknown offer.
 * @throws {IllegalStateError} the offer is not OPEN.
 * @throws {TooLateError} at or after gate closure.
 */
export async function cancelOffer(ctx: Context, request: InputOf<typeof CancelOffer>): Promise<Offer> {
  const caller = await requireRole(ctx, 'member');
  const offer = await mustReadRecord<Offer>(ctx, RecordType.Offer, request.id);
  if (offer.owner !== caller.participantId) {
    const ownerInactive = await inactiveReason(ctx, await getParticipant(ctx, offer.owner));
    if (ownerInactive === undefined) {
      throw new ForbiddenError(`offer ${offer.id} belongs to ${offer.owner}; only its owner may cancel it`);
    }
    await requireActiveParticipant(ctx, caller);
  }
  if (offer.status !== 'OPEN') throw new IllegalStateError(`offer ${offer.id} is ${offer.status}, not OPEN`);
  const market = await getMarketRecord(ctx, offer.marketId);
  const nowMs = txTimeAfter(ctx, { [`market ${market.id}`]: market, [`offer ${offer.id}`]: offer });
  requireBeforeGateClosure(market, nowMs, 'cancellation');
  const now = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, now);
  const released = { money: offer.moneyLocked, certificatesWh: offer.certificatesLockedWh };
  await deleteBookEntry(ctx, market, offer);
  await closeOffer(accounts, offer, 'CANCELLED', now);
  await writeRecord(ctx, RecordType.Offer, offer.id, offer);
  await accounts.flush();
  emitEvent(ctx, EventName.OfferCancelled, {
    offerId: offer.id,
    marketId: offer.marketId,
    owner: offer.owner,
    releasedMoney: released.money,
    releasedCertificatesWh: released.certificatesWh,
    by: caller.participantId,
  });
  return offer;
}

export const AcceptOffer = transaction({
  contract: 'Market',
  name: 'AcceptOffer',
  kind: 'submit',
  summary:
    "Fills an open offer immediately at its price (bilateral), any multiple of the market's quantity step up to its remainder and at least its minimum fill.",
  input: {
    id: OFFER_REF,
    quantityWh: quantityWh().describe('quantity to take'),
    acceptId: id()
      .orUndefined()
      .describe(
        'your ID for this fill of this offer (client-chosen): a resubmission is then rejected, not filled twice',
      ),
  },
  output: result<AcceptResult>('the trade and the offer after the fill'),
  errors: {
    ESTP_INVALID_INPUT: "quantity above the remainder, below the minimum fill or off the market's step",
    ESTP_FORBIDDEN: 'own offer, not ACTIVE, wrong commodity/zone, owner or its org not ACTIVE',
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: 'not OPEN',
    ESTP_TOO_LATE: '',
    ESTP_BAD_TIMESTAMP: "before the market's or offer's latest recorded transaction",
    ESTP_INSUFFICIENT_FUNDS: '',
    ESTP_ALREADY_EXISTS: "the caller's fill of this offer with this acceptId exists",
  },
  example: { id: 'EnterpriseMSP:steelworks/HEAT-SELL-1', quantityWh: 20000, acceptId: 'fill-1' },
});

/**
 * The ID of a bilateral trade: `<marketId>/a/<txId>`, or with a client-chosen `acceptId`
 * `<marketId>/a/<SHA-256 of "<taker>/<offer ID>/<acceptId>">`, so that a resubmitted AcceptOffer
 * (say after a client-side timeout) finds its trade and is rejected instead of filling the offer
 * twice. The acceptId is scoped to its taker and its offer (for a lot, the whole offer it belongs
 * to): the same acceptId on another offer is another fill.
 */
export function bilateralTradeId(
  offer: Pick<Offer, 'id' | 'marketId' | 'lot'>,
  taker: string,
  acceptId: string | undefined,
  txId: string,
): string {
  // A lot's fills share the acceptIds of its whole offer (market/lots.ts).
  const scope = offer.lot?.of ?? offer.id;
  const suffix =
    acceptId === undefined
      ? txId
      : createHash('sha256').update(`${taker}/${scope}/${acceptId}`).digest('hex');
  return `${offer.marketId}/a/${suffix}`;
}

/** What AcceptOffer returns: the trade and the offer after the fill. */
export interface AcceptResult {
  trade: Trade;
  offer: Offer;
}

/**
 * Fills a specific OPEN offer at its price, immediately (bilateral path, before gate closure): a
 * buyer accepts a SELL offer, a seller a BUY offer. The fill must be ≤ the remaining quantity and ≥
 * min(minFillWh, remaining). The taker locks its side from available (buyer: value(q, price); energy
 * seller: collateral(q, price, bps)); certificates and their payment move at once.
 * With `acceptId` (client-chosen, per taker) the fill is idempotent: see {@link bilateralTradeId}.
 * @throws {InvalidInputError} quantity above the remainder, below the minimum fill or off the quantity step.
 * @throws {ForbiddenError} no member role; not ACTIVE; own offer; wrong commodity/zone; owner or its org no longer ACTIVE.
 * @throws {AlreadyExistsError} the caller's fill with this `acceptId` was made already.
 * @throws {NotFoundError} unknown offer.
 * @throws {IllegalStateError} the offer is not OPEN.
 * @throws {TooLateError} at or after gate closure.
 * @throws {InsufficientFundsError} the taker lacks credits or certificates.
 */
export async function acceptOffer(ctx: Context, request: InputOf<typeof AcceptOffer>): Promise<AcceptResult> {
  const caller = await requireRole(ctx, 'member');
  const offer = await mustReadRecord<Offer>(ctx, RecordType.Offer, request.id);
  if (offer.owner === caller.participantId) {
    throw new ForbiddenError(`offer ${offer.id} is the caller's own; cancel it instead`);
  }
  const txId = ctx.stub.getTxID();
  const tradeId = bilateralTradeId(offer, caller.participantId, request.acceptId, txId);
  // Before the status check: a retry of a fill that emptied the offer must say "already done".
  if (request.acceptId !== undefined) await assertAbsent(ctx, RecordType.Trade, tradeId);
  if (offer.status !== 'OPEN') throw new IllegalStateError(`offer ${offer.id} is ${offer.status}, not OPEN`);
  const market = await getMarketRecord(ctx, offer.marketId);
  const nowMs = txTimeAfter(ctx, { [`market ${market.id}`]: market, [`offer ${offer.id}`]: offer });
  requireBeforeGateClosure(market, nowMs, 'bilateral fills');
  if (request.quantityWh > offer.remainingWh) {
    throw new InvalidInputError('quantityWh', `must be ≤ the offer's remaining ${offer.remainingWh} Wh`);
  }
  requireStep(market, 'quantityWh', request.quantityWh);
  const minimum = Math.min(offer.minFillWh ?? 1, offer.remainingWh);
  if (request.quantityWh < minimum) {
    throw new InvalidInputError('quantityWh', `must be ≥ the offer's minimum fill ${minimum} Wh`);
  }
  const taker = await requireTrader(ctx, caller, market);
  const ownerInactive = await inactiveReason(ctx, await getParticipant(ctx, offer.owner));
  if (ownerInactive !== undefined) {
    throw new ForbiddenError(
      `the owner of offer ${offer.id} cannot trade: ${ownerInactive}; only ACTIVE participants of ACTIVE organisations trade`,
    );
  }

  const now = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, now);
  const ownerParty = { participantId: offer.owner, mspId: offer.ownerMspId, offer };
  const takerParty = { participantId: taker.id, mspId: taker.mspId };
  const trade = await recordTrade(ctx, accounts, {
    id: tradeId,
    market,
    origin: 'BILATERAL',
    quantityWh: request.quantityWh,
    price: offer.price,
    buyer: offer.side === 'BUY' ? ownerParty : takerParty,
    seller: offer.side === 'SELL' ? ownerParty : takerParty,
    now,
    txId,
  });
  if (offer.remainingWh === 0) {
    await deleteBookEntry(ctx, market, offer);
    await closeOffer(accounts, offer, 'FILLED', now);
  } else {
    await putBookEntry(ctx, market, offer);
  }
  await writeRecord(ctx, RecordType.Offer, offer.id, offer);
  await accounts.flush();
  emitEvent(ctx, EventName.OfferAccepted, {
    offerId: offer.id,
    tradeId: trade.id,
    marketId: market.id,
    buyer: trade.buyer,
    seller: trade.seller,
    quantityWh: trade.quantityWh,
    price: trade.price,
    remainingWh: offer.remainingWh,
  });
  return { trade, offer };
}

export const GetOffer = transaction({
  contract: 'Market',
  name: 'GetOffer',
  kind: 'evaluate',
  summary: 'An offer by its ID <owner>/<offerId>.',
  input: { id: OFFER_REF },
  output: result<Offer>('the offer'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { id: 'CommunityMSP:member1/O-1' },
});

/**
 * An offer by its ledger ID.
 * @throws {NotFoundError}
 */
export function getOffer(ctx: Context, request: InputOf<typeof GetOffer>): Promise<Offer> {
  return mustReadRecord<Offer>(ctx, RecordType.Offer, request.id);
}

export const ListOffers = transaction({
  contract: 'Market',
  name: 'ListOffers',
  kind: 'evaluate',
  summary: 'Offers of a market or of an owner (not both), or all, in offer ID order.',
  input: {
    marketId: id().orUndefined().describe('only offers of this market'),
    owner: participantId().orUndefined().describe('only offers of this participant'),
    ...pageFields,
  },
  output: result<Page<Offer>>('one page of offers'),
  errors: { ESTP_INVALID_INPUT: 'both filters given' },
  example: { marketId: 'ELEC-ZONE-A-2026-06-01T10', pageSize: 50 },
});

/**
 * Lists offers of a market, of an owner, or all (one filter at most), in ledger-ID order.
 * @throws {InvalidInputError} when both filters are given.
 */
export async function listOffers(ctx: Context, request: InputOf<typeof ListOffers>): Promise<Page<Offer>> {
  if (request.marketId !== undefined && request.owner !== undefined) {
    throw new InvalidInputError('owner', 'cannot be combined with marketId');
  }
  if (request.marketId !== undefined) {
    return listByIndex<Offer>(
      ctx,
      OFFERS_BY_MARKET,
      [request.marketId],
      RecordType.Offer,
      request.pageSize,
      request.bookmark,
    );
  }
  if (request.owner !== undefined) {
    // An owner's offers are the records keyed `<owner>/…`: no index needed (offerLedgerId).
    return listRecordsByIdPrefix<Offer>(
      ctx,
      RecordType.Offer,
      offerLedgerId(request.owner, ''),
      request.pageSize,
      request.bookmark,
    );
  }
  return listRecords<Offer>(ctx, RecordType.Offer, request.pageSize, request.bookmark);
}
