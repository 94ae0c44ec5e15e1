/**
 * The clearing's slices (market/clear.ts, docs/trading.md "Clearing in bounded steps"): the slices
 * of a matching round and of the release, called side by side — simulated together against one
 * state and committed in any order, with racing duplicates — give the same trades, offers and
 * clearing result as the one-after-another clearing of the same book.
 */
import fc from 'fast-check';
import type { ClearMarketResult } from '../../chaincode/src/market/clear';
import type { ClearingResult, ClearingSlice, Offer } from '../../chaincode/src/market/model';
import type { Trade } from '../../chaincode/src/settlement/model';
import type { Endorsed, TestIdentity, ValidationCode } from '../support/fixture';
import {
  type TradingWorld,
  accounts,
  checkInvariants,
  clearFully,
  markets,
  openMarket,
  post,
  trader,
  tradingWorld,
} from './market-world';

interface Posting {
  who: number;
  side: 'BUY' | 'SELL';
  quantityKwh: number;
  price: number;
  minFillKwh?: number;
}

const posting: fc.Arbitrary<Posting> = fc.record(
  {
    who: fc.integer({ min: 0, max: 2 }),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    quantityKwh: fc.integer({ min: 1, max: 5 }),
    price: fc.integer({ min: 50, max: 150 }),
    minFillKwh: fc.integer({ min: 1, max: 2 }),
  },
  { requiredKeys: ['who', 'side', 'quantityKwh', 'price'] },
);

async function world3(): Promise<{ world: TradingWorld; traders: TestIdentity[] }> {
  const world = await tradingWorld();
  const traders = [
    await trader(world, 'UtilityMSP', 'u1', 100_000_000),
    await trader(world, 'EnterpriseMSP', 'e1', 100_000_000),
    await trader(world, 'CommunityMSP', 'c1', 100_000_000),
  ];
  return { world, traders };
}

/** Posts the same book into two markets (same order, so the same priority in each). */
async function postBook(
  world: TradingWorld,
  traders: TestIdentity[],
  book: readonly Posting[],
): Promise<void> {
  for (const [n, offer] of book.entries()) {
    for (const marketId of ['SEQ', 'PAR']) {
      const minFillWh =
        offer.minFillKwh && offer.minFillKwh <= offer.quantityKwh ? offer.minFillKwh * 1000 : undefined;
      await post(world, traders[offer.who]!, {
        offerId: `${marketId}-${n.toString().padStart(3, '0')}`,
        marketId,
        side: offer.side,
        quantityWh: offer.quantityKwh * 1000,
        // Bids a little higher than asks, so that most books cross over many pairs.
        price: offer.side === 'BUY' ? offer.price + 30 : offer.price - 30,
        minFillWh,
      });
    }
  }
}

/** A deterministic shuffle driven by `seed`. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Clears `marketId` as concurrent clients would: each step without `slice`, then every slice it
 * announces (plus a duplicate of one) simulated against the same state and committed in a shuffled
 * order, repeated until each slice reports done. Checks that of the calls of one slice simulated
 * together, at most one that wrote anything commits.
 */
async function clearInParallel(
  world: TradingWorld,
  who: TestIdentity,
  marketId: string,
  batchSize: number,
  seed: number,
): Promise<{ steps: number; sliceCalls: number; conflicts: number }> {
  let steps = 0;
  let sliceCalls = 0;
  let conflicts = 0;
  for (let guard = 0; guard < 500; guard += 1) {
    const { result } = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', who, {
      marketId,
      batchSize,
    });
    steps += 1;
    if (result.batch.done) return { steps, sliceCalls, conflicts };
    const count =
      result.clearing.phase === 'MATCHING'
        ? result.clearing.match?.slices.length
        : result.clearing.phase === 'RELEASING'
          ? result.clearing.release?.slices.length
          : undefined;
    if (!count) continue;
    let open = Array.from({ length: count }, (_, n) => n);
    for (let wave = 0; open.length > 0; wave += 1) {
      expect(wave).toBeLessThan(100);
      const calls = shuffled([...open, open[(seed + wave) % open.length]!], seed + wave);
      const endorsed: { slice: number; tx: Endorsed<ClearMarketResult> }[] = [];
      for (const slice of calls) {
        endorsed.push({
          slice,
          tx: await world.ledger.endorse<ClearMarketResult>(markets, 'ClearMarket', who, {
            marketId,
            batchSize,
            slice,
          }),
        });
      }
      const committed = new Map<number, number>();
      const done = new Set<number>();
      for (const { slice, tx } of shuffled(endorsed, seed * 7 + wave)) {
        const code: ValidationCode = world.ledger.commitEndorsed(tx);
        sliceCalls += 1;
        if (code !== 'VALID') {
          conflicts += 1;
          continue;
        }
        if (tx.record.writes.size > 0) committed.set(slice, (committed.get(slice) ?? 0) + 1);
        if (tx.result.batch.slice?.done) done.add(slice);
      }
      // Two calls of one slice simulated together: never both applied.
      for (const times of committed.values()) expect(times).toBe(1);
      open = open.filter((slice) => !done.has(slice));
    }
  }
  throw new Error(`${marketId} did not clear`);
}

/** What must be the same in both markets: trades in ID order, offers in posting order, the result. */
function outcome(world: TradingWorld, marketId: string) {
  const trades = world.ledger
    .records<Trade>('Trade')
    .filter((t) => t.marketId === marketId)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((t) => [
      t.id.slice(marketId.length),
      t.buyer,
      t.seller,
      t.quantityWh,
      t.price,
      t.value,
      t.collateral,
      t.status,
    ]);
  const offers = world.ledger
    .records<Offer>('Offer')
    .filter((o) => o.marketId === marketId)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((o) => [o.status, o.filledWh, o.remainingWh, o.moneyLocked]);
  const clearing = world.ledger.readRecord<ClearingResult>('ClearingResult', marketId);
  const { price, volumeWh, matchedWh, tradedValue, offersClosed, bids, asks, skipped, phase } =
    clearing ?? {};
  return {
    trades,
    offers,
    result: {
      price,
      volumeWh,
      matchedWh,
      tradedValue,
      trades: clearing?.trades,
      offersClosed,
      bids,
      asks,
      skipped,
      phase,
    },
  };
}

describe('ClearMarket slices', () => {
  it('property: slices called side by side, in any order, with racing duplicates, clear like the sequential clearing', async () => {
    const seen = { sliceCalls: 0, conflicts: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(posting, { minLength: 8, maxLength: 40, size: 'max' }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        async (book, batchSize, seed) => {
          const { world, traders } = await world3();
          const seq = await openMarket(world, 'SEQ');
          await openMarket(world, 'PAR', { gateClosure: seq.gateClosureMs });
          await postBook(world, traders, book);
          world.ledger.setTime(seq.gateClosureMs);
          await clearFully(world, traders[0]!, 'SEQ', batchSize);
          const run = await clearInParallel(world, traders[1]!, 'PAR', batchSize, seed);
          seen.sliceCalls += run.sliceCalls;
          seen.conflicts += run.conflicts;
          const sequential = outcome(world, 'SEQ');
          expect(outcome(world, 'PAR')).toEqual(sequential);
          expect(sequential.result.phase).toBe('DONE');
          checkInvariants(world);
          for (const a of accounts(world)) expect(a.escrowed).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 25 },
    );
    // The books were large enough to be cut into slices, and duplicates did race.
    expect(seen.sliceCalls).toBeGreaterThan(100);
    expect(seen.conflicts).toBeGreaterThan(0);
  });

  it('a round of slices: all commit together, the shared offers are merged once, duplicates are refused', async () => {
    const { world, traders } = await world3();
    const [u, e, c] = traders as [TestIdentity, TestIdentity, TestIdentity];
    const m = await openMarket(world, 'PAR');
    // One big bid against six small asks: the bid is shared by every slice of 2 pairs.
    await post(world, u, { offerId: 'big', marketId: 'PAR', side: 'BUY', quantityWh: 6000, price: 120 });
    for (let n = 0; n < 6; n += 1) {
      await post(world, n % 2 ? e : c, {
        offerId: `a${n}`,
        marketId: 'PAR',
        side: 'SELL',
        quantityWh: 1000,
        price: 80 + n,
      });
    }
    world.ledger.setTime(m.gateClosureMs);
    const call = (slice?: number) =>
      world.ledger.endorse<ClearMarketResult>(markets, 'ClearMarket', e, {
        marketId: 'PAR',
        batchSize: 2,
        slice,
      });
    // A slice before the round is planned is refused.
    await expect(call(0)).rejects.toThrow(/ESTP_ILLEGAL_STATE|without slices/);
    // Pricing (12 entries > 2), then the plan: 3 slices of 2 pairs, the big bid shared.
    expect(world.ledger.commitEndorsed(await call())).toBe('VALID');
    const plan = await call();
    expect(world.ledger.commitEndorsed(plan)).toBe('VALID');
    expect(plan.result.clearing.match).toMatchObject({ round: 1, shared: ['UtilityMSP:u1/big'] });
    await expect(call(3)).rejects.toThrow(/ESTP_INVALID_INPUT|must be below 3/);
    const round = [await call(2), await call(0), await call(1), await call(1)];
    expect(round.map((tx) => world.ledger.commitEndorsed(tx))).toEqual([
      'VALID',
      'VALID',
      'VALID',
      'MVCC_READ_CONFLICT',
    ]);
    // The big bid is written by no slice: its fills wait in the slice records.
    expect(world.ledger.readRecord<Offer>('Offer', 'UtilityMSP:u1/big')).toMatchObject({
      remainingWh: 6000,
      status: 'OPEN',
    });
    const fills = world.ledger.records<ClearingSlice>('ClearingSlice').flatMap((s) => s.fills ?? []);
    expect(fills.map((f) => [f.offerId, f.filledWh])).toEqual([
      ['UtilityMSP:u1/big', 2000],
      ['UtilityMSP:u1/big', 2000],
      ['UtilityMSP:u1/big', 2000],
    ]);
    // A slice called again once done writes nothing.
    const again = await call(1);
    expect(again.record.writes.size).toBe(0);
    expect(again.result.batch.slice).toEqual({ index: 1, done: true });
    // The next step merges the round: the big bid FILLED, its escrow above the price refunded.
    const merge = await call();
    expect(world.ledger.commitEndorsed(merge)).toBe('VALID');
    expect(merge.result.clearing).toMatchObject({ trades: 6, matchedWh: 6000, phase: 'RELEASING' });
    expect(world.ledger.readRecord<Offer>('Offer', 'UtilityMSP:u1/big')).toMatchObject({
      remainingWh: 0,
      filledWh: 6000,
      status: 'FILLED',
      moneyLocked: 0,
    });
    const last = await call();
    expect(world.ledger.commitEndorsed(last)).toBe('VALID');
    expect(last.result.batch.done).toBe(true);
    checkInvariants(world);
  });
});
