/**
 * A small real trading sequence on the network for integration tests (docs/trading.md), with
 * run-unique IDs so it can run again and again on the same ledger, next to whatever else (the
 * demo, other tests) traded there:
 *
 * 1. four new members enrolled by their orgs' CAs (`aud-<run>-<label>`, estp.role=member),
 *    registered (verification data as transient data, endorsed by a named majority of orgs led by
 *    their own — the implicit-collection caveat of docs/network.md), approved by their org's
 *    admin, funded by Utility's treasurer;
 * 2. one ELECTRICITY market whose gate closes a few seconds ahead (ledger time is the client's
 *    proposal time): an Enterprise SELL and two Community BUYs for the call auction, and a
 *    bilateral fill between two Community members;
 * 3. the auction cleared after gate closure (2 trades at 105/kWh), meter reports (one full, one
 *    short, and the bilateral trade's), the bilateral trade disputed and ruled by the arbiters of
 *    two neutral orgs, then every trade settled after the dispute window (one penalty from the
 *    shortfall, one from the ruling);
 * 4. certificates issued for a savings project by Enterprise's verifier and partly retired, and a
 *    withdrawal by the treasurer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type EstpClient, connect, syncPeers } from '../../../application/src/gateway/client';
import { enroll, register } from '../../../application/src/gateway/ca';
import { identityFromWallet, resolveIdentity } from '../../../application/src/gateway/identity';
import { connectAs, loadNetwork, type NetworkInfo, orgSettings } from './network';
import type { Trade } from '../../../chaincode/src/records';

/** A tag unique to this test run, in every ID the sequence creates. */
export const RUN_TAG = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** The Trade record, as the chaincode defines it. */
export type TradeView = Trade;

/** A member the sequence enrolled and registered. */
export interface Member {
  readonly org: string;
  readonly user: string;
  readonly mspId: string;
  readonly participantId: string;
  readonly meterId: string;
}

/** What the sequence did, for the tests' expectations. */
export interface TradingDay {
  readonly run: string;
  /** Wall-clock (= ledger) time just before the first and just after the last transaction. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly marketId: string;
  readonly members: { seller: Member; buyerA: Member; buyerB: Member; sellerB: Member };
  /** Settled trades: the auction's full delivery and shortfall, and the disputed bilateral fill. */
  readonly trades: { full: TradeView; short: TradeView; disputed: TradeView };
  readonly deposited: number;
  readonly withdrawn: number;
  readonly certificates: { projectId: string; issuedWh: number; retiredWh: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until the wall clock (which stamps the next proposal) is past `ms`. */
async function until(ms: number): Promise<void> {
  const wait = ms - Date.now();
  if (wait > 0) await sleep(wait);
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Clients by `org/user`, connected once and closed at the end: the sequence's own members from
 * their temporary wallets, everyone else from their org's wallet.
 */
class Clients {
  private readonly open = new Map<string, Promise<EstpClient>>();

  constructor(
    private readonly network: NetworkInfo,
    private readonly walletRoot: string,
  ) {}

  /**
   * Waits until every org's peer has committed every block any of them has: before a step taken
   * through another org's peer than the step before (a commit is reported by the submitter's peer).
   */
  async sync(): Promise<void> {
    const readers = Object.values(this.network.orgs).map((org) => this.get(org.name, 'admin'));
    await syncPeers(await Promise.all(readers));
  }

  /** The temporary wallet of `org`, for the members this sequence enrols. */
  walletOf(org: string): string {
    return path.join(this.walletRoot, org);
  }

  get(org: string, user: string): Promise<EstpClient> {
    const key = `${org}/${user}`;
    let client = this.open.get(key);
    if (!client) {
      const own = identityFromWallet(this.walletOf(org), user) !== undefined;
      client = connect({ org, user, ...(own ? { wallet: this.walletOf(org) } : {}) });
      this.open.set(key, client);
    }
    return client;
  }

  async closeAll(): Promise<void> {
    for (const client of this.open.values()) (await client).close();
  }
}

/** Enrols a new member of `org`, registered by the org's CA registrar, into a temporary wallet. */
async function newMember(clients: Clients, org: string, label: string, run: string): Promise<Member> {
  const settings = orgSettings(org);
  const info = settings.org;
  const user = `aud-${run}-${label}`;
  const { secret } = await register(settings, { user, roles: ['member'] });
  await enroll({ org: info, wallet: clients.walletOf(org) }, user, secret);
  return {
    org,
    user,
    mspId: info.mspId,
    participantId: `${info.mspId}:${user}`,
    meterId: `MTR-${run}-${label}`,
  };
}

/**
 * A majority of the channel's orgs, `mspId` first: the gateway sends transient data only to the
 * orgs it is told to, and MAJORITY Endorsement needs 2 of 3 (3 of 4 once a fourth org joined).
 */
function majorityWith(connection: NetworkInfo, mspId: string): string[] {
  const orgs = [mspId, 'UtilityMSP', ...Object.keys(connection.orgs).sort()];
  return [...new Set(orgs)]
    .filter((org) => org in connection.orgs)
    .slice(0, Math.floor(Object.keys(connection.orgs).length / 2) + 1);
}

/** Participant:Register with the verification data, endorsed by a majority led by the member's org. */
async function registerParticipant(
  connection: NetworkInfo,
  clients: Clients,
  member: Member,
  gridZone: string,
): Promise<void> {
  const identity = resolveIdentity(clients.walletOf(member.org), orgSettings(member.org).org, member.user);
  const gateway = connectAs(member.org, identity);
  try {
    await gateway.contract('Participant').submit('Register', {
      arguments: [
        JSON.stringify({
          displayName: `Audit test ${member.user}`,
          kind: 'PROSUMER',
          commodities: ['ELECTRICITY', 'SAVINGS_CERT'],
          gridZone,
          meterIds: [member.meterId],
          capacityW: 10_000,
        }),
      ],
      transientData: { verification: Buffer.from(`identity document of ${member.user}`) },
      endorsingOrganizations: majorityWith(connection, member.mspId),
    });
  } finally {
    gateway.close();
  }
}

/** Runs ClearMarket until its last batch. */
async function clearFully(client: EstpClient, marketId: string): Promise<void> {
  for (let batch = 0; batch < 100; batch++) {
    const result = await client.submit('Market', 'ClearMarket', { marketId });
    if (result.batch.done) return;
  }
  throw new Error(`market ${marketId} did not clear in 100 batches`);
}

/** The neutral orgs' arbiters that must agree on a ruling between members of `partyMsp`. */
async function neutralArbiters(client: EstpClient, partyMsp: string): Promise<string[]> {
  const orgs = await client.evaluate('Consortium', 'ListOrganisations', { pageSize: 200 });
  const neutral = orgs.records
    .filter((org) => org.status === 'ACTIVE' && org.mspId !== partyMsp)
    .map((org) => org.mspId);
  const withArbiter = neutral.filter(
    (mspId) => identityFromWallet(orgSettings(mspId).wallet, 'arbiter') !== undefined,
  );
  const required = Math.min(2, neutral.length);
  if (withArbiter.length < required) {
    throw new Error(
      `a ruling needs arbiters of ${required} of [${neutral.join(', ')}]; their wallets have ${withArbiter.length}`,
    );
  }
  return withArbiter.slice(0, required);
}

/**
 * Runs the trading sequence (about 30 s). `log` receives one line per step; `run` tags its IDs
 * (another tag for each sequence run in one process, as the soak does). The market's windows
 * (gate closure, report deadline, dispute window) are real time; `pace` stretches them for a
 * caller that runs beside heavy load (the soak), where the sequence's own steps take longer.
 */
export async function tradingDay(
  log: (line: string) => void = () => undefined,
  run: string = RUN_TAG,
  pace = 1,
): Promise<TradingDay> {
  const connection = loadNetwork();
  const walletRoot = mkdtempSync(path.join(tmpdir(), 'estp-audit-wallet-'));
  const clients = new Clients(connection, walletRoot);
  const gridZone = `Z-${run}`;
  const marketId = `M-${run}`;
  const deposit = 100_000;
  const withdrawn = 1_000;
  try {
    const startedAt = Date.now() - 1000;
    // One at a time: a CA (sqlite) answers parallel registrations slowly enough to time out.
    const seller = await newMember(clients, 'enterprise', 's', run);
    const buyerA = await newMember(clients, 'community', 'a', run);
    const buyerB = await newMember(clients, 'community', 'b', run);
    const sellerB = await newMember(clients, 'community', 'c', run);
    const members = [seller, buyerA, buyerB, sellerB];
    log(`enrolled ${members.map((m) => m.participantId).join(', ')}`);
    await Promise.all(members.map((m) => registerParticipant(connection, clients, m, gridZone)));
    await Promise.all(
      members.map(async (m) =>
        (await clients.get(m.org, 'admin')).submit('Participant', 'Approve', { id: m.participantId }),
      ),
    );
    await clients.sync();
    const treasurer = await clients.get('utility', 'treasurer');
    await Promise.all(
      members.map((m) =>
        treasurer.submit('Settlement', 'Deposit', {
          accountId: m.participantId,
          amount: deposit,
          reference: `dep-${run}`,
        }),
      ),
    );
    await clients.sync();
    log('registered, approved and funded');

    const gateClosure = Date.now() + 7_000 * pace;
    const deliveryEnd = gateClosure + 1_000;
    // reports, then the dispute on a reported trade: room for both on a loaded machine
    const reportDeadline = deliveryEnd + 8_000 * pace;
    const disputeWindowMs = 4_000 * pace;
    await (
      await clients.get('utility', 'admin')
    ).submit('Market', 'OpenMarket', {
      marketId,
      commodity: 'ELECTRICITY',
      gridZone,
      gateClosure,
      deliveryStart: gateClosure,
      deliveryEnd,
      reportDeadline,
      disputeWindowMs,
    });
    const offer = async (
      m: Member,
      offerId: string,
      side: 'BUY' | 'SELL',
      quantityWh: number,
      price: number,
    ) =>
      (await clients.get(m.org, m.user)).submit('Market', 'PostOffer', {
        offerId,
        marketId,
        side,
        quantityWh,
        price,
      });
    const [, , , bilateral] = await Promise.all([
      offer(seller, 's1', 'SELL', 10_000, 100),
      offer(buyerA, 'a1', 'BUY', 6_000, 120),
      offer(buyerB, 'b1', 'BUY', 4_000, 110),
      offer(sellerB, 'c1', 'SELL', 3_000, 100),
    ]);
    const accepted = await (
      await clients.get(buyerA.org, buyerA.user)
    ).submit('Market', 'AcceptOffer', { id: bilateral.id, quantityWh: 3_000 });
    log(`market ${marketId} open with 4 offers; bilateral trade ${accepted.trade.id}`);

    await until(gateClosure + 300);
    await clients.sync();
    await clearFully(await clients.get(buyerA.org, buyerA.user), marketId);
    await clients.sync();
    const listed = await (
      await clients.get('utility', 'auditor')
    ).evaluate('Settlement', 'ListTrades', { marketId, pageSize: 200 });
    const auction = listed.records
      .filter((trade) => trade.id.startsWith(`${marketId}/c/`))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const [full, short] = auction;
    if (!full || !short || full.buyer !== buyerA.participantId || short.buyer !== buyerB.participantId) {
      throw new Error(`unexpected clearing of ${marketId}: ${JSON.stringify(listed.records)}`);
    }
    log(`cleared: ${auction.map((t) => `${t.id} ${t.quantityWh} Wh @ ${t.price}`).join(', ')}`);

    await until(deliveryEnd + 300);
    const meter = await clients.get('utility', 'meter');
    const disputed = accepted.trade;
    await Promise.all([
      meter.submit('Settlement', 'ReportDelivery', {
        tradeId: full.id,
        deliveredWh: full.quantityWh,
        meterId: seller.meterId,
        readingHash: sha256(`reading ${full.id}`),
      }),
      meter.submit('Settlement', 'ReportDelivery', {
        tradeId: short.id,
        deliveredWh: short.quantityWh / 2,
        meterId: seller.meterId,
        readingHash: sha256(`reading ${short.id}`),
      }),
      meter.submit('Settlement', 'ReportDelivery', {
        tradeId: disputed.id,
        deliveredWh: disputed.quantityWh,
        meterId: sellerB.meterId,
        readingHash: sha256(`reading ${disputed.id}`),
      }),
    ]);
    log('delivery reported');
    await clients.sync(); // the disputing buyer's peer must see the report

    // The bilateral trade is between two Community members, so every other ACTIVE org is neutral.
    await (
      await clients.get(buyerA.org, buyerA.user)
    ).submit('Dispute', 'Open', {
      tradeId: disputed.id,
      claim: `audit test ${run}: meter under-read`,
      evidenceHash: sha256(`evidence ${run}`),
    });
    await clients.sync();
    for (const mspId of await neutralArbiters(treasurer, buyerA.mspId)) {
      await (
        await clients.get(mspId, 'arbiter')
      ).submit('Dispute', 'Rule', {
        tradeId: disputed.id,
        deliveredWh: 1_500,
        penalty: 20,
        reason: 'meter log',
      });
      await clients.sync(); // the next arbiter's peer must see this ruling to agree with it
    }
    log(`dispute on ${disputed.id} ruled`);

    const projectId = `P-${run}`;
    const owner = await clients.get(buyerB.org, buyerB.user);
    const verifier = await clients.get('enterprise', 'verifier');
    // Each step goes through another org's peer than the one before: every org's peer first
    // commits the block of the step before (clients.sync), or the next would not see it.
    await owner.submit('Settlement', 'RegisterSavingsProject', {
      projectId,
      title: 'Audit test heat pumps',
      method: 'IPMVP Option C',
      baselineWh: 100_000,
      gridZone,
      evidenceHash: sha256(`project ${run}`),
    });
    await clients.sync();
    await verifier.submit('Settlement', 'IssueCertificates', {
      projectId,
      batchId: 'B1',
      quantityWh: 5_000,
      evidenceHash: sha256(`m&v ${run}`),
      periodStart: startedAt - 30 * 86_400_000,
      periodEnd: startedAt,
    });
    await clients.sync();
    await owner.submit('Settlement', 'RetireCertificates', {
      retirementId: `R-${run}`,
      quantityWh: 1_500,
    });
    await treasurer.submit('Settlement', 'Withdraw', {
      accountId: seller.participantId,
      amount: withdrawn,
      reference: `wd-${run}`,
    });
    log('certificates issued and retired; withdrawal done');

    await until(reportDeadline + disputeWindowMs + 300);
    await clients.sync();
    const settled: TradeView[] = [];
    for (const trade of [full, short, disputed]) {
      settled.push(await treasurer.submit('Settlement', 'Settle', { tradeId: trade.id }));
    }
    log('settled');
    const [settledFull, settledShort, settledDisputed] = settled as [TradeView, TradeView, TradeView];
    return {
      run,
      startedAt,
      endedAt: Date.now() + 1000,
      marketId,
      members: { seller, buyerA, buyerB, sellerB },
      trades: { full: settledFull, short: settledShort, disputed: settledDisputed },
      deposited: deposit * members.length,
      withdrawn,
      certificates: { projectId, issuedWh: 5_000, retiredWh: 1_500 },
    };
  } finally {
    await clients.closeAll();
    rmSync(walletRoot, { recursive: true, force: true });
  }
}
