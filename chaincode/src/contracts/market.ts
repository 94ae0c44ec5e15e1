import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';
import { ClearMarketInput, clearMarket } from '../market/clear';
import {
  GetMarketInput,
  ListMarketsInput,
  OpenMarketInput,
  getMarket,
  listMarkets,
  openMarket,
} from '../market/markets';
import {
  AcceptOfferInput,
  ListOffersInput,
  OfferRefInput,
  PostOfferInput,
  acceptOffer,
  cancelOffer,
  getOffer,
  listOffers,
  postOffer,
} from '../market/offers';

/**
 * Markets, offers and the call auction. Units: Wh, minor currency units, prices per kWh (see
 * docs/trading.md). Every transaction takes one JSON object argument and returns canonical JSON.
 */
@Info({
  title: 'Market',
  description: 'ESTP markets: offers, bilateral fills and the uniform-price call auction',
})
export class MarketContract extends EstpContract {
  constructor() {
    super('Market');
  }

  /**
   * Opens a market (admin role).
   * @throws ESTP_INVALID_INPUT inconsistent times or price limits; ESTP_FORBIDDEN no admin role;
   *   ESTP_ALREADY_EXISTS market ID taken.
   */
  @Transaction()
  @Param(
    'input',
    'string',
    '{ marketId, commodity: ELECTRICITY|HEAT|SAVINGS_CERT, gridZone, deliveryStart, deliveryEnd, gateClosure, reportDeadline?, disputeWindowMs?, rulingNoticeMs?, priceFloor?, priceCap?, tickSize?, collateralBps?, toleranceBps? } (times: ms or ISO-8601 UTC)',
  )
  @Returns('string')
  async OpenMarket(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await openMarket(ctx, OpenMarketInput.parse(input)));
  }

  /**
   * A market and its published clearing result.
   * @throws ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', '{ marketId }')
  @Returns('string')
  async GetMarket(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getMarket(ctx, GetMarketInput.parse(input)));
  }

  /**
   * Markets by commodity and grid zone.
   * @throws ESTP_INVALID_INPUT gridZone without commodity.
   */
  @Transaction(false)
  @Param('input', 'string', '{ commodity?, gridZone?, pageSize?, bookmark? }')
  @Returns('string')
  async ListMarkets(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listMarkets(ctx, ListMarketsInput.parse(input)));
  }

  /**
   * Posts an offer, locking its escrow (BUY), collateral (energy SELL) or certificates (certificate SELL).
   * @throws ESTP_INVALID_INPUT; ESTP_FORBIDDEN no member role, not ACTIVE, wrong commodity/zone;
   *   ESTP_NOT_FOUND market; ESTP_TOO_LATE after gate closure; ESTP_ALREADY_EXISTS offerId reused;
   *   ESTP_INSUFFICIENT_FUNDS.
   */
  @Transaction()
  @Param('input', 'string', '{ offerId, marketId, side: BUY|SELL, quantityWh, price, minFillWh? }')
  @Returns('string')
  async PostOffer(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await postOffer(ctx, PostOfferInput.parse(input)));
  }

  /**
   * Cancels an open offer (by its owner, or by any ACTIVE member once the owner or its org is no
   * longer ACTIVE; before gate closure) and releases what it locks to the owner.
   * @throws ESTP_FORBIDDEN not the owner while it is ACTIVE; ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE not OPEN; ESTP_TOO_LATE.
   */
  @Transaction()
  @Param('input', 'string', '{ id } (the offer ID <owner>/<offerId> PostOffer returned)')
  @Returns('string')
  async CancelOffer(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await cancelOffer(ctx, OfferRefInput.parse(input)));
  }

  /**
   * Fills an open offer immediately at its price (bilateral), any quantity up to its remainder and
   * at least its minimum fill.
   * @throws ESTP_INVALID_INPUT quantity; ESTP_FORBIDDEN own offer, not ACTIVE, wrong commodity/zone, owner or its org not ACTIVE;
   *   ESTP_NOT_FOUND; ESTP_ILLEGAL_STATE not OPEN; ESTP_TOO_LATE; ESTP_INSUFFICIENT_FUNDS;
   *   ESTP_ALREADY_EXISTS the caller's fill with this acceptId exists.
   */
  @Transaction()
  @Param('input', 'string', '{ id, quantityWh, acceptId? } (acceptId: client-chosen, makes a retry safe)')
  @Returns('string')
  async AcceptOffer(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await acceptOffer(ctx, AcceptOfferInput.parse(input)));
  }

  /**
   * An offer by its ID `<owner>/<offerId>`.
   * @throws ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', '{ id }')
  @Returns('string')
  async GetOffer(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getOffer(ctx, OfferRefInput.parse(input)));
  }

  /**
   * Offers of a market, of an owner, or all.
   * @throws ESTP_INVALID_INPUT both filters given.
   */
  @Transaction(false)
  @Param('input', 'string', '{ marketId? | owner?, pageSize?, bookmark? }')
  @Returns('string')
  async ListOffers(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listOffers(ctx, ListOffersInput.parse(input)));
  }

  /**
   * Runs the market's call auction once after gate closure and applies its result in batches of
   * at most batchSize pairs/closures; call again until `batch.done` (any ACTIVE member).
   * @throws ESTP_FORBIDDEN; ESTP_NOT_FOUND; ESTP_TOO_EARLY before gate closure; ESTP_ILLEGAL_STATE already CLEARED.
   */
  @Transaction()
  @Param('input', 'string', '{ marketId, batchSize? (1–1000, default 500) }')
  @Returns('string')
  async ClearMarket(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await clearMarket(ctx, ClearMarketInput.parse(input)));
  }
}
