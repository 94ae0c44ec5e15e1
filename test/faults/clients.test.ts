/**
 * The gateway client under faults of the real network (npm run test:faults; docs/reliability.md,
 * "Clients"):
 *
 * - the Raft leader SIGKILLed while members of every org post offers: the transactions the dead
 *   leader dropped are sent again (the same signed envelopes) and commit within seconds; no call
 *   waits more than 10 s after the kill, the commits stop for at most 10 s, and every acknowledged
 *   offer is on the ledger once;
 * - a committed transaction replayed to the orderers: ordered again, marked DUPLICATE_TXID by the
 *   peers, applied once, and its status by ID is still the first copy's;
 * - more concurrent requests than the org's gateways admit: clean `RESOURCE_EXHAUSTED` errors
 *   (exit code 3) within the call's deadline, none hanging.
 *
 * The fake-peer cases (refused, stalled TLS, stalled after connect, reset) need no network:
 * test/unit/application/cli/unreachable-peer.test.ts.
 */
import { connect as connectGateway, type Gateway } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp, peer as peerProtos } from '@hyperledger/fabric-protos';
import { parseBlock, parseTransaction } from '../../application/src/audit/parse';
import { networkUp, raftQuorum, restarted, sigkill, waitFor } from './support';
import { type EstpEvent, followEvents } from '../../application/src/gateway/events';
import { DEFAULT_DEADLINES, type EstpClient } from '../../application/src/gateway/client';
import { EstpClientError, UnavailableError } from '../../application/src/gateway/errors';
import { newPeerClient } from '../../application/src/gateway/grpc';
import { gatewayIdentity, gatewaySigner, resolveIdentity } from '../../application/src/gateway/identity';
import { ensureIdentity } from '../../application/src/gateway/provision';
import { resolveSettings } from '../../application/src/gateway/settings';
import {
  type Actor,
  AUDITOR,
  ensureActive,
  mapLimit,
  newRunTag,
  openElectricityMarket,
  suiteClients,
  totals,
  TREASURER,
} from '../integration/support/estp';

const RUN = newRunTag();
const clients = suiteClients();
const MARKET = `${RUN}-CLIENT-FAULTS`;
const ORGS = ['utility', 'enterprise', 'community'] as const;
/** Two members per org, registered by their org's CA on first use. */
const MEMBERS: readonly Actor[] = ORGS.flatMap((org) =>
  [1, 2].map((n) => ({ org, user: `fault-client-${org}-${n}` })),
);
/** The longest any call may wait after a Raft leader dies, and the longest pause in commits. */
const LEADER_LOSS_MS = 10_000;
/** Per kWh: the lowest price a default market takes for 1 kWh (its price floor, docs/trading.md). */
const PRICE = 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  await mapLimit(MEMBERS, 2, (actor) =>
    ensureIdentity(resolveSettings({ org: actor.org }), { user: actor.user, roles: ['member'] }),
  );
  const records = await mapLimit(MEMBERS, 3, (actor) =>
    ensureActive(clients, actor, {
      displayName: `client fault ${actor.user}`,
      kind: 'PROSUMER',
      commodities: ['ELECTRICITY'],
      gridZone: 'ZONE-A',
    }),
  );
  const treasurer = await clients.of(TREASURER);
  for (const record of records) {
    await treasurer.submit('Settlement', 'Deposit', {
      accountId: record.id,
      amount: 100_000,
      reference: `${RUN}-fund`,
    });
  }
  await openElectricityMarket(clients, MARKET, 60 * 60_000);
  await clients.sync();
}, 600_000);

// --- Load ---------------------------------------------------------------------------------------

/** One call of the load: when it ran and how it ended. */
interface Call {
  /** The offer's owner, `<mspId>:<user>`. */
  readonly member: string;
  readonly offerId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly transactionId?: string;
  readonly error?: unknown;
}

/**
 * Members posting 1 kWh offers one after the other, without pause, until stopped; with how many
 * transactions their clients sent to the orderers again.
 */
async function postUntil(stop: () => boolean): Promise<{ calls: Call[]; resent: Set<string> }> {
  const calls: Call[] = [];
  const resent = new Set<string>();
  let serial = 0;
  await Promise.all(
    MEMBERS.map(async (actor) => {
      const client: EstpClient = await clients.open(actor, {
        onResubmit: (transactionId) => resent.add(transactionId),
      });
      const member = client.participantId;
      while (!stop()) {
        const offerId = `${RUN}-${actor.user}-${++serial}`;
        const startedAt = Date.now();
        try {
          const { transactionId } = await client.submitText('Market', 'PostOffer', {
            offerId,
            marketId: MARKET,
            side: serial % 2 === 0 ? 'BUY' : 'SELL',
            quantityWh: 1_000,
            price: PRICE,
          });
          calls.push({ member, offerId, startedAt, endedAt: Date.now(), transactionId });
        } catch (error) {
          calls.push({ member, offerId, startedAt, endedAt: Date.now(), error });
          await sleep(200);
        }
      }
    }),
  );
  return { calls, resent };
}

/** The longest time without an acknowledged commit in [from, to]. */
function longestCommitGap(calls: readonly Call[], from: number, to: number): number {
  const acks = calls
    .filter((call) => call.transactionId !== undefined && call.endedAt >= from && call.endedAt <= to)
    .map((call) => call.endedAt);
  const times = [from, ...acks.sort((a, b) => a - b), to];
  return times.slice(1).reduce((gap, at, index) => Math.max(gap, at - (times[index] as number)), 0);
}

/** How many times each text occurs. */
function countBy(texts: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of texts) counts[text] = (counts[text] ?? 0) + 1;
  return counts;
}

function describeError(error: unknown): string {
  return error instanceof EstpClientError ? `${error.code}: ${error.message}` : String(error);
}

// --- A raw gateway on each of an org's peers ----------------------------------------------------

/** One gateway per peer of `org` as `user`, for what the library does not do on purpose. */
function rawGateways(org: string, user: string): { gateways: Gateway[]; close(): void; creator: Uint8Array } {
  const settings = resolveSettings({ org });
  const identity = resolveIdentity(settings.wallet, settings.org, user);
  const grpcClients = settings.org.peers.map((peer) => newPeerClient(peer));
  const gateways = grpcClients.map((client) =>
    connectGateway({ client, identity: gatewayIdentity(identity), signer: gatewaySigner(identity) }),
  );
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(Buffer.from(identity.certificate));
  return {
    gateways,
    creator: creator.serializeBinary(),
    close: () => {
      for (const gateway of gateways) gateway.close();
      for (const client of grpcClients) client.close();
    },
  };
}

// --- The cases ----------------------------------------------------------------------------------

describe('a Raft leader killed under load', () => {
  test('costs seconds: no call waits more than 10 s after the kill, commits resume within 10 s, nothing is lost', async () => {
    // Given members of every org posting offers, and the current leader
    const leader = await raftQuorum();
    let stopped = false;
    const load = postUntil(() => stopped);
    await sleep(6_000);

    // When the leader is SIGKILLed
    const killedAt = Date.now();
    await sigkill(leader);
    await sleep(25_000);
    stopped = true;
    const { calls, resent } = await load;
    const end = Date.now();
    // (the orderer comes back: its supervisor, or network:up)
    await networkUp();

    // Then no call in flight at the kill or started after it waited more than 10 s after the kill
    const after = calls.filter((call) => call.endedAt >= killedAt);
    const waits = after.map((call) => call.endedAt - Math.max(call.startedAt, killedAt));
    const failures = after.filter((call) => call.error !== undefined);
    const gap = longestCommitGap(calls, killedAt, end);
    const duplicates = await orderedTwice(calls.filter((call) => call.transactionId !== undefined));
    const slowest = after.reduce((worst, call) =>
      call.endedAt - Math.max(call.startedAt, killedAt) > worst.endedAt - Math.max(worst.startedAt, killedAt)
        ? call
        : worst,
    );
    console.log(
      `leader ${leader} killed: ${calls.length} calls, ${after.length} after the kill; longest wait after it ` +
        `${(Math.max(...waits) / 1000).toFixed(1)} s; longest commit gap ${(gap / 1000).toFixed(1)} s; ` +
        `${failures.length} failed ${JSON.stringify(countBy(failures.map((call) => describeError(call.error))))}; ` +
        `${resent.size} transactions sent to the orderers again, ${duplicates} of them ordered twice; slowest: ` +
        `${slowest.offerId} from ${slowest.startedAt - killedAt} ms to ${slowest.endedAt - killedAt} ms after the kill` +
        (slowest.error === undefined ? '' : `: ${describeError(slowest.error)}`),
    );
    expect(Math.max(...waits)).toBeLessThanOrEqual(LEADER_LOSS_MS);
    expect(gap).toBeLessThanOrEqual(LEADER_LOSS_MS);
    // Every failure is a clean network error (exit code 3), none a hang or a bug
    for (const call of failures) expect(call.error).toBeInstanceOf(UnavailableError);

    // And every acknowledged offer is on the ledger, once
    await clients.sync();
    const auditor = await clients.of(AUDITOR);
    const acknowledged = calls.filter((call) => call.transactionId !== undefined);
    const found = await mapLimit(acknowledged, 8, async (call) => {
      const id = `${call.member}/${call.offerId}`;
      return (await auditor.evaluate('Market', 'GetOffer', { id })).id === id;
    });
    expect(found.filter((ok) => !ok)).toEqual([]);
    const { conservation } = await totals(clients);
    expect(conservation.money.balanced).toBe(true);
  });
});

/**
 * How many acknowledged transactions were ordered more than once (sent again after their first
 * copy had not committed in time, and both reached a block), counted in the last 400 blocks.
 */
async function orderedTwice(acknowledged: readonly Call[]): Promise<number> {
  const ids = new Set(acknowledged.map((call) => call.transactionId));
  const auditor = await clients.of(AUDITOR);
  const height = await auditor.ledgerHeight();
  const seen = new Map<string, number>();
  const from = height > 400n ? height - 400n : 0n;
  for (let number = from; number < height; number++) {
    const block = parseBlock(
      await auditor.evaluateSystem('qscc', 'GetBlockByNumber', 'estp', String(number)),
    );
    for (const envelope of block.data) {
      const { txId } = parseTransaction(envelope);
      if (ids.has(txId)) seen.set(txId, (seen.get(txId) ?? 0) + 1);
    }
  }
  return [...seen.values()].filter((copies) => copies > 1).length;
}

describe('a committed transaction replayed to the orderers', () => {
  test('is ordered again, marked DUPLICATE_TXID and applied once; its status by ID stays the first', async () => {
    // Given a committed deposit
    const member = (await clients.of(MEMBERS[0] as Actor)).participantId;
    const auditor = await clients.of(AUDITOR);
    const raw = rawGateways(TREASURER.org, TREASURER.user);
    try {
      const [gateway] = raw.gateways as [Gateway];
      const contract = gateway.getNetwork('estp').getContract('estp', 'Settlement');
      const before = await auditor.evaluate('Settlement', 'GetAccount', { participantId: member });
      const transaction = await contract
        .newProposal('Deposit', {
          arguments: [JSON.stringify({ accountId: member, amount: 321, reference: `${RUN}-replay` })],
        })
        .endorse();
      const submitted = await transaction.submit();
      const first = await submitted.getStatus();
      expect(first.successful).toBe(true);
      const envelope = transaction.getBytes();

      // When the very same signed envelope is sent to the orderers again
      const heightBefore = await auditor.ledgerHeight();
      await gateway.newTransaction(envelope).submit();

      // Then a later block carries the copy, marked DUPLICATE_TXID
      const copy = await findCopy(auditor, transaction.getTransactionId(), heightBefore);
      expect(copy.code).toBe(peerProtos.TxValidationCode.DUPLICATE_TXID);
      expect(BigInt(copy.block)).toBeGreaterThan(first.blockNumber);
      // And the deposit counts once
      await clients.sync();
      const after = await auditor.evaluate('Settlement', 'GetAccount', { participantId: member });
      expect(after.available - before.available).toBe(321);
      // And its status by ID is still the first copy's
      const status = await gateway.newCommit(submitted.getBytes()).getStatus();
      expect(status).toMatchObject({ successful: true, blockNumber: first.blockNumber });
    } finally {
      raw.close();
    }
  });
});

/** The block at or after `from` holding a copy of `transactionId`, and the copy's validation code. */
async function findCopy(
  client: EstpClient,
  transactionId: string,
  from: bigint,
): Promise<{ block: number; code: number }> {
  for (let number = from, until = Date.now() + 30_000; Date.now() < until;) {
    if (number >= (await client.ledgerHeight())) {
      await sleep(200);
      continue;
    }
    const block = parseBlock(await client.evaluateSystem('qscc', 'GetBlockByNumber', 'estp', String(number)));
    const index = block.data.findIndex((envelope) => parseTransaction(envelope).txId === transactionId);
    if (index >= 0) return { block: block.number, code: block.validationCodes[index] ?? -1 };
    number++;
  }
  throw new Error(`no copy of ${transactionId} ordered within 30 s`);
}

describe("more concurrent requests than the org's gateways admit", () => {
  test('get clean RESOURCE_EXHAUSTED errors (exit code 3) within the deadline, none hangs', async () => {
    // Given every gateway of the org busy with more commit-status waits than its limit (Fabric's
    // peer.limits.concurrency.gatewayService, 500 by default), for transactions that do not exist
    const LIMIT = 500;
    const raw = rawGateways('community', 'admin');
    const waits: Promise<unknown>[] = [];
    try {
      for (const gateway of raw.gateways) {
        for (let n = 0; n < LIMIT + 20; n++) {
          const request = new gatewayProtos.CommitStatusRequest();
          request.setChannelId('estp');
          request.setTransactionId(`${RUN}-no-such-transaction-${n}`);
          request.setIdentity(raw.creator);
          const signed = new gatewayProtos.SignedCommitStatusRequest();
          signed.setRequest(request.serializeBinary());
          waits.push(
            gateway
              .newCommit(signed.serializeBinary())
              .getStatus({ deadline: Date.now() + 15_000 })
              .catch((error: unknown) => error),
          );
        }
      }
      await sleep(2_000);

      // When a member's client asks a query, several times at once
      const [member] = MEMBERS.filter((actor) => actor.org === 'community') as [Actor];
      const client = await clients.open(member);
      const started = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          client.evaluate('Participant', 'Self').then(
            () => 'answered',
            (error: unknown) => error,
          ),
        ),
      );
      const elapsed = Date.now() - started;

      // Then each is refused cleanly, at once, naming the reason
      const refused = outcomes.filter((outcome) => outcome instanceof UnavailableError);
      console.log(
        `gateway limit: ${refused.length} of ${outcomes.length} refused in ${elapsed} ms: ${describeError(refused[0])}`,
      );
      expect(refused.length).toBe(outcomes.length);
      for (const error of refused) {
        expect(error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', exitCode: 3 });
        expect((error as Error).message).toContain('try again shortly');
      }
      expect(elapsed).toBeLessThan(DEFAULT_DEADLINES.evaluateMs);
    } finally {
      await Promise.all(waits);
      raw.close();
    }
  });
});

describe('an event stream whose peer dies mid-stream', () => {
  test("resumes through the org's other peer from the last event: none lost, none repeated", async () => {
    // Given a community member following offer events through the org's first peer (peer0)
    const [member] = MEMBERS.filter((actor) => actor.org === 'community') as [Actor];
    const listener = await clients.open(member);
    const startBlock = await listener.ledgerHeight();
    const seen: EstpEvent[] = [];
    const reconnects: string[] = [];
    const stop = new AbortController();
    const following = followEvents(
      listener,
      {
        startBlock,
        namePrefix: 'estp.offer.',
        signal: stop.signal,
        onReconnect: (error) => reconnects.push(error.code),
      },
      (event) => {
        seen.push(event);
      },
    );
    // ...while the members post offers
    let posting = true;
    const load = postUntil(() => !posting);
    try {
      await sleep(5_000);
      expect(listener.peer.hostAlias).toBe('peer0.community.estp.local');
      // When that peer is SIGKILLed (its supervisor restarts it)
      const [pid] = await sigkill('peer0.community');
      const killedAt = Date.now();
      await sleep(10_000);
      posting = false;
      const { calls } = await load;
      await restarted('peer0.community', pid!);

      // Then every acknowledged offer's event arrives, each once
      const acknowledged = calls.flatMap((call) => (call.transactionId ? [call.transactionId] : []));
      const arrived = () => new Set(seen.map((event) => event.transactionId));
      await waitFor('every acknowledged offer event', 60_000, () =>
        acknowledged.every((id) => arrived().has(id)) ? true : undefined,
      );
      const afterKill = calls.filter((call) => call.transactionId && call.endedAt > killedAt).length;
      console.log(
        `event stream: ${seen.length} events, ${acknowledged.length} acknowledged offers (${afterKill} after the kill), reconnects ${JSON.stringify(reconnects)}`,
      );
      expect(reconnects.length).toBeGreaterThan(0);
      expect(afterKill).toBeGreaterThan(0);
      expect(seen.length).toBe(arrived().size);
    } finally {
      posting = false;
      await load;
      stop.abort();
      await following;
    }
  });
});
