/**
 * The `estp` CLI never hangs on a peer that misbehaves: against a peer that refuses, stalls the TLS
 * handshake, stalls after connecting, or resets, the real executable exits with code 3 within its
 * call's deadline (evaluate 5 s, endorse 15 s), advising to check that peer (not to start this
 * machine's network). With two peers it fails over to the one that answers. A query declared
 * `readsWholeLedger` (Audit:Totals) waits for the peer's execute timeout instead. Fake peers on
 * loopback (test/support/fake-peer.ts); no Fabric network.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { DEFAULT_DEADLINES } from '../../../../application/src/gateway/client';
import { GrpcClientPool, connectsWithin } from '../../../../application/src/gateway/grpc';
import {
  type FakeOrg,
  type FakePeer,
  type FakePeerKind,
  fakeOrg,
  startFakePeer,
} from '../../../support/fake-peer';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const MAIN = path.join(ROOT, 'application/dist/cli/main.js');
/** Closing the clients and exiting, after the call's deadline. */
const EXIT_MS = 1_000;

interface Exit {
  readonly code: number | null;
  readonly err: string;
  readonly out: string;
  readonly startedAt: number;
  readonly exitedAt: number;
}

/**
 * How long the CLI ran after its call began: from the first connection a fake peer saw (the
 * call's first network step) to its exit, so that the time node takes to start on a busy machine
 * does not count. A refused connection leaves no trace: then from the start of the process, less
 * the time the CLI takes to start and exit doing nothing (`estp --version`) just before.
 */
async function callTime(exit: Exit, org: FakeOrgWithPeers): Promise<number> {
  const firsts = org.peers.flatMap((peer) => peer.firstConnectionAt() ?? []);
  if (firsts.length > 0) return exit.exitedAt - Math.min(...firsts);
  const idle = await runCli(['--version']);
  return exit.exitedAt - exit.startedAt - (idle.exitedAt - idle.startedAt);
}

function runCli(args: readonly string[]): Promise<Exit> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ESTP_CONFIG: '' } });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    // A CLI that does not exit is killed by jest's timeout, failing the test.
    let exitedAt = 0;
    child.on('exit', () => {
      exitedAt = Date.now();
    });
    // 'close' comes once stdout and stderr are read to their end too.
    child.on('close', (code) => {
      resolve({ code, err, out, startedAt, exitedAt });
    });
  });
}

interface FakeOrgWithPeers extends FakeOrg {
  readonly peers: readonly FakePeer[];
}

const peers: FakePeer[] = [];
const orgs: FakeOrg[] = [];

async function orgOf(...kinds: FakePeerKind[]): Promise<FakeOrgWithPeers> {
  const started = await Promise.all(
    kinds.map((kind) => startFakePeer(kind, '{"id":"CommunityMSP:member1"}')),
  );
  peers.push(...started);
  const org = await fakeOrg(started.map((peer) => peer.endpoint));
  orgs.push(org);
  return { ...org, peers: started };
}

beforeAll(() => {
  // The real executable, built from the current sources (incremental: a no-op when up to date).
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--build', 'application'],
    {
      cwd: ROOT,
    },
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
  for (const org of orgs) org.remove();
});

describe('a query against one peer that misbehaves ends with exit code 3 within its deadline', () => {
  const kinds: FakePeerKind[] = ['refuse', 'stall-tls', 'stall-after-connect', 'reset'];

  test.each(kinds)('a peer that does %s', async (kind) => {
    const org = await orgOf(kind);

    const exit = await runCli(['participant', 'self', ...org.args]);

    expect(exit.code).toBe(3);
    expect(await callTime(exit, org)).toBeLessThan(DEFAULT_DEADLINES.evaluateMs + EXIT_MS);
    // One line naming the transaction and the peer, with advice about that peer
    expect(exit.err).toMatch(/^error: Participant:Self: .*127\.0\.0\.1:\d+/);
    expect(exit.err).not.toContain('network:up');
    if (kind !== 'stall-tls' && kind !== 'stall-after-connect') {
      expect(exit.err).toContain('running and reachable from here?');
    }
  });
});

describe('a submit against a stalled peer', () => {
  test('ends with exit code 3 within the endorsement deadline', async () => {
    const org = await orgOf('stall-tls');

    const exit = await runCli(['market', 'cancel-offer', '--id', 'CommunityMSP:member1/O-1', ...org.args]);

    expect(exit.code).toBe(3);
    expect(await callTime(exit, org)).toBeLessThan(DEFAULT_DEADLINES.endorseMs + EXIT_MS);
    expect(exit.err).toMatch(/^error: Market:CancelOffer: .*DEADLINE_EXCEEDED/);
  }, 60_000);
});

describe("the org's other peer", () => {
  test.each(['stall-tls', 'refuse', 'reset'] as const)(
    'serves the query when the first does %s',
    async (kind) => {
      const org = await orgOf(kind, 'gateway');

      const exit = await runCli(['participant', 'self', '--json', ...org.args]);

      expect(exit).toMatchObject({ code: 0, err: '' });
      // (within the query's deadline: a later answer would have been DEADLINE_EXCEEDED)
      expect(JSON.parse(exit.out)).toEqual({ id: 'CommunityMSP:member1' });
    },
  );

  test('serves the query when the first cannot reach its chaincode service', async () => {
    const org = await orgOf('chaincode-down', 'gateway');

    const exit = await runCli(['participant', 'self', '--json', ...org.args]);

    expect(exit).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(exit.out)).toEqual({ id: 'CommunityMSP:member1' });
  });

  test('when neither reaches its chaincode service, they are asked again until the deadline, then exit 3', async () => {
    const org = await orgOf('chaincode-down', 'chaincode-down');

    const exit = await runCli(['participant', 'self', ...org.args]);

    expect(exit.code).toBe(3);
    // Asked again for the whole deadline (a restarting service is back in about a second)...
    expect(exit.exitedAt - exit.startedAt).toBeGreaterThanOrEqual(DEFAULT_DEADLINES.evaluateMs - 1_000);
    // ...and no longer
    expect(await callTime(exit, org)).toBeLessThan(DEFAULT_DEADLINES.evaluateMs + EXIT_MS);
    expect(exit.err).toMatch(/^error: Participant:Self: .*could not launch chaincode/);
  });

  test('when both misbehave, the error names what happened with each, within the deadline', async () => {
    const org = await orgOf('stall-tls', 'refuse');

    const exit = await runCli(['participant', 'self', ...org.args]);

    expect(exit.code).toBe(3);
    expect(await callTime(exit, org)).toBeLessThan(DEFAULT_DEADLINES.evaluateMs + EXIT_MS);
    expect(exit.err).toMatch(/ECONNREFUSED.*\(tried before: 127\.0\.0\.1:\d+ did not connect\)/);
  });
});

describe('a query that reads the whole ledger', () => {
  test("gets the peer's execute timeout, not a query's deadline", async () => {
    // Given a peer whose chaincode answers after longer than a query's deadline
    const answerAfterMs = DEFAULT_DEADLINES.evaluateMs + 2_000;
    const slow = await startFakePeer('gateway', '{"asOf":"2026-12-03T00:00:00.000Z"}', answerAfterMs);
    peers.push(slow);
    const org = await fakeOrg([slow.endpoint]);
    orgs.push(org);

    // When both kinds of query ask it at once
    const [totals, self] = await Promise.all([
      runCli(['audit', 'totals', '--json', ...org.args]),
      runCli(['participant', 'self', ...org.args]),
    ]);

    // Then Audit:Totals (declared readsWholeLedger) waits for the answer...
    expect(totals).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(totals.out)).toEqual({ asOf: '2026-12-03T00:00:00.000Z' });
    expect(DEFAULT_DEADLINES.wholeLedgerMs).toBeGreaterThan(answerAfterMs);
    // ...and a bounded query keeps its 5 s
    expect(self.code).toBe(3);
    expect(self.err).toMatch(/^error: Participant:Self: .*DEADLINE_EXCEEDED/);
  });
});

describe('a closed gRPC client', () => {
  test('ends its pending TLS handshake: the stalled peer sees the connection close', async () => {
    // Given a client whose handshake with a stalled peer is pending
    const stalled = await startFakePeer('stall-tls');
    peers.push(stalled);
    const pool = new GrpcClientPool();
    const lease = pool.acquire({
      endpoint: stalled.endpoint,
      hostAlias: 'peer.fake.local',
      tlsRootCert: '',
    });
    expect(await connectsWithin(lease.client, Date.now() + 300)).toBe(false);
    expect(stalled.openConnections()).toBe(1);

    // When it is closed
    lease.release();

    // Then the connection ends, while this process lives on
    for (let waited = 0; stalled.openConnections() > 0 && waited < 2_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stalled.openConnections()).toBe(0);
  });
});
