/**
 * Trust rules (docs/trust.md) across the contracts: a certificate's estp.role counts only where the
 * caller's org holds the role as a capability and is ACTIVE; SUSPENDED and REVOKED participants
 * submit nothing while their trades still settle; meters are independent of the parties unless the
 * consortium granted self-metering for the zone. Each attack is tried as a dishonest org would and
 * must be refused with nothing written and conservation intact.
 */
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import { AuditContract } from '../../chaincode/src/contracts/audit';
import { ROLES, requireRole } from '../../chaincode/src/lib/caller';
import type { Market, Offer } from '../../chaincode/src/market/model';
import type { AcceptResult } from '../../chaincode/src/market/offers';
import type { Trade } from '../../chaincode/src/settlement/model';
import type { TestIdentity } from '../support/fixture';
import {
  FOUNDING_DECLARATION,
  activeParticipant,
  adminOf,
  adoptChange,
  participantContract,
  registerParticipant,
} from '../support/world';
import {
  HASH,
  HASH2,
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

const consortium = new ConsortiumContract();
const audit = new AuditContract();

describe('trust', () => {
  let world: TradingWorld;
  let alice: TestIdentity; // CommunityMSP member, meter MTR-A, 1,000,000 credits
  let bob: TestIdentity; // EnterpriseMSP member, meter MTR-B, 1,000,000 credits
  let market: Market;

  beforeEach(async () => {
    world = await tradingWorld();
    alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000, { meterIds: ['MTR-A'] });
    bob = await trader(world, 'EnterpriseMSP', 'bob', 1_000_000, { meterIds: ['MTR-B'] });
    market = await openMarket(world, 'M1');
  });

  /** Asserts `run` fails with `message`, writes nothing, and money and certificates stay conserved. */
  async function expectRefused(run: Promise<unknown>, message: RegExp): Promise<void> {
    const before = world.ledger.state();
    await expect(run).rejects.toThrow(message);
    expect(world.ledger.state()).toEqual(before);
    checkInvariants(world);
  }

  const adopt = (proposer: string, approver: string, change: object) =>
    adoptChange(world.ledger, proposer, approver, change);

  /** A MATCHED bilateral trade in `marketId`: `buyer` takes `seller`'s SELL of 10 kWh at 100. */
  async function matched(buyer: TestIdentity, seller: TestIdentity, marketId = 'M1'): Promise<Trade> {
    const sell = await post(world, seller, {
      offerId: `s${world.ledger.now()}`,
      marketId,
      side: 'SELL',
      quantityWh: 10_000,
      price: 100,
    });
    return (
      await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', buyer, {
        id: sell.id,
        quantityWh: 10_000,
      })
    ).result.trade;
  }

  const report = (meter: TestIdentity, tradeId: string, meterId: string) =>
    world.ledger.submit<Trade>(settlement, 'ReportDelivery', meter, {
      tradeId,
      deliveredWh: 10_000,
      meterId,
      readingHash: HASH,
    });

  describe('a role counts only where the consortium granted it to the caller’s org', () => {
    it.each(FOUNDING_DECLARATION.flatMap((org) => ROLES.map((role) => [org.mspId, role] as const)))(
      '%s identities act as %s exactly when the declaration grants it',
      async (mspId, role) => {
        // Given an identity whose certificate claims `role`
        const identity = await world.ledger.identity(mspId, `claims-${role}`, [role]);
        const granted = FOUNDING_DECLARATION.find((org) => org.mspId === mspId)?.capabilities.includes(role);
        // When requireRole checks it
        const check = world.ledger.transact(identity, (ctx) => requireRole(ctx, role), {
          commit: false,
        });
        // Then it passes exactly for the roles the org holds, else names the org and role
        if (granted) await expect(check).resolves.toMatchObject({ result: { roles: new Set([role]) } });
        else
          await expect(check).rejects.toThrow(
            `ESTP_FORBIDDEN: ${mspId} does not hold the capability ${role}`,
          );
      },
    );

    it('an org whose CA enrols treasurer cannot mint nor burn: Deposit and Withdraw are refused', async () => {
      // Given Community's CA enrols an identity with estp.role=treasurer (Community holds no treasurer capability)
      const forger = await world.ledger.identity('CommunityMSP', 'forger', ['treasurer']);
      // When it deposits a million credits to its member, or withdraws Enterprise's member's credits
      for (const [fn, accountId] of [
        ['Deposit', alice.participantId],
        ['Withdraw', bob.participantId],
      ] as const) {
        await expectRefused(
          world.ledger.submit(settlement, fn, forger, { accountId, amount: 1_000_000, reference: 'forged' }),
          /ESTP_FORBIDDEN: CommunityMSP does not hold the capability treasurer \(CommunityMSP:forger's estp\.role claims it; the consortium grants CommunityMSP admin,arbiter,auditor,member\)/,
        );
      }
      expect(account(world, alice.participantId).available).toBe(1_000_000);
    });

    it('an org whose CA enrols meter cannot report its own member’s trade as fully delivered', async () => {
      const trade = await matched(bob, alice);
      world.ledger.setTime(market.deliveryEndMs);
      const forger = await world.ledger.identity('CommunityMSP', 'forger', ['meter']);
      await expectRefused(
        report(forger, trade.id, 'MTR-A'),
        /ESTP_FORBIDDEN: CommunityMSP does not hold the capability meter/,
      );
      expect(world.ledger.readRecord<Trade>('Trade', trade.id)?.status).toBe('MATCHED');
    });

    it('an org whose CA enrols verifier cannot issue certificates, not even for another org’s project', async () => {
      await world.ledger.submit(settlement, 'RegisterSavingsProject', bob, {
        projectId: 'P1',
        title: 'Waste heat',
        method: 'IPMVP-B',
        baselineWh: 1_000_000,
        gridZone: 'ZONE-A',
        evidenceHash: HASH,
      });
      const forger = await world.ledger.identity('CommunityMSP', 'forger', ['verifier']);
      await expectRefused(
        world.ledger.submit(settlement, 'IssueCertificates', forger, {
          projectId: 'P1',
          batchId: 'B1',
          quantityWh: 1_000_000,
          evidenceHash: HASH,
          periodStart: 0,
          periodEnd: 1000,
        }),
        /ESTP_FORBIDDEN: CommunityMSP does not hold the capability verifier/,
      );
      // And Enterprise's own verifier (which holds the capability) is refused its own org's project
      await expectRefused(
        world.ledger.submit(settlement, 'IssueCertificates', world.verifier, {
          projectId: 'P1',
          batchId: 'B1',
          quantityWh: 1,
          evidenceHash: HASH,
          periodStart: 0,
          periodEnd: 1000,
        }),
        /must be issued by a verifier of another organisation than EnterpriseMSP/,
      );
    });

    it('a forged role beside a held one grants nothing extra; a grant by the consortium does, its revocation undoes it', async () => {
      // Given a Community identity claiming member and treasurer
      const both = await trader(world, 'CommunityMSP', 'both', 0);
      const claimsBoth = await world.ledger.identity('CommunityMSP', 'both', ['member', 'treasurer']);
      expect(claimsBoth.participantId).toBe(both.participantId);
      const deposit = (reference: string) =>
        world.ledger.submit(settlement, 'Deposit', claimsBoth, {
          accountId: alice.participantId,
          amount: 5,
          reference,
        });
      // Then it trades as a member but cannot deposit
      await expect(
        world.ledger.submit(markets, 'CancelOffer', claimsBoth, { id: `${both.participantId}/none` }),
      ).rejects.toThrow(/ESTP_NOT_FOUND/);
      await expectRefused(deposit('r1'), /CommunityMSP does not hold the capability treasurer/);
      // When Utility and Enterprise grant Community the treasurer capability, it deposits
      await adopt('UtilityMSP', 'EnterpriseMSP', {
        mspId: 'CommunityMSP',
        change: 'GRANT',
        capability: 'treasurer',
      });
      await expect(deposit('r2')).resolves.toBeDefined();
      // When the consortium revokes it again, it is refused again
      await adopt('EnterpriseMSP', 'UtilityMSP', {
        mspId: 'CommunityMSP',
        change: 'REVOKE',
        capability: 'treasurer',
      });
      await expectRefused(deposit('r3'), /CommunityMSP does not hold the capability treasurer/);
    });
  });

  describe('a SUSPENDED org exercises no role; its members’ trades still settle', () => {
    let offer: Offer;
    let trade: Trade;

    beforeEach(async () => {
      // Given Alice (Community) has an open BUY offer and a trade with Bob, and Community is suspended
      offer = await post(world, alice, {
        offerId: 'b1',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1000,
        price: 100,
      });
      trade = await matched(alice, bob);
      await adopt('UtilityMSP', 'EnterpriseMSP', {
        mspId: 'CommunityMSP',
        change: 'SUSPEND',
        reason: 'audit',
      });
    });

    it('refuses its admin, members, arbiter and auditor', async () => {
      const refused =
        /ESTP_FORBIDDEN: CommunityMSP is SUSPENDED; only identities of ACTIVE organisations act as/;
      await expectRefused(
        world.ledger.submit(markets, 'PostOffer', alice, {
          offerId: 'b2',
          marketId: 'M1',
          side: 'BUY',
          quantityWh: 1000,
          price: 100,
        }),
        refused,
      );
      await expectRefused(world.ledger.submit(markets, 'CancelOffer', alice, { id: offer.id }), refused);
      const newcomer = await world.ledger.identity('CommunityMSP', 'newcomer', ['member']);
      await expectRefused(registerParticipant(world.ledger, newcomer), refused);
      await expectRefused(
        world.ledger.submit(participantContract, 'Suspend', await adminOf(world.ledger, 'CommunityMSP'), {
          id: alice.participantId,
          reason: 'r',
        }),
        refused,
      );
      await expectRefused(
        world.ledger.submit(disputes, 'Open', alice, { tradeId: trade.id, claim: 'c', evidenceHash: HASH }),
        refused,
      );
      const auditor = await world.ledger.identity('CommunityMSP', 'auditor', ['auditor']);
      await expect(world.ledger.evaluate(audit, 'Totals', auditor, {})).rejects.toThrow(refused);
    });

    it('its members’ offers cannot be filled; any ACTIVE member takes them off the book, releasing the escrow to the owner', async () => {
      const carol = await trader(world, 'UtilityMSP', 'carol', 1_000_000);
      // When Bob sells into Alice's BUY offer
      await expectRefused(
        world.ledger.submit(markets, 'AcceptOffer', bob, { id: offer.id, quantityWh: 1000 }),
        /the owner of offer CommunityMSP:alice\/b1 cannot trade: CommunityMSP is SUSPENDED/,
      );
      // When Carol cancels it, Then the offer is closed and Alice's escrow released to Alice
      const escrowed = account(world, alice.participantId).escrowed;
      const tx = await world.ledger.submit<Offer>(markets, 'CancelOffer', carol, { id: offer.id });
      expect(tx.result).toMatchObject({ status: 'CANCELLED', moneyLocked: 0 });
      expect(tx.event?.payload).toMatchObject({
        owner: alice.participantId,
        by: carol.participantId,
        releasedMoney: 100,
      });
      expect(account(world, alice.participantId).escrowed).toBe(escrowed - 100);
      checkInvariants(world);
    });

    it('its members’ trades settle, driven by the counterparty and the meter', async () => {
      world.ledger.setTime(market.deliveryEndMs);
      await report(world.meter, trade.id, 'MTR-B');
      world.ledger.setTime(market.settleAfterMs);
      const settled = await world.ledger.submit<Trade>(settlement, 'Settle', bob, { tradeId: trade.id });
      expect(settled.result.status).toBe('SETTLED');
      checkInvariants(world);
    });

    it('a REINSTATE by a majority gives the org its powers back', async () => {
      await adopt('EnterpriseMSP', 'UtilityMSP', { mspId: 'CommunityMSP', change: 'REINSTATE' });
      await expect(
        world.ledger.submit(markets, 'CancelOffer', alice, { id: offer.id }),
      ).resolves.toMatchObject({ result: { status: 'CANCELLED' } });
    });
  });

  describe('a SUSPENDED or REVOKED participant submits nothing, admin powers included', () => {
    it('a suspended admin can no longer approve, suspend or open markets; a second admin suspended it', async () => {
      // Given a registered Utility admin, suspended by another Utility admin
      const boss = await activeParticipant(world.ledger, 'UtilityMSP', 'boss', ['admin', 'member']);
      await world.ledger.submit(participantContract, 'Suspend', world.admin, {
        id: boss.participantId,
        reason: 'r',
      });
      const applicant = await world.ledger.identity('UtilityMSP', 'applicant', ['member']);
      await registerParticipant(world.ledger, applicant);
      const refused =
        /ESTP_FORBIDDEN: UtilityMSP:boss is SUSPENDED; a SUSPENDED or REVOKED participant submits nothing/;
      // When it acts as admin, Then it is refused
      await expectRefused(
        world.ledger.submit(participantContract, 'Approve', boss, { id: applicant.participantId }),
        refused,
      );
      await expectRefused(
        world.ledger.submit(participantContract, 'Reinstate', boss, { id: boss.participantId }),
        refused,
      );
      await expectRefused(
        world.ledger.submit(consortium, 'ProposeChange', boss, { mspId: 'CommunityMSP', change: 'SUSPEND' }),
        refused,
      );
      // And an unregistered admin of the same org still acts (admins need not be participants)
      await expect(
        world.ledger.submit(participantContract, 'Approve', world.admin, { id: applicant.participantId }),
      ).resolves.toBeDefined();
    });

    it('a suspended or revoked member can post, cancel, settle, dispute or retire nothing; its counterparty settles', async () => {
      const open = await post(world, alice, {
        offerId: 'b1',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1000,
        price: 100,
      });
      const trade = await matched(alice, bob);
      const communityAdmin = await adminOf(world.ledger, 'CommunityMSP');
      await world.ledger.submit(participantContract, 'Suspend', communityAdmin, {
        id: alice.participantId,
        reason: 'r',
      });
      const refused =
        /CommunityMSP:alice is (SUSPENDED|REVOKED); a SUSPENDED or REVOKED participant submits nothing/;
      const attempts = () => [
        world.ledger.submit(markets, 'PostOffer', alice, {
          offerId: 'b9',
          marketId: 'M1',
          side: 'BUY',
          quantityWh: 1,
          price: 100,
        }),
        world.ledger.submit(markets, 'CancelOffer', alice, { id: open.id }),
        world.ledger.submit(disputes, 'Open', alice, { tradeId: trade.id, claim: 'c', evidenceHash: HASH2 }),
        world.ledger.submit(settlement, 'Settle', alice, { tradeId: trade.id }),
        world.ledger.submit(settlement, 'RetireCertificates', alice, { retirementId: 'r', quantityWh: 1 }),
      ];
      for (const attempt of attempts()) await expectRefused(attempt, refused);
      await world.ledger.submit(participantContract, 'Revoke', communityAdmin, {
        id: alice.participantId,
        reason: 'r',
      });
      for (const attempt of attempts()) await expectRefused(attempt, refused);
      // And Bob's trade with Alice settles without her: no meter report (hers is released), the rules default it
      world.ledger.setTime(market.settleAfterMs);
      const settled = await world.ledger.submit<Trade>(settlement, 'Settle', bob, { tradeId: trade.id });
      expect(settled.result).toMatchObject({ status: 'SETTLED', settlement: { basis: 'DEFAULTED' } });
      checkInvariants(world);
    });

    it('an offer of a suspended owner: only the owner while ACTIVE, or any ACTIVE member once it is not, cancels it', async () => {
      const offer = await post(world, alice, {
        offerId: 'b1',
        marketId: 'M1',
        side: 'BUY',
        quantityWh: 1000,
        price: 100,
      });
      // While Alice is ACTIVE, Bob may not cancel her offer
      await expectRefused(
        world.ledger.submit(markets, 'CancelOffer', bob, { id: offer.id }),
        /only its owner may cancel it/,
      );
      await world.ledger.submit(participantContract, 'Suspend', await adminOf(world.ledger, 'CommunityMSP'), {
        id: alice.participantId,
        reason: 'r',
      });
      // A PENDING member may not either
      const pending = await world.ledger.identity('EnterpriseMSP', 'pending', ['member']);
      await registerParticipant(world.ledger, pending);
      await expectRefused(
        world.ledger.submit(markets, 'CancelOffer', pending, { id: offer.id }),
        /EnterpriseMSP:pending is PENDING; only ACTIVE participants trade/,
      );
      // Bob, ACTIVE, may
      await expect(world.ledger.submit(markets, 'CancelOffer', bob, { id: offer.id })).resolves.toMatchObject(
        {
          result: { status: 'CANCELLED' },
        },
      );
      checkInvariants(world);
    });
  });

  describe('meters are independent of the parties unless the consortium grants self-metering for the zone', () => {
    let carol: TestIdentity; // UtilityMSP member, meter MTR-C

    beforeEach(async () => {
      carol = await trader(world, 'UtilityMSP', 'carol', 1_000_000, { meterIds: ['MTR-C'] });
    });

    it('Utility’s meter reports a trade of its own member in ZONE-A, where it holds the grant', async () => {
      const trade = await matched(carol, bob);
      world.ledger.setTime(market.deliveryEndMs);
      await expect(report(world.meter, trade.id, 'MTR-B')).resolves.toMatchObject({
        result: { status: 'DELIVERED' },
      });
    });

    it('but not in ZONE-B until the consortium grants meter for ZONE-B', async () => {
      // Given a ZONE-B market and a trade between Utility's and Enterprise's members there
      const carolB = await trader(world, 'UtilityMSP', 'carolB', 1_000_000, {
        meterIds: ['MTR-CB'],
        gridZone: 'ZONE-B',
      });
      const bobB = await trader(world, 'EnterpriseMSP', 'bobB', 1_000_000, {
        meterIds: ['MTR-BB'],
        gridZone: 'ZONE-B',
      });
      const zoneB = await openMarket(world, 'MB', { gridZone: 'ZONE-B' });
      const trade = await matched(carolB, bobB, 'MB');
      world.ledger.setTime(zoneB.deliveryEndMs);
      // When Utility's meter reports it, Then it is refused: a party is its own org's
      await expectRefused(
        report(world.meter, trade.id, 'MTR-BB'),
        /ESTP_FORBIDDEN: UtilityMSP's meters do not report MB\/a\/\w+: a party belongs to UtilityMSP, which holds no meter capability for its own members in grid zone ZONE-B/,
      );
      // When the consortium grants Utility meter for ZONE-B, Then it reports
      await adopt('EnterpriseMSP', 'CommunityMSP', {
        mspId: 'UtilityMSP',
        change: 'GRANT',
        capability: 'meter',
        gridZone: 'ZONE-B',
      });
      await expect(report(world.meter, trade.id, 'MTR-BB')).resolves.toMatchObject({
        result: { status: 'DELIVERED' },
      });
    });

    it('an org granted meter without a zone reports other orgs’ trades, never its own members’', async () => {
      await adopt('UtilityMSP', 'EnterpriseMSP', {
        mspId: 'CommunityMSP',
        change: 'GRANT',
        capability: 'meter',
      });
      const communityMeter = await world.ledger.identity('CommunityMSP', 'meter', ['meter']);
      const independent = await matched(carol, bob);
      const own = await matched(alice, bob);
      world.ledger.setTime(market.deliveryEndMs);
      await expect(report(communityMeter, independent.id, 'MTR-C')).resolves.toBeDefined();
      await expectRefused(report(communityMeter, own.id, 'MTR-B'), /a party belongs to CommunityMSP/);
    });

    it('a meter ID reported must be bound to a party: a released meter no longer counts', async () => {
      const trade = await matched(alice, bob);
      await world.ledger.submit(participantContract, 'Revoke', await adminOf(world.ledger, 'CommunityMSP'), {
        id: alice.participantId,
        reason: 'moved away',
      });
      world.ledger.setTime(market.deliveryEndMs);
      await expectRefused(
        report(world.meter, trade.id, 'MTR-A'),
        /meter MTR-A is not bound to the seller or buyer/,
      );
      await expect(report(world.meter, trade.id, 'MTR-B')).resolves.toBeDefined();
    });
  });
});
