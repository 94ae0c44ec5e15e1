/**
 * The whole ESTP lifecycle on the real network, across the three orgs: participants of every org
 * onboarded by their own admins, deposits, a savings project verified by another org, an
 * electricity and a certificate market, the call auction, meter reports (one with a shortfall), a
 * dispute between two community members ruled by arbiters of the two neutral orgs, settlement,
 * retirement and the conservation totals. Every outcome is read back through the peer of an org
 * that did not take part in the step, so the test also shows the orgs' ledgers agree.
 *
 * The steps run in order and share state; each one's expectations are the documented rules
 * (docs/trading.md) worked out by hand.
 */
import type { EstpClient } from '../../application/src/gateway/client';
import {
  type AccountView,
  type Actor,
  AUDITOR,
  allPages,
  ensureActive,
  holdings,
  MARKET_OPERATOR,
  METER,
  newRunTag,
  type ParticipantView,
  timeline,
  totals,
  TREASURER,
  waitUntil,
  type Profile,
  suiteClients,
} from './support/estp';
import { estp } from './support/cli';
import { LIFECYCLE } from './support/identities';

const RUN = newRunTag();
const clients = suiteClients();

/** The lifecycle's participants: stable CA identities, onboarded once, reused by later runs. */
const { seller: SELLER, household: HOUSEHOLD, factory: FACTORY, saver: SAVER } = LIFECYCLE;
const VERIFIER: Actor = { org: 'enterprise', user: 'verifier' };
const ARBITERS = {
  utility: { org: 'utility', user: 'arbiter' },
  enterprise: { org: 'enterprise', user: 'arbiter' },
};
const COMMUNITY_ARBITER: Actor = { org: 'community', user: 'arbiter' };

const profile = (actor: Actor, commodities: Profile['commodities'], kind: Profile['kind']): Profile => ({
  displayName: `e2e ${actor.user}`,
  kind,
  commodities,
  gridZone: 'ZONE-A',
  meterIds: [`E2E-${actor.org}-${actor.user}`],
});

/** What the steps pass on. */
const state: {
  ids: Record<string, string>;
  before: Record<string, number>;
  markets: { elec: string; cert: string };
  times: ReturnType<typeof timeline>;
  householdTrade: string;
  factoryTrade: string;
} = {
  ids: {},
  before: {},
  markets: { elec: `${RUN}-ELEC`, cert: `${RUN}-CERT` },
  times: timeline({ offersMs: 60_000 }),
  householdTrade: '',
  factoryTrade: '',
};

const client = (actor: Actor): Promise<EstpClient> => clients.of(actor);
const idOf = (actor: Actor): string => state.ids[`${actor.org}/${actor.user}`] ?? '';

async function accountOf(reader: Actor, participant: Actor): Promise<AccountView> {
  return (await client(reader)).evaluate('Settlement', 'GetAccount', {
    participantId: idOf(participant),
  });
}

describe('the ESTP lifecycle across three orgs', () => {
  // Each step may go through other orgs' peers than the last: start once all peers are level.
  beforeEach(() => clients.sync());

  test('participants of every org are onboarded by their own admin and ACTIVE on the other peers', async () => {
    // Given CA identities (global-setup.ts) for a community PV seller and household, an enterprise
    // factory and a utility saver
    // When each registers and its org's admin approves it
    const records: [Actor, ParticipantView][] = await Promise.all(
      [
        [SELLER, profile(SELLER, ['ELECTRICITY'], 'PROSUMER')] as const,
        [HOUSEHOLD, profile(HOUSEHOLD, ['ELECTRICITY'], 'CONSUMER')] as const,
        [FACTORY, profile(FACTORY, ['ELECTRICITY', 'SAVINGS_CERT'], 'CONSUMER')] as const,
        [SAVER, profile(SAVER, ['SAVINGS_CERT'], 'PROSUMER')] as const,
      ].map(async ([actor, p]) => [actor, await ensureActive(clients, actor, p)] as [Actor, ParticipantView]),
    );
    for (const [actor, record] of records) state.ids[`${actor.org}/${actor.user}`] = record.id;
    await clients.sync();

    // Then a peer of a different org sees each one ACTIVE
    const otherOrg: Record<string, Actor> = {
      community: { org: 'enterprise', user: 'member1' },
      enterprise: { org: 'utility', user: 'auditor' },
      utility: { org: 'community', user: 'member1' },
    };
    for (const [actor, record] of records) {
      const reader = await client(otherOrg[actor.org]!);
      expect(reader.mspId).not.toBe(record.mspId);
      await expect(reader.evaluate('Participant', 'Get', { id: idOf(actor) })).resolves.toMatchObject({
        id: idOf(actor),
        status: 'ACTIVE',
      });
    }
  });

  test('the treasurer deposits; the enterprise peer sees the balances', async () => {
    const treasurer = await client(TREASURER);
    await Promise.all(
      [SELLER, HOUSEHOLD, FACTORY, SAVER].map((actor) =>
        treasurer.submit('Settlement', 'Deposit', {
          accountId: idOf(actor),
          amount: 1_000,
          reference: `${RUN}-deposit`,
        }),
      ),
    );
    await clients.sync();
    for (const actor of [SELLER, HOUSEHOLD, FACTORY, SAVER]) {
      const account = await accountOf({ org: 'enterprise', user: 'member1' }, actor);
      expect(account.available).toBeGreaterThanOrEqual(1_000);
      state.before[actor.user] = holdings(account);
    }
  });

  test("a utility member's savings project is certified by the enterprise verifier", async () => {
    // Given a savings project of the utility saver
    const projectId = `${RUN}-insulation`;
    await (
      await client(SAVER)
    ).submit('Settlement', 'RegisterSavingsProject', {
      projectId,
      title: 'e2e insulation',
      method: 'metered before/after',
      baselineWh: 100_000,
      gridZone: 'ZONE-A',
      evidenceHash: 'a'.repeat(64),
    });

    // When a verifier of another org issues certificates
    await clients.sync();
    const before = await accountOf(AUDITOR, SAVER);
    await (
      await client(VERIFIER)
    ).submit('Settlement', 'IssueCertificates', {
      projectId,
      batchId: 'b1',
      quantityWh: 50_000,
      evidenceHash: 'b'.repeat(64),
      // the savings of the last 30 days, measured and over
      periodStart: Date.now() - 30 * 86_400_000,
      periodEnd: Date.now() - 60_000,
    });

    // Then the community peer sees them held by the saver
    await clients.sync();
    const after = await accountOf({ org: 'community', user: 'member1' }, SAVER);
    expect(after.certificatesHeldWh - before.certificatesHeldWh).toBe(50_000);
  });

  test('markets open and every org posts offers', async () => {
    // Given an electricity market with 50 % collateral and a certificate market, gate closure in 8 s
    state.times = timeline({ offersMs: 8_000, deliveryMs: 1_000, reportsMs: 8_000, rulingNoticeMs: 500 });
    const operator = await client(MARKET_OPERATOR);
    const common = {
      gridZone: 'ZONE-A',
      deliveryStart: state.times.deliveryStart,
      deliveryEnd: state.times.deliveryEnd,
      gateClosure: state.times.gateClosure,
      reportDeadline: state.times.reportDeadline,
      disputeWindowMs: state.times.disputeWindowMs,
      rulingNoticeMs: state.times.rulingNoticeMs,
    };
    await Promise.all([
      operator.submit('Market', 'OpenMarket', {
        ...common,
        marketId: state.markets.elec,
        commodity: 'ELECTRICITY',
        collateralBps: 5_000,
      }),
      operator.submit('Market', 'OpenMarket', {
        ...common,
        marketId: state.markets.cert,
        commodity: 'SAVINGS_CERT',
      }),
    ]);

    // When community, enterprise and utility members post (one owner's offers in sequence)
    await clients.sync();
    const post = async (
      actor: Actor,
      offerId: string,
      market: string,
      side: 'BUY' | 'SELL',
      quantityWh: number,
      price: number,
    ) =>
      (await client(actor)).submit('Market', 'PostOffer', {
        offerId: `${RUN}-${offerId}`,
        marketId: market,
        side,
        quantityWh,
        price,
      });
    await Promise.all([
      post(SELLER, 'sell', state.markets.elec, 'SELL', 10_000, 20),
      post(HOUSEHOLD, 'buy', state.markets.elec, 'BUY', 6_000, 30),
      (async () => {
        await post(FACTORY, 'buy', state.markets.elec, 'BUY', 6_000, 24);
        await post(FACTORY, 'certs', state.markets.cert, 'BUY', 20_000, 6);
      })(),
      post(SAVER, 'certs', state.markets.cert, 'SELL', 30_000, 4),
    ]);

    // Then the utility peer lists the electricity and certificate offers as OPEN
    await clients.sync();
    const auditor = await client(AUDITOR);
    const elec = await allPages(auditor, 'Market', 'ListOffers', {
      marketId: state.markets.elec,
    });
    const cert = await allPages(auditor, 'Market', 'ListOffers', {
      marketId: state.markets.cert,
    });
    expect(elec.records.map((offer) => offer.status)).toEqual(['OPEN', 'OPEN', 'OPEN']);
    expect(cert.records.map((offer) => offer.status)).toEqual(['OPEN', 'OPEN']);
  });

  test('after gate closure the call auctions clear at one price each, seen alike on every peer', async () => {
    await waitUntil(state.times.gateClosure);
    // When an enterprise member clears both markets: one with a ClearMarket call, the other with
    // the CLI's `estp market clear --all`, which runs the clearing to its end
    const clearer = await client(FACTORY);
    await expect(
      clearer.submit('Market', 'ClearMarket', { marketId: state.markets.elec }),
    ).resolves.toMatchObject({ batch: { done: true } });
    const cli = await estp(
      ...['market', 'clear', '--market-id', state.markets.cert, '--all', '--json'],
      ...['--org', FACTORY.org, '--user', FACTORY.user],
    );
    expect(cli).toMatchObject({ code: 0 });
    expect(JSON.parse(cli.out)).toMatchObject({ batch: { done: true }, clearing: { phase: 'DONE' } });
    expect(cli.err).toMatch(/^ClearMarket step: DONE, 1 trade, \d+ offers? closed \(\d+\.\d s\)$/m);

    await clients.sync();
    // Then: bids 30 (6 kWh), 24 (6 kWh) against one ask 20 (10 kWh) → 10 kWh at ⌊(24 + 20) / 2⌋ = 22;
    // certificates: bid 6 against ask 4 → 20 kWh at 5, delivered at once
    for (const reader of [
      { org: 'community', user: 'member1' },
      AUDITOR,
      { org: 'enterprise', user: 'member1' },
    ]) {
      const peer = await client(reader);
      await expect(
        peer.evaluate('Market', 'GetMarket', { marketId: state.markets.elec }),
      ).resolves.toMatchObject({
        market: { status: 'CLEARED' },
        clearing: { price: 22, volumeWh: 10_000, trades: 2 },
      });
      await expect(
        peer.evaluate('Market', 'GetMarket', { marketId: state.markets.cert }),
      ).resolves.toMatchObject({
        clearing: { price: 5, volumeWh: 20_000, trades: 1 },
      });
    }
    const { records: trades } = await allPages(await client(AUDITOR), 'Settlement', 'ListTrades', {
      marketId: state.markets.elec,
    });
    const household = trades.find((trade) => trade.buyer === idOf(HOUSEHOLD));
    const factory = trades.find((trade) => trade.buyer === idOf(FACTORY));
    // The seller's collateral is 50 % of the value at its ask limit: ⌊6000 × 20 × 0.5 / 1000⌋ = 60.
    expect(household).toMatchObject({
      seller: idOf(SELLER),
      quantityWh: 6_000,
      price: 22,
      value: 132,
      collateral: 60,
    });
    expect(factory).toMatchObject({
      seller: idOf(SELLER),
      quantityWh: 4_000,
      price: 22,
      value: 88,
      collateral: 40,
    });
    state.householdTrade = household!.id;
    state.factoryTrade = factory!.id;
    // The seller's two trades of the one ClearMarket share one index entry (market/fills.ts
    // `indexTrades`): its trades list alike one per page — a page of one ends inside that entry —
    // and all in one page, and the market's two are there once each, in ID order
    const seller = { participantId: idOf(SELLER) };
    const onePerPage = await allPages(await client(AUDITOR), 'Settlement', 'ListTrades', seller, 1);
    const onePage = await allPages(await client(AUDITOR), 'Settlement', 'ListTrades', seller, 200);
    const ids = (records: readonly { id: string }[]) => records.map((trade) => trade.id);
    expect(ids(onePerPage.records)).toEqual(ids(onePage.records));
    expect(onePerPage.pages).toBeGreaterThanOrEqual(2);
    expect(ids(onePerPage.records.filter((trade) => trade.marketId === state.markets.elec))).toEqual(
      ids(trades).sort(),
    );
    // And the factory paid 20 kWh × 5 = 100 for certificates the community peer sees it hold
    const factoryAccount = await accountOf({ org: 'community', user: 'member1' }, FACTORY);
    expect(factoryAccount.certificatesHeldWh).toBeGreaterThanOrEqual(20_000);
  });

  test('the meter operator reports delivery; one trade fell 1 kWh short', async () => {
    await waitUntil(state.times.deliveryEnd);
    const meter = await client(METER);
    await meter.submit('Settlement', 'ReportDelivery', {
      tradeId: state.householdTrade,
      deliveredWh: 6_000,
      meterId: `E2E-${SELLER.org}-${SELLER.user}`,
      readingHash: 'c'.repeat(64),
    });
    await meter.submit('Settlement', 'ReportDelivery', {
      tradeId: state.factoryTrade,
      deliveredWh: 3_000,
      meterId: `E2E-${FACTORY.org}-${FACTORY.user}`,
      readingHash: 'd'.repeat(64),
    });
    await clients.sync();
    const reader = await client({ org: 'community', user: 'member1' });
    await expect(
      reader.evaluate('Settlement', 'GetTrade', { tradeId: state.factoryTrade }),
    ).resolves.toMatchObject({
      status: 'DELIVERED',
      delivery: { deliveredWh: 3_000, reportedBy: 'UtilityMSP:meter' },
    });
  });

  test('a dispute between two community members is ruled only when both neutral orgs agree', async () => {
    // Given the household disputes its trade with the PV seller (both CommunityMSP)
    await (
      await client(HOUSEHOLD)
    ).submit('Dispute', 'Open', {
      tradeId: state.householdTrade,
      claim: 'sub-meter shows 5.5 kWh',
      evidenceHash: 'e'.repeat(64),
    });

    // Then the parties' own org may not rule
    await clients.sync();
    await expect(
      (await client(COMMUNITY_ARBITER)).submit('Dispute', 'Rule', {
        tradeId: state.householdTrade,
        deliveredWh: 5_500,
        penalty: 7,
      }),
    ).rejects.toMatchObject({
      code: 'ESTP_FORBIDDEN',
      message: expect.stringContaining("a party's organisation") as unknown,
    });

    // When the utility's arbiter rules, the dispute stays OPEN; the enterprise's agreeing vote rules it
    await expect(
      (await client(ARBITERS.utility)).submit('Dispute', 'Rule', {
        tradeId: state.householdTrade,
        deliveredWh: 5_500,
        penalty: 7,
      }),
    ).resolves.toMatchObject({ status: 'OPEN' });
    await clients.sync();
    await expect(
      (await client(ARBITERS.enterprise)).submit('Dispute', 'Rule', {
        tradeId: state.householdTrade,
        deliveredWh: 5_500,
        penalty: 7,
      }),
    ).resolves.toMatchObject({ status: 'RULED', ruling: { organisations: ['EnterpriseMSP', 'UtilityMSP'] } });

    // And the community peer sees the trade RULED
    await clients.sync();
    await expect(
      (await client({ org: 'community', user: 'member1' })).evaluate('Settlement', 'GetTrade', {
        tradeId: state.householdTrade,
      }),
    ).resolves.toMatchObject({ status: 'RULED', ruling: { deliveredWh: 5_500, penalty: 7 } });
  });

  test('after the dispute window both trades settle by the rules', async () => {
    await waitUntil(state.times.settleAfter);
    const treasurer = await client(TREASURER);
    // Shortfall 1000 Wh, tolerance 2 % of 4000 = 80 → penalty ⌊920 × 22 / 1000⌋ = 20 of the 40 collateral
    await expect(
      treasurer.submit('Settlement', 'Settle', { tradeId: state.factoryTrade }),
    ).resolves.toMatchObject({
      status: 'SETTLED',
      settlement: {
        basis: 'DELIVERED',
        deliveredWh: 3_000,
        paid: 66,
        buyerRefund: 22,
        penalty: 20,
        collateralReleased: 20,
      },
    });
    // The ruling: 5500 Wh delivered → paid ⌊5500 × 22 / 1000⌋ = 121, refund 11, penalty 7, collateral back 53
    await expect(
      treasurer.submit('Settlement', 'Settle', { tradeId: state.householdTrade }),
    ).resolves.toMatchObject({
      status: 'SETTLED',
      settlement: {
        basis: 'RULED',
        deliveredWh: 5_500,
        paid: 121,
        buyerRefund: 11,
        penalty: 7,
        collateralReleased: 53,
      },
    });

    // Then the auditor's history of the disputed trade shows each state, oldest last
    await clients.sync();
    const history = await (
      await client(AUDITOR)
    ).evaluate('Audit', 'History', {
      recordType: 'Trade',
      id: state.householdTrade,
    });
    expect(history.versions.map((version) => version.value)).toMatchObject(
      ['SETTLED', 'RULED', 'DISPUTED', 'DELIVERED', 'MATCHED'].map((status) => ({ status })),
    );
  });

  test('certificates are retired, and money moved only between the parties', async () => {
    // When the factory retires 5 kWh of the certificates it bought
    await (
      await client(FACTORY)
    ).submit('Settlement', 'RetireCertificates', {
      retirementId: `${RUN}-retire`,
      quantityWh: 5_000,
      purpose: 'e2e',
    });

    await clients.sync();
    // Then each participant's credits changed by exactly what the rules say (read through the utility peer):
    // seller +121 +66 −7 −20, household −121 +7, factory −66 +20 −100 (certificates), saver +100
    const expected: Record<string, number> = {
      [SELLER.user]: 160,
      [HOUSEHOLD.user]: -114,
      [FACTORY.user]: -146,
      [SAVER.user]: 100,
    };
    for (const actor of [SELLER, HOUSEHOLD, FACTORY, SAVER]) {
      const account = await accountOf(AUDITOR, actor);
      expect(holdings(account) - (state.before[actor.user] ?? NaN)).toBe(expected[actor.user]);
    }
    // And the ledger as a whole is conserved
    const { conservation } = await totals(clients);
    expect(conservation.money.balanced).toBe(true);
    expect(conservation.certificates.balanced).toBe(true);
  });
});
