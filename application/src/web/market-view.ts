/**
 * One market as the dashboard shows it (`GET /api/markets/{marketId}`): the market, its published
 * clearing result, its trades, and the order book's depth per side, from which the dashboard draws
 * the supply and demand step curves.
 *
 * The depth is of the auction's book (docs/trading.md): while the market is OPEN, the OPEN offers'
 * remaining quantities; once the auction ran, every offer that was in the book at gate closure with
 * the quantity the auction saw — what was posted less bilateral fills (AcceptOffer happens only
 * before gate closure; cancelled offers left the book). So the curves cross where the clearing
 * result says, and their totals are its `bidVolumeWh` and `askVolumeWh`.
 */
import type { ClearingResult, Market, Offer, Side, Trade } from '@estp/chaincode';
import { allPages } from '../cli/commands/transaction';
import type { BookLevel, MarketBook, MarketView } from './api-types';
import type { RequestContext, Route } from './context';
import { sendJson } from './http';

type BookOffer = Pick<Offer, 'id' | 'side' | 'price' | 'quantityWh' | 'remainingWh' | 'status'>;
type BookTrade = Pick<Trade, 'origin' | 'quantityWh' | 'buyOfferId' | 'sellOfferId'>;

function levels(
  quantities: ReadonlyMap<number, { quantityWh: number; offers: number }>,
  side: Side,
): BookLevel[] {
  const prices = [...quantities.keys()].sort((a, b) => (side === 'BUY' ? b - a : a - b));
  let cumulativeWh = 0;
  return prices.map((price) => {
    const level = quantities.get(price) ?? { quantityWh: 0, offers: 0 };
    cumulativeWh += level.quantityWh;
    return { price, quantityWh: level.quantityWh, offers: level.offers, cumulativeWh };
  });
}

/** The depth of a market's book from its offers and (once cleared) its bilateral trades. */
export function marketBook(
  market: Pick<Market, 'status'>,
  offers: readonly BookOffer[],
  trades: readonly BookTrade[],
): MarketBook {
  const basis = market.status === 'OPEN' ? 'open' : 'auction';
  const bilateral = new Map<string, number>();
  for (const trade of trades) {
    if (trade.origin !== 'BILATERAL') continue;
    for (const id of [trade.buyOfferId, trade.sellOfferId]) {
      if (id !== undefined) bilateral.set(id, (bilateral.get(id) ?? 0) + trade.quantityWh);
    }
  }
  const sides = {
    BUY: new Map<number, { quantityWh: number; offers: number }>(),
    SELL: new Map<number, { quantityWh: number; offers: number }>(),
  };
  for (const offer of offers) {
    const quantity =
      basis === 'open'
        ? offer.status === 'OPEN'
          ? offer.remainingWh
          : 0
        : offer.status === 'CANCELLED'
          ? 0
          : offer.quantityWh - (bilateral.get(offer.id) ?? 0);
    if (quantity <= 0) continue;
    const side = sides[offer.side];
    const level = side.get(offer.price) ?? { quantityWh: 0, offers: 0 };
    side.set(offer.price, { quantityWh: level.quantityWh + quantity, offers: level.offers + 1 });
  }
  return { basis, bids: levels(sides.BUY, 'BUY'), asks: levels(sides.SELL, 'SELL') };
}

/** Most offers and trades read for one market view (50 pages of 200). */
const MAX_PAGES = 50;

/** `GET /api/markets/:marketId`: the market view, read as the caller. */
async function marketView(context: RequestContext, params: Readonly<Record<string, string>>): Promise<void> {
  const marketId = params['marketId'] ?? '';
  const client = await context.caller().client();
  const everyPage = (contract: string, transaction: string) =>
    allPages(
      (bookmark) => client.evaluate(contract, transaction, { marketId, pageSize: 200, bookmark }),
      MAX_PAGES,
    );
  const [view, offers, trades] = await Promise.all([
    client.evaluate<{ market: Market; clearing: ClearingResult | null }>('Market', 'GetMarket', { marketId }),
    everyPage('Market', 'ListOffers'),
    everyPage('Settlement', 'ListTrades'),
  ]);
  const result: MarketView = {
    market: view.market,
    clearing: view.clearing ?? null,
    book: marketBook(view.market, offers.records as Offer[], trades.records as Trade[]),
    trades: trades.records as Trade[],
    truncated: offers.bookmark !== '' || trades.bookmark !== '',
  };
  sendJson(context.res, 200, result);
}

export function marketViewRoutes(): Route[] {
  return [{ method: 'GET', path: '/api/markets/:marketId', handle: marketView }];
}
