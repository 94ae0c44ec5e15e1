/**
 * The pure call auction (chaincode/src/market/auction.ts): examples, then fast-check properties —
 * limits respected, volume maximal, one uniform price, independence of the input order,
 * conservation of quantities, minimum fills honoured, and the walk resumable slice by slice.
 */
import fc from 'fast-check';
import {
  type AuctionResult,
  EMPTY_WALK,
  type Order,
  type WalkState,
  clearingPrice,
  compareAsks,
  compareBids,
  compareIds,
  matchOrders,
  runAuction,
  walk,
} from '../../chaincode/src/market/auction';

const RUNS = 500;

function order(id: string, price: number, quantity: number, time = 0): Order {
  return { id, price, quantity, time };
}

/** Σ of a side's fills per order ID. */
function fillsById(result: AuctionResult): { bids: Map<string, number>; asks: Map<string, number> } {
  const bids = new Map<string, number>();
  const asks = new Map<string, number>();
  for (const pair of result.pairs) {
    const bid = result.bids[pair.bid]!.id;
    const ask = result.asks[pair.ask]!.id;
    bids.set(bid, (bids.get(bid) ?? 0) + pair.quantity);
    asks.set(ask, (asks.get(ask) ?? 0) + pair.quantity);
  }
  return { bids, asks };
}

/** The maximum volume tradeable at one price, by brute force over every limit price. */
function maximalVolume(bids: readonly Order[], asks: readonly Order[]): number {
  let best = 0;
  for (const price of new Set([...bids, ...asks].map((o) => o.price))) {
    const demand = bids.filter((o) => o.price >= price).reduce((sum, o) => sum + o.quantity, 0);
    const supply = asks.filter((o) => o.price <= price).reduce((sum, o) => sum + o.quantity, 0);
    best = Math.max(best, Math.min(demand, supply));
  }
  return best;
}

/** A book of unique IDs: prices on a tick grid, some ties in price and time. */
function bookArbitrary(options: { tick?: number; maxOrders?: number } = {}) {
  const tick = options.tick ?? 1;
  const max = options.maxOrders ?? 40;
  const orderArb = fc.record({
    price: fc.integer({ min: 0, max: 30 }).map((p) => p * tick),
    quantity: fc.integer({ min: 1, max: 5_000 }),
    time: fc.integer({ min: 0, max: 5 }),
  });
  return fc
    .tuple(
      fc.array(orderArb, { maxLength: max }),
      fc.array(orderArb, { maxLength: max }),
      fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }), {
        minLength: 2 * max,
        maxLength: 2 * max,
      }),
    )
    .map(([bids, asks, names]) => ({
      tick,
      bids: bids.map((o, n) => ({ ...o, id: `b${names[n]}${n}` })),
      asks: asks.map((o, n) => ({ ...o, id: `a${names[max + n]}${n}` })),
    }));
}

describe('clearingPrice', () => {
  test.each([
    [100, 80, 1, 90],
    [101, 80, 1, 90],
    [80, 80, 1, 80],
    [100, 80, 5, 90],
    [105, 80, 5, 90],
    [110, 80, 10, 90],
  ])('bid %i, ask %i, tick %i → %i', (bid, ask, tick, expected) => {
    expect(clearingPrice(bid, ask, tick)).toBe(expected);
  });

  test('rejects a pair that does not cross and a bad tick', () => {
    expect(() => clearingPrice(79, 80)).toThrow(RangeError);
    expect(() => clearingPrice(100, 80, 0)).toThrow(RangeError);
  });
});

describe('runAuction examples', () => {
  test('Given crossing books, When cleared, Then the marginal pair sets the price and partial fill', () => {
    const result = runAuction(
      [order('b1', 120, 1000), order('b2', 100, 1000), order('b3', 90, 1000)],
      [order('s1', 80, 1500), order('s2', 95, 1000), order('s3', 130, 1000)],
    );
    expect(result.volume).toBe(2000);
    // Marginal pair: b2 (100) and s2 (95) → floor(195 / 2) = 97.
    expect(result.price).toBe(97);
    expect(result.pairs.map((p) => [result.bids[p.bid]!.id, result.asks[p.ask]!.id, p.quantity])).toEqual([
      ['b1', 's1', 1000],
      ['b2', 's1', 500],
      ['b2', 's2', 500],
    ]);
    expect(result.askRemaining).toEqual([0, 500, 1000]);
    expect(result.bidRemaining).toEqual([0, 0, 1000]);
  });

  test('Given no crossing, Then nothing trades and there is no price', () => {
    const result = runAuction([order('b', 50, 10)], [order('s', 60, 10)]);
    expect(result).toMatchObject({ volume: 0, price: undefined, pairs: [], exhausted: true });
  });

  test('Given empty sides, Then nothing trades', () => {
    expect(runAuction([], [order('s', 1, 1)]).volume).toBe(0);
    expect(runAuction([order('b', 1, 1)], []).volume).toBe(0);
  });

  test('ties are broken by time, then by offer ID in UTF-8 byte order', () => {
    const bids = [
      order('z', 100, 1, 5),
      order('y', 100, 1, 3),
      order('\u{1F600}', 100, 1, 3),
      order('\uFFFD', 100, 1, 3),
    ];
    expect([...bids].sort(compareBids).map((o) => o.id)).toEqual(['y', '\uFFFD', '\u{1F600}', 'z']);
    const asks = [order('b', 10, 1, 1), order('a', 10, 1, 1), order('c', 9, 1, 9)];
    expect([...asks].sort(compareAsks).map((o) => o.id)).toEqual(['c', 'a', 'b']);
    expect(compareIds('a', 'a')).toBe(0);
  });

  test('matchOrders stops at a volume limit and at a pair limit', () => {
    const bids = [order('b1', 100, 10), order('b2', 100, 10)];
    const asks = [order('s1', 90, 5), order('s2', 90, 5), order('s3', 90, 10)];
    const byVolume = matchOrders(bids, asks, { volume: 12 });
    expect(byVolume.volume).toBe(12);
    expect(byVolume.exhausted).toBe(false);
    const byPairs = matchOrders(bids, asks, { pairs: 2 });
    expect(byPairs.pairs).toHaveLength(2);
    expect(byPairs.volume).toBe(10);
    expect(matchOrders(bids, asks).exhausted).toBe(true);
  });

  test('orders of zero quantity are skipped', () => {
    const result = matchOrders([order('b0', 100, 0), order('b1', 100, 3)], [order('s', 1, 5)]);
    expect(result.pairs).toEqual([{ bid: 1, ask: 0, quantity: 3 }]);
  });
});

describe('runAuction properties', () => {
  test('no trade above a bid limit or below an ask limit; one integer price on the tick grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((tick) => bookArbitrary({ tick })),
        ({ bids, asks, tick }) => {
          const result = runAuction(bids, asks, tick);
          if (result.volume === 0) {
            expect(result.price).toBeUndefined();
            return;
          }
          const price = result.price!;
          expect(Number.isSafeInteger(price)).toBe(true);
          expect(price % tick).toBe(0);
          for (const pair of result.pairs) {
            expect(result.bids[pair.bid]!.price).toBeGreaterThanOrEqual(price);
            expect(result.asks[pair.ask]!.price).toBeLessThanOrEqual(price);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('traded volume is the maximum tradeable at any single price', () => {
    fc.assert(
      fc.property(bookArbitrary(), ({ bids, asks }) => {
        expect(runAuction(bids, asks).volume).toBe(maximalVolume(bids, asks));
      }),
      { numRuns: RUNS },
    );
  });

  test('the result does not depend on the order in which offers were posted', () => {
    fc.assert(
      fc.property(
        bookArbitrary().chain((book) =>
          fc.tuple(
            fc.constant(book),
            fc.shuffledSubarray(book.bids, { minLength: book.bids.length }),
            fc.shuffledSubarray(book.asks, { minLength: book.asks.length }),
          ),
        ),
        ([book, bids, asks]) => {
          const a = runAuction(book.bids, book.asks);
          const b = runAuction(bids, asks);
          expect(b.price).toBe(a.price);
          expect(b.volume).toBe(a.volume);
          const named = (r: AuctionResult) =>
            r.pairs.map((p) => [r.bids[p.bid]!.id, r.asks[p.ask]!.id, p.quantity]);
          expect(named(b)).toEqual(named(a));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('quantities are conserved: fills ≤ quantity, both sides trade the same volume', () => {
    fc.assert(
      fc.property(bookArbitrary(), ({ bids, asks }) => {
        const result = runAuction(bids, asks);
        const { bids: bidFills, asks: askFills } = fillsById(result);
        const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
        expect(sum(bidFills)).toBe(result.volume);
        expect(sum(askFills)).toBe(result.volume);
        result.bids.forEach((o, n) => {
          expect((bidFills.get(o.id) ?? 0) + result.bidRemaining[n]!).toBe(o.quantity);
        });
        result.asks.forEach((o, n) => {
          expect((askFills.get(o.id) ?? 0) + result.askRemaining[n]!).toBe(o.quantity);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('priority: an order is filled only when every order ahead of it is filled completely', () => {
    fc.assert(
      fc.property(bookArbitrary(), ({ bids, asks }) => {
        const result = runAuction(bids, asks);
        for (const [orders, remaining] of [
          [result.bids, result.bidRemaining],
          [result.asks, result.askRemaining],
        ] as const) {
          const partial = orders.filter((o, n) => remaining[n]! > 0 && remaining[n]! < o.quantity);
          expect(partial.length).toBeLessThanOrEqual(1);
          const touched = orders.map((o, n) => remaining[n]! < o.quantity);
          const lastTouched = touched.lastIndexOf(true);
          for (let n = 0; n < lastTouched; n += 1) expect(remaining[n]).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('matching in batches (volume and pair limits) yields the same pairs as one run', () => {
    fc.assert(
      fc.property(bookArbitrary(), fc.integer({ min: 1, max: 5 }), ({ bids, asks }, batch) => {
        const full = runAuction(bids, asks);
        // Re-run the walk in batches of `batch` pairs over the remaining quantities, as ClearMarket does.
        let bidsLeft = full.bids.map((o) => ({ ...o }));
        let asksLeft = full.asks.map((o) => ({ ...o }));
        const pairs: [string, string, number][] = [];
        let volume = 0;
        for (;;) {
          const step = matchOrders(bidsLeft, asksLeft, { volume: full.volume - volume, pairs: batch });
          if (step.pairs.length === 0) break;
          for (const p of step.pairs) pairs.push([bidsLeft[p.bid]!.id, asksLeft[p.ask]!.id, p.quantity]);
          volume += step.volume;
          bidsLeft = bidsLeft
            .map((o, n) => ({ ...o, quantity: step.bidRemaining[n]! }))
            .filter((o) => o.quantity > 0);
          asksLeft = asksLeft
            .map((o, n) => ({ ...o, quantity: step.askRemaining[n]! }))
            .filter((o) => o.quantity > 0);
        }
        expect(volume).toBe(full.volume);
        expect(pairs).toEqual(
          full.pairs.map((p) => [full.bids[p.bid]!.id, full.asks[p.ask]!.id, p.quantity]),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('minimum fills', () => {
  /** A small book whose orders may carry a minimum fill (quantities small enough to brute-force). */
  const minOrders = fc.array(
    fc.record({
      price: fc.integer({ min: 0, max: 12 }),
      quantity: fc.integer({ min: 1, max: 40 }),
      time: fc.integer({ min: 0, max: 3 }),
      minFill: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    }),
    { maxLength: 12 },
  );
  const minBook = fc.tuple(minOrders, minOrders).map(([bids, asks]) => ({
    bids: bids.map((o, n) => ({ ...o, id: `b${n}` })),
    asks: asks.map((o, n) => ({ ...o, id: `a${n}` })),
  }));

  /** Each order's fill when the sorted sides trade `volume` front to front. */
  const fillsAt = (sorted: readonly Order[], volume: number) => {
    let start = 0;
    return sorted.map((o) => {
      const fill = Math.max(0, Math.min(o.quantity, volume - start));
      start += o.quantity;
      return fill;
    });
  };
  const respects = (sorted: readonly Order[], volume: number) =>
    fillsAt(sorted, volume).every(
      (fill, n) => fill === 0 || fill === sorted[n]!.quantity || fill >= (sorted[n]!.minFill ?? 0),
    );

  test('Given an all-or-nothing marginal bid, Then the auction stops before it, never skipping it', () => {
    const result = runAuction(
      [{ ...order('b1', 120, 1000) }, { ...order('b2', 100, 2000), minFill: 2000 }, order('b3', 99, 5000)],
      [order('s1', 80, 1500), order('s2', 90, 1000)],
    );
    // Divisibly b1 takes 1 000 and b2 1 500 of its 2 000; b2 wants all or nothing: cut back to 1 000.
    expect(result.volume).toBe(1000);
    expect(result.price).toBe(100); // marginal pair b1 (120) and s1 (80)
    expect(result.bidRemaining).toEqual([0, 2000, 5000]);
  });

  test('property: no order trades less than its minimum, and the volume is the largest that respects them', () => {
    fc.assert(
      fc.property(minBook, ({ bids, asks }) => {
        const result = runAuction(bids, asks);
        const divisible = runAuction(
          bids.map((o) => ({ ...o, minFill: undefined })),
          asks.map((o) => ({ ...o, minFill: undefined })),
        );
        // every fill is 0, the whole order, or at least its minimum
        expect(respects(result.bids, result.volume) && respects(result.asks, result.volume)).toBe(true);
        // the volume is the largest ≤ the divisible volume at which both sides respect the minimums
        let largest = 0;
        for (let v = 0; v <= divisible.volume; v += 1) {
          if (respects(result.bids, v) && respects(result.asks, v)) largest = v;
        }
        expect(result.volume).toBe(largest);
        // and still nobody trades beyond its limit
        for (const pair of result.pairs) {
          expect(result.bids[pair.bid]!.price).toBeGreaterThanOrEqual(result.price!);
          expect(result.asks[pair.ask]!.price).toBeLessThanOrEqual(result.price!);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('property: walking the book in slices across "transactions" gives the same volume and price', () => {
    fc.assert(
      fc.property(minBook, fc.integer({ min: 1, max: 4 }), ({ bids, asks }, slice) => {
        const whole = runAuction(bids, asks);
        const sortedBids = [...bids].sort(compareBids);
        const sortedAsks = [...asks].sort(compareAsks);
        let state: WalkState = EMPTY_WALK;
        let b = 0;
        let a = 0;
        for (let calls = 0; calls < 1000; calls += 1) {
          const bidSlice = sortedBids.slice(b, b + slice);
          const askSlice = sortedAsks.slice(a, a + slice);
          const step = walk(
            state,
            bidSlice,
            askSlice,
            b + slice >= sortedBids.length,
            a + slice >= sortedAsks.length,
          );
          // the state survives a round trip through the ledger's JSON
          state = JSON.parse(JSON.stringify(step.state)) as WalkState;
          b += step.bidsTaken;
          a += step.asksTaken;
          if (step.outcome === 'done') break;
        }
        expect(state.best.volume).toBe(whole.volume);
        expect([state.best.bidPrice, state.best.askPrice]).toEqual([
          whole.marginalBidPrice,
          whole.marginalAskPrice,
        ]);
      }),
      { numRuns: RUNS },
    );
  });
});
