/**
 * Property: random sequences of deposits, withdrawals, offers, cancels, bilateral fills, clearings
 * (in random batch sizes), delivery reports, disputes, rulings, settlements, certificate issues and
 * retirements — run through the real contracts on the in-memory ledger — keep both conservation
 * invariants after every transaction:
 *
 *   minted − burned = Σ available + Σ escrowed;   issued − retired = Σ held + Σ escrowed,
 *
 * and every account's escrow equals what its open offers and unsettled trades lock; no trade,
 * escrow or collateral is worth nothing while its quantity is positive. Owners are suspended and
 * reinstated at random, so the clearing skips their offers. A rejected transaction must be a typed
 * ESTP error (a rule), never a crash, and must leave no trace.
 */
import fc from 'fast-check';
import { conservationTotals } from '../../chaincode/src/settlement/totals';
import type { Dispute } from '../../chaincode/src/dispute/model';
import type { Market, Offer } from '../../chaincode/src/market/model';
import type { Trade } from '../../chaincode/src/settlement/model';
import type { TestIdentity } from '../support/fixture';
import { adminOf, participantContract } from '../support/world';
import {
  HASH,
  HOUR,
  type TradingWorld,
  checkInvariants,
  disputes,
  markets,
  openMarket,
  settlement,
  trader,
  tradingWorld,
} from './market-world';

const RUNS = Number(process.env.ESTP_INVARIANT_RUNS ?? 30);

const who = fc.integer({ min: 0, max: 2 });
const pick = fc.nat();
const op = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      who,
      amount: fc.integer({ min: 1, max: 50_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      who,
      amount: fc.integer({ min: 1, max: 50_000 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      who,
      market: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      // mostly on the markets' 1 kWh step, sometimes off it (refused)
      quantityWh: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 1, max: 5 }).map((kwh) => kwh * 1000) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
      ),
      price: fc.integer({ min: 0, max: 300 }),
      minFillWh: fc.option(
        fc.integer({ min: 1, max: 3 }).map((kwh) => kwh * 1000),
        { nil: undefined },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('accept' as const),
      who,
      pick,
      quantityWh: fc.integer({ min: 1, max: 3 }).map((kwh) => kwh * 1000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('clear' as const),
      who,
      market: fc.integer({ min: 0, max: 1 }),
      batchSize: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('time' as const), phase: fc.integer({ min: 1, max: 6 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      pick,
      deliveredWh: fc.integer({ min: 0, max: 6_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dispute' as const), pick, buyer: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rule' as const),
      pick,
      arbiter: fc.integer({ min: 0, max: 2 }),
      deliveredWh: fc.integer({ min: 0, max: 5_000 }),
      penalty: fc.integer({ min: 0, max: 200 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('suspend' as const), who }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('issue' as const),
      who: fc.integer({ min: 0, max: 1 }),
      quantityWh: fc.integer({ min: 1, max: 10_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retire' as const),
      who,
      quantityWh: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

interface Scenario {
  world: TradingWorld;
  traders: TestIdentity[];
  verifier: TestIdentity;
  markets: Market[];
  /**
   * Phase times: gate closure, delivery end, report deadline + 1, settleAfter, settleAfter + notice,
   * the ruling deadline (disputes lapse).
   */
  phases: number[];
  counter: number;
}

async function scenario(): Promise<Scenario> {
  const world = await tradingWorld();
  const traders = [
    await trader(world, 'CommunityMSP', 'alice', 200_000, { meterIds: ['MTR-A'] }),
    await trader(world, 'EnterpriseMSP', 'bob', 200_000, { meterIds: ['MTR-B'] }),
    await trader(world, 'UtilityMSP', 'carol', 200_000, { meterIds: ['MTR-C'] }),
  ];
  for (const [n, owner] of traders.slice(0, 2).entries()) {
    await world.ledger.submit(settlement, 'RegisterSavingsProject', owner, {
      projectId: `P${n}`,
      title: 'savings',
      method: 'IPMVP',
      baselineWh: 1_000_000,
      gridZone: 'ZONE-A',
      evidenceHash: HASH,
    });
  }
  const energy = await openMarket(world, 'E1', { rulingNoticeMs: HOUR });
  const certificates = await openMarket(world, 'C1', {
    commodity: 'SAVINGS_CERT',
    gateClosure: energy.gateClosureMs,
  });
  return {
    world,
    traders,
    verifier: await world.ledger.identity('UtilityMSP', 'verifier', ['verifier']),
    markets: [energy, certificates],
    phases: [
      energy.gateClosureMs,
      energy.deliveryEndMs,
      energy.reportDeadlineMs + 1,
      energy.settleAfterMs,
      energy.settleAfterMs + 2 * HOUR,
      energy.rulingDeadlineMs!,
    ],
    counter: 0,
  };
}

function nth<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

async function run(s: Scenario, o: Op): Promise<void> {
  const { world } = s;
  const ledger = world.ledger;
  const person = (n: number) => s.traders[n]!;
  const offers = () => ledger.records<Offer>('Offer').filter((x) => x.status === 'OPEN');
  const allTrades = () => ledger.records<Trade>('Trade');
  s.counter += 1;
  const ref = `r${s.counter}`;
  switch (o.kind) {
    case 'deposit':
    case 'withdraw':
      await ledger.submit(settlement, o.kind === 'deposit' ? 'Deposit' : 'Withdraw', world.treasurer, {
        accountId: person(o.who).participantId,
        amount: o.amount,
        reference: ref,
      });
      return;
    case 'post':
      await ledger.submit(markets, 'PostOffer', person(o.who), {
        offerId: ref,
        marketId: s.markets[o.market]!.id,
        side: o.side,
        quantityWh: o.quantityWh,
        price: o.price,
        minFillWh: o.minFillWh !== undefined && o.minFillWh <= o.quantityWh ? o.minFillWh : undefined,
      });
      return;
    case 'cancel': {
      const target = nth(offers(), o.pick);
      if (target)
        await ledger.submit(
          markets,
          'CancelOffer',
          s.traders.find((t) => t.participantId === target.owner)!,
          { id: target.id },
        );
      return;
    }
    case 'accept': {
      const target = nth(offers(), o.pick);
      if (target)
        await ledger.submit(markets, 'AcceptOffer', person(o.who), {
          id: target.id,
          quantityWh: o.quantityWh,
        });
      return;
    }
    case 'clear':
      await ledger.submit(markets, 'ClearMarket', person(o.who), {
        marketId: s.markets[o.market]!.id,
        batchSize: o.batchSize,
      });
      return;
    case 'time': {
      const target = s.phases[o.phase - 1]!;
      if (target > ledger.now()) ledger.setTime(target);
      return;
    }
    case 'report': {
      const target = nth(allTrades(), o.pick);
      if (target) {
        await ledger.submit(settlement, 'ReportDelivery', world.meter, {
          tradeId: target.id,
          deliveredWh: o.deliveredWh,
          meterId: 'MTR-B',
          readingHash: HASH,
        });
      }
      return;
    }
    case 'dispute': {
      const target = nth(allTrades(), o.pick);
      if (target) {
        const party = s.traders.find((t) => t.participantId === (o.buyer ? target.buyer : target.seller))!;
        await ledger.submit(disputes, 'Open', party, {
          tradeId: target.id,
          claim: 'claim',
          evidenceHash: HASH,
        });
      }
      return;
    }
    case 'rule': {
      const target = nth(ledger.records<Dispute>('Dispute'), o.pick);
      const arbiter = [world.arbiters.UtilityMSP, world.arbiters.EnterpriseMSP, world.arbiters.CommunityMSP][
        o.arbiter
      ]!;
      if (target) {
        await ledger.submit(disputes, 'Rule', arbiter, {
          tradeId: target.id,
          deliveredWh: o.deliveredWh,
          penalty: o.penalty,
        });
      }
      return;
    }
    case 'settle': {
      const target = nth(allTrades(), o.pick);
      if (target) await ledger.submit(settlement, 'Settle', person(0), { tradeId: target.id });
      return;
    }
    case 'suspend': {
      // the trader's org admin suspends it, or reinstates it when it is suspended
      const target = person(o.who);
      const admin = await adminOf(ledger, target.mspId);
      const status = ledger.readRecord<{ status: string }>('Participant', target.participantId)?.status;
      await ledger.submit(participantContract, status === 'SUSPENDED' ? 'Reinstate' : 'Suspend', admin, {
        id: target.participantId,
        reason: 'random',
      });
      return;
    }
    case 'issue':
      await ledger.submit(settlement, 'IssueCertificates', s.verifier, {
        projectId: `P${o.who}`,
        batchId: ref,
        quantityWh: o.quantityWh,
        evidenceHash: HASH,
        // one period per batch, consecutive: a project's periods never overlap
        periodStart: s.counter * 1000,
        periodEnd: (s.counter + 1) * 1000,
      });
      return;
    case 'retire':
      await ledger.submit(settlement, 'RetireCertificates', person(o.who), {
        retirementId: ref,
        quantityWh: o.quantityWh,
      });
      return;
  }
}

describe('conservation invariants under random transaction sequences', () => {
  it(
    'hold after every transaction, and every rejection is a typed rule violation that changes nothing',
    async () => {
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), async (ops) => {
          const s = await scenario();
          for (const o of ops) {
            const before = s.world.ledger.state();
            try {
              await run(s, o);
              outcomes.set(`${o.kind}:ok`, (outcomes.get(`${o.kind}:ok`) ?? 0) + 1);
            } catch (error) {
              const message = (error as Error).message;
              if (!/^ESTP_[A-Z_]+: /.test(message)) throw error;
              expect(s.world.ledger.state()).toEqual(before);
              outcomes.set(
                `${o.kind}:${message.split(':')[0]!}`,
                (outcomes.get(`${o.kind}:${message.split(':')[0]!}`) ?? 0) + 1,
              );
            }
            checkInvariants(s.world);
          }
          // Drive every market and trade to its end: clear, then settle everything (disputes lapse).
          const { ledger } = s.world;
          ledger.setTime(Math.max(ledger.now(), s.phases[5]!));
          for (const person of s.traders) {
            const status = ledger.readRecord<{ status: string }>('Participant', person.participantId)?.status;
            if (status === 'SUSPENDED') {
              await ledger.submit(participantContract, 'Reinstate', await adminOf(ledger, person.mspId), {
                id: person.participantId,
                reason: 'end',
              });
            }
          }
          for (const market of s.markets) {
            while (ledger.readRecord<Market>('Market', market.id)?.status !== 'CLEARED') {
              await ledger.submit(markets, 'ClearMarket', s.traders[0]!, {
                marketId: market.id,
                batchSize: 3,
              });
            }
          }
          for (const trade of ledger.records<Trade>('Trade')) {
            for (
              let step = 0;
              step < 2 && ledger.readRecord<Trade>('Trade', trade.id)?.status !== 'SETTLED';
              step += 1
            ) {
              await ledger.submit(settlement, 'Settle', s.traders[0]!, { tradeId: trade.id });
            }
          }
          checkInvariants(s.world);
          const totals = (
            await ledger.transact(s.traders[0]!, (ctx) => conservationTotals(ctx), { commit: false })
          ).result;
          expect(totals.money.balanced).toBe(true);
          expect(totals.certificates.balanced).toBe(true);
          // Disputes end: every trade settled, nothing is left in escrow.
          expect(ledger.records<Trade>('Trade').filter((t) => t.status !== 'SETTLED')).toEqual([]);
          expect(totals.money.escrowed).toBe(0);
          expect(totals.certificates.escrowedWh).toBe(0);
          // No positive quantity changed hands for nothing.
          for (const trade of ledger.records<Trade>('Trade')) {
            expect([trade.id, trade.value >= 1]).toEqual([trade.id, true]);
            if (trade.commodity !== 'SAVINGS_CERT')
              expect([trade.id, trade.collateral >= 1]).toEqual([trade.id, true]);
          }
        }),
        { numRuns: RUNS },
      );
      if (process.env.ESTP_SHOW_OUTCOMES) console.log([...outcomes.entries()].sort());
      // The sequences exercised the successful paths, not only rejections.
      for (const kind of [
        'post',
        'accept',
        'clear',
        'report',
        'settle',
        'dispute',
        'deposit',
        'issue',
        'suspend',
      ]) {
        expect([kind, outcomes.get(`${kind}:ok`) ?? 0]).not.toEqual([kind, 0]);
      }
    },
    10 * 60 * 1000,
  );
});
