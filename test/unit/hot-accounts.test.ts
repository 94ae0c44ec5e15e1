/**
 * Hot accounts (lib/accounts.ts, docs/trading.md#hot-accounts): a payment into an account that the
 * transaction does not debit is a delta record, so concurrent settlements of one seller's trades
 * never conflict, while a debit of that seller (an offer's lock, a withdrawal) that needs the
 * deltas merges them and conflicts with a payment landing at the same time. Property: any
 * interleaving — transactions simulated together against one state and committed in any order,
 * validated like the peer does (MVCC and phantom reads) — keeps conservation, every escrow equal
 * to what its offers and trades lock, and no balance of a record or an account ever negative.
 */
import fc from 'fast-check';
import { contracts } from '../../chaincode/src';
import { AccountBook, MERGE_LIMIT } from '../../chaincode/src/lib/accounts';
import { MINT_LANE, laneOf } from '../../chaincode/src/lib/mint-lanes';
import type { Offer } from '../../chaincode/src/market/model';
import type { Endorsed, TestIdentity } from '../support/fixture';
import {
  HOUR,
  type TradingWorld,
  account,
  accountDeltas,
  checkInvariants,
  commitInAnyOrder,
  fund,
  markets,
  openMarket,
  post,
  settlement,
  trader,
  trades,
  tradingWorld,
} from './market-world';

const RUNS = Number(process.env.ESTP_INVARIANT_RUNS ?? 30);
const TRADES = 12;

interface HotWorld {
  world: TradingWorld;
  seller: TestIdentity;
  buyers: TestIdentity[];
  /** A market still taking offers, for the seller's debits. */
  openMarketId: string;
}

/**
 * A participant (`seller` below: the hot account) with TRADES bilateral trades of its one popular
 * offer, all settleable now. Its offer is a BUY, so that settling a trade as a default (no meter
 * report) pays it: its escrow comes back and the counterparty's collateral pays its penalty.
 */
async function hotWorld(): Promise<HotWorld> {
  const world = await tradingWorld();
  const seller = await trader(world, 'CommunityMSP', 'seller', 100_000);
  const buyers = [
    await trader(world, 'EnterpriseMSP', 'buyer0', 100_000),
    await trader(world, 'UtilityMSP', 'buyer1', 100_000),
    await trader(world, 'CommunityMSP', 'buyer2', 100_000),
  ];
  const start = world.ledger.now();
  await openMarket(world, 'M1');
  const offer = await post(world, seller, {
    offerId: 'popular',
    marketId: 'M1',
    side: 'BUY',
    quantityWh: TRADES * 1000,
    price: 100,
  });
  for (let n = 0; n < TRADES; n++) {
    await world.ledger.submit(markets, 'AcceptOffer', buyers[n % buyers.length]!, {
      id: offer.id,
      quantityWh: 1000,
      acceptId: `fill-${n}`,
    });
  }
  world.ledger.setTime(start + 5 * HOUR + 1000); // after settleAfter (market-world.marketTimes)
  await openMarket(world, 'M2');
  return { world, seller, buyers, openMarketId: 'M2' };
}

type Step =
  | { kind: 'settle'; pick: number }
  | { kind: 'sellerPost'; quantityKwh: number }
  | { kind: 'withdraw'; amount: number }
  | { kind: 'deposit'; amount: number }
  | { kind: 'cancel'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sellerPost' as const),
      quantityKwh: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      amount: fc.integer({ min: 1, max: 120_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      amount: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
);

let offers = 0;
let references = 0;

/** Simulates one step; undefined when the chaincode refuses it (a rule, e.g. funds or status). */
async function endorse(hot: HotWorld, what: Step): Promise<Endorsed<unknown> | undefined> {
  const { world, seller } = hot;
  const attempt = async (): Promise<Endorsed<unknown>> => {
    switch (what.kind) {
      case 'settle': {
        const open = trades(world).filter((trade) => trade.status !== 'SETTLED');
        const trade = open[what.pick % Math.max(1, open.length)];
        if (!trade) throw new Error('ESTP_NOT_FOUND: no trade left');
        return world.ledger.endorse(settlement, 'Settle', world.treasurer, { tradeId: trade.id });
      }
      case 'sellerPost':
        offers += 1;
        return world.ledger.endorse(markets, 'PostOffer', seller, {
          offerId: `debit-${offers}`,
          marketId: hot.openMarketId,
          side: 'BUY',
          quantityWh: what.quantityKwh * 1000,
          price: 2_500,
        });
      case 'withdraw':
      case 'deposit':
        references += 1;
        return world.ledger.endorse(
          settlement,
          what.kind === 'deposit' ? 'Deposit' : 'Withdraw',
          world.treasurer,
          {
            accountId: seller.participantId,
            amount: what.amount,
            reference: `ref-${references}`,
          },
        );
      case 'cancel': {
        const open = world.ledger
          .records<Offer>('Offer')
          .filter(
            (o) => o.status === 'OPEN' && o.owner === seller.participantId && o.marketId === hot.openMarketId,
          );
        const offer = open[what.pick % Math.max(1, open.length)];
        if (!offer) throw new Error('ESTP_NOT_FOUND: no open offer');
        return world.ledger.endorse(markets, 'CancelOffer', seller, { id: offer.id });
      }
    }
  };
  try {
    return await attempt();
  } catch (error) {
    // A refusal is a typed rule violation, never a crash.
    expect(String(error)).toMatch(/ESTP_[A-Z_]+/);
    return undefined;
  }
}

describe('hot accounts', () => {
  it("settlements of one seller's trades simulated together all commit: each writes deltas, none reads the seller's account", async () => {
    const hot = await hotWorld();
    const { world, seller } = hot;
    const before = account(world, seller.participantId);
    const endorsed = await Promise.all(
      trades(world).map((trade) =>
        world.ledger.endorse(settlement, 'Settle', world.treasurer, { tradeId: trade.id }),
      ),
    );
    const sellerKey = world.ledger.key('Account', seller.participantId);
    for (const tx of endorsed) expect(tx.record.reads.has(sellerKey)).toBe(false);
    expect(endorsed.map((tx) => world.ledger.commitEndorsed(tx))).toEqual(endorsed.map(() => 'VALID'));
    expect(trades(world).every((trade) => trade.status === 'SETTLED')).toBe(true);
    // Defaults (no meter report): the escrow comes back, and the counterparties' collateral.
    const after = account(world, seller.participantId);
    const { value, collateral } = trades(world)[0]!;
    expect(after.escrowed).toBe(before.escrowed - TRADES * value);
    expect(after.available).toBe(before.available + TRADES * (value + collateral));
    expect(accountDeltas(world.ledger).length).toBeGreaterThan(0);
    checkInvariants(world);
  });

  it('deposits to one account simulated together commit unless two hash to the same mint lane; a withdrawal merges them', async () => {
    const hot = await hotWorld();
    const { world, seller } = hot;
    const before = account(world, seller.participantId);
    const endorsed = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        world.ledger.endorse(settlement, 'Deposit', world.treasurer, {
          accountId: seller.participantId,
          amount: 1000 + n,
          reference: `wire-${n}`,
        }),
      ),
    );
    const sellerKey = world.ledger.key('Account', seller.participantId);
    for (const tx of endorsed) {
      expect(tx.record.reads.has(sellerKey)).toBe(false);
      expect(tx.record.ranges).toEqual([]);
    }
    // In this commit order, a deposit conflicts exactly when an earlier one used its lane.
    const lanes = new Set<number>();
    let deposited = 0;
    for (const [n, tx] of endorsed.entries()) {
      const lane = laneOf(tx.record.txId);
      const expected = lanes.has(lane) ? 'MVCC_READ_CONFLICT' : 'VALID';
      expect(world.ledger.commitEndorsed(tx)).toBe(expected);
      if (expected === 'VALID') deposited += 1000 + n;
      lanes.add(lane);
    }
    expect(deposited).toBeGreaterThan(0);
    const after = account(world, seller.participantId);
    expect(after.available - before.available).toBe(deposited);
    expect(after.minted - before.minted).toBe(deposited);
    // GetAccount shows them, minted included, from the record and the deltas: no mint lane read.
    const shown = await world.ledger.invoke(contracts, 'Settlement:GetAccount', ['{}'], seller, {
      commit: false,
    });
    expect(JSON.parse(shown.payload)).toMatchObject({ available: after.available, minted: after.minted });
    // One range, the partial key (Account, id): the record and its deltas; no GetState.
    expect(shown.record.ranges.map((range) => range.startKey)).toEqual([sellerKey]);
    expect(shown.record.getStateCalls).toBe(0);
    expect([...shown.record.reads].filter((key) => key.startsWith(world.ledger.key(MINT_LANE)))).toEqual([]);
    expect(shown.record.reads.has(sellerKey)).toBe(true);
    checkInvariants(world);
    await world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
      accountId: seller.participantId,
      amount: after.available,
      reference: 'everything',
    });
    expect(account(world, seller.participantId)).toMatchObject({ available: 0, minted: after.minted });
    checkInvariants(world);
  });

  it('a debit the record covers reads no delta; one it does not merges them and conflicts with a payment landing meanwhile', async () => {
    const hot = await hotWorld();
    const { world, seller } = hot;
    // Settle half the trades: the escrow and penalties come back as deltas.
    for (const trade of trades(world).slice(0, TRADES / 2)) {
      await world.ledger.submit(settlement, 'Settle', world.treasurer, { tradeId: trade.id });
    }
    const record = world.ledger.readRecord<{ available: number }>('Account', seller.participantId)!;
    const small = await world.ledger.endorse(settlement, 'Withdraw', world.treasurer, {
      accountId: seller.participantId,
      amount: record.available,
      reference: 'covered',
    });
    expect(small.record.ranges).toEqual([]);
    const large = await world.ledger.endorse(settlement, 'Withdraw', world.treasurer, {
      accountId: seller.participantId,
      amount: account(world, seller.participantId).available,
      reference: 'needs-merge',
    });
    const payment = await world.ledger.endorse(settlement, 'Settle', world.treasurer, {
      tradeId: trades(world).find((trade) => trade.status !== 'SETTLED')!.id,
    });
    expect(world.ledger.commitEndorsed(payment)).toBe('VALID');
    expect(world.ledger.commitEndorsed(large)).toBe('PHANTOM_READ_CONFLICT');
    checkInvariants(world);
  });

  it(`a debit the record does not cover merges the deltas (up to ${MERGE_LIMIT}) and deletes them`, async () => {
    const hot = await hotWorld();
    const { world, seller } = hot;
    for (const trade of trades(world)) {
      await world.ledger.submit(settlement, 'Settle', world.treasurer, { tradeId: trade.id });
    }
    const deltas = accountDeltas(world.ledger);
    const sellers = deltas.filter((delta) => delta.accountId === seller.participantId).length;
    expect(sellers).toBe(TRADES);
    const all = account(world, seller.participantId).available;
    await world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
      accountId: seller.participantId,
      amount: all,
      reference: 'everything',
    });
    expect(account(world, seller.participantId).available).toBe(0);
    expect(accountDeltas(world.ledger).filter((d) => d.accountId === seller.participantId)).toEqual([]);
    await fund(world, seller.participantId, 1);
    checkInvariants(world);
  });

  it('two debits of one transaction that both need the deltas merge each delta once', async () => {
    const world = await tradingWorld();
    const payer = await trader(world, 'CommunityMSP', 'payer', 1_000);
    const payee = await trader(world, 'EnterpriseMSP', 'payee');
    // Two payments: two deltas of 300 for the payee, whose record holds nothing
    for (const amount of [300, 300]) {
      await world.ledger.transact(world.treasurer, async (ctx) => {
        const book = new AccountBook(ctx, '2026-01-01T00:00:00.000Z');
        await book.transfer(payer.participantId, payee.participantId, amount, 'test payment');
        await book.flush();
      });
    }
    // The second lock merges again and must not see the first merge's deltas a second time
    await expect(
      world.ledger.transact(world.treasurer, async (ctx) => {
        const book = new AccountBook(ctx, '2026-01-01T00:00:00.000Z');
        await book.lock(payee.participantId, 400, 'first lock');
        await book.lock(payee.participantId, 400, 'second lock');
        await book.flush();
      }),
    ).rejects.toThrow(
      /ESTP_INSUFFICIENT_FUNDS: second lock needs 400 available credits; EnterpriseMSP:payee has 200/,
    );
    expect(account(world, payee.participantId)).toMatchObject({ available: 600, escrowed: 0 });
  });

  it('any interleaving of payments and debits of one seller keeps conservation and escrow exact, never negative', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 6 }), order: fc.nat() }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (rounds) => {
          const hot = await hotWorld();
          for (const round of rounds) {
            // Simulated together against one state: concurrent clients.
            const endorsed: Endorsed<unknown>[] = [];
            for (const what of round.steps) {
              const tx = await endorse(hot, what);
              if (tx) endorsed.push(tx);
            }
            const codes = commitInAnyOrder(hot.world, endorsed, round.order);
            const settles = round.steps.every((what) => what.kind === 'settle');
            // Settlements of distinct trades never conflict with each other (two of the same trade do).
            const distinct = new Set(endorsed.map((tx) => tx.record.params[0])).size === endorsed.length;
            if (settles && distinct) expect(codes.every((code) => code === 'VALID')).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
