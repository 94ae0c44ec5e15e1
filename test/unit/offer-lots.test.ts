/**
 * Offers posted in lots (market/lots.ts, docs/trading.md#hot-offers): PostOffer with `lots: N`
 * posts N ordinary offers, so fills of different lots of one popular offer never conflict, while
 * an acceptId still fills at most once across the lots and every lot keeps the rules of an offer
 * (remainder, minimum fill, step, cancel, gate closure, the auction). Property: any interleaving of
 * fills and cancellations of a lot-split offer, simulated together and committed in any order,
 * never oversells a lot, conserves money to the unit and keeps every escrow equal to its locks.
 */
import fc from 'fast-check';
import { MAX_LOTS } from '../../chaincode/src/market/lots';
import type { Offer } from '../../chaincode/src/market/model';
import type { AcceptResult } from '../../chaincode/src/market/offers';
import type { Page } from '../../chaincode/src/lib/pagination';
import type { Endorsed, TestIdentity } from '../support/fixture';
import {
  type TradingWorld,
  account,
  checkInvariants,
  clearFully,
  commitInAnyOrder,
  markets,
  openMarket,
  trader,
  trades,
  tradingWorld,
} from './market-world';

const RUNS = Number(process.env.ESTP_INVARIANT_RUNS ?? 30);

async function expectRejected(run: Promise<unknown>, code: RegExp): Promise<void> {
  await expect(run).rejects.toThrow(code);
}

interface LotWorld {
  world: TradingWorld;
  seller: TestIdentity;
  buyers: TestIdentity[];
  lots: Offer[];
}

/** A seller's energy SELL of 40 kWh at 100 posted in `count` lots, and four funded buyers. */
async function lotWorld(count = 4, extra: Record<string, unknown> = {}): Promise<LotWorld> {
  const world = await tradingWorld();
  const seller = await trader(world, 'CommunityMSP', 'seller', 100_000);
  const buyers = [
    await trader(world, 'EnterpriseMSP', 'buyer0', 100_000),
    await trader(world, 'UtilityMSP', 'buyer1', 100_000),
    await trader(world, 'CommunityMSP', 'buyer2', 100_000),
    await trader(world, 'UtilityMSP', 'buyer3', 100_000),
  ];
  await openMarket(world, 'M1');
  await world.ledger.submit(markets, 'PostOffer', seller, {
    offerId: 'popular',
    marketId: 'M1',
    side: 'SELL',
    quantityWh: 40_000,
    price: 100,
    lots: count,
    ...extra,
  });
  return { world, seller, buyers, lots: lotsOf(world) };
}

function lotsOf(world: TradingWorld): Offer[] {
  return world.ledger
    .records<Offer>('Offer')
    .filter((offer) => offer.lot?.of === 'CommunityMSP:seller/popular')
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('offers in lots', () => {
  it('PostOffer with lots posts that many ordinary offers, the steps dealt out evenly, each locking its own part', async () => {
    const world = await tradingWorld();
    const seller = await trader(world, 'CommunityMSP', 'seller', 100_000);
    await openMarket(world, 'M1');
    const before = account(world, seller.participantId);
    const { result: first, writes } = await world.ledger.submit<Offer>(markets, 'PostOffer', seller, {
      offerId: 'popular',
      marketId: 'M1',
      side: 'BUY',
      quantityWh: 7_000,
      price: 100,
      lots: 3,
    });
    expect(first).toMatchObject({
      id: 'CommunityMSP:seller/popular.lot001',
      offerId: 'popular.lot001',
      quantityWh: 3_000,
      remainingWh: 3_000,
      lot: { of: 'CommunityMSP:seller/popular', index: 1, count: 3 },
    });
    const lots = lotsOf(world);
    expect(lots.map((lot) => [lot.offerId, lot.quantityWh, lot.moneyLocked])).toEqual([
      ['popular.lot001', 3_000, 300],
      ['popular.lot002', 2_000, 200],
      ['popular.lot003', 2_000, 200],
    ]);
    expect(before.available - account(world, seller.participantId).available).toBe(700);
    // Each lot is a whole offer: record, index entry by market, book entry (and the account once).
    expect([...writes.keys()].filter((key) => key.includes('popular.lot002')).length).toBe(3);
    const listed = await world.ledger.evaluate<Page<Offer>>(markets, 'ListOffers', seller, {
      marketId: 'M1',
    });
    expect(listed.records.map((offer) => offer.offerId)).toEqual([
      'popular.lot001',
      'popular.lot002',
      'popular.lot003',
    ]);
    checkInvariants(world);
  });

  it('refuses more lots than steps, a minimum fill above the smallest lot, bad counts and reused IDs', async () => {
    const world = await tradingWorld();
    const seller = await trader(world, 'CommunityMSP', 'seller', 100_000);
    await openMarket(world, 'M1');
    const input = { offerId: 'o', marketId: 'M1', side: 'BUY', quantityWh: 3_000, price: 100 };
    const postOf = (extra: Record<string, unknown>) =>
      world.ledger.submit(markets, 'PostOffer', seller, { ...input, ...extra });
    await expectRejected(
      postOf({ lots: 4 }),
      /ESTP_INVALID_INPUT: lots must be ≤ the number of quantity steps/,
    );
    await expectRejected(postOf({ lots: 1 }), /ESTP_INVALID_INPUT: lots must be ≥ 2/);
    await expectRejected(postOf({ lots: MAX_LOTS + 1 }), /ESTP_INVALID_INPUT: lots must be ≤ 100/);
    await expectRejected(
      postOf({ lots: 2, quantityWh: 3_000, minFillWh: 2_000 }),
      /ESTP_INVALID_INPUT: minFillWh must not exceed the smallest lot \(1000 Wh\)/,
    );
    await expectRejected(
      postOf({ lots: 2, offerId: 'x'.repeat(122) }),
      /ESTP_INVALID_INPUT: offerId must be at most 121/,
    );
    await postOf({ offerId: 'plain' });
    await expectRejected(postOf({ offerId: 'plain', lots: 2 }), /ESTP_ALREADY_EXISTS/);
    await postOf({ offerId: 'taken.lot002' });
    await expectRejected(
      postOf({ offerId: 'taken', lots: 2 }),
      /ESTP_ALREADY_EXISTS: Offer CommunityMSP:seller\/taken.lot002/,
    );
    expect(lotsOf(world)).toEqual([]);
    checkInvariants(world);
  });

  it('fills of different lots by different takers simulated together all commit; two fills of one lot conflict', async () => {
    const { world, buyers, lots } = await lotWorld(4);
    const fills = await Promise.all(
      lots.map((lot, n) =>
        world.ledger.endorse(markets, 'AcceptOffer', buyers[n % buyers.length]!, {
          id: lot.id,
          quantityWh: 3_000,
          acceptId: `fill-${n}`,
        }),
      ),
    );
    expect(fills.map((tx) => world.ledger.commitEndorsed(tx))).toEqual(fills.map(() => 'VALID'));
    expect(lotsOf(world).map((lot) => lot.remainingWh)).toEqual([7_000, 7_000, 7_000, 7_000]);
    const same = await Promise.all(
      [0, 1].map((n) =>
        world.ledger.endorse(markets, 'AcceptOffer', buyers[n]!, { id: lots[0]!.id, quantityWh: 1_000 }),
      ),
    );
    expect(same.map((tx) => world.ledger.commitEndorsed(tx))).toEqual(['VALID', 'MVCC_READ_CONFLICT']);
    checkInvariants(world);
  });

  it('an acceptId fills once across the lots of an offer; each lot keeps its remainder and minimum fill', async () => {
    const { world, buyers, lots } = await lotWorld(4, { minFillWh: 2_000 });
    const [buyer] = buyers;
    const { result } = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', buyer!, {
      id: lots[0]!.id,
      quantityWh: 10_000,
      acceptId: 'once',
    });
    expect(result.offer).toMatchObject({ status: 'FILLED', remainingWh: 0 });
    await expectRejected(
      world.ledger.submit(markets, 'AcceptOffer', buyer!, {
        id: lots[1]!.id,
        quantityWh: 2_000,
        acceptId: 'once',
      }),
      /ESTP_ALREADY_EXISTS/,
    );
    await expectRejected(
      world.ledger.submit(markets, 'AcceptOffer', buyer!, {
        id: lots[0]!.id,
        quantityWh: 2_000,
        acceptId: 'other',
      }),
      /ESTP_ILLEGAL_STATE: offer CommunityMSP:seller\/popular.lot001 is FILLED/,
    );
    await expectRejected(
      world.ledger.submit(markets, 'AcceptOffer', buyer!, { id: lots[1]!.id, quantityWh: 11_000 }),
      /ESTP_INVALID_INPUT: quantityWh must be ≤ the offer's remaining 10000 Wh/,
    );
    await expectRejected(
      world.ledger.submit(markets, 'AcceptOffer', buyer!, { id: lots[1]!.id, quantityWh: 1_000 }),
      /ESTP_INVALID_INPUT: quantityWh must be ≥ the offer's minimum fill 2000 Wh/,
    );
    checkInvariants(world);
  });

  it('a lot is cancelled on its own; after gate closure the auction fills the lots as ordinary offers', async () => {
    const { world, seller, buyers, lots } = await lotWorld(4);
    await world.ledger.submit(markets, 'CancelOffer', seller, { id: lots[3]!.id });
    expect(lotsOf(world).map((lot) => lot.status)).toEqual(['OPEN', 'OPEN', 'OPEN', 'CANCELLED']);
    await world.ledger.submit(markets, 'PostOffer', buyers[0]!, {
      offerId: 'bid',
      marketId: 'M1',
      side: 'BUY',
      quantityWh: 25_000,
      price: 120,
    });
    world.ledger.setTime(world.ledger.now() + 60 * 60 * 1000);
    await expectRejected(
      world.ledger.submit(markets, 'AcceptOffer', buyers[1]!, { id: lots[0]!.id, quantityWh: 1_000 }),
      /ESTP_TOO_LATE/,
    );
    await clearFully(world, buyers[0]!, 'M1');
    expect(lotsOf(world).map((lot) => [lot.status, lot.remainingWh])).toEqual([
      ['FILLED', 0],
      ['FILLED', 0],
      ['EXPIRED', 5_000],
      ['CANCELLED', 10_000],
    ]);
    expect(trades(world).reduce((sum, trade) => sum + trade.quantityWh, 0)).toBe(25_000);
    checkInvariants(world);
  });

  it('any interleaving of fills and cancellations of the lots never oversells, conserves money and keeps escrow exact', async () => {
    const step = fc.record({
      kind: fc.constantFrom('fill' as const, 'fill' as const, 'fill' as const, 'cancel' as const),
      lot: fc.nat(),
      buyer: fc.nat(),
      kwh: fc.integer({ min: 1, max: 12 }),
      acceptId: fc.integer({ min: 0, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 6 }), order: fc.nat() }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (rounds) => {
          const { world, seller, buyers, lots } = await lotWorld(3);
          for (const round of rounds) {
            const endorsed: Endorsed<unknown>[] = [];
            for (const what of round.steps) {
              const lot = lots[what.lot % lots.length]!;
              try {
                endorsed.push(
                  what.kind === 'cancel'
                    ? await world.ledger.endorse(markets, 'CancelOffer', seller, { id: lot.id })
                    : await world.ledger.endorse(
                        markets,
                        'AcceptOffer',
                        buyers[what.buyer % buyers.length]!,
                        {
                          id: lot.id,
                          quantityWh: what.kwh * 1_000,
                          acceptId: `a${what.acceptId}`,
                        },
                      ),
                );
              } catch (error) {
                expect(String(error)).toMatch(/ESTP_[A-Z_]+/);
              }
            }
            commitInAnyOrder(world, endorsed, round.order);
            for (const lot of lotsOf(world)) {
              expect(lot.filledWh + lot.remainingWh).toBe(lot.quantityWh);
              expect(lot.remainingWh).toBeGreaterThanOrEqual(0);
              const filled = trades(world)
                .filter((trade) => trade.sellOfferId === lot.id)
                .reduce((sum, trade) => sum + trade.quantityWh, 0);
              expect(filled).toBe(lot.filledWh);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
