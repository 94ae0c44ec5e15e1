/**
 * Market: OpenMarket, GetMarket, ListMarkets, PostOffer, CancelOffer, AcceptOffer, GetOffer,
 * ListOffers and ClearMarket — every transition and rejection, the write sets of PostOffer and the
 * read set of ClearMarket.
 */
import { contracts } from '../../chaincode/src';
import { MarketContract } from '../../chaincode/src/contracts/market';
import { EventName } from '../../chaincode/src/lib/events';
import type { Page } from '../../chaincode/src/lib/pagination';
import {
  type ClearMarketResult,
  MAX_CLEARING_BATCH,
  PRICING_ENTRIES_PER_PAIR,
  RELEASES_PER_PAIR,
} from '../../chaincode/src/market/clear';
import type { MarketView } from '../../chaincode/src/market/markets';
import type { ClearingResult, Market, Offer } from '../../chaincode/src/market/model';
import type { AcceptResult } from '../../chaincode/src/market/offers';
import type { Trade } from '../../chaincode/src/settlement/model';
import type { TestIdentity } from '../support/fixture';
import { participantContract, adminOf } from '../support/world';
import {
  HOUR,
  type TradingWorld,
  account,
  isAccountDeltaKey,
  checkInvariants,
  clearFully,
  marketTimes,
  markets,
  offer,
  openMarket,
  post,
  settlement,
  suspend,
  trader,
  trades,
  tradingWorld,
} from './market-world';

describe('Market', () => {
  let world: TradingWorld;
  let alice: TestIdentity; // CommunityMSP buyer, 1,000,000 credits
  let bob: TestIdentity; // EnterpriseMSP seller, 1,000,000 credits
  let market: Market;

  beforeEach(async () => {
    world = await tradingWorld();
    alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000);
    bob = await trader(world, 'EnterpriseMSP', 'bob', 1_000_000);
    market = await openMarket(world, 'M1');
  });

  async function expectRejected(run: Promise<unknown>, code: RegExp): Promise<void> {
    const before = world.ledger.state();
    await expect(run).rejects.toThrow(code);
    expect(world.ledger.state()).toEqual(before);
  }

  const afterGate = () => {
    world.ledger.setTime(market.gateClosureMs);
  };

  /** The IDs of every record a list query returns, page by page (at most 20 pages of `pageSize`). */
  async function idsOfAllPages(
    contract: typeof markets | typeof settlement,
    name: string,
    input: object,
    pageSize: number,
  ): Promise<string[]> {
    const ids: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await world.ledger.evaluate<Page<{ id: string }>>(contract, name, bob, {
        ...input,
        pageSize,
        bookmark,
      });
      expect(page.records.length).toBeLessThanOrEqual(pageSize);
      ids.push(...page.records.map((record) => record.id));
      bookmark = page.bookmark;
      pages += 1;
    } while (bookmark !== '' && pages < 20);
    expect(bookmark).toBe('');
    return ids;
  }

  describe('OpenMarket', () => {
    it('records the market with its defaults, an index entry and one event', async () => {
      const now = world.ledger.now();
      const tx = await world.ledger.submit<Market>(markets, 'OpenMarket', world.admin, {
        marketId: 'HEAT-1',
        commodity: 'HEAT',
        gridZone: 'ZONE-B',
        gateClosure: new Date(now + HOUR).toISOString(),
        deliveryStart: now + 2 * HOUR,
        deliveryEnd: now + 3 * HOUR,
        priceFloor: 10,
        priceCap: 500,
        tickSize: 5,
      });
      expect(tx.result).toMatchObject({
        id: 'HEAT-1',
        commodity: 'HEAT',
        status: 'OPEN',
        gateClosureMs: now + HOUR,
        reportDeadlineMs: now + 3 * HOUR + 24 * HOUR,
        settleAfterMs: now + 3 * HOUR + 48 * HOUR,
        collateralBps: 1000,
        toleranceBps: 200,
        rulingNoticeMs: 0,
        tickSize: 5,
        priceFloor: 10,
        priceCap: 500,
        openedBy: 'UtilityMSP:admin',
      });
      expect([...tx.writes.keys()]).toEqual([
        world.ledger.key('Market', 'HEAT-1'),
        world.ledger.key('market~commodity', 'HEAT', 'ZONE-B', 'HEAT-1'),
      ]);
      expect(tx.event).toEqual({
        name: EventName.MarketOpened,
        payload: expect.objectContaining({ marketId: 'HEAT-1', commodity: 'HEAT' }) as unknown,
      });
    });

    it.each([
      [{ gateClosure: 0 }, /gateClosure must be after the transaction time/],
      [{ deliveryStart: 'tomorrow' }, /deliveryStart must be ms since the epoch or an ISO-8601/],
      [{ deliveryStart: '2026-13-45T00:00:00Z' }, /deliveryStart is not a valid UTC calendar time/],
      [
        { deliveryStart: '2027-02-30T00:00:00Z' },
        /deliveryStart is not a valid UTC calendar time: 2027-02-30/,
      ],
      [
        { deliveryStart: '2027-01-01T24:00Z' },
        /deliveryStart is not a valid UTC calendar time: 2027-01-01T24:00Z/,
      ],
      [{ reportDeadline: '1969-12-31T23:59:59Z' }, /reportDeadline must not be before 1970-01-01T00:00:00Z/],
      [{ deliveryStart: 1 }, /deliveryStart must not be before gateClosure/],
      [{ deliveryEnd: 1 }, /deliveryEnd must be after deliveryStart/],
      [{ reportDeadline: 1 }, /reportDeadline must not be before deliveryEnd/],
      [{ priceFloor: 100, priceCap: 50 }, /priceCap must not be below the price floor 100/],
      [
        { priceFloor: 9 },
        /priceFloor must be ≥ 10: at a lower price the smallest fill \(quantityStepWh 1000 Wh\) would be worth or lock as collateral \(collateralBps 1000\) less than 1 minor unit/,
      ],
      [{ priceCap: 5 }, /priceCap must not be below the price floor 10/],
      [{ collateralBps: 0 }, /collateralBps must be ≥ 1 on an energy market/],
      [{ quantityStepWh: 0 }, /quantityStepWh must be ≥ 1/],

      [{ priceCap: 51, tickSize: 5 }, /priceCap must be a multiple of tickSize 5/],
      [{ commodity: 'GAS' }, /commodity must be one of/],
      [{ colour: 'blue' }, /colour is not a known field/],
      [{ disputeWindowMs: 1e15 }, /disputeWindowMs must be ≤/],
    ])('rejects %j', async (override, message) => {
      await expectRejected(openMarket(world, 'BAD', override), message);
    });

    it('is limited to admins and rejects a taken market ID', async () => {
      await openMarket(world, 'M2');
      await expectRejected(openMarket(world, 'M2'), /ESTP_ALREADY_EXISTS: Market M2 already exists/);
      const member = world.ledger.submit(markets, 'OpenMarket', alice, {
        marketId: 'M3',
        commodity: 'HEAT',
        gridZone: 'ZONE-A',
        ...marketTimes(world.ledger.now()),
      });
      await expectRejected(member, /ESTP_FORBIDDEN: requires estp.role admin/);
    });
  });

  describe('GetMarket and ListMarkets', () => {
    it('lists markets by commodity and zone, page by page to an empty bookmark', async () => {
      await openMarket(world, 'M2');
      await openMarket(world, 'H1', { commodity: 'HEAT' });
      await openMarket(world, 'M0', { gridZone: 'ZONE-B' });
      const first = await world.ledger.evaluate<Page<Market>>(markets, 'ListMarkets', alice, {
        commodity: 'ELECTRICITY',
        pageSize: 2,
      });
      expect(first.records.map((m) => m.id)).toEqual(['M1', 'M2']);
      const second = await world.ledger.evaluate<Page<Market>>(markets, 'ListMarkets', alice, {
        commodity: 'ELECTRICITY',
        pageSize: 2,
        bookmark: first.bookmark,
      });
      expect(second).toEqual({ records: [expect.objectContaining({ id: 'M0' })], bookmark: '' });
      const zoneA = await world.ledger.evaluate<Page<Market>>(markets, 'ListMarkets', alice, {
        commodity: 'ELECTRICITY',
        gridZone: 'ZONE-A',
      });
      expect(zoneA.records.map((m) => m.id)).toEqual(['M1', 'M2']);
      const all = await world.ledger.evaluate<Page<Market>>(markets, 'ListMarkets', alice, {});
      expect(all.records).toHaveLength(4);
      await expect(
        world.ledger.evaluate(markets, 'ListMarkets', alice, { gridZone: 'ZONE-A' }),
      ).rejects.toThrow(/gridZone needs commodity/);
    });

    it('returns the market and, once cleared, its clearing result', async () => {
      const view = await world.ledger.evaluate<MarketView>(markets, 'GetMarket', alice, { marketId: 'M1' });
      expect(view).toEqual({ market: expect.objectContaining({ id: 'M1', status: 'OPEN' }) as unknown });
      await expect(world.ledger.evaluate(markets, 'GetMarket', alice, { marketId: 'nope' })).rejects.toThrow(
        /ESTP_NOT_FOUND: Market nope/,
      );
    });
  });

  describe('PostOffer', () => {
    it('BUY escrows quantity × limit price from the buyer', async () => {
      await openMarket(world, 'HALF', { quantityStepWh: 500 });
      const tx = await world.ledger.submit<Offer>(markets, 'PostOffer', alice, {
        offerId: 'b1',
        marketId: 'HALF',
        side: 'BUY',
        quantityWh: 1500,
        price: 201, // 1.5 kWh × 201 = 301.5 → 301
      });
      expect(tx.result).toMatchObject({
        id: 'CommunityMSP:alice/b1',
        offerId: 'b1',
        owner: 'CommunityMSP:alice',
        status: 'OPEN',
        remainingWh: 1500,
        filledWh: 0,
        moneyLocked: 301,
        certificatesLockedWh: 0,
        postedAtMs: tx.timestampMs,
      });
      expect(account(world, alice.participantId)).toMatchObject({
        available: 1_000_000 - 301,
        escrowed: 301,
      });
      expect(tx.event?.name).toBe(EventName.OfferPosted);
      checkInvariants(world);
    });

    it('asks the peer for each key once: 5 GetState calls (caller, org, market, offer, account), 4 writes', async () => {
      const input = { offerId: 'once', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 };
      const posted = await world.ledger.invoke(contracts, 'Market:PostOffer', [JSON.stringify(input)], alice);
      expect(posted.status).toBe(200);
      // (alice's deposit is still a delta, so the lock also merges it: one range read besides)
      expect(posted.record.getStateCalls).toBe(5);
      expect(posted.record.ranges).toHaveLength(1);
      expect([...posted.record.writes.keys()].filter((key) => !isAccountDeltaKey(key))).toHaveLength(4);
    });

    it('an energy SELL locks 10 % of its value as collateral', async () => {
      const sell = await post(world, bob, {
        offerId: 's1',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 10_000,
        price: 123,
      });
      expect(sell.moneyLocked).toBe(123); // floor(10 kWh × 123 × 10 %) = 123
      expect(account(world, bob.participantId)).toMatchObject({ available: 1_000_000 - 123, escrowed: 123 });
    });

    it('a certificate SELL escrows the certificates', async () => {
      const certs = await openMarket(world, 'C1', { commodity: 'SAVINGS_CERT' });
      await world.ledger.submit(settlement, 'RegisterSavingsProject', bob, {
        projectId: 'P1',
        title: 'LED retrofit',
        method: 'IPMVP-C',
        baselineWh: 1_000_000,
        gridZone: 'ZONE-A',
        evidenceHash: 'c'.repeat(64),
      });
      await world.ledger.submit(
        settlement,
        'IssueCertificates',
        // A verifier of another org than the project owner's (EnterpriseMSP) that holds the capability.
        await world.ledger.identity('UtilityMSP', 'verifier', ['verifier']),
        {
          projectId: 'P1',
          batchId: 'B1',
          quantityWh: 5000,
          evidenceHash: 'd'.repeat(64),
          periodStart: 0,
          periodEnd: 1000,
        },
      );
      const sell = await post(world, bob, {
        offerId: 'c1',
        marketId: certs.id,
        side: 'SELL',
        quantityWh: 4000,
        price: 50,
      });
      expect(sell).toMatchObject({ moneyLocked: 0, certificatesLockedWh: 4000 });
      expect(account(world, bob.participantId)).toMatchObject({
        certificatesHeldWh: 1000,
        certificatesEscrowedWh: 4000,
      });
      await expectRejected(
        post(world, bob, { offerId: 'c2', marketId: certs.id, side: 'SELL', quantityWh: 2000, price: 50 }),
        /ESTP_INSUFFICIENT_FUNDS: SELL c2 needs 2000 Wh of certificates; EnterpriseMSP:bob holds 1000/,
      );
      checkInvariants(world);
    });

    it('a second post with the same offer ID is rejected, not duplicated; another owner may reuse it', async () => {
      await post(world, alice, { offerId: 'o1', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 });
      await expectRejected(
        post(world, alice, { offerId: 'o1', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 }),
        /ESTP_ALREADY_EXISTS: Offer CommunityMSP:alice\/o1 already exists/,
      );
      await post(world, bob, { offerId: 'o1', marketId: 'M1', side: 'SELL', quantityWh: 1000, price: 100 });
      expect(account(world, alice.participantId).escrowed).toBe(100);
    });

    it('two PostOffers of different participants have disjoint write sets and write no market key', async () => {
      const a = await world.ledger.submit(markets, 'PostOffer', alice, {
        offerId: 'x',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1000,
        price: 100,
      });
      const b = await world.ledger.submit(markets, 'PostOffer', bob, {
        offerId: 'x',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 100,
      });
      const aKeys = [...a.writes.keys()];
      const bKeys = [...b.writes.keys()];
      expect(aKeys.filter((key) => bKeys.includes(key))).toEqual([]);
      expect(aKeys).not.toContain(world.ledger.key('Market', 'M1'));
      expect(bKeys).not.toContain(world.ledger.key('Market', 'M1'));
      // Neither reads a key the other writes (no MVCC conflict either way).
      expect([...a.reads].filter((key) => b.writes.has(key))).toEqual([]);
      expect([...b.reads].filter((key) => a.writes.has(key))).toEqual([]);
      // The offer, its index entry by market (no index by owner), its book entry and the account,
      // and the deletion of the opening deposit's delta: the first debit after a deposit merges it
      // (docs/trading.md#hot-accounts).
      const merged = aKeys.filter((key) => a.writes.get(key) === null);
      expect(merged).toHaveLength(1);
      expect(merged.every(isAccountDeltaKey)).toBe(true);
      expect(aKeys.filter((key) => !merged.includes(key)).sort()).toEqual(
        [
          world.ledger.key('Offer', 'CommunityMSP:alice/x'),
          world.ledger.key('offer~market', 'M1', 'CommunityMSP:alice/x'),
          world.ledger.key('Account', alice.participantId),
        ]
          .concat(aKeys.filter((key) => key.startsWith('offer~book')))
          .sort(),
      );
      expect(aKeys).toHaveLength(5);
      const again = await world.ledger.submit(markets, 'PostOffer', alice, {
        offerId: 'y',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1000,
        price: 100,
      });
      expect(again.writes.size).toBe(4); // offer, index by market, book entry, account
    });

    it.each([
      [{ price: 101 }, { tickSize: 2 }, /price must be a multiple of the market's tick 2/],
      [{ price: 5 }, { priceFloor: 10 }, /price must be ≥ the market's price floor 10/],
      [{ price: 500 }, { priceCap: 100 }, /price must be ≤ the market's price cap 100/],
      [{ minFillWh: 2000 }, {}, /minFillWh must not exceed quantityWh/],
      [{ quantityWh: 0 }, {}, /quantityWh must be ≥ 1/],
      [{ side: 'HOLD' }, {}, /side must be one of BUY, SELL/],
    ])('rejects %j in a market %j', async (override, marketOverride, message) => {
      const m = await openMarket(world, 'MX', marketOverride);
      await expectRejected(
        world.ledger.submit(markets, 'PostOffer', alice, {
          offerId: 'o',
          marketId: m.id,
          side: 'BUY',
          quantityWh: 1000,
          price: 100,
          ...override,
        }),
        message,
      );
    });

    it('rejects callers without the member role, not ACTIVE, of another zone or commodity', async () => {
      const input = { offerId: 'o', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 };
      await expectRejected(
        world.ledger.submit(markets, 'PostOffer', world.treasurer, input),
        /ESTP_FORBIDDEN: requires estp.role member/,
      );
      const stranger = await world.ledger.identity('CommunityMSP', 'stranger', ['member']);
      await expectRejected(
        world.ledger.submit(markets, 'PostOffer', stranger, input),
        /is not a registered participant/,
      );
      const elsewhere = await trader(world, 'CommunityMSP', 'carol', 10_000, { gridZone: 'ZONE-B' });
      await expectRejected(
        world.ledger.submit(markets, 'PostOffer', elsewhere, input),
        /is in grid zone ZONE-B, market M1 in ZONE-A/,
      );
      const heatOnly = await trader(world, 'CommunityMSP', 'dave', 10_000, { commodities: ['HEAT'] });
      await expectRejected(
        world.ledger.submit(markets, 'PostOffer', heatOnly, input),
        /does not trade ELECTRICITY/,
      );
      await world.ledger.submit(participantContract, 'Suspend', await adminOf(world.ledger, 'CommunityMSP'), {
        id: alice.participantId,
        reason: 'audit',
      });
      await expectRejected(
        world.ledger.submit(markets, 'PostOffer', alice, input),
        /CommunityMSP:alice is SUSPENDED; a SUSPENDED or REVOKED participant submits nothing/,
      );
    });

    it('rejects an unknown market, insufficient funds, and any offer at or after gate closure', async () => {
      await expectRejected(
        post(world, alice, { offerId: 'o', marketId: 'nope', side: 'BUY', quantityWh: 1, price: 1 }),
        /ESTP_NOT_FOUND: Market nope/,
      );
      await expectRejected(
        post(world, alice, {
          offerId: 'o',
          marketId: 'M1',
          side: 'BUY',
          quantityWh: 100_000_000,
          price: 100,
        }),
        /ESTP_INSUFFICIENT_FUNDS: the escrow of BUY o needs 10000000 available credits; CommunityMSP:alice has 1000000/,
      );
      world.ledger.setTime(market.gateClosureMs);
      await expectRejected(
        post(world, alice, { offerId: 'o', marketId: 'M1', side: 'BUY', quantityWh: 1, price: 1 }),
        /ESTP_TOO_LATE: offers closed at gate closure/,
      );
    });
  });

  describe('CancelOffer', () => {
    it('releases the escrow to its owner and removes the offer from the book', async () => {
      const buy = await post(world, alice, {
        offerId: 'b',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 2000,
        price: 150,
      });
      const tx = await world.ledger.submit<Offer>(markets, 'CancelOffer', alice, { id: buy.id });
      expect(tx.result).toMatchObject({ status: 'CANCELLED', moneyLocked: 0, remainingWh: 2000 });
      expect(account(world, alice.participantId)).toMatchObject({ available: 1_000_000, escrowed: 0 });
      expect([...tx.writes.values()].filter((value) => value === null)).toHaveLength(1); // the book entry
      expect(tx.event).toMatchObject({ name: EventName.OfferCancelled, payload: { releasedMoney: 300 } });
      await expectRejected(
        world.ledger.submit(markets, 'CancelOffer', alice, { id: buy.id }),
        /ESTP_ILLEGAL_STATE: offer .* is CANCELLED/,
      );
      checkInvariants(world);
    });

    it('is for the owner only, before gate closure', async () => {
      const buy = await post(world, alice, {
        offerId: 'b',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 2000,
        price: 150,
      });
      await expectRejected(
        world.ledger.submit(markets, 'CancelOffer', bob, { id: buy.id }),
        /ESTP_FORBIDDEN: offer CommunityMSP:alice\/b belongs to/,
      );
      await expectRejected(
        world.ledger.submit(markets, 'CancelOffer', alice, { id: 'CommunityMSP:alice/zz' }),
        /ESTP_NOT_FOUND/,
      );
      await expectRejected(
        world.ledger.submit(markets, 'CancelOffer', alice, { id: 'no-slash' }),
        /id must be an offer ID/,
      );
      afterGate();
      await expectRejected(
        world.ledger.submit(markets, 'CancelOffer', alice, { id: buy.id }),
        /ESTP_TOO_LATE: cancellation closed/,
      );
    });
  });

  describe('AcceptOffer', () => {
    it('a buyer fills part of a SELL offer at its price; the trade holds escrow and collateral', async () => {
      const sell = await post(world, bob, {
        offerId: 's',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 10_000,
        price: 120,
        minFillWh: 2000,
      });
      const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
        id: sell.id,
        quantityWh: 4000,
      });
      expect(tx.result.trade).toMatchObject({
        id: `M1/a/${tx.txId}`,
        origin: 'BILATERAL',
        buyer: alice.participantId,
        seller: bob.participantId,
        sellOfferId: sell.id,
        quantityWh: 4000,
        price: 120,
        value: 480,
        collateral: 48,
        status: 'MATCHED',
      });
      expect(tx.result.trade.buyOfferId).toBeUndefined();
      expect(tx.result.offer).toMatchObject({
        status: 'OPEN',
        remainingWh: 6000,
        filledWh: 4000,
        moneyLocked: 120 - 48,
      });
      expect(account(world, alice.participantId)).toMatchObject({
        available: 1_000_000 - 480,
        escrowed: 480,
      });
      expect(tx.event?.name).toBe(EventName.OfferAccepted);
      checkInvariants(world);
    });

    it('a seller filling a BUY offer completely closes it and refunds what its escrow has left', async () => {
      // Given a market of 100 Wh steps at a floor of 100 (a step is worth 10, its collateral 1)
      await openMarket(world, 'FINE', { quantityStepWh: 100, priceFloor: 100 });
      const buy = await post(world, alice, {
        offerId: 'b',
        marketId: 'FINE',
        side: 'BUY',
        quantityWh: 1900,
        price: 105,
      });
      expect(buy.moneyLocked).toBe(199); // floor(1.9 × 105 = 199.5)
      await world.ledger.submit(markets, 'AcceptOffer', bob, { id: buy.id, quantityWh: 900 }); // value 94.5 → 94
      const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', bob, {
        id: buy.id,
        quantityWh: 1000,
      });
      expect(tx.result.trade).toMatchObject({
        value: 105,
        collateral: 10,
        buyer: alice.participantId,
        seller: bob.participantId,
      });
      expect(tx.result.offer).toMatchObject({ status: 'FILLED', remainingWh: 0, moneyLocked: 0 });
      expect([...tx.writes.entries()].filter(([, value]) => value === null)).toHaveLength(1); // book entry gone
      checkInvariants(world);
    });

    it('respects the minimum fill, the remainder, ownership, funds and gate closure', async () => {
      const sell = await post(world, bob, {
        offerId: 's',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 10_000,
        price: 120,
        minFillWh: 3000,
      });
      const accept = (who: TestIdentity, quantityWh: number) =>
        world.ledger.submit(markets, 'AcceptOffer', who, { id: sell.id, quantityWh });
      await expectRejected(accept(alice, 2000), /quantityWh must be ≥ the offer's minimum fill 3000 Wh/);
      await expectRejected(
        accept(alice, 3500),
        /quantityWh must be a multiple of the market's quantity step 1000 Wh/,
      );
      await expectRejected(accept(alice, 10_001), /quantityWh must be ≤ the offer's remaining 10000 Wh/);
      await expectRejected(accept(bob, 5000), /ESTP_FORBIDDEN: offer .* is the caller's own/);
      const poor = await trader(world, 'CommunityMSP', 'poor', 100);
      await expectRejected(
        accept(poor, 5000),
        /ESTP_INSUFFICIENT_FUNDS: the payment escrow of the trade needs 600/,
      );
      await accept(alice, 8000);
      // Below the minimum is allowed when it is the whole remainder.
      await accept(alice, 2000);
      await expectRejected(accept(alice, 1000), /ESTP_ILLEGAL_STATE: offer .* is FILLED/);
      const other = await post(world, bob, {
        offerId: 's2',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 120,
      });
      afterGate();
      await expectRejected(
        world.ledger.submit(markets, 'AcceptOffer', alice, { id: other.id, quantityWh: 1000 }),
        /ESTP_TOO_LATE: bilateral fills closed/,
      );
      checkInvariants(world);
    });

    it('rejects an offer whose owner is no longer ACTIVE', async () => {
      const sell = await post(world, bob, {
        offerId: 's',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 120,
      });
      await world.ledger.submit(
        participantContract,
        'Suspend',
        await adminOf(world.ledger, 'EnterpriseMSP'),
        {
          id: bob.participantId,
          reason: 'meter fraud',
        },
      );
      await expectRejected(
        world.ledger.submit(markets, 'AcceptOffer', alice, { id: sell.id, quantityWh: 1000 }),
        /the owner of offer EnterpriseMSP:bob\/s cannot trade: EnterpriseMSP:bob is SUSPENDED/,
      );
    });

    it('a retried AcceptOffer with the same acceptId is rejected and fills nothing twice', async () => {
      // Given a SELL offer with room for two fills, and a buyer's fill with acceptId "x-1"
      const sell = await post(world, bob, {
        offerId: 's',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 10_000,
        price: 120,
      });
      const first = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
        id: sell.id,
        quantityWh: 4000,
        acceptId: 'x-1',
      });
      expect(first.result.trade.id).toMatch(/^M1\/a\/[0-9a-f]{64}$/);
      expect(first.result.trade.id).not.toContain(first.txId);
      const before = account(world, alice.participantId);

      // When the same fill is submitted again (a new transaction, e.g. after a client timeout)
      const retry = world.ledger.submit(markets, 'AcceptOffer', alice, {
        id: sell.id,
        quantityWh: 4000,
        acceptId: 'x-1',
      });

      // Then it is rejected as done already; the offer and the buyer's account are unchanged
      await expectRejected(retry, /ESTP_ALREADY_EXISTS: Trade M1\/a\/[0-9a-f]{64} already exists/);
      expect(await world.ledger.evaluate(markets, 'GetOffer', alice, { id: sell.id })).toMatchObject({
        remainingWh: 6000,
        filledWh: 4000,
      });
      expect(account(world, alice.participantId)).toEqual(before);
      // And another acceptId is a new fill
      await world.ledger.submit(markets, 'AcceptOffer', alice, {
        id: sell.id,
        quantityWh: 1000,
        acceptId: 'x-2',
      });
      checkInvariants(world);
    });

    it('an acceptId is scoped to its offer: the same one on another offer is another fill', async () => {
      const first = await post(world, bob, {
        offerId: 's1',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 120,
      });
      const second = await post(world, bob, {
        offerId: 's2',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 120,
      });
      const fill = (id: string) =>
        world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
          id,
          quantityWh: 1000,
          acceptId: 'order-7',
        });
      const a = await fill(first.id);
      const b = await fill(second.id);
      expect(a.result.trade.id).not.toBe(b.result.trade.id);
      expect(b.result.offer.status).toBe('FILLED');
    });

    it('a retry of the fill that emptied the offer also says it exists, not that the offer is FILLED', async () => {
      const sell = await post(world, bob, {
        offerId: 's',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 120,
      });
      await world.ledger.submit(markets, 'AcceptOffer', alice, {
        id: sell.id,
        quantityWh: 1000,
        acceptId: 'all',
      });
      await expectRejected(
        world.ledger.submit(markets, 'AcceptOffer', alice, {
          id: sell.id,
          quantityWh: 1000,
          acceptId: 'all',
        }),
        /ESTP_ALREADY_EXISTS/,
      );
    });

    it('a seller taking a BUY offer locks collateral from its available credits', async () => {
      const buy = await post(world, alice, {
        offerId: 'b',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 10_000,
        price: 200,
      });
      const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', bob, {
        id: buy.id,
        quantityWh: 5000,
      });
      expect(tx.result.trade).toMatchObject({ value: 1000, collateral: 100, buyOfferId: buy.id });
      expect(account(world, bob.participantId)).toMatchObject({ available: 1_000_000 - 100, escrowed: 100 });
      checkInvariants(world);
    });
  });

  describe('GetOffer and ListOffers', () => {
    it("lists an owner's offers from the offer records, page by page, and no one else's", async () => {
      // alice2's ID extends alice's: its offers sort right after hers and must not leak in.
      const alice2 = await trader(world, 'CommunityMSP', 'alice2', 1_000_000);
      for (const who of [alice2, alice, bob]) {
        for (const n of [1, 2, 3]) {
          await post(world, who, {
            offerId: `o${n}`,
            marketId: 'M1',
            side: 'BUY',
            quantityWh: 1000,
            price: 100,
          });
        }
      }
      for (const pageSize of [1, 2, 3, 4]) {
        const seen = await idsOfAllPages(markets, 'ListOffers', { owner: alice.participantId }, pageSize);
        expect(seen).toEqual(['o1', 'o2', 'o3'].map((o) => `${alice.participantId}/${o}`));
      }
      const ofBob = await world.ledger.evaluate<Page<Offer>>(markets, 'ListOffers', bob, {
        owner: bob.participantId,
        pageSize: 1,
      });
      await expect(
        world.ledger.evaluate(markets, 'ListOffers', bob, {
          owner: alice.participantId,
          bookmark: ofBob.bookmark,
        }),
      ).rejects.toThrow(/bookmark is not a bookmark of this query/);
      const none = await world.ledger.evaluate<Page<Offer>>(markets, 'ListOffers', bob, {
        owner: 'CommunityMSP:nobody',
      });
      expect(none).toEqual({ records: [], bookmark: '' });
    });

    it('reads offers by ID, market and owner', async () => {
      const a = await post(world, alice, {
        offerId: 'a1',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1000,
        price: 100,
      });
      await post(world, bob, { offerId: 'b1', marketId: 'M1', side: 'SELL', quantityWh: 1000, price: 100 });
      await openMarket(world, 'M2');
      await post(world, alice, { offerId: 'a2', marketId: 'M2', side: 'BUY', quantityWh: 1000, price: 100 });
      expect(await world.ledger.evaluate(markets, 'GetOffer', bob, { id: a.id })).toEqual(a);
      const byMarket = await world.ledger.evaluate<Page<Offer>>(markets, 'ListOffers', bob, {
        marketId: 'M1',
      });
      expect(byMarket.records.map((o) => o.id)).toEqual(['CommunityMSP:alice/a1', 'EnterpriseMSP:bob/b1']);
      const byOwner = await world.ledger.evaluate<Page<Offer>>(markets, 'ListOffers', bob, {
        owner: alice.participantId,
      });
      expect(byOwner.records.map((o) => o.offerId)).toEqual(['a1', 'a2']);
      const all = await world.ledger.evaluate<Page<Offer>>(markets, 'ListOffers', bob, { pageSize: 2 });
      expect(all.records).toHaveLength(2);
      expect(all.bookmark).not.toBe('');
      await expect(
        world.ledger.evaluate(markets, 'ListOffers', bob, { marketId: 'M1', owner: alice.participantId }),
      ).rejects.toThrow(/owner cannot be combined with marketId/);
    });
  });

  describe('ClearMarket', () => {
    /** Buyers b1..b3 and sellers s1..s3 of the auction example in auction.test.ts (kWh × 1000). */
    async function exampleBook(): Promise<{ carol: TestIdentity; dave: TestIdentity }> {
      const carol = await trader(world, 'CommunityMSP', 'carol', 1_000_000);
      const dave = await trader(world, 'UtilityMSP', 'dave', 1_000_000);
      await post(world, alice, {
        offerId: 'b1',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1_000_000,
        price: 120,
      });
      await post(world, carol, {
        offerId: 'b2',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1_000_000,
        price: 100,
      });
      await post(world, carol, {
        offerId: 'b3',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1_000_000,
        price: 90,
      });
      await post(world, bob, {
        offerId: 's1',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1_500_000,
        price: 80,
      });
      await post(world, dave, {
        offerId: 's2',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1_000_000,
        price: 95,
      });
      await post(world, dave, {
        offerId: 's3',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1_000_000,
        price: 130,
      });
      return { carol, dave };
    }

    it('clears at one price, trades the maximal volume, refunds buyers and releases the rest', async () => {
      const { carol, dave } = await exampleBook();
      afterGate();
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', bob, {
        marketId: 'M1',
      });
      expect(tx.result.clearing).toMatchObject({
        price: 97,
        volumeWh: 2_000_000,
        matchedWh: 2_000_000,
        marginalBidPrice: 100,
        marginalAskPrice: 95,
        bids: 3,
        asks: 3,
        trades: 3,
        offersClosed: 6,
        phase: 'DONE',
        tradedValue: 194_000, // 2000 kWh × 97
      });
      expect(tx.result.batch).toEqual({ number: 1, priced: 6, trades: 3, offersClosed: 6, done: true });
      expect(tx.event?.name).toBe(EventName.MarketCleared);
      expect(
        trades(world).map((t) => [t.id, t.buyer, t.seller, t.quantityWh, t.price, t.value, t.collateral]),
      ).toEqual([
        ['M1/c/00000001', alice.participantId, bob.participantId, 1_000_000, 97, 97_000, 8000],
        ['M1/c/00000002', carol.participantId, bob.participantId, 500_000, 97, 48_500, 4000],
        ['M1/c/00000003', carol.participantId, dave.participantId, 500_000, 97, 48_500, 4750],
      ]);
      // Alice escrowed 120 000 for 1000 kWh; the trade holds 97 000, 23 000 are refunded.
      expect(account(world, alice.participantId)).toMatchObject({
        escrowed: 97_000,
        available: 1_000_000 - 97_000,
      });
      expect(offer(world, 'CommunityMSP:alice/b1')).toMatchObject({
        status: 'FILLED',
        filledWh: 1_000_000,
        moneyLocked: 0,
      });
      expect(offer(world, 'CommunityMSP:carol/b2')).toMatchObject({ status: 'FILLED' });
      expect(offer(world, 'CommunityMSP:carol/b3')).toMatchObject({
        status: 'EXPIRED',
        filledWh: 0,
        remainingWh: 1_000_000,
      });
      expect(offer(world, 'UtilityMSP:dave/s2')).toMatchObject({
        status: 'EXPIRED',
        filledWh: 500_000,
        remainingWh: 500_000,
      });
      expect(account(world, dave.participantId)).toMatchObject({ escrowed: 4750 });
      const view = await world.ledger.evaluate<MarketView>(markets, 'GetMarket', alice, { marketId: 'M1' });
      expect(view.market.status).toBe('CLEARED');
      expect(view.clearing).toMatchObject({ price: 97, volumeWh: 2_000_000 });
      // Nothing is left in the order book.
      const book = [...world.ledger.state().keys()].filter((key) => key.startsWith('offer~book'));
      expect(book).toEqual([]);
      checkInvariants(world);
    });

    it('runs once: a cleared market rejects ClearMarket', async () => {
      await exampleBook();
      afterGate();
      await world.ledger.submit(markets, 'ClearMarket', bob, { marketId: 'M1' });
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', alice, { marketId: 'M1' }),
        /ESTP_ILLEGAL_STATE: market M1 is already CLEARED/,
      );
    });

    it('is rejected before gate closure, for non-members, for inactive callers and unknown markets', async () => {
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', bob, { marketId: 'M1' }),
        /ESTP_TOO_EARLY: market M1 clears at or after gate closure/,
      );
      afterGate();
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', world.admin, { marketId: 'M1' }),
        /requires estp.role member/,
      );
      const stranger = await world.ledger.identity('CommunityMSP', 'stranger', ['member']);
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', stranger, { marketId: 'M1' }),
        /not a registered participant/,
      );
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', bob, { marketId: 'M9' }),
        /ESTP_NOT_FOUND/,
      );
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', bob, { marketId: 'M1', batchSize: 0 }),
        /batchSize must be ≥ 1/,
      );
      // A batch above the bound would run too close to the peer's execute timeout.
      await expectRejected(
        world.ledger.submit(markets, 'ClearMarket', bob, {
          marketId: 'M1',
          batchSize: MAX_CLEARING_BATCH + 1,
        }),
        /batchSize must be ≤ 1000/,
      );
    });

    it('indexes a batch of trades with one market entry, one day entry and one per party, which ListTrades pages through at any size', async () => {
      const start = world.ledger.now();
      const ask = await post(world, bob, {
        offerId: 'a',
        marketId: 'M1',
        side: 'SELL',
        quantityWh: 1000,
        price: 90,
      });
      await world.ledger.submit(markets, 'AcceptOffer', alice, { id: ask.id, quantityWh: 1000 });
      for (let n = 0; n < 7; n += 1) {
        await post(world, alice, {
          offerId: `b${n}`,
          marketId: 'M1',
          side: 'BUY',
          quantityWh: 1000,
          price: 110,
        });
        await post(world, bob, {
          offerId: `s${n}`,
          marketId: 'M1',
          side: 'SELL',
          quantityWh: 1000,
          price: 90,
        });
      }
      afterGate();
      await clearFully(world, alice, 'M1', 3);
      const all = trades(world).filter((t) => t.marketId === 'M1');
      expect(all).toHaveLength(8);
      // The bilateral trade's own entry and one per ClearMarket batch (3, 3 and 1 trades).
      const entries = [...world.ledger.state().keys()].filter((key) =>
        key.startsWith(world.ledger.key('trade~market', 'M1')),
      );
      expect(entries).toHaveLength(4);
      const dayEntries = [...world.ledger.state().keys()].filter((key) =>
        key.startsWith(world.ledger.key('trade~day')),
      );
      expect(dayEntries).toHaveLength(4);
      // Alice bought and Bob sold all 8: each has the bilateral trade's entry and one per batch.
      for (const party of [alice.participantId, bob.participantId]) {
        const partyEntries = [...world.ledger.state().keys()].filter((key) =>
          key.startsWith(world.ledger.key('trade~participant', party)),
        );
        expect(partyEntries).toHaveLength(4);
      }

      const byId = all.map((t) => t.id).sort();
      const byTime = [...all].sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
      );
      const period = { from: start, to: market.gateClosureMs + HOUR };
      for (const [filter, expected] of [
        [{ marketId: 'M1' }, byId],
        [{ participantId: alice.participantId }, byId],
        [{ participantId: bob.participantId }, byId],
        [period, byTime.map((t) => t.id)],
      ] as const) {
        for (let pageSize = 1; pageSize <= 9; pageSize += 1) {
          expect(await idsOfAllPages(settlement, 'ListTrades', filter, pageSize)).toEqual(expected);
        }
      }
    });

    it('a release batch closes at most RELEASES_PER_PAIR × batchSize offers', async () => {
      for (let n = 0; n < 7; n += 1) {
        await post(world, alice, {
          offerId: `b${n}`,
          marketId: 'M1',
          side: 'BUY',
          quantityWh: 1000,
          price: 50,
        });
      }
      afterGate();
      const closed: number[] = [];
      const slices: (number | undefined)[] = [];
      for (;;) {
        const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', bob, {
          marketId: 'M1',
          batchSize: 1,
        });
        closed.push(tx.result.batch.offersClosed);
        slices.push(tx.result.clearing.release?.slices.length);
        if (tx.result.batch.done) break;
      }
      // The pricing step reads the 7 bids (> a batch of 1); the next one cuts them into release
      // slices of RELEASES_PER_PAIR keys, what one call closes (7 is more than it may close); then
      // the slices in order, 3, 3 and 1 per transaction.
      expect(closed).toEqual([0, 0, RELEASES_PER_PAIR, RELEASES_PER_PAIR, 7 - 2 * RELEASES_PER_PAIR]);
      expect(slices.slice(1)).toEqual(Array(4).fill(Math.ceil(7 / RELEASES_PER_PAIR)));
      expect(account(world, alice.participantId)).toMatchObject({ available: 1_000_000, escrowed: 0 });
      checkInvariants(world);
    });

    it('a market without a crossing releases every offer and publishes no price', async () => {
      await post(world, alice, { offerId: 'b', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 50 });
      await post(world, bob, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 1000, price: 60 });
      afterGate();
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
        marketId: 'M1',
      });
      expect(tx.result.clearing.price).toBeUndefined();
      expect(tx.result.clearing).toMatchObject({ volumeWh: 0, trades: 0, offersClosed: 2, phase: 'DONE' });
      expect(account(world, alice.participantId)).toMatchObject({ available: 1_000_000, escrowed: 0 });
      expect(account(world, bob.participantId)).toMatchObject({ available: 1_000_000, escrowed: 0 });
      checkInvariants(world);
    });

    it('an empty market clears in one transaction', async () => {
      afterGate();
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
        marketId: 'M1',
      });
      expect(tx.result.batch).toEqual({ number: 1, priced: 0, trades: 0, offersClosed: 0, done: true });
    });

    it('in batches produces the same trades and balances as in one transaction', async () => {
      // Same book in two markets: M1 cleared at once, M2 in batches of 1.
      await openMarket(world, 'M2', { gateClosure: market.gateClosureMs });
      const book: [TestIdentity, 'BUY' | 'SELL', number, number][] = [
        [alice, 'BUY', 3000, 110],
        [alice, 'BUY', 2000, 100],
        [alice, 'BUY', 4000, 90],
        [bob, 'SELL', 1000, 70],
        [bob, 'SELL', 2000, 85],
        [bob, 'SELL', 3000, 95],
        [bob, 'SELL', 3000, 120],
      ];
      for (const [n, [who, side, quantityWh, price]] of book.entries()) {
        await post(world, who, { offerId: `o${n}`, marketId: 'M1', side, quantityWh, price });
        await post(world, who, { offerId: `p${n}`, marketId: 'M2', side, quantityWh, price });
      }
      afterGate();
      expect(await clearFully(world, alice, 'M1')).toBe(1);
      const calls = await clearFully(world, alice, 'M2', 1);
      // One pricing step (7 entries > a batch of 1), one planning the round of 3 slices, one
      // transaction per slice (the last also merges the round), one release of the 3 offers left
      // (RELEASES_PER_PAIR × 1 = 3 closures).
      expect(calls).toBe(6);
      const strip = (t: Trade) => [t.buyer, t.seller, t.quantityWh, t.price, t.value, t.collateral];
      const byMarket = (id: string) =>
        trades(world)
          .filter((t) => t.marketId === id)
          .map(strip);
      expect(byMarket('M2')).toEqual(byMarket('M1'));
      // Each market left the same escrow on its trades, and nothing on its offers.
      const m1Trades = trades(world).filter((t) => t.marketId === 'M1');
      const total = (f: (t: Trade) => number) => m1Trades.reduce((sum, t) => sum + f(t), 0);
      expect(account(world, alice.participantId).escrowed).toBe(2 * total((t) => t.value));
      expect(account(world, bob.participantId).escrowed).toBe(2 * total((t) => t.collateral));
      const m1 = world.ledger.readRecord<{ price: number; volumeWh: number }>('ClearingResult', 'M1');
      const m2 = world.ledger.readRecord<{ price: number; volumeWh: number; batches: number }>(
        'ClearingResult',
        'M2',
      );
      expect(m2).toMatchObject({ price: m1?.price, volumeWh: m1?.volumeWh, batches: calls });
      const m1Statuses = world.ledger
        .records<Offer>('Offer')
        .filter((o) => o.marketId === 'M1')
        .map((o) => [o.status, o.filledWh]);
      const m2Statuses = world.ledger
        .records<Offer>('Offer')
        .filter((o) => o.marketId === 'M2')
        .map((o) => [o.status, o.filledWh]);
      expect(m2Statuses).toEqual(m1Statuses);
      checkInvariants(world);
    });

    it('intermediate batches emit a batch event and leave the market CLEARING', async () => {
      await post(world, alice, { offerId: 'b', marketId: 'M1', side: 'BUY', quantityWh: 3000, price: 100 });
      for (const n of [1, 2, 3]) {
        await post(world, bob, {
          offerId: `s${n}`,
          marketId: 'M1',
          side: 'SELL',
          quantityWh: 1000,
          price: 90,
        });
      }
      afterGate();
      const step = () =>
        world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
          marketId: 'M1',
          batchSize: 2,
        });
      // The pricing read 4 entries, more than a batch: the trades start in the next transaction
      const pricing = await step();
      expect(pricing.result.batch).toEqual({ number: 1, priced: 4, trades: 0, offersClosed: 0, done: false });
      expect(pricing.result.clearing).toMatchObject({ phase: 'MATCHING', price: 95, volumeWh: 3000 });
      // 3 pairs > a batch of 2: the next step plans a round of two slices, the BUY shared by both
      const plan = await step();
      expect(plan.result.batch).toEqual({ number: 2, priced: 0, trades: 0, offersClosed: 0, done: false });
      expect(plan.result.clearing.match).toMatchObject({ round: 1, shared: ['CommunityMSP:alice/b'] });
      expect(plan.result.clearing.match?.slices.map((slice) => slice.pairs)).toEqual([2, 1]);
      const first = await step();
      expect(first.result.batch).toEqual({ number: 3, priced: 0, trades: 2, offersClosed: 2, done: false });
      expect(first.event?.name).toBe(EventName.MarketClearingBatch);
      expect(world.ledger.readRecord<Market>('Market', 'M1')?.status).toBe('CLEARING');
      // The shared BUY is written by neither slice: its fills wait in the slice records.
      expect(offer(world, 'CommunityMSP:alice/b')).toMatchObject({ status: 'OPEN', remainingWh: 3000 });
      const second = await step();
      expect(second.result.batch).toEqual({ number: 4, priced: 0, trades: 1, offersClosed: 2, done: false });
      expect(second.result.clearing).toMatchObject({ price: 95, trades: 3, matchedWh: 3000 });
      expect(offer(world, 'CommunityMSP:alice/b')).toMatchObject({
        status: 'FILLED',
        remainingWh: 0,
        filledWh: 3000,
      });
      const last = await step();
      expect(last.result.batch).toEqual({ number: 5, priced: 0, trades: 0, offersClosed: 0, done: true });
      // Only the first step wrote the market record's CLEARING status, the last one CLEARED.
      expect(first.writes.has(world.ledger.key('Market', 'M1'))).toBe(false);
      expect(last.writes.has(world.ledger.key('Market', 'M1'))).toBe(true);
      checkInvariants(world);
    });

    it('honours minimum fills: an all-or-nothing marginal bid does not trade and blocks nothing ahead of it', async () => {
      // Given a 2 kWh BUY at 120, then a 3 kWh all-or-nothing BUY at 110, and 4 kWh offered at 90
      await post(world, alice, { offerId: 'b1', marketId: 'M1', side: 'BUY', quantityWh: 2000, price: 120 });
      await post(world, alice, {
        offerId: 'b2',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 3000,
        price: 110,
        minFillWh: 3000,
      });
      await post(world, bob, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 4000, price: 90 });
      afterGate();
      // When the market clears
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', bob, {
        marketId: 'M1',
      });
      // Then b1 trades its 2 kWh; b2 could only get 2 of its 3 kWh, so it gets nothing
      expect(tx.result.clearing).toMatchObject({ volumeWh: 2000, price: 105, trades: 1, phase: 'DONE' });
      expect(offer(world, 'CommunityMSP:alice/b2')).toMatchObject({
        status: 'EXPIRED',
        filledWh: 0,
        moneyLocked: 0,
      });
      expect(offer(world, 'EnterpriseMSP:bob/s')).toMatchObject({ status: 'EXPIRED', filledWh: 2000 });
      checkInvariants(world);
    });

    it('skips and releases the offers of owners who are no longer ACTIVE', async () => {
      // Given bob's SELL at the best price, and carol's behind it
      const carol = await trader(world, 'UtilityMSP', 'carol', 1_000_000);
      await post(world, alice, { offerId: 'b', marketId: 'M1', side: 'BUY', quantityWh: 2000, price: 100 });
      await post(world, bob, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 2000, price: 80 });
      await post(world, carol, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 2000, price: 90 });
      // When bob is suspended before the clearing
      await suspend(world, bob, 'meter fraud');
      afterGate();
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
        marketId: 'M1',
      });
      // Then only carol trades; bob's offer is closed and its collateral back in his account
      expect(tx.result.clearing).toMatchObject({ skipped: 1, trades: 1, price: 95, volumeWh: 2000 });
      expect(trades(world).map((t) => t.seller)).toEqual([carol.participantId]);
      expect(offer(world, 'EnterpriseMSP:bob/s')).toMatchObject({
        status: 'EXPIRED',
        filledWh: 0,
        moneyLocked: 0,
      });
      expect(account(world, bob.participantId)).toMatchObject({ escrowed: 0, available: 1_000_000 });
      checkInvariants(world);
    });

    it('skips at most batchSize offers of inactive owners per step', async () => {
      // Given five SELLs of a seller who is then suspended, ahead of carol's
      const carol = await trader(world, 'UtilityMSP', 'carol', 1_000_000);
      for (let n = 0; n < 5; n += 1) {
        await post(world, bob, {
          offerId: `s${n}`,
          marketId: 'M1',
          side: 'SELL',
          quantityWh: 1000,
          price: 80,
        });
      }
      await post(world, carol, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 1000, price: 90 });
      await post(world, alice, { offerId: 'b', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 });
      await suspend(world, bob, 'audit');
      afterGate();
      // When the market clears with batches of 2
      const skippedPerStep: number[] = [];
      let skipped = 0;
      for (;;) {
        const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
          marketId: 'M1',
          batchSize: 2,
        });
        skippedPerStep.push(tx.result.clearing.skipped - skipped);
        skipped = tx.result.clearing.skipped;
        if (tx.result.batch.done) break;
      }
      // Then no step closed more than 2 of them, and carol's offer traded
      expect(skippedPerStep).toEqual([2, 2, 1]);
      expect(trades(world).map((t) => [t.seller, t.price])).toEqual([[carol.participantId, 95]]);
      checkInvariants(world);
    });

    it('prices a large book in bounded slices, one transaction after another, with the same result', async () => {
      // Given 30 bids and 30 asks in M1 and the same book in M2
      await openMarket(world, 'M2', { gateClosure: market.gateClosureMs });
      for (let n = 0; n < 30; n += 1) {
        for (const id of ['M1', 'M2']) {
          await post(world, alice, {
            offerId: `${id}b${n}`,
            marketId: id,
            side: 'BUY',
            quantityWh: 1000 * (1 + (n % 3)),
            price: 60 + 3 * n,
          });
          await post(world, bob, {
            offerId: `${id}s${n}`,
            marketId: id,
            side: 'SELL',
            quantityWh: 1000 * (1 + (n % 2)),
            price: 150 - 3 * n,
          });
        }
      }
      afterGate();
      // When M1 clears at once and M2 with batches of 1 (pricing slices of 16 entries per side)
      expect(await clearFully(world, alice, 'M1')).toBe(1);
      const steps: ClearMarketResult['batch'][] = [];
      for (;;) {
        const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
          marketId: 'M2',
          batchSize: 1,
        });
        // Then no transaction takes more than a slice (+ 1 to see where it ends) of any book range
        expect(Math.max(...tx.ranges.map((range) => range.consumed))).toBeLessThanOrEqual(
          PRICING_ENTRIES_PER_PAIR + 1,
        );
        steps.push(tx.result.batch);
        if (tx.result.batch.done) break;
      }
      const pricing = steps.filter((step) => step.priced > 0);
      expect(pricing.length).toBeGreaterThan(1);
      expect(pricing.every((step) => step.priced <= 2 * PRICING_ENTRIES_PER_PAIR)).toBe(true);
      // And both clear alike
      const m1 = world.ledger.readRecord<ClearingResult>('ClearingResult', 'M1')!;
      const m2 = world.ledger.readRecord<ClearingResult>('ClearingResult', 'M2')!;
      expect({ ...m2, id: 'M1', marketId: 'M1' }).toMatchObject({
        price: m1.price,
        volumeWh: m1.volumeWh,
        trades: m1.trades,
        tradedValue: m1.tradedValue,
        bids: m1.bids,
        asks: m1.asks,
        phase: 'DONE',
      });
      expect(m2.pricing).toBeUndefined();
      checkInvariants(world);
    });

    it('still clears a market opened before the range-keyed book (composite book keys)', async () => {
      // Given a market record as an earlier chaincode wrote it (no bookVersion, no quantity step)
      await world.ledger.transact(world.admin, async (ctx) => {
        const legacy: Partial<Market> = { ...market };
        delete legacy.bookVersion;
        delete legacy.quantityStepWh;
        await ctx.stub.putState(world.ledger.key('Market', 'M1'), Buffer.from(JSON.stringify(legacy)));
      });
      await post(world, alice, { offerId: 'b', marketId: 'M1', side: 'BUY', quantityWh: 1500, price: 100 });
      await post(world, bob, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 1000, price: 90 });
      expect(
        [...world.ledger.state().keys()].filter((key) => key.startsWith(world.ledger.key('offer~book'))),
      ).toHaveLength(2);
      afterGate();
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
        marketId: 'M1',
      });
      expect(tx.result.clearing).toMatchObject({ volumeWh: 1000, price: 95, phase: 'DONE' });
      expect([...world.ledger.state().keys()].filter((key) => key.includes('offer~book'))).toEqual([]);
      checkInvariants(world);
    });

    it("reads only its own market's keys (and the accounts of its traders)", async () => {
      await openMarket(world, 'M2', { gateClosure: market.gateClosureMs });
      await post(world, alice, { offerId: 'b', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 100 });
      await post(world, bob, { offerId: 's', marketId: 'M1', side: 'SELL', quantityWh: 1000, price: 90 });
      await post(world, alice, { offerId: 'b2', marketId: 'M2', side: 'BUY', quantityWh: 1000, price: 100 });
      await post(world, bob, { offerId: 's2', marketId: 'M2', side: 'SELL', quantityWh: 1000, price: 90 });
      afterGate();
      const tx = await world.ledger.submit(markets, 'ClearMarket', alice, { marketId: 'M1' });
      const key = (type: string, ...attributes: string[]) => world.ledger.key(type, ...attributes);
      const allowed = new Set([
        key('Market', 'M1'),
        key('Organisation', 'CommunityMSP'),
        key('Participant', alice.participantId),
        key('Participant', bob.participantId),
        key('Organisation', bob.mspId),
        key('Offer', 'CommunityMSP:alice/b'),
        key('Offer', 'EnterpriseMSP:bob/s'),
        key('Account', alice.participantId),
        key('Account', bob.participantId),
      ]);
      const bookPrefix = 'offer~book\u0001M1\u0001';
      const unexpected = [...tx.reads].filter((k) => !allowed.has(k) && !k.startsWith(bookPrefix));
      expect(unexpected).toEqual([]);
      // the pricing, the matching batch and the release each read both sides of M1's book
      expect(tx.ranges.map((r) => r.startKey)).toEqual(
        ['pricing', 'matching', 'releasing'].flatMap(() => [`${bookPrefix}B\u0001`, `${bookPrefix}S\u0001`]),
      );
      // And it writes nothing of M2.
      expect([...tx.writes.keys()].filter((k) => k.includes('M2'))).toEqual([]);
    });

    it('a certificate market delivers certificates and pays sellers at clearing', async () => {
      const certs = await openMarket(world, 'C1', { commodity: 'SAVINGS_CERT' });
      await world.ledger.submit(settlement, 'RegisterSavingsProject', bob, {
        projectId: 'P1',
        title: 'Heat pump',
        method: 'IPMVP-B',
        baselineWh: 10_000_000,
        gridZone: 'ZONE-A',
        evidenceHash: 'c'.repeat(64),
      });
      const verifier = await world.ledger.identity('UtilityMSP', 'verifier', ['verifier']);
      await world.ledger.submit(settlement, 'IssueCertificates', verifier, {
        projectId: 'P1',
        batchId: 'B1',
        quantityWh: 2_000_000,
        evidenceHash: 'd'.repeat(64),
        periodStart: 0,
        periodEnd: 1000,
      });
      await post(world, bob, {
        offerId: 'c',
        marketId: 'C1',
        side: 'SELL',
        quantityWh: 2_000_000,
        price: 30,
      });
      await post(world, alice, {
        offerId: 'd',
        marketId: 'C1',
        side: 'BUY',
        quantityWh: 1_500_000,
        price: 40,
      });
      world.ledger.setTime(certs.gateClosureMs);
      const tx = await world.ledger.submit<ClearMarketResult>(markets, 'ClearMarket', alice, {
        marketId: 'C1',
      });
      expect(tx.result.clearing).toMatchObject({ price: 35, volumeWh: 1_500_000 });
      const [trade] = trades(world);
      expect(trade).toMatchObject({
        status: 'SETTLED',
        value: 52_500,
        settlement: { basis: 'CERTIFICATE', paid: 52_500 },
      });
      expect(account(world, alice.participantId)).toMatchObject({
        certificatesHeldWh: 1_500_000,
        escrowed: 0,
        available: 1_000_000 - 52_500,
      });
      expect(account(world, bob.participantId)).toMatchObject({
        certificatesHeldWh: 500_000,
        certificatesEscrowedWh: 0,
        available: 1_000_000 + 52_500,
      });
      checkInvariants(world);
    });
  });

  describe('dispatch through fabric-contract-api', () => {
    it('routes Market:PostOffer with its one string argument', async () => {
      const response = await world.ledger.invoke(
        [MarketContract],
        'Market:PostOffer',
        [JSON.stringify({ offerId: 'z', marketId: 'M1', side: 'BUY', quantityWh: 1000, price: 10 })],
        alice,
      );
      expect(response.status).toBe(200);
      expect(JSON.parse(response.payload)).toMatchObject({ id: 'CommunityMSP:alice/z' });
      const bad = await world.ledger.invoke([MarketContract], 'Market:PostOffer', ['{"offerId":1}'], alice);
      expect(bad.status).toBe(500);
      expect(bad.message).toMatch(/ESTP_INVALID_INPUT: marketId is required/);
    });
  });
});
