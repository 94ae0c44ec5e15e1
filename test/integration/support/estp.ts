/**
 * Integration-test helpers over the application's own gateway library (application/src/gateway):
 * clients per (org, user) that a suite closes in afterAll, a run tag for run-unique ledger IDs,
 * idempotent onboarding of participants (their CA identities come from global-setup.ts), market
 * timelines in ledger time, a barrier across the orgs' peers, and the conservation totals. Everything is safe to repeat on a persistent ledger.
 */
import {
  connect,
  type ConnectOptions,
  type EstpClient,
  type SubmitResult,
  syncPeers,
} from '../../../application/src/gateway/client';
import { ChaincodeError } from '../../../application/src/gateway/errors';
import { identityFromWallet } from '../../../application/src/gateway/identity';
import { resolveSettings } from '../../../application/src/gateway/settings';
import { sharedGrpcClients } from '../../../application/src/gateway/grpc';
import { type MarketTimes, marketTimes, type Pacing } from '../../../application/src/demo/timeline';
import type { ContractName } from '../../../chaincode/src/declarations';
import type { InputOf, PagesName, ResultOf } from '../../../application/src/gateway/transactions';
import type { Account, Commodity, Page, Participant, TotalsResult } from '../../../chaincode/src/records';
import { loadNetwork, type NetworkInfo } from './network';

/** A run-unique tag for market, offer and reference IDs: `T<ms in base 36><random>`. */
export function newRunTag(): string {
  return `T${Date.now().toString(36)}${Math.floor(Math.random() * 1296)
    .toString(36)
    .padStart(2, '0')}`;
}

/** An (org, user) to act as; org is the short name (`community`). */
export interface Actor {
  readonly org: string;
  readonly user: string;
}

/**
 * The clients of one suite, each through its org's own profile and wallet; `closeAll()` in
 * afterAll.
 */
export class Clients {
  /** The channel's members, from the host org's profile. */
  readonly network: NetworkInfo;
  readonly #open: EstpClient[] = [];
  readonly #cached = new Map<string, Promise<EstpClient>>();

  constructor(network: NetworkInfo = loadNetwork()) {
    this.network = network;
  }

  /** The (cached) client of an actor with the default deadlines and retry policy. */
  of(actor: Actor): Promise<EstpClient> {
    const key = `${actor.org}/${actor.user}`;
    let client = this.#cached.get(key);
    if (!client) {
      client = this.open(actor);
      this.#cached.set(key, client);
    }
    return client;
  }

  /** A new client with its own options (deadlines, retry policy, onRetry), closed by closeAll. */
  async open(actor: Actor, options: Omit<ConnectOptions, 'org' | 'user'> = {}): Promise<EstpClient> {
    const client = await connect({ ...options, org: actor.org, user: actor.user });
    this.#open.push(client);
    return client;
  }

  /**
   * Waits until every org's peer has committed all blocks any of them has: call it before a step
   * that goes through another org's peer than the step before (see EstpClient.waitForBlock).
   */
  async sync(): Promise<void> {
    const readers = Object.values(this.network.orgs).map((org) => this.of({ org: org.name, user: 'admin' }));
    await syncPeers(await Promise.all(readers));
  }

  closeAll(): void {
    for (const client of this.#open.splice(0)) client.close();
    this.#cached.clear();
    sharedGrpcClients.closeAll();
  }
}

/** The suite's clients, closed after its last test. */
export function suiteClients(): Clients {
  const clients = new Clients();
  afterAll(() => {
    clients.closeAll();
  });
  return clients;
}

/** Runs `work` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A participant profile (Participant:Register input). */
export interface Profile {
  readonly displayName: string;
  readonly kind: 'SUPPLIER' | 'CONSUMER' | 'PROSUMER';
  readonly commodities: readonly Commodity[];
  readonly gridZone: string;
  readonly meterIds?: readonly string[];
}

/** Records as the chaincode defines them. */
export type ParticipantView = Participant;

/** Whether `error` is the chaincode's rejection with `code`. */
export function rejectedWith(error: unknown, code: string): boolean {
  return error instanceof ChaincodeError && error.code === code;
}

/** Registers the actor as a participant unless it is one already; returns its record. */
export async function ensureRegistered(
  clients: Clients,
  actor: Actor,
  profile: Profile,
): Promise<ParticipantView> {
  const client = await clients.of(actor);
  try {
    return await client.evaluate('Participant', 'Self');
  } catch (error) {
    if (!rejectedWith(error, 'ESTP_NOT_FOUND')) throw error;
  }
  try {
    return await client.submit('Participant', 'Register', profile, {
      transient: { verification: `identity check of ${actor.org}/${actor.user}` },
      endorsingOrganizations: client.majorityEndorsers(),
    });
  } catch (error) {
    // Another suite registered it meanwhile.
    if (!rejectedWith(error, 'ESTP_ALREADY_EXISTS')) throw error;
    return client.evaluate('Participant', 'Self');
  }
}

/** Registers (if needed) and approves (if PENDING) the actor; returns the ACTIVE record. */
export async function ensureActive(
  clients: Clients,
  actor: Actor,
  profile: Profile,
): Promise<ParticipantView> {
  let record = await ensureRegistered(clients, actor, profile);
  const admin = await clients.of({ org: actor.org, user: 'admin' });
  if (record.status !== 'ACTIVE') await clients.sync();
  if (record.status === 'PENDING') {
    record = await admin.submit('Participant', 'Approve', { id: record.id });
  } else if (record.status === 'SUSPENDED') {
    record = await admin.submit('Participant', 'Reinstate', { id: record.id });
  }
  if (record.status !== 'ACTIVE') throw new Error(`${record.id} is ${record.status}, cannot be made ACTIVE`);
  return record;
}

/**
 * Makes every org's `arbiter` (a user of network/config/topology.sh) an ACTIVE participant:
 * arbiters rule and add evidence only as ACTIVE participants of ACTIVE orgs (docs/trust.md).
 */
export async function ensureArbiters(clients: Clients): Promise<void> {
  for (const org of Object.values(clients.network.orgs)) {
    if (!identityFromWallet(resolveSettings({ org: org.name }).wallet, 'arbiter')) continue;
    await ensureActive(
      clients,
      { org: org.name, user: 'arbiter' },
      {
        displayName: `${org.mspId} arbitration desk`,
        kind: 'CONSUMER',
        commodities: ['ELECTRICITY'],
        gridZone: 'ZONE-A',
      },
    );
  }
}

export const TREASURER: Actor = { org: 'utility', user: 'treasurer' };
export const AUDITOR: Actor = { org: 'utility', user: 'auditor' };
export const MARKET_OPERATOR: Actor = { org: 'utility', user: 'admin' };
export const METER: Actor = { org: 'utility', user: 'meter' };

export type AccountView = Account;

/** Credits a participant holds in all: available + escrowed. */
export function holdings(account: AccountView): number {
  return account.available + account.escrowed;
}

export type TotalsView = TotalsResult;

/** Audit:Totals as the utility's auditor. */
export async function totals(clients: Clients): Promise<TotalsView> {
  return (await clients.of(AUDITOR)).evaluate('Audit', 'Totals');
}

/** Market times for a market opened now, in ledger time (ms): the demo's {@link MarketTimes}. */
export type Timeline = MarketTimes;

/**
 * A timeline starting now: offers for `offersMs`, then (unless given) 1 s of delivery, 5 s for
 * reports, a 1 s dispute window and no ruling notice.
 */
export function timeline(spans: Partial<Pacing> & { offersMs: number }): Timeline {
  return marketTimes(Date.now(), {
    deliveryMs: 1_000,
    reportsMs: 5_000,
    disputeWindowMs: 1_000,
    rulingNoticeMs: 0,
    ...spans,
  });
}

/**
 * Opens a ZONE-A ELECTRICITY market as the market operator, taking offers for `offersMs`, with
 * delivery and reports on the default short {@link timeline}. Returns its times.
 */
export async function openElectricityMarket(
  clients: Clients,
  marketId: string,
  offersMs: number,
): Promise<Timeline> {
  const { times } = await openElectricityMarketAs(await clients.of(MARKET_OPERATOR), marketId, offersMs);
  return times;
}

/**
 * {@link openElectricityMarket} as `client` (an ESTP admin), with the committed transaction. With
 * `settleable`, the market also takes the timeline's report deadline and dispute window (seconds
 * instead of the chaincode's default day), so its trades can be settled within the run. `pacing`
 * replaces spans of the default timeline.
 */
export async function openElectricityMarketAs(
  client: EstpClient,
  marketId: string,
  offersMs: number,
  { settleable = false, pacing = {} }: { settleable?: boolean; pacing?: Partial<Pacing> } = {},
): Promise<{ times: Timeline; committed: SubmitResult }> {
  const times = timeline({ ...pacing, offersMs });
  const committed = await client.submitText('Market', 'OpenMarket', {
    marketId,
    commodity: 'ELECTRICITY',
    gridZone: 'ZONE-A',
    deliveryStart: times.deliveryStart,
    deliveryEnd: times.deliveryEnd,
    gateClosure: times.gateClosure,
    ...(settleable ? { reportDeadline: times.reportDeadline, disputeWindowMs: times.disputeWindowMs } : {}),
  });
  return { times, committed };
}

/** Waits until this machine's clock (which stamps the transactions) is past `time` by a margin. */
export { waitUntil } from '../../../application/src/demo/timeline';

/** Polls `probe` until it returns true, up to `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every page of a list query (`pageSize` records each), and how many pages it took. */
export async function allPages<C extends ContractName, T extends PagesName<C>>(
  client: EstpClient,
  contract: C,
  transaction: T,
  input: Omit<InputOf<C, T>, 'bookmark' | 'pageSize'>,
  pageSize = 50,
): Promise<{ records: RecordOf<ResultOf<C, T>>[]; pages: number }> {
  const records: RecordOf<ResultOf<C, T>>[] = [];
  let pages = 0;
  const first = { ...input, pageSize } as Omit<InputOf<C, T>, 'bookmark'>;
  for await (const page of client.pages(contract, transaction, first)) {
    records.push(...(page as Page<RecordOf<ResultOf<C, T>>>).records);
    pages += 1;
  }
  return { records, pages };
}

/** The record type of a page. */
type RecordOf<P> = P extends Page<infer R> ? R : never;
