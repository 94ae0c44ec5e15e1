/**
 * Onboarding CityMSP into the running network (`npm run network:add-org`, network/scripts/add-org.sh):
 * the channel configuration gains the org and its anchor peer, City's peer joins and holds the
 * whole ledger, the Organisation record is voted ACTIVE, and a City member registers, is approved
 * by City's admin and trades with a founding-org member in a market that clears and settles —
 * City's peer endorsing. Then a majority of the four orgs suspends City (its identities are refused)
 * and reinstates it. The script runs twice: the second run must change nothing, so the test passes
 * again on an onboarded network.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { summariseConfig } from '../../application/src/admin/config';
import { currentConfig, ledgerHeights } from '../../application/src/admin/operations';
import { fabricAdminOf } from '../../application/src/admin/signer';
import { certificateRoles } from '../../application/src/gateway/ca';
import { ChaincodeError } from '../../application/src/gateway/errors';
import { identityFromWallet, walletLabels } from '../../application/src/gateway/identity';
import { loadProfile } from '../../application/src/gateway/profile';
import { Clients } from './support/estp';
import {
  connect,
  errorDetails,
  type GatewayConnection,
  loadNetwork,
  type NetworkInfo,
  orgSettings,
} from './support/network';
import type {
  Account,
  OrganisationDecision,
  OrganisationView,
  Participant,
  Trade,
} from '../../chaincode/src/records';

const run = promisify(execFile);
const ADD_ORG = path.resolve(__dirname, '../../network/scripts/add-org.sh');
const utf8 = new TextDecoder();
const CITY = 'CityMSP';
const ZONE = 'ZONE-A';
const RUN = Date.now().toString(36);

interface ScriptRun {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs add-org.sh; a failure carries the script's own step output and log tail. */
async function addOrg(): Promise<ScriptRun> {
  try {
    return await run('bash', [ADD_ORG], { env: process.env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`add-org.sh failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

let first: ScriptRun;
let second: ScriptRun;
let network: NetworkInfo;

beforeAll(async () => {
  // Given the running network, When admins onboard City (twice)
  first = await addOrg();
  second = await addOrg();
  network = loadNetwork();
}, 480_000);

const connections: GatewayConnection[] = [];
function gateway(org: string, user: string): GatewayConnection {
  const connection = connect(org, user);
  connections.push(connection);
  return connection;
}
/** Clients with retries and a cross-peer barrier, over the profiles that list City (after beforeAll). */
let clientsOnce: Clients | undefined;
function clients(): Clients {
  clientsOnce ??= new Clients();
  return clientsOnce;
}
afterAll(() => {
  for (const connection of connections) connection.close();
  clientsOnce?.closeAll();
});

async function submit<T>(
  org: string,
  user: string,
  contract: string,
  transaction: string,
  input: object,
  options: { transientData?: Record<string, Uint8Array>; endorsingOrganizations?: string[] } = {},
): Promise<T> {
  const bytes = await gateway(org, user)
    .contract(contract)
    .submit(transaction, { arguments: [JSON.stringify(input)], ...options });
  return JSON.parse(utf8.decode(bytes)) as T;
}

async function evaluate<T>(
  org: string,
  user: string,
  contract: string,
  transaction: string,
  input: object,
): Promise<T> {
  const bytes = await gateway(org, user)
    .contract(contract)
    .evaluate(transaction, { arguments: [JSON.stringify(input)] });
  return JSON.parse(utf8.decode(bytes)) as T;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Waits until the wall clock (= the next transaction's ledger time) is past `ms`. */
async function until(ms: number): Promise<void> {
  const wait = ms - Date.now();
  if (wait > 0) await sleep(wait);
}

/**
 * A majority of the channel's orgs with `own` first: the endorsers of a transaction that writes
 * `own`'s implicit collection (the gateway only sends transient data to orgs it is told to).
 */
function endorsersWith(own: string): string[] {
  const others = Object.keys(network.orgs).filter((mspId) => mspId !== own);
  const majority = Math.floor(Object.keys(network.orgs).length / 2) + 1;
  return [own, ...others.slice(0, majority - 1)];
}

/** `org`'s `user` registered and ACTIVE (registered and approved by the org's admin if needed). */
async function activeParticipant(org: string, user: string, meterIds: string[]): Promise<Participant> {
  const mspId = Object.values(network.orgs).find((candidate) => candidate.name === org)?.mspId ?? org;
  const id = `${mspId}:${user}`;
  let participant: Participant;
  try {
    participant = await submit<Participant>(
      org,
      user,
      'Participant',
      'Register',
      {
        displayName: `${org} ${user}`,
        kind: 'PROSUMER',
        commodities: ['ELECTRICITY'],
        gridZone: ZONE,
        meterIds,
        capacityW: 10_000,
      },
      {
        transientData: { verification: Buffer.from(`identity document of ${id}`) },
        endorsingOrganizations: endorsersWith(mspId),
      },
    );
  } catch (error) {
    if (!errorDetails(error).some((message) => message.includes('ESTP_ALREADY_EXISTS'))) throw error;
    participant = await evaluate<Participant>(org, user, 'Participant', 'Get', { id });
  }
  if (participant.status === 'PENDING') {
    participant = await submit<Participant>(org, 'admin', 'Participant', 'Approve', { id });
  }
  return participant;
}

describe('onboarding CityMSP', () => {
  test('the script onboards City, or finds it onboarded; a second run changes nothing', () => {
    expect(first.stdout).toMatch(/CityMSP onboarded in|nothing changed: CityMSP was already onboarded/);
    expect(second.stdout).toContain('nothing changed: CityMSP was already onboarded');
    // And every step printed one progress line
    expect(second.stdout.match(/^\[\s*\d+\/\d+\] .* … ok/gm)?.length).toBeGreaterThanOrEqual(20);
  });

  test("City has its own profile (its peers on its own address, its CA) and wallet; the others' profiles list City's peers", () => {
    const city = orgSettings('city');
    const endpoints = (org: { peers: readonly { endpoint: string }[] } | undefined) =>
      org?.peers.map((peer) => peer.endpoint);
    expect(city.org.mspId).toBe(CITY);
    expect(city.org.peers).toHaveLength(2);
    for (const endpoint of endpoints(city.org) ?? []) expect(endpoint).toMatch(/^127\.0\.4\.1:\d+$/);
    expect(city.org.ca?.caName).toBe('ca-city');
    const users = walletLabels(city.wallet).filter((label) =>
      ['admin', 'auditor', 'member1', 'member2'].includes(label),
    );
    expect(
      Object.fromEntries(
        users.map((user) => [
          user,
          certificateRoles(identityFromWallet(city.wallet, user)?.certificate ?? ''),
        ]),
      ),
    ).toEqual({ admin: ['admin'], auditor: ['auditor'], member1: ['member'], member2: ['member'] });
    for (const founder of ['utility', 'enterprise', 'community']) {
      const profile = loadProfile(orgSettings(founder).profile.file);
      expect(endpoints(profile.orgs[CITY])).toEqual(endpoints(city.org));
    }
  });

  test('the channel configuration has CityMSP with its anchor peers', async () => {
    // When the configuration in force is read from the orderer (as a founding org's admin)
    const summary = summariseConfig(await currentConfig(fabricAdminOf(orgSettings('utility'))));

    // Then City is an application org, its peers its anchor peers
    expect(summary.applicationOrgs).toContainEqual({
      mspId: CITY,
      anchorPeers: network.orgs[CITY]?.peers.map((peer) => peer.endpoint),
    });
    expect(summary.applicationOrgs).toHaveLength(4);
  });

  test("City's peers hold the whole ledger: their height equals every other peer's", async () => {
    // Asked by City's own admin, from City's own directory
    const admin = fabricAdminOf(orgSettings('city'));
    const orgs = Object.values(admin.profile.orgs);
    let heights = await ledgerHeights(admin, orgs);
    for (let attempt = 0; attempt < 20 && new Set(heights.map((row) => row.height)).size > 1; attempt++) {
      await sleep(500); // a block may be on its way to some peers
      heights = await ledgerHeights(admin, orgs);
    }
    const city = heights.find((row) => row.mspId === CITY);
    expect(heights.filter((row) => row.mspId === CITY)).toHaveLength(2);
    expect(city?.height).toBeGreaterThan(0);
    expect(heights.map((row) => row.height)).toEqual(heights.map(() => city?.height));
  });

  test('the Organisation record is ACTIVE, approved by a majority, seen from City and Utility peers', async () => {
    // When City's admin (City's peer) and a utility member (utility's peer) read it
    const fromCity = await evaluate<OrganisationView>('city', 'admin', 'Consortium', 'GetOrganisation', {
      mspId: CITY,
    });
    const fromUtility = await evaluate<{ records: OrganisationView[] }>(
      'utility',
      'member1',
      'Consortium',
      'ListOrganisations',
      { pageSize: 50 },
    );

    // Then both see it ACTIVE, with the capabilities network/config/orgs/city.sh states, with the
    // votes of a majority of the three founding orgs
    expect(fromCity).toMatchObject({
      mspId: CITY,
      status: 'ACTIVE',
      capabilities: ['admin', 'arbiter', 'auditor', 'member'],
      selfMeteringZones: [],
    });
    expect(fromCity.approvals.length).toBeGreaterThanOrEqual(2);
    expect(fromUtility.records.find((org) => org.mspId === CITY)).toMatchObject({ status: 'ACTIVE' });
  });

  test('a City member registers, is approved by City, and its trade with a founding member settles', async () => {
    // Given City member1 (buyer, registered through City's peer, endorsed by City and two other orgs)
    const buyer = await activeParticipant('city', 'member1', ['CITY-M-1']);
    // And a founding-org member (seller) in the same grid zone
    const seller = await activeParticipant('community', 'member3', ['COMMUNITY-M-3']);
    for (const participant of [buyer, seller]) {
      expect(participant).toMatchObject({ status: 'ACTIVE', gridZone: ZONE });
    }
    // And credits for the buyer's escrow and the seller's collateral
    await submit('utility', 'treasurer', 'Settlement', 'Deposit', {
      accountId: buyer.id,
      amount: 5_000,
      reference: `city-${RUN}-buyer`,
    });
    await submit('utility', 'treasurer', 'Settlement', 'Deposit', {
      accountId: seller.id,
      amount: 1_000,
      reference: `city-${RUN}-seller`,
    });
    const account = (id: string) =>
      evaluate<Account>('utility', 'member1', 'Settlement', 'GetAccount', { participantId: id });
    const [buyerBefore, sellerBefore] = await Promise.all([account(buyer.id), account(seller.id)]);

    // When utility's admin opens a market closing in a few seconds of ledger time
    const marketId = `CITY-${RUN}`;
    const gateClosure = Date.now() + 15_000;
    const deliveryEnd = gateClosure + 1_000;
    const reportDeadline = deliveryEnd + 10_000;
    const disputeWindowMs = 1_000;
    await submit('utility', 'admin', 'Market', 'OpenMarket', {
      marketId,
      commodity: 'ELECTRICITY',
      gridZone: ZONE,
      deliveryStart: gateClosure,
      deliveryEnd,
      gateClosure,
      reportDeadline,
      disputeWindowMs,
    });
    // And City's member bids 10 kWh at 120, the founding member asks 10 kWh at 100
    await submit('city', 'member1', 'Market', 'PostOffer', {
      offerId: `buy-${RUN}`,
      marketId,
      side: 'BUY',
      quantityWh: 10_000,
      price: 120,
    });
    await submit('community', 'member3', 'Market', 'PostOffer', {
      offerId: `sell-${RUN}`,
      marketId,
      side: 'SELL',
      quantityWh: 10_000,
      price: 100,
    });
    // And after gate closure City's member clears the market
    await until(gateClosure + 500);
    for (let batch = 0; batch < 10; batch++) {
      const result = await submit<{ batch: { done: boolean } }>('city', 'member1', 'Market', 'ClearMarket', {
        marketId,
      });
      if (result.batch.done) break;
    }
    const { records: trades } = await evaluate<{ records: Trade[] }>(
      'city',
      'member1',
      'Settlement',
      'ListTrades',
      {
        marketId,
      },
    );
    expect(trades).toHaveLength(1);
    const trade = trades[0]!;
    expect(trade).toMatchObject({ buyer: buyer.id, seller: seller.id, quantityWh: 10_000, price: 110 });
    // And Utility's meter reports the full delivery after delivery end
    await until(deliveryEnd + 500);
    await submit('utility', 'meter', 'Settlement', 'ReportDelivery', {
      tradeId: trade.id,
      deliveredWh: 10_000,
      meterId: 'CITY-M-1',
      readingHash: createHash('sha256').update(`reading ${trade.id}`).digest('hex'),
    });
    // And City's member settles after the dispute window
    await until(reportDeadline + disputeWindowMs + 500);
    const settled = await submit<Trade>('city', 'member1', 'Settlement', 'Settle', { tradeId: trade.id });

    // Then the trade is SETTLED, seen from another org's peer too (once it committed the block)
    expect(settled.status).toBe('SETTLED');
    await clients().sync();
    expect(
      await evaluate<Trade>('enterprise', 'member1', 'Settlement', 'GetTrade', { tradeId: trade.id }),
    ).toMatchObject({ status: 'SETTLED' });
    // And the buyer paid value(10 kWh, 110) = 1 100 to the seller; escrows and collateral are released
    const [buyerAfter, sellerAfter] = await Promise.all([account(buyer.id), account(seller.id)]);
    expect(buyerAfter.available - buyerBefore.available).toBe(-1_100);
    expect(sellerAfter.available - sellerBefore.available).toBe(1_100);
    expect(buyerAfter.escrowed).toBe(buyerBefore.escrowed);
    expect(sellerAfter.escrowed).toBe(sellerBefore.escrowed);
  }, 180_000);

  test('a majority of the ACTIVE orgs suspends City: its identities are refused until reinstated', async () => {
    const estp = clients();
    const admin = (org: string) => estp.of({ org, user: 'admin' });
    /** Utility's admin proposes a change of City; returns the proposal's ID. */
    const propose = async (kind: 'SUSPEND' | 'REINSTATE'): Promise<OrganisationDecision> => {
      const proposed = await (
        await admin('utility')
      ).submit('Consortium', 'ProposeChange', {
        mspId: CITY,
        change: kind,
        reason: `add-org test ${RUN}`,
      });
      await estp.sync();
      return proposed;
    };
    const approve = async (org: string, proposalId: string): Promise<OrganisationDecision> =>
      (await admin(org)).submit('Consortium', 'ApproveChange', { proposalId });
    const summary = (step: OrganisationDecision) => [
      step.organisation.status,
      step.approvals.length,
      step.requiredApprovals,
    ];
    /** What City's auditor and member1 get now: a read (Audit:Totals) and a write (PostOffer). */
    const cityAttempts = async (): Promise<string[]> =>
      Promise.all([
        (await estp.of({ org: 'city', user: 'auditor' })).evaluate('Audit', 'Totals').then(
          () => 'auditor reads',
          (error: unknown) =>
            error instanceof ChaincodeError ? `${error.code}: ${error.chaincodeMessage}` : String(error),
        ),
        (await estp.of({ org: 'city', user: 'member1' }))
          .submit('Market', 'PostOffer', {
            offerId: `suspended-${RUN}`,
            marketId: `NO-MARKET-${RUN}`,
            side: 'BUY',
            quantityWh: 1_000,
            price: 100,
          })
          .then(
            () => 'member1 posts',
            (error: unknown) =>
              error instanceof ChaincodeError ? `${error.code}: ${error.chaincodeMessage}` : String(error),
          ),
      ]);
    // Given City ACTIVE (an interrupted earlier run may have left it SUSPENDED)
    const before = await (
      await admin('utility')
    ).evaluate('Consortium', 'GetOrganisation', {
      mspId: CITY,
    });
    if (before.status === 'SUSPENDED') {
      const { proposal } = await propose('REINSTATE');
      await approve('enterprise', proposal.id);
      await estp.sync();
    }

    // When Utility proposes to suspend City, and Enterprise and Community approve at the same time
    const suspension = await propose('SUSPEND');
    const votes = await Promise.all([
      approve('enterprise', suspension.proposal.id),
      approve('community', suspension.proposal.id),
    ]);
    await estp.sync();
    // Then one proposal vote is not enough with four ACTIVE orgs, and of the two racing votes the
    // one that commits second counts both (a vote endorsed before the other committed fails with a
    // phantom read and is endorsed again): exactly one suspends City, none is lost or counted twice
    expect(summary(suspension)).toEqual(['ACTIVE', 1, 3]);
    expect(votes.map(summary).sort()).toEqual([
      ['ACTIVE', 2, 3],
      ['SUSPENDED', 3, 3],
    ]);
    // And City's identities can neither read the audit queries nor write
    expect(await cityAttempts()).toEqual([
      'ESTP_FORBIDDEN: CityMSP is SUSPENDED; only identities of ACTIVE organisations act as auditor',
      'ESTP_FORBIDDEN: CityMSP is SUSPENDED; only identities of ACTIVE organisations act as member',
    ]);

    // When the other orgs reinstate it (City, SUSPENDED, does not vote: 2 of the 3 others suffice)
    const reinstatement = await propose('REINSTATE');
    const adopted = await approve('enterprise', reinstatement.proposal.id);
    await estp.sync();
    expect([summary(reinstatement), summary(adopted)]).toEqual([
      ['SUSPENDED', 1, 2],
      ['ACTIVE', 2, 2],
    ]);
    // Then City's auditor reads again and its member gets past the authorisation to the market check
    expect(await cityAttempts()).toEqual([
      'auditor reads',
      `ESTP_NOT_FOUND: Market NO-MARKET-${RUN} does not exist`,
    ]);
  }, 180_000);
});
