/**
 * The order book's depth the dashboard draws as supply and demand curves: levels by price with
 * cumulative quantities, from the live book of an OPEN market or from the book the auction cleared
 * (posted quantities less bilateral fills, cancelled offers left out). Property: the curves cross
 * where the chaincode's own auction clears — their largest min(demand, supply) is its volume.
 */
import fc from 'fast-check';
import type { Offer, Trade } from '../../../../chaincode/src/records';
import { type Order, runAuction } from '../../../../chaincode/src/market/auction';
import type { BookLevel } from '../../../../application/src/web/api-types';
import { marketBook } from '../../../../application/src/web/market-view';

type BookOffer = Pick<Offer, 'id' | 'side' | 'price' | 'quantityWh' | 'remainingWh' | 'status'>;

function offer(
  id: string,
  side: 'BUY' | 'SELL',
  price: number,
  quantityWh: number,
  fields: Partial<BookOffer> = {},
): BookOffer {
  return { id, side, price, quantityWh, remainingWh: quantityWh, status: 'OPEN', ...fields };
}

test('an OPEN market shows its open offers’ remaining quantities, bids high to low, asks low to high', () => {
  const book = marketBook(
    { status: 'OPEN' },
    [
      offer('b1', 'BUY', 30, 30_000),
      offer('b2', 'BUY', 22, 40_000, { remainingWh: 10_000 }),
      offer('b3', 'BUY', 30, 5_000),
      offer('s1', 'SELL', 18, 60_000),
      offer('s2', 'SELL', 24, 40_000, { status: 'CANCELLED', remainingWh: 40_000 }),
    ],
    [],
  );

  expect(book).toEqual({
    basis: 'open',
    bids: [
      { price: 30, quantityWh: 35_000, offers: 2, cumulativeWh: 35_000 },
      { price: 22, quantityWh: 10_000, offers: 1, cumulativeWh: 45_000 },
    ],
    asks: [{ price: 18, quantityWh: 60_000, offers: 1, cumulativeWh: 60_000 }],
  });
});

test('a cleared market shows the book the auction saw: posted less bilateral fills, without cancelled offers', () => {
  const bilateral: Pick<Trade, 'origin' | 'quantityWh' | 'buyOfferId' | 'sellOfferId'>[] = [
    { origin: 'BILATERAL', quantityWh: 10_000, sellOfferId: 's1' },
    { origin: 'AUCTION', quantityWh: 25_000, buyOfferId: 'b1', sellOfferId: 's1' },
  ];
  const book = marketBook(
    { status: 'CLEARED' },
    [
      offer('b1', 'BUY', 6, 25_000, { status: 'FILLED', remainingWh: 0 }),
      offer('s1', 'SELL', 5, 35_000, { status: 'FILLED', remainingWh: 0 }),
      offer('s2', 'SELL', 4, 5_000, { status: 'CANCELLED' }),
      offer('s3', 'SELL', 3, 2_000, { status: 'FILLED', remainingWh: 0 }),
    ],
    [...bilateral, { origin: 'BILATERAL', quantityWh: 2_000, sellOfferId: 's3' }],
  );

  expect(book.basis).toBe('auction');
  expect(book.bids).toEqual([{ price: 6, quantityWh: 25_000, offers: 1, cumulativeWh: 25_000 }]);
  expect(book.asks).toEqual([{ price: 5, quantityWh: 25_000, offers: 1, cumulativeWh: 25_000 }]);
});

/** The largest volume one price can trade along the curves: max over prices of min(D(p), S(p)). */
function crossingVolume(bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
  const prices = [...bids, ...asks].map((level) => level.price);
  let best = 0;
  for (const price of prices) {
    const demand = bids.filter((level) => level.price >= price).at(-1)?.cumulativeWh ?? 0;
    const supply = asks.filter((level) => level.price <= price).at(-1)?.cumulativeWh ?? 0;
    best = Math.max(best, Math.min(demand, supply));
  }
  return best;
}

test('property: the curves of an open book cross at the volume the auction clears', () => {
  const order = fc.record({
    price: fc.integer({ min: 1, max: 40 }),
    quantity: fc.integer({ min: 1, max: 50_000 }),
  });
  fc.assert(
    fc.property(
      fc.array(order, { maxLength: 30 }),
      fc.array(order, { maxLength: 30 }),
      (bidSpecs, askSpecs) => {
        const orders = (specs: typeof bidSpecs, side: 'BUY' | 'SELL'): Order[] =>
          specs.map((spec, index) => ({
            id: `${side}${index}`,
            price: spec.price,
            quantity: spec.quantity,
            time: index,
          }));
        const bids = orders(bidSpecs, 'BUY');
        const asks = orders(askSpecs, 'SELL');
        const book = marketBook(
          { status: 'OPEN' },
          [
            ...bids.map((o) => offer(o.id, 'BUY', o.price, o.quantity)),
            ...asks.map((o) => offer(o.id, 'SELL', o.price, o.quantity)),
          ],
          [],
        );

        expect(crossingVolume(book.bids, book.asks)).toBe(runAuction(bids, asks).volume);
        expect(book.bids.at(-1)?.cumulativeWh ?? 0).toBe(bids.reduce((sum, o) => sum + o.quantity, 0));
      },
    ),
  );
});
