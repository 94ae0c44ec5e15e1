/**
 * Settlement: Deposit, Withdraw, GetAccount, ReportDelivery, Settle (delivery, tolerance, penalty,
 * default, ruling), GetTrade, ListTrades, and the certificate lifecycle.
 */
import fc from 'fast-check';
import { EventName } from '../../chaincode/src/lib/events';
import { MAX_ACCOUNT_TOTAL, MAX_OPERATION_AMOUNT } from '../../chaincode/src/lib/money';
import type { Page } from '../../chaincode/src/lib/pagination';
import type { Market } from '../../chaincode/src/market/model';
import type { AcceptResult } from '../../chaincode/src/market/offers';
import { type Account, ACCOUNT_NEVER_WRITTEN } from '../../chaincode/src/lib/accounts';
import { MINT_LANE, MINT_LANES, MINT_LANE_CAP, type MintLane } from '../../chaincode/src/lib/mint-lanes';
import type { DepositResult } from '../../chaincode/src/settlement/treasury';
import type { SavingsProject, Trade } from '../../chaincode/src/settlement/model';
import { settleEnergy, shortfallPenalty } from '../../chaincode/src/settlement/rules';
import type { TestIdentity } from '../support/fixture';
import {
  HASH,
  HOUR,
  type TradingWorld,
  account,
  isAccountDeltaKey,
  checkInvariants,
  markets,
  openMarket,
  post,
  settlement,
  suspend,
  trader,
  tradingWorld,
} from './market-world';

describe('Settlement', () => {
  let world: TradingWorld;
  let alice: TestIdentity; // buyer, CommunityMSP, meter MTR-A
  let bob: TestIdentity; // seller, EnterpriseMSP, meter MTR-B
  let market: Market;

  beforeEach(async () => {
    world = await tradingWorld();
    alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000, { meterIds: ['MTR-A'] });
    bob = await trader(world, 'EnterpriseMSP', 'bob', 1_000_000, { meterIds: ['MTR-B'] });
    market = await openMarket(world, 'M1');
  });

  async function expectRejected(run: Promise<unknown>, code: RegExp): Promise<void> {
    const before = world.ledger.state();
    await expect(run).rejects.toThrow(code);
    expect(world.ledger.state()).toEqual(before);
  }

  /** A MATCHED trade: alice buys `quantityWh` of bob's SELL at `price` (collateral 10 %). */
  async function matched(quantityWh = 10_000, price = 100): Promise<Trade> {
    const sell = await post(world, bob, {
      offerId: `s${world.ledger.now()}`,
      marketId: 'M1',
      side: 'SELL',
      quantityWh,
      price,
    });
    const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
      id: sell.id,
      quantityWh,
    });
    return tx.result.trade;
  }

  const report = (tradeId: string, deliveredWh: number, meterId = 'MTR-B') =>
    world.ledger.submit<Trade>(settlement, 'ReportDelivery', world.meter, {
      tradeId,
      deliveredWh,
      meterId,
      readingHash: HASH,
    });
  const settle = (tradeId: string, who: TestIdentity = alice) =>
    world.ledger.submit<Trade>(settlement, 'Settle', who, { tradeId });

  describe('Deposit, Withdraw, GetAccount', () => {
    it('mints and burns credits, recording each operation once per reference', async () => {
      const dep = await world.ledger.submit<DepositResult>(settlement, 'Deposit', world.treasurer, {
        accountId: alice.participantId,
        amount: 5000,
        reference: 'wire-1',
      });
      expect(Object.keys(dep.result)).toEqual(['operation']);
      expect(dep.result.operation).toMatchObject({ amount: 5000, kind: 'DEPOSIT' });
      expect(account(world, alice.participantId)).toMatchObject({
        available: 1_005_000,
        minted: 1_005_000,
        burned: 0,
      });
      expect(dep.event).toMatchObject({
        name: EventName.FundsDeposited,
        payload: { amount: 5000, reference: 'wire-1' },
      });
      // Nothing of the account is read or rewritten: one mint lane and one delta (lib/mint-lanes.ts)
      const written = [...dep.writes.keys()].map((key) => key.split('\u0000')[1]).sort();
      expect(written).toEqual(['Account', 'MintLane', 'TreasuryOperation']);
      expect([...dep.writes.keys()].filter(isAccountDeltaKey)).toHaveLength(1);
      expect(dep.reads.has(world.ledger.key('Account', alice.participantId))).toBe(false);
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', world.treasurer, {
          accountId: alice.participantId,
          amount: 5000,
          reference: 'wire-1',
        }),
        /ESTP_ALREADY_EXISTS: TreasuryOperation CommunityMSP:alice\/wire-1/,
      );
      const wd = await world.ledger.submit<{ account: Account }>(settlement, 'Withdraw', world.treasurer, {
        accountId: alice.participantId,
        amount: 5,
        reference: 'payout-1',
      });
      expect(wd.result.account).toMatchObject({ available: 1_004_995, burned: 5 });
      expect(wd.event?.name).toBe(EventName.FundsWithdrawn);
      const got = await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, {});
      expect(got).toMatchObject({ id: alice.participantId, available: 1_004_995, escrowed: 0 });
      const other = await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, {
        participantId: 'UtilityMSP:nobody',
      });
      expect(other).toMatchObject({ available: 0, escrowed: 0, minted: 0 });
      checkInvariants(world);
    });

    it('shows the same state the same to every query, however late: a record never written has the epoch as updatedAt', async () => {
      await world.ledger.submit(settlement, 'Deposit', world.treasurer, {
        accountId: alice.participantId,
        amount: 5000,
        reference: 'wire-2',
      });
      const nobody = { participantId: 'UtilityMSP:nobody' };
      // Each query gets a later timestamp (the fixture's clock moves per call).
      const [first, second] = [
        await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, nobody),
        await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, nobody),
      ];
      expect(second).toEqual(first);
      expect(first.updatedAt).toBe(ACCOUNT_NEVER_WRITTEN);
      const before = await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, {});
      expect(await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, {})).toEqual(before);
      const wd = await world.ledger.submit<{ account: Account }>(settlement, 'Withdraw', world.treasurer, {
        accountId: alice.participantId,
        amount: 5,
        reference: 'payout-2',
      });
      const after = await world.ledger.evaluate<Account>(settlement, 'GetAccount', alice, {});
      expect(after.updatedAt).toBe(wd.result.account.updatedAt);
      expect(after.updatedAt > before.updatedAt).toBe(true);
    });

    it('rejects non-treasurers, unknown participants, overdrafts and bad amounts', async () => {
      const input = { accountId: alice.participantId, amount: 10, reference: 'r' };
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', alice, input),
        /requires estp.role treasurer/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Withdraw', world.admin, input),
        /requires estp.role treasurer/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', world.treasurer, {
          ...input,
          accountId: 'UtilityMSP:ghost',
        }),
        /ESTP_NOT_FOUND: Participant UtilityMSP:ghost/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Withdraw', world.treasurer, { ...input, amount: 1_000_001 }),
        /ESTP_INSUFFICIENT_FUNDS: withdrawal of 1000001 exceeds CommunityMSP:alice's available 1000000/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', world.treasurer, { ...input, amount: 0 }),
        /amount must be ≥ 1/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', world.treasurer, { ...input, amount: 1.5 }),
        /amount must be a safe integer/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', world.treasurer, { ...input, accountId: 'alice' }),
        /accountId must be a participant ID/,
      );
    });

    it('caps one Deposit or Withdraw at 10¹² minor units (the 9 007 199 254 640 000 deposit that bricked Totals)', async () => {
      const huge = { accountId: alice.participantId, amount: 9_007_199_254_640_000, reference: 'brick' };
      await expectRejected(
        world.ledger.submit(settlement, 'Deposit', world.treasurer, huge),
        /ESTP_INVALID_INPUT: amount must be ≤ 1000000000000/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
          ...huge,
          amount: MAX_OPERATION_AMOUNT + 1,
        }),
        /ESTP_INVALID_INPUT: amount must be ≤ 1000000000000/,
      );
      await world.ledger.submit(settlement, 'Deposit', world.treasurer, {
        ...huge,
        amount: MAX_OPERATION_AMOUNT,
      });
      expect(account(world, alice.participantId).minted).toBe(1_000_000 + MAX_OPERATION_AMOUNT);
    });

    it("caps an account's lifetime minted, burned, issued and retired totals at 10¹⁵", async () => {
      // Given an account that has been minted almost the per-account cap over its life: every
      // mint lane full but two, which have room for 4 and 6 (lib/mint-lanes.ts), its record
      // saying the same and no deltas left
      await world.ledger.transact(world.admin, async (ctx) => {
        const key = world.ledger.key('Account', alice.participantId);
        const near = {
          ...account(world, alice.participantId),
          minted: MAX_ACCOUNT_TOTAL - 10,
          available: MAX_ACCOUNT_TOTAL - 10,
        };
        await ctx.stub.putState(key, Buffer.from(JSON.stringify(near)));
        // The record's range: the record (rewritten above), then its deltas.
        const deltas = ctx.stub.getStateByPartialCompositeKey('Account', [alice.participantId]);
        for await (const { key: delta } of deltas) if (delta !== key) await ctx.stub.deleteState(delta);
        for (let lane = 0; lane < MINT_LANES; lane++) {
          const room = lane === 17 ? 4 : lane === 903 ? 6 : 0;
          const laneKey = ctx.stub.createCompositeKey(MINT_LANE, [
            alice.participantId,
            String(lane).padStart(3, '0'),
          ]);
          const value = { accountId: alice.participantId, lane, minted: MINT_LANE_CAP - room };
          await ctx.stub.putState(laneKey, Buffer.from(JSON.stringify(value)));
        }
      });
      const deposit = (amount: number, reference: string) =>
        world.ledger.submit(settlement, 'Deposit', world.treasurer, {
          accountId: alice.participantId,
          amount,
          reference,
        });
      // When a deposit would pass it, it is refused; up to it, it is accepted
      await expectRejected(
        deposit(11, 'over'),
        /ESTP_LIMIT_EXCEEDED: account CommunityMSP:alice minted would reach 1000000000000001, above the per-account cap of 1000000000000000/,
      );
      // the lanes with room take it together, whichever lane the transaction hashes to
      await deposit(10, 'exact');
      expect(account(world, alice.participantId).minted).toBe(MAX_ACCOUNT_TOTAL);
      const alices = world.ledger
        .records<MintLane>(MINT_LANE)
        .filter((l) => l.accountId === alice.participantId);
      expect(alices.filter((lane) => lane.minted !== MINT_LANE_CAP)).toEqual([]);
      await expectRejected(deposit(1, 'full'), /ESTP_LIMIT_EXCEEDED: account CommunityMSP:alice minted/);
      expect(Number.isSafeInteger(MAX_ACCOUNT_TOTAL * 9)).toBe(true);
    });

    it('escrowed credits cannot be withdrawn', async () => {
      await post(world, alice, {
        offerId: 'b',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1_000_000,
        price: 900,
      });
      await expectRejected(
        world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
          accountId: alice.participantId,
          amount: 200_000,
          reference: 'x',
        }),
        /ESTP_INSUFFICIENT_FUNDS/,
      );
    });
  });

  describe('ReportDelivery', () => {
    it('records the metered delivery of a registered meter between delivery end and the deadline', async () => {
      const trade = await matched();
      world.ledger.setTime(market.deliveryEndMs);
      const tx = await report(trade.id, 9000, 'MTR-A');
      expect(tx.result).toMatchObject({
        status: 'DELIVERED',
        delivery: { deliveredWh: 9000, meterId: 'MTR-A', readingHash: HASH, reportedBy: 'UtilityMSP:meter' },
      });
      expect(tx.event?.name).toBe(EventName.DeliveryReported);
      await expectRejected(
        report(trade.id, 9000),
        /ESTP_ILLEGAL_STATE: trade .* is DELIVERED; a delivery is reported once/,
      );
    });

    it('rejects wrong roles, unregistered meters, early and late reports', async () => {
      const trade = await matched();
      await expectRejected(
        report(trade.id, 1),
        /ESTP_TOO_EARLY: delivery of .* is reported from delivery end/,
      );
      world.ledger.setTime(market.deliveryEndMs);
      await expectRejected(
        world.ledger.submit(settlement, 'ReportDelivery', alice, {
          tradeId: trade.id,
          deliveredWh: 1,
          meterId: 'MTR-A',
          readingHash: HASH,
        }),
        /requires estp.role meter/,
      );
      await expectRejected(
        report(trade.id, 1, 'MTR-X'),
        /ESTP_FORBIDDEN: meter MTR-X is not bound to the seller or buyer/,
      );
      await expectRejected(report('M1/a/ff', 1), /ESTP_NOT_FOUND: Trade M1\/a\/ff/);
      await expectRejected(
        world.ledger.submit(settlement, 'ReportDelivery', world.meter, {
          tradeId: trade.id,
          deliveredWh: 1,
          meterId: 'MTR-B',
          readingHash: 'xyz',
        }),
        /readingHash must have at least 64 characters/,
      );
      world.ledger.setTime(market.reportDeadlineMs + 1);
      await expectRejected(report(trade.id, 1), /ESTP_TOO_LATE: the report deadline/);
    });
  });

  describe('Settle', () => {
    it('pays delivered × price after the dispute window and releases the collateral', async () => {
      const trade = await matched(10_000, 100); // value 1000, collateral 100
      world.ledger.setTime(market.deliveryEndMs);
      await report(trade.id, 10_000);
      await expectRejected(settle(trade.id), /ESTP_TOO_EARLY: trade .* settles after its dispute window/);
      world.ledger.setTime(market.settleAfterMs);
      const tx = await settle(trade.id, world.treasurer);
      expect(tx.result).toMatchObject({
        status: 'SETTLED',
        settlement: {
          basis: 'DELIVERED',
          deliveredWh: 10_000,
          paid: 1000,
          buyerRefund: 0,
          penalty: 0,
          collateralReleased: 100,
        },
      });
      expect(tx.event?.name).toBe(EventName.TradeSettled);
      expect(account(world, alice.participantId)).toMatchObject({ available: 999_000, escrowed: 0 });
      expect(account(world, bob.participantId)).toMatchObject({ available: 1_001_000, escrowed: 0 });
      await expectRejected(settle(trade.id), /ESTP_ILLEGAL_STATE: trade .* is already SETTLED/);
      checkInvariants(world);
    });

    it('a shortfall within the 2 % tolerance costs no penalty; beyond it the excess is penalised from collateral', async () => {
      const small = await matched(10_000, 100);
      const large = await matched(10_000, 100);
      world.ledger.setTime(market.deliveryEndMs);
      await report(small.id, 9800); // shortfall 200 = tolerance
      await report(large.id, 9000); // shortfall 1000, 800 beyond: value(800, 100) = 80 ≤ collateral 100
      world.ledger.setTime(market.settleAfterMs);
      expect((await settle(small.id)).result.settlement).toMatchObject({
        paid: 980,
        buyerRefund: 20,
        penalty: 0,
        collateralReleased: 100,
      });
      expect((await settle(large.id)).result.settlement).toMatchObject({
        paid: 900,
        buyerRefund: 100,
        penalty: 80,
        collateralReleased: 20,
      });
      expect(account(world, alice.participantId).available).toBe(1_000_000 - 980 - 900 + 80);
      expect(account(world, bob.participantId).available).toBe(1_000_000 + 980 + 900 - 80);
      checkInvariants(world);
    });

    it('over-delivery is paid only up to the traded quantity', async () => {
      const trade = await matched(10_000, 100);
      world.ledger.setTime(market.deliveryEndMs);
      await report(trade.id, 50_000);
      world.ledger.setTime(market.settleAfterMs);
      expect((await settle(trade.id)).result.settlement).toMatchObject({
        deliveredWh: 10_000,
        paid: 1000,
        penalty: 0,
      });
    });

    it('no report by the deadline: Settle declares the default, then settles it as zero delivered', async () => {
      const trade = await matched(10_000, 100);
      world.ledger.setTime(market.reportDeadlineMs);
      await expectRejected(settle(trade.id), /ESTP_TOO_EARLY: trade .* awaits its meter report/);
      world.ledger.setTime(market.reportDeadlineMs + 1);
      const defaulted = await settle(trade.id);
      expect(defaulted.result).toMatchObject({ status: 'DEFAULTED' });
      expect(defaulted.event?.name).toBe(EventName.TradeDefaulted);
      await expectRejected(report(trade.id, 10_000), /ESTP_ILLEGAL_STATE: trade .* is DEFAULTED/);
      await expectRejected(settle(trade.id), /ESTP_TOO_EARLY/);
      world.ledger.setTime(market.settleAfterMs);
      const tx = await settle(trade.id);
      expect(tx.result.settlement).toMatchObject({
        basis: 'DEFAULTED',
        deliveredWh: 0,
        paid: 0,
        buyerRefund: 1000,
        penalty: 100,
        collateralReleased: 0,
      });
      checkInvariants(world);
    });

    it('a MATCHED trade settled after the dispute window defaults and settles in one step', async () => {
      const trade = await matched(10_000, 100);
      world.ledger.setTime(market.settleAfterMs);
      const tx = await settle(trade.id);
      expect(tx.result).toMatchObject({
        status: 'SETTLED',
        settlement: { basis: 'DEFAULTED', penalty: 100 },
      });
      expect(tx.result.defaultedAt).toBeDefined();
    });

    it('is for members and treasurers, and rejects certificate trades (settled at clearing)', async () => {
      const trade = await matched();
      world.ledger.setTime(market.settleAfterMs);
      await expectRejected(settle(trade.id, world.meter), /requires estp.role member or treasurer/);
      await expectRejected(settle('M1/c/00000009'), /ESTP_NOT_FOUND/);
    });
  });

  describe('GetTrade and ListTrades', () => {
    it('reads trades by ID, market and participant', async () => {
      const t1 = await matched(1000, 100);
      const carol = await trader(world, 'UtilityMSP', 'carol', 100_000);
      const sell = await post(world, carol, {
        offerId: 'cs',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 100,
      });
      await world.ledger.submit(markets, 'AcceptOffer', alice, { id: sell.id, quantityWh: 1000 });
      expect(await world.ledger.evaluate(settlement, 'GetTrade', bob, { tradeId: t1.id })).toEqual(t1);
      const ofBob = await world.ledger.evaluate<Page<Trade>>(settlement, 'ListTrades', bob, {
        participantId: bob.participantId,
      });
      expect(ofBob.records.map((t) => t.id)).toEqual([t1.id]);
      const ofAlice = await world.ledger.evaluate<Page<Trade>>(settlement, 'ListTrades', bob, {
        participantId: alice.participantId,
        pageSize: 1,
      });
      expect(ofAlice.records).toHaveLength(1);
      const rest = await world.ledger.evaluate<Page<Trade>>(settlement, 'ListTrades', bob, {
        participantId: alice.participantId,
        pageSize: 1,
        bookmark: ofAlice.bookmark,
      });
      expect(rest.records).toHaveLength(1);
      expect(rest.bookmark).toBe('');
      const ofMarket = await world.ledger.evaluate<Page<Trade>>(settlement, 'ListTrades', bob, {
        marketId: 'M1',
      });
      expect(ofMarket.records).toHaveLength(2);
      const all = await world.ledger.evaluate<Page<Trade>>(settlement, 'ListTrades', bob, {});
      expect(all.records).toHaveLength(2);
      await expect(
        world.ledger.evaluate(settlement, 'ListTrades', bob, {
          marketId: 'M1',
          participantId: bob.participantId,
        }),
      ).rejects.toThrow(/participantId cannot be combined with marketId/);
      await expect(world.ledger.evaluate(settlement, 'GetTrade', bob, { tradeId: 'nope' })).rejects.toThrow(
        /tradeId must be a trade ID/,
      );
    });
  });

  describe('ListTrades by period', () => {
    const DAY = 24 * HOUR;
    const day1 = Date.UTC(2026, 0, 5);
    const at = (ms: number) => new Date(ms).toISOString();

    /** Trades bought from one large SELL at the given ledger times. */
    async function tradesAt(times: number[]): Promise<Trade[]> {
      await openMarket(world, 'M-P', {
        gateClosure: day1 + 10 * DAY,
        deliveryStart: day1 + 10 * DAY,
        deliveryEnd: day1 + 11 * DAY,
        reportDeadline: day1 + 12 * DAY,
      });
      const sell = await post(world, bob, {
        offerId: 'big',
        marketId: 'M-P',
        side: 'SELL',
        quantityWh: 100_000,
        price: 100,
      });
      const created: Trade[] = [];
      for (const time of times) {
        world.ledger.setTime(time);
        const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
          id: sell.id,
          quantityWh: 1000,
        });
        created.push(tx.result.trade);
      }
      return created;
    }

    const list = (input: Record<string, unknown>) =>
      world.ledger.evaluate<Page<Trade>>(settlement, 'ListTrades', bob, input);

    it('returns the trades created in [from, to), oldest first, across day buckets', async () => {
      // Given trades at day 1 10:00 and 23:59:59.999, day 2 00:00, and day 4 12:00 (day 3 has none)
      const [early, lateDay1, day2, day4] = await tradesAt([
        day1 + 10 * HOUR,
        day1 + DAY - 1,
        day1 + DAY,
        day1 + 3 * DAY + 12 * HOUR,
      ]);
      // When listing from day 1 12:00 up to day 4 12:00 (exclusive)
      const page = await list({ from: at(day1 + 12 * HOUR), to: day1 + 3 * DAY + 12 * HOUR });
      // Then the trade before from and the one exactly at to are left out
      expect(page.records.map((trade) => trade.id)).toEqual([lateDay1!.id, day2!.id]);
      expect(page.bookmark).toBe('');
      // and a period covering all of them lists all four
      const all = await list({ from: day1, to: day1 + 4 * DAY });
      expect(all.records.map((trade) => trade.id)).toEqual([early!.id, lateDay1!.id, day2!.id, day4!.id]);
      // and ListTrades by participant still sees the same trades (the index is an addition)
      const ofAlice = await list({ participantId: alice.participantId, pageSize: 10 });
      expect(ofAlice.records).toHaveLength(4);
    });

    it('pages one trade at a time to the last page, whatever the day boundaries', async () => {
      const created = await tradesAt([
        day1 + HOUR,
        day1 + 2 * HOUR,
        day1 + 2 * DAY,
        day1 + 2 * DAY + 1,
        day1 + 5 * DAY,
      ]);
      const seen: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = await list({ from: day1 + 90 * 60 * 1000, to: day1 + 6 * DAY, pageSize: 1, bookmark });
        expect(page.records.length).toBeLessThanOrEqual(1);
        seen.push(...page.records.map((trade) => trade.id));
        bookmark = page.bookmark;
        pages += 1;
      } while (bookmark !== '' && pages < 20);
      expect(bookmark).toBe('');
      expect(seen).toEqual(created.slice(1).map((trade) => trade.id));
    });

    it('writes one day-index entry per trade, keyed by day, time and trade ID', async () => {
      const [trade] = await tradesAt([day1 + 7 * HOUR]);
      const key = world.ledger.key('trade~day', at(day1).slice(0, 10), trade!.createdAt, trade!.id);
      expect(world.ledger.state().has(key)).toBe(true);
    });

    it('rejects half, empty, too long or combined periods and foreign bookmarks', async () => {
      await expect(list({ from: day1 })).rejects.toThrow(/ESTP_INVALID_INPUT: to is required/);
      await expect(list({ to: day1 })).rejects.toThrow(/ESTP_INVALID_INPUT: from is required/);
      await expect(list({ from: day1, to: day1 })).rejects.toThrow(/to must be after from/);
      await expect(list({ from: day1, to: day1 + 367 * DAY })).rejects.toThrow(/at most 366 days/);
      await expect(list({ from: day1, to: day1 + DAY, marketId: 'M1' })).rejects.toThrow(
        /from and to cannot be combined with marketId or participantId/,
      );
      await expect(list({ from: day1, to: day1 + DAY, bookmark: 'x' })).rejects.toThrow(
        /bookmark is not a bookmark of this period/,
      );
      await expect(list({ from: day1, to: day1 + DAY, bookmark: '2027-01-01|' })).rejects.toThrow(
        /bookmark is not a bookmark of this period/,
      );
      await expect(list({ from: 'yesterday', to: day1 })).rejects.toThrow(/from must be ms since the epoch/);
    });
  });

  describe('certificates', () => {
    let verifier: TestIdentity;

    beforeEach(async () => {
      verifier = await world.ledger.identity('UtilityMSP', 'verifier', ['verifier']);
      await world.ledger.submit(settlement, 'RegisterSavingsProject', bob, {
        projectId: 'P1',
        title: 'Waste-heat recovery',
        method: 'IPMVP Option B',
        baselineWh: 1_000_000,
        gridZone: 'ZONE-A',
        evidenceHash: HASH,
        evidenceUri: 'https://evidence.example/p1',
      });
    });

    let periods = 0;
    /** Issues a batch for the next period of P1 (consecutive periods of 1 s from the epoch). */
    const issue = (who: TestIdentity, batchId: string, quantityWh: number, extra: object = {}) => {
      periods += 1;
      return world.ledger.submit<{ account: Account }>(settlement, 'IssueCertificates', who, {
        projectId: 'P1',
        batchId,
        quantityWh,
        evidenceHash: HASH,
        periodStart: (periods - 1) * 1000,
        periodEnd: periods * 1000,
        ...extra,
      });
    };

    it('registers a project of an ACTIVE member; its ID is unique', async () => {
      const project = world.ledger.readRecord<SavingsProject>('SavingsProject', 'P1');
      expect(project).toMatchObject({ owner: bob.participantId, ownerMspId: 'EnterpriseMSP', issuedWh: 0 });
      await expectRejected(
        world.ledger.submit(settlement, 'RegisterSavingsProject', alice, {
          projectId: 'P1',
          title: 't',
          method: 'm',
          baselineWh: 1,
          gridZone: 'Z',
          evidenceHash: HASH,
        }),
        /ESTP_ALREADY_EXISTS: SavingsProject P1/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'RegisterSavingsProject', world.verifier, {
          projectId: 'P2',
          title: 't',
          method: 'm',
          baselineWh: 1,
          gridZone: 'Z',
          evidenceHash: HASH,
        }),
        /requires estp.role member/,
      );
    });

    it('a verifier of another org issues certificates up to the baseline, once per batch ID', async () => {
      const tx = await issue(verifier, 'B1', 600_000, { periodStart: 0, periodEnd: 1000 });
      expect(tx.result.account).toMatchObject({ certificatesHeldWh: 600_000, certificatesIssuedWh: 600_000 });
      expect(tx.event).toMatchObject({
        name: EventName.CertificatesIssued,
        payload: { quantityWh: 600_000 },
      });
      await expectRejected(issue(verifier, 'B1', 1), /ESTP_ALREADY_EXISTS: CertificateBatch P1\/B1/);
      await expectRejected(
        issue(verifier, 'B2', 400_001),
        /would bring P1's certificates to 1000001 Wh, above its baseline 1000000 Wh/,
      );
      await expectRejected(
        issue(world.verifier, 'B3', 1),
        /ESTP_FORBIDDEN: certificates of P1 must be issued by a verifier of another organisation than EnterpriseMSP/,
      );
      await expectRejected(issue(alice, 'B3', 1), /requires estp.role verifier/);
      await expectRejected(
        issue(verifier, 'B3', 1, { periodStart: 10_000, periodEnd: 10_000 }),
        /periodEnd must be after periodStart/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'IssueCertificates', verifier, {
          projectId: 'P9',
          batchId: 'B',
          quantityWh: 1,
          evidenceHash: HASH,
          periodStart: 0,
          periodEnd: 1,
        }),
        /ESTP_NOT_FOUND: SavingsProject P9/,
      );
      checkInvariants(world);
    });

    it('periods of one project never overlap, have ended, and need both ends', async () => {
      // Given P1 certified for [0, 1 s)
      await issue(verifier, 'B1', 1000, { periodStart: 0, periodEnd: 1000 });
      expect(world.ledger.readRecord<SavingsProject>('SavingsProject', 'P1')?.certifiedUntilMs).toBe(1000);
      // When a batch claims a period that starts inside it, or one that has not ended yet
      await expectRejected(
        issue(verifier, 'B2', 1000, { periodStart: 999, periodEnd: 5000 }),
        /ESTP_INVALID_INPUT: periodStart must not be before 1970-01-01T00:00:01.000Z: P1's savings are certified until then, and periods may not overlap/,
      );
      await expectRejected(
        issue(verifier, 'B2', 1000, { periodStart: 1000, periodEnd: world.ledger.now() + 1 }),
        /ESTP_INVALID_INPUT: periodEnd must not be after the transaction time .*: savings are certified once measured/,
      );
      await expectRejected(
        issue(verifier, 'B2', 1000, { periodStart: undefined }),
        /ESTP_INVALID_INPUT: periodStart is required/,
      );
      // Then the next period, starting where the last ended, is certified
      await issue(verifier, 'B2', 1000, { periodStart: 1000, periodEnd: 2000 });
      expect(world.ledger.readRecord<SavingsProject>('SavingsProject', 'P1')?.issuedWh).toBe(2000);
    });

    it('certificates go only to an ACTIVE owner', async () => {
      await suspend(world, bob);
      await expectRejected(
        issue(verifier, 'B1', 1000),
        /ESTP_FORBIDDEN: certificates go only to ACTIVE participants of ACTIVE organisations; EnterpriseMSP:bob is SUSPENDED/,
      );
    });

    it('retired certificates are burned, recorded, and can never be offered again', async () => {
      await issue(verifier, 'B1', 1000);
      const tx = await world.ledger.submit<{ account: Account }>(settlement, 'RetireCertificates', bob, {
        retirementId: 'R1',
        quantityWh: 600,
        beneficiary: 'Factory 7',
      });
      expect(tx.result.account).toMatchObject({ certificatesHeldWh: 400, certificatesRetiredWh: 600 });
      expect(world.ledger.readRecord('CertificateRetirement', `${bob.participantId}/R1`)).toMatchObject({
        quantityWh: 600,
        beneficiary: 'Factory 7',
      });
      expect(tx.event?.name).toBe(EventName.CertificatesRetired);
      await expectRejected(
        world.ledger.submit(settlement, 'RetireCertificates', bob, { retirementId: 'R1', quantityWh: 1 }),
        /ESTP_ALREADY_EXISTS: CertificateRetirement/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'RetireCertificates', bob, { retirementId: 'R2', quantityWh: 401 }),
        /ESTP_INSUFFICIENT_FUNDS: retiring 401 Wh needs as many held certificates/,
      );
      const certs = await openMarket(world, 'C1', { commodity: 'SAVINGS_CERT' });
      await expectRejected(
        post(world, bob, { offerId: 'c', marketId: certs.id, side: 'SELL', quantityWh: 1000, price: 1 }),
        /ESTP_INSUFFICIENT_FUNDS: SELL c needs 1000 Wh of certificates; EnterpriseMSP:bob holds 400/,
      );
      checkInvariants(world);
    });

    it('certificates bought bilaterally are delivered at once against payment', async () => {
      await issue(verifier, 'B1', 1000);
      const certs = await openMarket(world, 'C1', { commodity: 'SAVINGS_CERT', quantityStepWh: 500 });
      const buy = await post(world, alice, {
        offerId: 'cb',
        marketId: certs.id,
        side: 'BUY',
        quantityWh: 1000,
        price: 2000,
      });
      const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', bob, {
        id: buy.id,
        quantityWh: 1000,
      });
      expect(tx.result.trade).toMatchObject({
        status: 'SETTLED',
        value: 2000,
        collateral: 0,
        settlement: { basis: 'CERTIFICATE' },
      });
      expect(account(world, alice.participantId)).toMatchObject({
        certificatesHeldWh: 1000,
        escrowed: 0,
        available: 998_000,
      });
      expect(account(world, bob.participantId)).toMatchObject({
        certificatesHeldWh: 0,
        available: 1_002_000,
      });
      // And a buyer taking a certificate SELL pays from available.
      await issue(verifier, 'B2', 500);
      const sell = await post(world, bob, {
        offerId: 'cs',
        marketId: certs.id,
        side: 'SELL',
        quantityWh: 500,
        price: 1000,
      });
      await world.ledger.submit(markets, 'AcceptOffer', alice, { id: sell.id, quantityWh: 500 });
      expect(account(world, alice.participantId)).toMatchObject({
        certificatesHeldWh: 1500,
        available: 997_500,
      });
      await expectRejected(
        world.ledger.submit(settlement, 'ReportDelivery', world.meter, {
          tradeId: tx.result.trade.id,
          deliveredWh: 1,
          meterId: 'MTR-B',
          readingHash: HASH,
        }),
        /certificates deliver at clearing/,
      );
      await expectRejected(settle(tx.result.trade.id), /already SETTLED/);
      checkInvariants(world);
    });

    it('a seller without certificates cannot fill a certificate BUY', async () => {
      const certs = await openMarket(world, 'C1', { commodity: 'SAVINGS_CERT' });
      const buy = await post(world, alice, {
        offerId: 'cb',
        marketId: certs.id,
        side: 'BUY',
        quantityWh: 1000,
        price: 2000,
      });
      await expectRejected(
        world.ledger.submit(markets, 'AcceptOffer', bob, { id: buy.id, quantityWh: 1000 }),
        /ESTP_INSUFFICIENT_FUNDS: selling certificates needs 1000 Wh of certificates/,
      );
    });
  });

  describe('rules (pure)', () => {
    it('property: the buyer and seller together receive exactly escrow + collateral', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000_000 }),
          fc.integer({ min: 0, max: 100_000 }),
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 20_000_000 }),
          (quantityWh, price, bps, toleranceBps, measuredWh) => {
            const escrow = Math.floor((quantityWh * price) / 1000);
            const collateral = Math.floor((quantityWh * price * bps) / 10_000_000);
            const outcome = settleEnergy({ quantityWh, price, escrow, collateral, toleranceBps, measuredWh });
            expect(outcome.toBuyer + outcome.toSeller).toBe(escrow + collateral);
            expect(outcome.penalty).toBeLessThanOrEqual(collateral);
            expect(outcome.paid).toBeLessThanOrEqual(escrow);
            expect(Math.min(...(Object.values(outcome) as number[]))).toBeGreaterThanOrEqual(0);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it('penalises only the shortfall beyond the tolerance, capped by the collateral', () => {
      expect(shortfallPenalty(10_000, 9800, 100, 100, 200)).toBe(0);
      expect(shortfallPenalty(10_000, 9799, 100, 100, 200)).toBe(0); // value(1 Wh) = 0
      expect(shortfallPenalty(10_000, 9000, 100, 100, 200)).toBe(80);
      expect(shortfallPenalty(10_000, 0, 100, 100, 200)).toBe(100);
      expect(() =>
        settleEnergy({
          quantityWh: 10,
          price: 1000,
          escrow: 5,
          collateral: 0,
          toleranceBps: 0,
          measuredWh: 10,
        }),
      ).toThrow(/payment 10 exceeds the escrow 5/);
      expect(() =>
        settleEnergy({
          quantityWh: 10,
          price: 1000,
          escrow: 10,
          collateral: 1,
          toleranceBps: 0,
          measuredWh: 10,
          ruledPenalty: 2,
        }),
      ).toThrow(/penalty 2 exceeds the collateral 1/);
    });
  });

  it('uses ledger time only: HOUR-scaled market times are honoured exactly', () => {
    expect(market.settleAfterMs - market.reportDeadlineMs).toBe(HOUR);
  });
});
