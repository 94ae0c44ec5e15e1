/**
 * One market as the dashboard shows it (`GET /api/markets/{marketId}`): the market, its published
 * clearing result, its trades, and the order book's depth per side, from which the dashboard draws
 * the supply and demand step curves.
 *
 * The depth is of the auction's book (docs/trading.md): while the market is OPEN, the OPEN offers'
 * remaining quantities; once the auction ran, every offer that was in the book at gate closure with
 * the quantity the auction saw — what was posted less bilateral fills (AcceptOffer happens only
 * before gate closure; cancelled offers left the book). So the curves cross where the clearing
 * result says, and their totals are what each side offered. Two cases draw more than the auction
 * traded: offers whose owner was no longer ACTIVE at clearing (closed EXPIRED unmatched, counted
 * in the result's `skipped`; their records do not say which they were), and marginal offers whose
 * minimum fill cut the volume back (market/auction.ts) — the curves then cross beyond the marked
 * volume.
 */
import type { Market, Offer, Page, Side, Trade } from '@estp/chaincode';
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

/** The records of the first {@link MAX_PAGES} pages, and whether more remain. */
async function firstPages<T>(pages: AsyncIterable<Page<T>>): Promise<{ records: T[]; more: boolean }> {
  const records: T[] = [];
  let read = 0;
  for await (const page of pages) {
    records.push(...page.records);
    read += 1;
    if (read === MAX_PAGES) return { records, more: page.bookmark !== '' };
  }
  return { records, more: false };
}

/** `GET /api/markets/:marketId`: the market view, read as the caller. */
async function marketView(context: RequestContext, params: Readonly<Record<string, string>>): Promise<void> {
  const marketId = params['marketId'] ?? '';
  const client = await context.caller().client();
  const [view, offers, trades] = await Promise.all([
    client.evaluate('Market', 'GetMarket', { marketId }),
    firstPages(client.pages('Market', 'ListOffers', { marketId, pageSize: 200 })),
    firstPages(client.pages('Settlement', 'ListTrades', { marketId, pageSize: 200 })),
  ]);
  const result: MarketView = {
    market: view.market,
    clearing: view.clearing ?? null,
    book: marketBook(view.market, offers.records, trades.records),
    trades: trades.records,
    truncated: offers.more || trades.more,
  };
  sendJson(context.res, 200, result);
}

export function marketViewRoutes(): Route[] {
  return [{ method: 'GET', path: '/api/markets/:marketId', handle: marketView }];
}
