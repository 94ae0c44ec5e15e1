/**
 * The fault suites' shared helpers (test/faults, docs/reliability.md), for the network cases and
 * the client cases alike:
 *
 * - the network's processes: pids, SIGKILL, stop and start one of them through its org's kit
 *   (network/scripts/org.sh), `network:up`, the orderers' Raft states;
 * - {@link Load}: members of several orgs posting offers without pause through their own org's
 *   gateway (the application's client), every acknowledged transaction and every failure recorded
 *   with its time, and goodput over any window;
 * - {@link checkLedgers}, the end of every case: each peer of every org holds every acknowledged
 *   transaction VALID, all peers have the same height and last block hash, Audit:Totals is balanced
 *   and `estp audit verify` is ok.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fabricAdminOf } from '../../application/src/admin/signer';
import { type OrgPeer, peerBlock, peerChainInfo, peersOf } from '../../application/src/admin/peer';
import { parseBlock, parseTransaction } from '../../application/src/audit/parse';
import type { EstpClient } from '../../application/src/gateway/client';
import { ensureIdentity } from '../../application/src/gateway/provision';
import { resolveSettings } from '../../application/src/gateway/settings';
import {
  type Actor,
  type Clients,
  ensureActive,
  mapLimit,
  totals,
  TREASURER,
} from '../integration/support/estp';
import { estpProcess } from '../integration/support/cli';
import { orgSettings } from '../integration/support/network';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const ORGS_DIR = path.join(ROOT, '.fabric/orgs');
const SCRIPTS = path.join(ROOT, 'network/scripts');
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// --- The network's processes ------------------------------------------------------------------

/** The org whose directory holds process `name` (orderer<N> → orderer, peer1.utility → utility). */
export function orgOfProcess(name: string): string {
  return /^orderer\d+$/.test(name) ? 'orderer' : name.slice(name.indexOf('.') + 1);
}

/** The pid of a running process of the network (its org's run directory), or undefined. */
export function pidOf(name: string): number | undefined {
  const file = path.join(ORGS_DIR, orgOfProcess(name), 'run', `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return alive(pid) ? pid : undefined;
}

/** Whether `pid` exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `probe` every 200 ms until it returns a value other than undefined, up to `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** SIGKILLs the processes (no clean shutdown) and waits until they are gone; returns their pids. */
export async function sigkill(...names: string[]): Promise<number[]> {
  const pids = names.map((name) => {
    const pid = pidOf(name);
    if (pid === undefined) throw new Error(`${name} is not running`);
    return pid;
  });
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitFor(`${names.join(', ')} gone after SIGKILL`, 10_000, () =>
    pids.some(alive) ? undefined : true,
  );
  return pids;
}

/** Waits until `name` runs again under a pid other than `before` (its supervisor restarted it). */
export function restarted(name: string, before: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(`${name} restarted`, timeoutMs, () => {
    const pid = pidOf(name);
    return pid !== undefined && pid !== before ? pid : undefined;
  });
}

async function script(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
  // ESTP_WITH_NETWORK: a network that with-network.sh started for this run stays marked so.
  const { stdout } = await run('bash', [path.join(SCRIPTS, file), ...args], {
    env: { ...process.env, ESTP_WITH_NETWORK: '1' },
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Stops one process with its org's kit; its supervisor leaves it stopped until {@link startNode}. */
export async function stopNode(name: string): Promise<void> {
  await script('org.sh', ['stop', '--org', orgOfProcess(name), '--node', name], 60_000);
}

/** Starts one process with its org's kit (`org.sh start --org <org> --node <name>`). */
export async function startNode(name: string): Promise<void> {
  await script('org.sh', ['start', '--org', orgOfProcess(name), '--node', name], 180_000);
}

/** `npm run network:up` on the built tree (up.sh); returns its output. */
export function networkUp(): Promise<string> {
  return script('up.sh', [], 600_000);
}

/** Every process name of the network with its pid, supervisors included. */
export function runningProcesses(): { name: string; pid: number }[] {
  return readdirSync(ORGS_DIR).flatMap((org) => {
    const dir = path.join(ORGS_DIR, org, 'run');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((file) => file.endsWith('.pid'))
      .flatMap((file) => {
        const name = file.slice(0, -'.pid'.length);
        const pid = pidOf(name);
        return pid === undefined ? [] : [{ name, pid }];
      });
  });
}

/** The processes of a network of `orgs` (short names) with two peers each, orderers included. */
export function expectedProcesses(orgs: readonly string[]): string[] {
  return [
    ...[1, 2, 3].map((n) => `orderer${n}`),
    ...orgs.flatMap((org) =>
      ['ca', 'peer0', 'peer1', 'chaincode0', 'chaincode1', 'supervisor'].map((p) => `${p}.${org}`),
    ),
  ];
}

/**
 * Brings back whatever a case left stopped (a case that failed half-way): `network:up` when one of
 * the processes is not running. Returns what was missing.
 */
export async function restoreNetwork(orgs: readonly string[]): Promise<string[]> {
  const missing = expectedProcesses(orgs).filter((name) => pidOf(name) === undefined);
  if (missing.length > 0) await networkUp();
  return missing;
}

/** A Raft state of an orderer as up.sh sorts them (network/scripts/channel.sh raft_states). */
export type RaftState = 'leader' | 'following' | 'rejoining' | 'starting' | 'stuck' | 'down';

/** Each orderer's Raft state: `orderer1` → `leader`, … */
export async function raftStates(): Promise<Map<string, RaftState>> {
  const { stdout } = await run(
    'bash',
    [
      '-c',
      `source ${JSON.stringify(path.join(SCRIPTS, 'org.sh'))} && source "$NETWORK_DIR/scripts/channel.sh" && raft_states`,
    ],
    { env: process.env, timeout: 30_000 },
  );
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([n, state]) => [`orderer${n}`, state as RaftState]),
  );
}

/** The orderers in `state`, by name. */
export async function orderersIn(state: RaftState): Promise<string[]> {
  return [...(await raftStates())].filter(([, s]) => s === state).map(([name]) => name);
}

/** Waits until there is a leader that a majority of the orderers follows (itself included). */
export function raftQuorum(timeoutMs = 60_000): Promise<string> {
  return waitFor('a Raft leader that a majority follows', timeoutMs, async () => {
    const states = [...(await raftStates())];
    const leader = states.find(([, state]) => state === 'leader')?.[0];
    const following = states.filter(([, state]) => state === 'leader' || state === 'following').length;
    return leader && following > states.length / 2 ? leader : undefined;
  });
}

/** Waits until there is a leader and every orderer follows it; returns the leader. */
export function raftHealthy(timeoutMs = 60_000): Promise<string> {
  return waitFor('every orderer following a Raft leader', timeoutMs, async () => {
    const states = [...(await raftStates())];
    const leader = states.find(([, state]) => state === 'leader')?.[0];
    return leader && states.every(([, state]) => state === 'leader' || state === 'following')
      ? leader
      : undefined;
  });
}

// --- Load -------------------------------------------------------------------------------------

/** Three members per org, enrolled by their org's CA (global-setup.ts). */
export const FAULT_ORGS = ['utility', 'enterprise', 'community'] as const;
export const FAULT_MEMBERS: readonly Actor[] = FAULT_ORGS.flatMap((org) =>
  [1, 2, 3].map((n) => ({ org, user: `fault-${org}-${n}` })),
);

/** Each member in its org's wallet, registered and enrolled with the org's CA when missing. */
export async function enrolMembers(members: readonly Actor[]): Promise<void> {
  await mapLimit(members, 2, (actor) =>
    ensureIdentity(resolveSettings({ org: actor.org }), { user: actor.user, roles: ['member'] }),
  );
}

/** The offers' price (minor units per kWh): above the default market's price floor (docs/trading.md). */
const OFFER_PRICE = 20;
/** Credits each member holds for the offers' escrow and collateral (a 1 kWh BUY locks 20). */
const FAULT_DEPOSIT = 2_000_000;

/** An acknowledged (committed, VALID) transaction. */
export interface Ack {
  readonly member: string;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly at: number;
  readonly latencyMs: number;
}

/** A submission that failed, with how long it took to fail. */
export interface Failure {
  readonly member: string;
  readonly at: number;
  readonly latencyMs: number;
  readonly error: string;
}

/** Makes the members ACTIVE participants with money on their accounts (once per ledger). */
export async function prepareMembers(
  clients: Clients,
  members: readonly Actor[],
  run: string,
): Promise<void> {
  const records = await mapLimit(members, 4, (actor) =>
    ensureActive(clients, actor, {
      displayName: `fault load ${actor.user}`,
      kind: 'PROSUMER',
      commodities: ['ELECTRICITY'],
      gridZone: 'ZONE-A',
    }),
  );
  const treasurer = await clients.of(TREASURER);
  await mapLimit(records, 4, async (record) => {
    const account = await treasurer.evaluate('Settlement', 'GetAccount', { participantId: record.id });
    if (account.available >= FAULT_DEPOSIT / 2) return;
    await treasurer.submit('Settlement', 'Deposit', {
      accountId: record.id,
      amount: FAULT_DEPOSIT,
      reference: `${run}-fault-load`,
    });
  });
  await clients.sync();
}

/**
 * Members posting offers (alternately SELL and BUY, 1 kWh at OFFER_PRICE) into one open market, one
 * at a time each, without pause: the submissions in flight at any moment are the members. Every
 * acknowledged transaction and every failure is recorded with its time.
 */
export class Load {
  readonly acks: Ack[] = [];
  readonly failures: Failure[] = [];
  #running = false;
  #lanes: Promise<void>[] = [];
  #sequence = 0;
  /** `run` as an ID part (docs/transactions.md: letters, digits and `._:@-`). */
  readonly #tag: string;

  constructor(
    private readonly members: readonly { actor: Actor; client: EstpClient }[],
    private readonly marketId: string,
    run: string,
  ) {
    this.#tag = run.replace(/[^A-Za-z0-9._:@-]+/g, '-');
  }

  /** Opens one client per member (closed by `clients.closeAll()`). */
  static async of(clients: Clients, members: readonly Actor[], marketId: string, run: string): Promise<Load> {
    const opened = await Promise.all(
      members.map(async (actor) => ({ actor, client: await clients.open(actor) })),
    );
    return new Load(opened, marketId, run);
  }

  start(): void {
    this.#running = true;
    this.#lanes = this.members.map((member) => this.#lane(member));
  }

  /** Stops posting and waits for every submission in flight to end (none is abandoned). */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#lanes);
  }

  async #lane({ actor, client }: { actor: Actor; client: EstpClient }): Promise<void> {
    const member = `${actor.org}/${actor.user}`;
    while (this.#running) {
      const n = ++this.#sequence;
      const started = Date.now();
      try {
        const result = await client.submitText('Market', 'PostOffer', {
          offerId: `${this.#tag}-${actor.user}-${n}`,
          marketId: this.marketId,
          side: n % 2 === 0 ? 'BUY' : 'SELL',
          quantityWh: 1_000,
          price: OFFER_PRICE,
        });
        const at = Date.now();
        this.acks.push({
          member,
          transactionId: result.transactionId,
          blockNumber: result.blockNumber,
          at,
          latencyMs: at - started,
        });
      } catch (error) {
        const at = Date.now();
        this.failures.push({ member, at, latencyMs: at - started, error: describe(error) });
        await sleep(200); // a failing network is not hammered
      }
    }
  }

  /** Commits per second acknowledged in [from, to) (ms), optionally of one org's members only. */
  goodput(from: number, to: number, org?: string): number {
    const acks = this.acks.filter(
      (ack) => ack.at >= from && ack.at < to && (!org || ack.member.startsWith(`${org}/`)),
    );
    return acks.length / ((to - from) / 1000);
  }

  /**
   * Failures in [from, to) that are not endorsement races (optionally of one org's members only):
   * what a fault cost. An endorsement race happens with or without faults — a member's next
   * transaction endorsed by a peer that has not yet committed the block of its previous one reads
   * an older version than the other endorsers ("ProposalResponsePayloads do not match"); nothing
   * was ordered, and the summary counts them apart.
   */
  faultFailuresIn(from: number, to: number, org?: string): Failure[] {
    return this.failuresIn(from, to, org).filter((failure) => !isEndorsementRace(failure));
  }

  /** Failures in [from, to), optionally of one org's members only. */
  failuresIn(from: number, to: number, org?: string): Failure[] {
    return this.failures.filter((f) => f.at >= from && f.at < to && (!org || f.member.startsWith(`${org}/`)));
  }

  /** The longest call (ms) that ended in [from, to), acknowledged or failed. */
  slowestCall(from: number, to: number): number {
    const calls = [...this.acks, ...this.failures].filter((call) => call.at >= from && call.at < to);
    return Math.max(0, ...calls.map((call) => call.latencyMs));
  }

  /** The longest gap between consecutive acknowledgements in [from, to) (ms). */
  longestGap(from: number, to: number): number {
    const times = [from, ...this.acks.map((ack) => ack.at).filter((at) => at >= from && at < to), to].sort(
      (a, b) => a - b,
    );
    return times.slice(1).reduce((gap, at, index) => Math.max(gap, at - times[index]!), 0);
  }

  /**
   * Waits until a transaction is acknowledged after this call (up to `timeoutMs`) and returns when
   * (ms since the epoch).
   */
  async nextAck(what: string, timeoutMs: number): Promise<number> {
    const count = this.acks.length;
    const until = Date.now() + timeoutMs;
    while (this.acks.length === count) {
      if (Date.now() > until) {
        throw new Error(
          `${what}: no transaction acknowledged within ${timeoutMs / 1000} s (${this.failures.length} failures so far, the last: ${this.failures.at(-1)?.error ?? 'none'})`,
        );
      }
      await sleep(100);
    }
    return this.acks[count]!.at;
  }

  /** The first acknowledgement at or after `from` (ms), if any. */
  firstAckAfter(from: number): number | undefined {
    return this.acks
      .map((ack) => ack.at)
      .filter((at) => at >= from)
      .sort((a, b) => a - b)[0];
  }
}

/** Whether a failure is an endorsement race between peers at different heights (see faultFailuresIn). */
export function isEndorsementRace(failure: Failure): boolean {
  return failure.error.includes('ProposalResponsePayloads do not match');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error ? ` [${String(error.code)}]` : '';
    return `${error.constructor.name}${code}: ${error.message.split('\n')[0]}`;
  }
  return String(error);
}

/** One line for the suite's log: goodput before, during and after a fault, failures, recovery. */
export function summarise(
  name: string,
  load: Load,
  t: { before: number; faultAt: number; recoveredAt: number; end: number },
): string {
  const failures = load.failuresIn(t.faultAt, t.end);
  // Failures by org and kind, e.g. "community UnavailableError [UNAVAILABLE]".
  const kinds = new Map<string, number>();
  for (const f of failures) {
    const kind = isEndorsementRace(f) ? 'endorsement race' : f.error.replace(/:.*$/, '');
    const key = `${f.member.split('/')[0]} ${kind}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  const slowest = load.slowestCall(t.before, t.end);
  return (
    `${name}: goodput ${load.goodput(t.before, t.faultAt).toFixed(1)}/s before, ` +
    `${load.goodput(t.faultAt, t.recoveredAt).toFixed(1)}/s during (${((t.recoveredAt - t.faultAt) / 1000).toFixed(1)} s), ` +
    `${load.goodput(t.recoveredAt, t.end).toFixed(1)}/s after; longest commit gap ${(load.longestGap(t.faultAt, t.end) / 1000).toFixed(1)} s; ` +
    `${load.acks.length} acknowledged, ${failures.length} failed ${JSON.stringify(Object.fromEntries(kinds))}; slowest call ${(slowest / 1000).toFixed(1)} s`
  );
}

// --- The end of every case ----------------------------------------------------------------------

/** Every peer of the channel's member orgs, with its org's Fabric admin to ask it. */
function everyPeer(
  clients: Clients,
): { target: OrgPeer; name: string; signer: ReturnType<typeof fabricAdminOf>['signer'] }[] {
  return Object.values(clients.network.orgs).flatMap((org) => {
    const { signer } = fabricAdminOf(orgSettings(org.name));
    return peersOf(org).map((target) => ({ target, name: target.peer.hostAlias, signer }));
  });
}

/** What {@link checkLedgers} found. */
export interface LedgerCheck {
  readonly height: number;
  readonly peers: number;
  readonly acknowledged: number;
  /** How long the checks took (ms). */
  readonly tookMs: number;
}

/**
 * The end of every case: waits (up to `timeoutMs`) until every peer of every member org has the
 * same height and last block hash, then checks on each peer that every acknowledged transaction is
 * in the block the client was told, VALID; that Audit:Totals is balanced; and that
 * `estp audit verify` exits 0. Throws naming the first difference.
 */
export async function checkLedgers(
  clients: Clients,
  acks: readonly Ack[],
  timeoutMs = 120_000,
): Promise<LedgerCheck> {
  const started = Date.now();
  const channel = clients.network.channel;
  const peers = everyPeer(clients);
  const infos = await waitFor('every peer at the same height and last block hash', timeoutMs, async () => {
    const all = await Promise.all(peers.map((peer) => peerChainInfo(peer.target, peer.signer, channel)));
    const [first] = all;
    return first &&
      all.every((info) => info.height === first.height && info.currentBlockHash === first.currentBlockHash)
      ? all
      : undefined;
  });
  const blocks = [...new Set(acks.map((ack) => Number(ack.blockNumber)))].sort((a, b) => a - b);
  const byBlock = new Map<number, Ack[]>();
  for (const ack of acks)
    byBlock.set(Number(ack.blockNumber), [...(byBlock.get(Number(ack.blockNumber)) ?? []), ack]);
  await Promise.all(
    peers.map((peer) =>
      mapLimit(blocks, 4, async (number) => {
        const block = parseBlock(await peerBlock(peer.target, peer.signer, channel, number));
        const codes = new Map(
          block.data.map((envelope, index) => [
            parseTransaction(envelope).txId,
            block.validationCodes[index],
          ]),
        );
        for (const ack of byBlock.get(number) ?? []) {
          const code = codes.get(ack.transactionId);
          if (code !== 0) {
            throw new Error(
              `${peer.name}: acknowledged transaction ${ack.transactionId} (${ack.member}) is ` +
                `${code === undefined ? 'missing from' : `not VALID (code ${code}) in`} block ${number}`,
            );
          }
        }
      }),
    ),
  );
  const { conservation } = await totals(clients);
  if (!conservation.money.balanced || !conservation.certificates.balanced) {
    throw new Error(`Audit:Totals not balanced: ${JSON.stringify(conservation)}`);
  }
  // The chain from the block before the first acknowledged one (earlier blocks were verified by
  // earlier checks; the first link checked is to that block).
  const from = String(Math.max(0, (blocks[0] ?? infos[0]!.height) - 1));
  const verify = await estpProcess(
    'audit',
    'verify',
    '--org',
    'utility',
    '--user',
    'auditor',
    '--from',
    from,
  );
  if (verify.code !== 0)
    throw new Error(`estp audit verify exited ${verify.code}: ${verify.out}${verify.err}`);
  return {
    height: infos[0]!.height,
    peers: peers.length,
    acknowledged: acks.length,
    tookMs: Date.now() - started,
  };
}
