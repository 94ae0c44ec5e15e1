/**
 * Ledger time you can trust (lib/time.ts, docs/trust.md "Ledger time"): the endorsement-time guard
 * against the peer's clock (with an injected clock), and time that only moves forward on a market,
 * an offer, a trade and a dispute.
 */
import { Context } from 'fabric-contract-api';
import { SettlementContract } from '../../chaincode/src/contracts/settlement';
import type { Dispute } from '../../chaincode/src/dispute/model';
import { TX_TIME_TOLERANCE_MS, refuseSkewedTimestamp, txTimeAfter } from '../../chaincode/src/lib/time';
import type { AcceptResult } from '../../chaincode/src/market/offers';
import type { Trade } from '../../chaincode/src/settlement/model';
import { DEFAULT_TIME_MS, TestLedger } from '../support/fixture';
import {
  HASH,
  HOUR,
  type TradingWorld,
  disputes,
  markets,
  openMarket,
  post,
  settlement,
  trader,
  tradingWorld,
} from './market-world';

describe('the endorsement-time guard', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await TestLedger.create();
  });

  async function guard(peerOffsetMs: number, toleranceMs?: number): Promise<void> {
    const caller = await ledger.identity('UtilityMSP', 'auditor', ['auditor']);
    const tx = DEFAULT_TIME_MS;
    await ledger.transact(
      caller,
      (ctx: Context) => {
        refuseSkewedTimestamp(ctx, () => tx + peerOffsetMs, toleranceMs);
        return Promise.resolve();
      },
      { time: tx, commit: false },
    );
  }

  it('endorses a timestamp up to the tolerance (30 s) from the peer clock, either way', async () => {
    expect(TX_TIME_TOLERANCE_MS).toBe(30_000);
    for (const offset of [0, 30_000, -30_000, 1, -1]) await expect(guard(offset)).resolves.toBeUndefined();
  });

  it('refuses one more millisecond, naming the timestamp, the peer time and the tolerance', async () => {
    await expect(guard(-30_001)).rejects.toThrow(
      "ESTP_BAD_TIMESTAMP: transaction timestamp 2026-01-01T00:00:00.000Z is 30.001 s ahead of the endorsing peer's clock 2025-12-31T23:59:29.999Z (tolerance 30.000 s)",
    );
    await expect(guard(45_000)).rejects.toThrow(
      /is 45\.000 s behind the endorsing peer's clock .* \(tolerance 30\.000 s\)/,
    );
    await expect(guard(2_000, 1_000)).rejects.toThrow(
      /ESTP_BAD_TIMESTAMP: .* 2\.000 s behind .* \(tolerance 1\.000 s\)/,
    );
  });

  it('runs before every transaction of every contract, writes nothing, and also guards queries', async () => {
    // Given a treasurer whose client clock is 31 s ahead of the peer's
    const world = await tradingWorld();
    const alice = await trader(world, 'CommunityMSP', 'alice');
    const before = world.ledger.state();
    const skewed = { peerClockMs: world.ledger.now() - 31_000 };
    // When it deposits, and when anyone reads
    await expect(
      world.ledger.submit(
        settlement,
        'Deposit',
        world.treasurer,
        { accountId: alice.participantId, amount: 100, reference: 'r1' },
        skewed,
      ),
    ).rejects.toThrow(/ESTP_BAD_TIMESTAMP: transaction timestamp .* is 31\.000 s ahead/);
    await expect(
      world.ledger.evaluate(
        settlement,
        'GetAccount',
        alice,
        {},
        { peerClockMs: world.ledger.now() + 60_000 },
      ),
    ).rejects.toThrow(/ESTP_BAD_TIMESTAMP/);
    // Then nothing changed, and through fabric-contract-api's own dispatch it answers 500
    expect(world.ledger.state()).toEqual(before);
    const dispatched = await world.ledger.invoke(
      [SettlementContract],
      'Settlement:GetAccount',
      ['{}'],
      alice,
      { peerClockMs: world.ledger.now() - HOUR },
    );
    expect(dispatched.status).toBe(500);
    expect(dispatched.message).toMatch(/^ESTP_BAD_TIMESTAMP/);
  });
});

describe('time moves forward on a record', () => {
  let world: TradingWorld;

  beforeEach(async () => {
    world = await tradingWorld();
  });

  it('txTimeAfter accepts the recorded time itself and refuses anything earlier', async () => {
    const caller = await world.ledger.identity('UtilityMSP', 'auditor', ['auditor']);
    const at = (time: number, updatedAt: string) =>
      world.ledger.transact(
        caller,
        (ctx) => Promise.resolve(txTimeAfter(ctx, { 'trade T': { updatedAt } })),
        {
          time,
          commit: false,
        },
      );
    const recorded = '2026-01-01T00:00:10.000Z';
    await expect(at(Date.parse(recorded), recorded)).resolves.toMatchObject({ result: Date.parse(recorded) });
    await expect(at(Date.parse(recorded) - 1, recorded)).rejects.toThrow(
      'ESTP_BAD_TIMESTAMP: transaction timestamp 2026-01-01T00:00:09.999Z is before 2026-01-01T00:00:10.000Z, the latest transaction recorded on trade T',
    );
  });

  it('a PostOffer timestamped before the market was opened is refused', async () => {
    const alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000);
    const market = await openMarket(world, 'M1');
    const openedAt = Date.parse(market.updatedAt);
    const input = { offerId: 'o1', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 };
    await expect(
      world.ledger.submit(markets, 'PostOffer', alice, input, { time: openedAt - 1 }),
    ).rejects.toThrow(/ESTP_BAD_TIMESTAMP: .* the latest transaction recorded on market M1/);
    await expect(
      world.ledger.submit(markets, 'PostOffer', alice, input, { time: openedAt }),
    ).resolves.toBeDefined();
  });

  it('a Settle or dispute step timestamped before the trade or dispute last changed is refused', async () => {
    // Given a trade reported at delivery end and disputed a little later, with fresh evidence
    const alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000);
    const bob = await trader(world, 'EnterpriseMSP', 'bob', 1_000_000, { meterIds: ['MTR-B'] });
    const market = await openMarket(world, 'M1');
    const sell = await post(world, bob, {
      offerId: 's',
      marketId: 'M1',
      side: 'SELL',
      quantityWh: 1000,
      price: 100,
    });
    const { trade } = (
      await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
        id: sell.id,
        quantityWh: 1000,
      })
    ).result;
    world.ledger.setTime(market.deliveryEndMs);
    const reported = await world.ledger.submit<Trade>(settlement, 'ReportDelivery', world.meter, {
      tradeId: trade.id,
      deliveredWh: 1000,
      meterId: 'MTR-B',
      readingHash: HASH,
    });
    await world.ledger.submit(disputes, 'Open', alice, {
      tradeId: trade.id,
      claim: 'late',
      evidenceHash: HASH,
    });
    const evidence = await world.ledger.submit<Dispute>(disputes, 'AddEvidence', bob, {
      tradeId: trade.id,
      evidenceHash: HASH,
    });
    // When an arbiter's ruling is back-dated to before the latest evidence
    await expect(
      world.ledger.submit(
        disputes,
        'Rule',
        world.arbiters.UtilityMSP,
        { tradeId: trade.id, deliveredWh: 1000, penalty: 0 },
        { time: Date.parse(evidence.result.updatedAt) - 1 },
      ),
    ).rejects.toThrow(/ESTP_BAD_TIMESTAMP: .* recorded on dispute /);
    // or a second report is back-dated before the first
    await expect(
      world.ledger.submit(
        settlement,
        'Settle',
        bob,
        { tradeId: trade.id },
        { time: Date.parse(reported.result.updatedAt) - 1 },
      ),
    ).rejects.toThrow(/ESTP_BAD_TIMESTAMP: .* recorded on (market|trade) /);
  });
});
