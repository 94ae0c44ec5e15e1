/**
 * The load driver of `npm run bench:ledger` (ledger.bench.ts): closed-loop lanes over
 * fabric-gateway, one Gateway per identity, that keep `concurrency` transactions in flight for a
 * block of time and record, per transaction, submit→commit latency and how it ended: VALID, a
 * validation code (`MVCC_READ_CONFLICT`, …), or the endorsement's refusal. Nothing is retried, so
 * goodput is what the ledger committed VALID per second, not what the clients sent.
 *
 * CPU per process kind comes from /proc/<pid>/stat of the network's processes (their pid files in
 * .fabric/orgs/<org>/run), read before and after each block.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  connect as connectGateway,
  type Contract,
  EndorseError,
  type Gateway,
  type SubmittedTransaction,
} from '@hyperledger/fabric-gateway';
import { validationCodeName } from '../../application/src/gateway/errors';
import { sharedGrpcClients } from '../../application/src/gateway/grpc';
import { gatewayIdentity, gatewaySigner, resolveIdentity } from '../../application/src/gateway/identity';
import { DEFAULT_ORGS_DIR, resolveSettings } from '../../application/src/gateway/settings';
import type { Actor } from '../integration/support/estp';

/** One call of a block: a submit (waits for the commit) or an evaluate. */
export type Call = (contracts: LaneContracts, lane: number, sequence: number) => Promise<void>;

/** The contracts of one identity: ESTP's by contract name, and the baseline chaincode. */
export interface LaneContracts {
  estp(contract: string): Contract;
  readonly baseline: Contract;
  readonly actor: Actor;
}

const gateways: Gateway[] = [];

/** Opens a Gateway for `actor` through its org's peer (closed by {@link closeGateways}). */
export function openContracts(actor: Actor, chaincode = 'estp', baseline = 'baseline'): LaneContracts {
  const { profile, org, wallet } = resolveSettings({ org: actor.org });
  const identity = resolveIdentity(wallet, org, actor.user);
  const lease = sharedGrpcClients.acquire(org.peer);
  const gateway = connectGateway({
    client: lease.client,
    identity: gatewayIdentity(identity),
    signer: gatewaySigner(identity),
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
    submitOptions: () => ({ deadline: Date.now() + 30_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
  });
  gateways.push(gateway);
  const network = gateway.getNetwork(profile.channel);
  const contracts = new Map<string, Contract>();
  return {
    actor,
    baseline: network.getContract(baseline, 'Baseline'),
    estp(name: string): Contract {
      let contract = contracts.get(name);
      if (!contract) {
        contract = network.getContract(chaincode, name);
        contracts.set(name, contract);
      }
      return contract;
    },
  };
}

export function closeGateways(): void {
  for (const gateway of gateways.splice(0)) gateway.close();
  sharedGrpcClients.closeAll();
}

/** A transaction's end that is not VALID; `reason` names it for the failure counts. */
export class Failure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Submits and waits for the commit; throws a {@link Failure} unless it committed VALID. */
export async function submit(contract: Contract, name: string, args: readonly string[]): Promise<Uint8Array> {
  let commit: SubmittedTransaction;
  try {
    commit = await contract.submitAsync(name, { arguments: [...args] });
  } catch (error) {
    throw new Failure(failureReason(error));
  }
  const status = await commit.getStatus();
  if (!status.successful) throw new Failure(validationCodeName(status.code));
  return commit.getResult();
}

/** Evaluates; throws a {@link Failure} when refused. */
export async function evaluate(
  contract: Contract,
  name: string,
  args: readonly string[],
): Promise<Uint8Array> {
  try {
    return await contract.evaluateTransaction(name, ...args);
  } catch (error) {
    throw new Failure(failureReason(error));
  }
}

/** `ENDORSEMENT:ESTP_…` for a chaincode refusal, else the error's class or gRPC status. */
function failureReason(error: unknown): string {
  const text = error instanceof Error ? [error.message, ...detailMessages(error)].join(' ') : String(error);
  const code = /ESTP_[A-Z_]+/.exec(text)?.[0];
  if (code) return `ENDORSEMENT:${code}`;
  // The endorsing peers read different versions of a hot key (one had committed a newer block).
  if (/ProposalResponsePayloads do not match/i.test(text)) return 'ENDORSEMENT:PAYLOADS_DIFFER';
  if (error instanceof EndorseError) return 'ENDORSEMENT';
  return error instanceof Error ? error.name : 'ERROR';
}

function detailMessages(error: Error): string[] {
  const details = (error as { details?: { message?: string }[] }).details ?? [];
  return details.map((detail) => detail.message ?? '');
}

/** The calls' sequence number, unique across blocks (it makes the IDs the calls create). */
let sequence = 0;

/** Thrown by a call that has no more work (e.g. no trade left to settle): its lane stops. */
export class Exhausted extends Error {}

/** What a block measured. */
export interface BlockResult {
  readonly concurrency: number;
  readonly seconds: number;
  readonly valid: number;
  readonly goodput: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly failures: Record<string, number>;
  /** CPU ms per VALID transaction by process kind (peer, orderer, chaincode, baseline, ca, driver). */
  readonly cpuMsPerTx: Record<string, number>;
  /** CPU share of the machine's cores used by all processes of the machine during the block. */
  readonly machineBusy: number;
  readonly loadAverage: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]!);
}

/**
 * Runs `call` in `concurrency` closed-loop lanes for `seconds`: lane i uses `lanes[i % n]`. Calls
 * started before the end run to completion; goodput is VALID completions over the time until the
 * last one completed.
 */
export async function runBlock(
  lanes: readonly LaneContracts[],
  concurrency: number,
  seconds: number,
  call: Call,
): Promise<BlockResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const cpu = cpuWindow();
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      const contracts = lanes[lane % lanes.length]!;
      while (performance.now() < end) {
        const callStarted = performance.now();
        try {
          await call(contracts, lane, sequence++);
          latencies.push(performance.now() - callStarted);
        } catch (error) {
          if (error instanceof Exhausted) break;
          const reason =
            error instanceof Failure ? error.reason : error instanceof Error ? error.name : 'ERROR';
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const valid = latencies.length;
  const { msPer: cpuMsPerTx, machineBusy } = cpu.end(valid);
  return {
    concurrency,
    seconds: Math.round(elapsed * 10) / 10,
    valid,
    goodput: Math.round((valid / elapsed) * 10) / 10,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    failures,
    cpuMsPerTx,
    machineBusy,
    loadAverage: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  };
}

/** What a {@link cpuWindow} measured. */
export interface CpuUse {
  /** CPU ms by process kind (see {@link cpuByKind}) per unit of work done in the window. */
  readonly msPer: Record<string, number>;
  /** CPU share of the machine's cores used by all processes of the machine during the window. */
  readonly machineBusy: number;
}

/**
 * Starts measuring the CPU the network's processes (by kind) and the whole machine use;
 * `end(units)` stops and divides the processes' CPU by the units of work done meanwhile
 * (VALID transactions of a block, trades of a clearing).
 */
export function cpuWindow(): { end(units: number): CpuUse } {
  const before = cpuByKind();
  const machineBefore = machineTicks();
  return {
    end(units) {
      const after = cpuByKind();
      const machineAfter = machineTicks();
      const msPer: Record<string, number> = {};
      for (const [kind, ms] of Object.entries(after)) {
        const used = ms - (before[kind] ?? 0);
        msPer[kind] = units > 0 ? Math.round((used / units) * 10) / 10 : 0;
      }
      const busy = machineAfter.busy - machineBefore.busy;
      const total = machineAfter.total - machineBefore.total;
      return { msPer, machineBusy: total > 0 ? Math.round((busy / total) * 100) / 100 : 0 };
    },
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU ms used so far by the network's processes by kind, and by this driver. */
export function cpuByKind(orgsDir = DEFAULT_ORGS_DIR): Record<string, number> {
  const usage: Record<string, number> = {};
  for (const org of safeList(orgsDir)) {
    const run = path.join(orgsDir, org, 'run');
    for (const file of safeList(run).filter((name) => name.endsWith('.pid'))) {
      const name = file.slice(0, -'.pid'.length);
      const kind = processKind(name);
      const ticks = processTicks(readFileSync(path.join(run, file), 'utf8').trim());
      if (ticks !== undefined) usage[kind] = (usage[kind] ?? 0) + (ticks * 1000) / TICKS_PER_SECOND;
    }
  }
  const own = process.cpuUsage();
  usage['driver'] = (own.user + own.system) / 1000;
  return usage;
}

/**
 * The largest of the peers' state databases (`<org>/<peer>/ledgersData/stateLeveldb`), in MB.
 * LevelDB compacts it in the background as it grows, and the peers pay for that on every write
 * (docs/performance.md, "The ledger's age"), so runs compare only on ledgers of similar size.
 */
export function stateDbMb(orgsDir = DEFAULT_ORGS_DIR): number {
  let largest = 0;
  for (const org of safeList(orgsDir)) {
    for (const peer of safeList(path.join(orgsDir, org)).filter((name) => name.startsWith('peer'))) {
      const database = path.join(orgsDir, org, peer, 'ledgersData', 'stateLeveldb');
      const bytes = safeList(database).reduce((sum, file) => sum + fileBytes(path.join(database, file)), 0);
      largest = Math.max(largest, bytes);
    }
  }
  return Math.round(largest / 10_000) / 100;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // compacted away since the listing
  }
}

/** `peer0.utility` → `peer`, `orderer2` → `orderer`, `chaincode.community` → `chaincode`, … */
function processKind(name: string): string {
  const prefix = name.includes('.') ? name.slice(0, name.indexOf('.')) : name;
  return prefix.replace(/\d+$/, '');
}

function safeList(directory: string): string[] {
  try {
    return readdirSync(directory).sort();
  } catch {
    return [];
  }
}

/** utime + stime of a process and its waited-for children, in clock ticks. */
function processTicks(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14–17.
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}
