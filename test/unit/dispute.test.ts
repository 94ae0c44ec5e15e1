/**
 * Dispute: Open, AddEvidence, Rule, Get, List — the freeze, neutral arbitration and the ruling
 * driving settlement.
 */
import { EventName } from '../../chaincode/src/lib/events';
import type { Page } from '../../chaincode/src/lib/pagination';
import { arbitration } from '../../chaincode/src/dispute/disputes';
import type { Dispute } from '../../chaincode/src/dispute/model';
import type { Market } from '../../chaincode/src/market/model';
import type { AcceptResult } from '../../chaincode/src/market/offers';
import type { Trade } from '../../chaincode/src/settlement/model';
import type { TestIdentity } from '../support/fixture';
import { activeParticipant, participantContract, registerParticipant } from '../support/world';
import {
  HASH,
  HASH2,
  HOUR,
  type TradingWorld,
  account,
  checkInvariants,
  disputes,
  markets,
  openMarket,
  post,
  settlement,
  trader,
  tradingWorld,
} from './market-world';

describe('Dispute', () => {
  let world: TradingWorld;
  let alice: TestIdentity; // CommunityMSP buyer
  let bob: TestIdentity; // EnterpriseMSP seller, meter MTR-B
  let market: Market;
  let trade: Trade;

  beforeEach(async () => {
    world = await tradingWorld();
    alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000);
    bob = await trader(world, 'EnterpriseMSP', 'bob', 1_000_000, { meterIds: ['MTR-B'] });
    market = await openMarket(world, 'M1', { rulingNoticeMs: HOUR });
    trade = await matched(alice, bob);
  });

  async function matched(
    buyer: TestIdentity,
    seller: TestIdentity,
    quantityWh = 10_000,
    price = 100,
  ): Promise<Trade> {
    const sell = await post(world, seller, {
      offerId: `s${world.ledger.now()}`,
      marketId: 'M1',
      side: 'SELL',
      quantityWh,
      price,
    });
    return (
      await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', buyer, { id: sell.id, quantityWh })
    ).result.trade;
  }

  /** The meter reports `deliveredWh` at delivery end: the trade can now be disputed. */
  async function deliver(tradeId = trade.id, deliveredWh = 5000): Promise<void> {
    world.ledger.setTime(Math.max(world.ledger.now(), market.deliveryEndMs));
    await world.ledger.submit(settlement, 'ReportDelivery', world.meter, {
      tradeId,
      deliveredWh,
      meterId: 'MTR-B',
      readingHash: HASH,
    });
  }

  async function expectRejected(run: Promise<unknown>, code: RegExp): Promise<void> {
    const before = world.ledger.state();
    await expect(run).rejects.toThrow(code);
    expect(world.ledger.state()).toEqual(before);
  }

  const open = (who: TestIdentity, tradeId = trade.id) =>
    world.ledger.submit<Dispute>(disputes, 'Open', who, {
      tradeId,
      claim: 'meter under-read',
      evidenceHash: HASH,
    });
  const ruling = (who: TestIdentity, deliveredWh: number, penalty: number, tradeId = trade.id) =>
    world.ledger.submit<Dispute>(disputes, 'Rule', who, { tradeId, deliveredWh, penalty, reason: 'logs' });

  describe('Open', () => {
    it('a party opens a dispute within the window; the trade freezes', async () => {
      await deliver();
      const tx = await open(bob);
      expect(tx.result).toMatchObject({
        id: trade.id,
        status: 'OPEN',
        openedBy: bob.participantId,
        partyMspIds: ['CommunityMSP', 'EnterpriseMSP'],
        evidence: [{ hash: HASH, by: bob.participantId }],
      });
      expect(world.ledger.readRecord<Trade>('Trade', trade.id)).toMatchObject({
        status: 'DISPUTED',
        disputedFrom: 'DELIVERED',
      });
      expect(tx.result.rulingDeadlineMs).toBe(market.rulingDeadlineMs);
      expect(tx.event?.name).toBe(EventName.DisputeOpened);
      world.ledger.setTime(market.settleAfterMs);
      await expectRejected(
        world.ledger.submit(settlement, 'Settle', alice, { tradeId: trade.id }),
        /ESTP_ILLEGAL_STATE: trade .* is DISPUTED: frozen until the dispute is ruled or lapses at its ruling deadline/,
      );
      await expectRejected(open(alice), /ESTP_ILLEGAL_STATE: trade .* is DISPUTED/);
    });

    it('only once the delivery is reported or the report deadline has passed', async () => {
      // Given a MATCHED trade without a meter report
      // When a party disputes it before the report deadline, there is nothing to dispute yet
      world.ledger.setTime(market.reportDeadlineMs);
      await expectRejected(
        open(alice),
        /ESTP_TOO_EARLY: trade .* can be disputed once its delivery is reported or its report deadline .* has passed/,
      );
      // Then once the deadline passed without a report, it can
      world.ledger.setTime(market.reportDeadlineMs + 1);
      expect((await open(alice)).result.status).toBe('OPEN');
      expect(world.ledger.readRecord<Trade>('Trade', trade.id)?.disputedFrom).toBe('MATCHED');
    });

    it('rejects non-parties, other roles, late disputes and certificate trades', async () => {
      await deliver();
      const carol = await trader(world, 'UtilityMSP', 'carol');
      await expectRejected(open(carol), /ESTP_FORBIDDEN: UtilityMSP:carol is not a party/);
      await expectRejected(open(world.arbiters.UtilityMSP), /requires estp.role member/);
      await expectRejected(open(alice, 'M1/a/00'), /ESTP_NOT_FOUND/);
      await expectRejected(
        world.ledger.submit(disputes, 'Open', alice, { tradeId: trade.id, claim: '', evidenceHash: HASH }),
        /claim must not be empty/,
      );
      world.ledger.setTime(market.settleAfterMs);
      await expectRejected(open(alice), /ESTP_TOO_LATE: the dispute window of .* closed/);
    });

    it('a DEFAULTED trade can be disputed; a certificate trade cannot', async () => {
      world.ledger.setTime(market.reportDeadlineMs + 1);
      await world.ledger.submit(settlement, 'Settle', alice, { tradeId: trade.id });
      expect((await open(bob)).result.status).toBe('OPEN');
      await world.ledger.submit(settlement, 'RegisterSavingsProject', bob, {
        projectId: 'P1',
        title: 'LED',
        method: 'IPMVP-A',
        baselineWh: 1000,
        gridZone: 'ZONE-A',
        evidenceHash: HASH,
      });
      const verifier = await world.ledger.identity('UtilityMSP', 'verifier', ['verifier']);
      await world.ledger.submit(settlement, 'IssueCertificates', verifier, {
        projectId: 'P1',
        batchId: 'B',
        quantityWh: 1000,
        evidenceHash: HASH,
        periodStart: 0,
        periodEnd: 1000,
      });
      const certs = await openMarket(world, 'C1', { commodity: 'SAVINGS_CERT' });
      const buy = await post(world, alice, {
        offerId: 'cb',
        marketId: certs.id,
        side: 'BUY',
        quantityWh: 1000,
        price: 10,
      });
      const certTrade = (
        await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', bob, { id: buy.id, quantityWh: 1000 })
      ).result.trade;
      await expectRejected(open(alice, certTrade.id), /ESTP_ILLEGAL_STATE: trade .* is a certificate trade/);
    });
  });

  describe('AddEvidence', () => {
    beforeEach(() => deliver());

    it('parties and neutral arbiters add evidence; others cannot', async () => {
      await open(alice);
      const tx = await world.ledger.submit<Dispute>(disputes, 'AddEvidence', bob, {
        tradeId: trade.id,
        evidenceHash: HASH2,
        evidenceUri: 'ipfs://bafy',
        note: 'inverter log',
      });
      expect(tx.result.evidence).toHaveLength(2);
      expect(tx.event?.name).toBe(EventName.DisputeEvidenceAdded);
      await world.ledger.submit(disputes, 'AddEvidence', world.arbiters.UtilityMSP, {
        tradeId: trade.id,
        evidenceHash: HASH2,
      });
      await expectRejected(
        world.ledger.submit(disputes, 'AddEvidence', world.arbiters.CommunityMSP, {
          tradeId: trade.id,
          evidenceHash: HASH2,
        }),
        /ESTP_FORBIDDEN: CommunityMSP:arbiter is neither a party .* nor a neutral arbiter/,
      );
      const carol = await trader(world, 'UtilityMSP', 'carol');
      await expectRejected(
        world.ledger.submit(disputes, 'AddEvidence', carol, { tradeId: trade.id, evidenceHash: HASH2 }),
        /ESTP_FORBIDDEN/,
      );
      await expectRejected(
        world.ledger.submit(disputes, 'AddEvidence', world.meter, { tradeId: trade.id, evidenceHash: HASH2 }),
        /requires estp.role member or arbiter/,
      );
      await ruling(world.arbiters.UtilityMSP, 0, 0);
      await expectRejected(
        world.ledger.submit(disputes, 'AddEvidence', alice, { tradeId: trade.id, evidenceHash: HASH2 }),
        /ESTP_ILLEGAL_STATE: dispute .* is RULED/,
      );
    });

    it('holds at most 20 entries per side, so no side can fill the record for another', async () => {
      // Given a dispute opened by the buyer (its first entry)
      await open(alice);
      const add = (who: TestIdentity) =>
        world.ledger.submit<Dispute>(disputes, 'AddEvidence', who, {
          tradeId: trade.id,
          evidenceHash: HASH2,
        });
      for (let n = 1; n < 20; n += 1) await add(alice);
      // When the buyer adds a 21st entry, it is refused
      await expectRejected(
        add(alice),
        /ESTP_LIMIT_EXCEEDED: the buyer added the maximum of 20 evidence entries to dispute/,
      );
      // Then the seller and a neutral organisation's arbiters still have their own 20 each
      for (let n = 0; n < 20; n += 1) await add(bob);
      await expectRejected(add(bob), /the seller added the maximum of 20/);
      const last = await add(world.arbiters.UtilityMSP);
      expect(last.result.evidence).toHaveLength(41);
    });
  });

  describe('Disputes end', () => {
    it('rulings and evidence are refused from the ruling deadline; Settle then lets the meter report stand', async () => {
      // Given a dispute on a trade whose meter reported 5 000 of 10 000 Wh
      await deliver(trade.id, 5000);
      await open(alice);
      const deadline = market.rulingDeadlineMs!;
      expect(deadline).toBe(market.settleAfterMs + 7 * 24 * HOUR);
      // When the arbiters have not agreed by the deadline
      world.ledger.setTime(deadline - 1);
      await expectRejected(
        world.ledger.submit(settlement, 'Settle', bob, { tradeId: trade.id }),
        /ESTP_ILLEGAL_STATE: trade .* is DISPUTED: frozen/,
      );
      world.ledger.setTime(deadline);
      await expectRejected(
        ruling(world.arbiters.UtilityMSP, 9000, 0),
        /ESTP_TOO_LATE: rulings on .* closed at its ruling deadline/,
      );
      await expectRejected(
        world.ledger.submit(disputes, 'AddEvidence', bob, { tradeId: trade.id, evidenceHash: HASH2 }),
        /ESTP_TOO_LATE: evidence on .* closed at its ruling deadline/,
      );
      // Then Settle applies the default outcome: the meter report stands (5 000 Wh; the shortfall
      // penalty min(collateral 100, value(5 000 − 200, 100) = 480) takes the whole collateral)
      const settled = await world.ledger.submit<Trade>(settlement, 'Settle', bob, { tradeId: trade.id });
      expect(settled.result).toMatchObject({
        status: 'SETTLED',
        settlement: { basis: 'DELIVERED', deliveredWh: 5000, paid: 500, buyerRefund: 500, penalty: 100 },
      });
      expect(world.ledger.readRecord<Dispute>('Dispute', trade.id)).toMatchObject({
        status: 'LAPSED',
        lapsedAt: settled.result.settlement?.settledAt,
      });
      checkInvariants(world);
    });

    it('a lapsed dispute on a trade without a report settles as a default', async () => {
      world.ledger.setTime(market.reportDeadlineMs + 1);
      await open(bob);
      world.ledger.setTime(market.rulingDeadlineMs!);
      const settled = await world.ledger.submit<Trade>(settlement, 'Settle', alice, { tradeId: trade.id });
      expect(settled.result.settlement).toMatchObject({ basis: 'DEFAULTED', deliveredWh: 0, paid: 0 });
      expect(settled.result.defaultedAt).toBe(new Date(market.rulingDeadlineMs!).toISOString());
      checkInvariants(world);
    });

    it('a market can shorten the ruling window', async () => {
      const quick = await openMarket(world, 'M2', { rulingWindowMs: 60_000 });
      expect(quick.rulingDeadlineMs).toBe(quick.settleAfterMs + 60_000);
    });
  });

  describe('Rule', () => {
    it('parties of two orgs: the one neutral org rules; the ruling drives settlement after the notice window', async () => {
      await deliver();
      await open(alice);
      await expectRejected(
        ruling(world.arbiters.CommunityMSP, 0, 0),
        /arbiters of CommunityMSP, a party's organisation, do not rule/,
      );
      await expectRejected(ruling(world.arbiters.EnterpriseMSP, 0, 0), /arbiters of EnterpriseMSP/);
      await expectRejected(
        ruling(world.arbiters.UtilityMSP, 10_001, 0),
        /deliveredWh must be ≤ the traded 10000 Wh/,
      );
      await expectRejected(
        ruling(world.arbiters.UtilityMSP, 0, 101),
        /penalty must be ≤ the trade's collateral 100/,
      );
      await expectRejected(ruling(alice, 0, 0), /requires estp.role arbiter/);
      const at = world.ledger.now();
      const tx = await ruling(world.arbiters.UtilityMSP, 7000, 60);
      expect(tx.result).toMatchObject({
        status: 'RULED',
        ruling: {
          deliveredWh: 7000,
          penalty: 60,
          organisations: ['UtilityMSP'],
          required: 1,
          finalAtMs: at + HOUR,
        },
      });
      expect(tx.event).toMatchObject({ name: EventName.DisputeRuled, payload: { ruled: true } });
      expect(world.ledger.readRecord<Trade>('Trade', trade.id)).toMatchObject({
        status: 'RULED',
        ruling: { penalty: 60 },
      });
      await expectRejected(
        ruling(world.arbiters.UtilityMSP, 7000, 60),
        /ESTP_ILLEGAL_STATE: dispute .* is already RULED/,
      );
      await expectRejected(
        world.ledger.submit(settlement, 'Settle', alice, { tradeId: trade.id }),
        /ESTP_TOO_EARLY: the ruling on .* is final from/,
      );
      world.ledger.setTime(at + HOUR);
      const settled = await world.ledger.submit<Trade>(settlement, 'Settle', bob, { tradeId: trade.id });
      expect(settled.result.settlement).toMatchObject({
        basis: 'RULED',
        deliveredWh: 7000,
        paid: 700,
        buyerRefund: 300,
        penalty: 60,
        collateralReleased: 40,
      });
      expect(account(world, alice.participantId).available).toBe(1_000_000 - 700 + 60);
      checkInvariants(world);
    });

    it('parties of one org: arbiters of two neutral orgs must submit the same ruling', async () => {
      const carol = await trader(world, 'CommunityMSP', 'carol', 1_000_000, { meterIds: ['MTR-C'] });
      const local = await matched(alice, carol);
      world.ledger.setTime(market.reportDeadlineMs + 1);
      await open(carol, local.id);
      const first = await ruling(world.arbiters.UtilityMSP, 8000, 0, local.id);
      expect(first.result.status).toBe('OPEN');
      expect(first.event).toMatchObject({
        name: EventName.DisputeVoteRecorded,
        payload: { agreeing: ['UtilityMSP'], required: 2 },
      });
      const disagree = await ruling(world.arbiters.EnterpriseMSP, 9000, 0, local.id);
      expect(disagree.result.status).toBe('OPEN');
      // Utility's arbiter changes its organisation's vote: now both agree.
      const changed = await ruling(world.arbiters.UtilityMSP, 9000, 0, local.id);
      expect(changed.result).toMatchObject({
        status: 'RULED',
        ruling: { organisations: ['EnterpriseMSP', 'UtilityMSP'], deliveredWh: 9000 },
      });
      await expectRejected(ruling(world.arbiters.CommunityMSP, 9000, 0, local.id), /already RULED/);
    });

    it('an arbiter of an organisation that is not ACTIVE cannot rule', async () => {
      await deliver();
      await open(alice);
      const outsider = await world.ledger.identity('CityMSP', 'arbiter', ['arbiter']);
      await expectRejected(
        ruling(outsider, 0, 0),
        /ESTP_FORBIDDEN: CityMSP is not a recorded organisation; only identities of ACTIVE organisations act as arbiter/,
      );
    });

    it('an arbiter rules only as an ACTIVE participant: unregistered, PENDING and SUSPENDED arbiters are refused', async () => {
      // Given an open dispute between Community and Enterprise, and Utility (neutral) arbiters that
      // are not registered, PENDING or SUSPENDED
      await deliver();
      await open(alice);
      const unregistered = await world.ledger.identity('UtilityMSP', 'arbiter2', ['arbiter']);
      const pending = await world.ledger.identity('UtilityMSP', 'arbiter3', ['arbiter']);
      await registerParticipant(world.ledger, pending);
      const suspended = await activeParticipant(world.ledger, 'UtilityMSP', 'arbiter4', ['arbiter']);
      await world.ledger.submit(participantContract, 'Suspend', world.admin, {
        id: suspended.participantId,
        reason: 'conflict of interest',
      });
      // When they rule or add evidence, Then each is refused and nothing changes
      await expectRejected(ruling(unregistered, 0, 0), /UtilityMSP:arbiter2 is not a registered participant/);
      await expectRejected(ruling(pending, 0, 0), /UtilityMSP:arbiter3 is PENDING; only ACTIVE participants/);
      await expectRejected(
        ruling(suspended, 0, 0),
        /UtilityMSP:arbiter4 is SUSPENDED; a SUSPENDED or REVOKED participant submits nothing/,
      );
      await expectRejected(
        world.ledger.submit(disputes, 'AddEvidence', unregistered, {
          tradeId: trade.id,
          evidenceHash: HASH2,
        }),
        /UtilityMSP:arbiter2 is not a registered participant/,
      );
      // And the registered ACTIVE arbiter of the same org rules
      await expect(ruling(world.arbiters.UtilityMSP, 0, 0)).resolves.toBeDefined();
    });

    it('arbitration: two neutral orgs, every neutral org when fewer, every org when none is neutral', () => {
      expect(arbitration(['A', 'B', 'C', 'D'], ['A'])).toEqual({ eligible: ['B', 'C', 'D'], required: 2 });
      expect(arbitration(['A', 'B', 'C'], ['A', 'B'])).toEqual({ eligible: ['C'], required: 1 });
      expect(arbitration(['A', 'B'], ['A', 'B'])).toEqual({ eligible: ['A', 'B'], required: 2 });
    });
  });

  describe('Get and List', () => {
    it('reads disputes by trade and by party', async () => {
      await deliver();
      await open(alice);
      const got = await world.ledger.evaluate<Dispute>(disputes, 'Get', bob, { tradeId: trade.id });
      expect(got.claim).toBe('meter under-read');
      const ofBob = await world.ledger.evaluate<Page<Dispute>>(disputes, 'List', bob, {
        participantId: bob.participantId,
      });
      expect(ofBob.records.map((d) => d.id)).toEqual([trade.id]);
      const ofNobody = await world.ledger.evaluate<Page<Dispute>>(disputes, 'List', bob, {
        participantId: 'UtilityMSP:x',
      });
      expect(ofNobody).toEqual({ records: [], bookmark: '' });
      const all = await world.ledger.evaluate<Page<Dispute>>(disputes, 'List', bob, {});
      expect(all.records).toHaveLength(1);
      await expect(world.ledger.evaluate(disputes, 'Get', bob, { tradeId: 'M1/a/01' })).rejects.toThrow(
        /ESTP_NOT_FOUND/,
      );
    });
  });
});
