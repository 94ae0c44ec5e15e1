/**
 * The unit-test ledger: runs contract transactions against the in-memory stub with a real client
 * identity, commits their writes only when they succeed, and exposes the committed state for
 * invariants.
 *
 * @example
 *   const ledger = await TestLedger.create();
 *   const admin = await ledger.identity('UtilityMSP', 'admin1', ['admin']);
 *   const { result, writes, event } = await ledger.submit(new ConsortiumContract(), 'Bootstrap', admin);
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { type Contract, Context } from 'fabric-contract-api';
import { ClientIdentity, ChaincodeStub as ShimStub } from 'fabric-shim';
import { EstpChaincode } from '../../chaincode/src/chaincode';
import { setPeerClock } from '../../chaincode/src/lib/time';
import { type IdentityOptions, type TestIdentity, testIdentity } from './certs';
import {
  compareKeys,
  type RangeRead,
  TOTAL_QUERY_LIMIT,
  type TransactionRecord,
  TestStub,
  WorldState,
} from './stub';

export type { TestIdentity, IdentityOptions } from './certs';
export type { RangeRead, TransactionRecord } from './stub';

/** The ledger clock's start: 2026-01-01T00:00:00Z. */
export const DEFAULT_TIME_MS = Date.UTC(2026, 0, 1);
/** How far the ledger clock moves per transaction unless set. */
export const TX_INTERVAL_MS = 1000;
export const CHANNEL_ID = 'estp';

export interface TxOptions {
  /** The proposal's transient map (private inputs such as verification documents). */
  transient?: Record<string, string | Uint8Array>;
  /** The transaction timestamp, ms since the epoch; default the ledger clock (which then advances). */
  time?: number;
  /** Default: a fresh 64-hex ID. A committed ID is refused, as the peer refuses a duplicate TxID. */
  txId?: string;
  /** MSP of the endorsing peer (`stub.getMspID()`); default the caller's MSP. */
  peerMspId?: string;
  /**
   * The endorsing peer's clock while the transaction runs, ms; default the transaction timestamp
   * (a peer whose clock agrees). The chaincode refuses timestamps far from it (lib/time.ts).
   */
  peerClockMs?: number;
}

export interface TxResult<T> {
  result: T;
  txId: string;
  timestampMs: number;
  /** Public write set: key → bytes, or null for a delete. */
  writes: Map<string, Uint8Array | null>;
  /** Keys read, including those returned by range queries. */
  reads: Set<string>;
  /** The ranges scanned. */
  ranges: RangeRead[];
  /** Private write sets per collection: key → bytes, or null for a delete. */
  privateWrites: Map<string, Map<string, Uint8Array | null>>;
  /** The transaction's event (the last `setEvent`), payload parsed as JSON when it is JSON. */
  event?: { name: string; payload: unknown };
}

/** What fabric-contract-api's dispatch answered (see {@link TestLedger.invoke}). */
/**
 * A transaction simulated but not committed ({@link TestLedger.endorse}), with what the peer's
 * validator checks at commit: the version of every key it read and the keys of every range it
 * read, as they were when it was simulated.
 */
export interface Endorsed<T> {
  readonly result: T;
  readonly record: TransactionRecord;
  readonly readVersions: ReadonlyMap<string, number>;
  readonly rangeKeys: readonly (readonly [string, number])[][];
}

/** How the validator ended a transaction ({@link TestLedger.commitEndorsed}). */
export type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT';

export interface DispatchResult {
  /** 200 on success, 500 on error, as shim.success / shim.error. */
  status: number;
  message: string;
  /** The payload as UTF-8 text. */
  payload: string;
  record: TransactionRecord;
}

export interface LedgerOptions {
  /** Fail a transaction that leaves a query iterator open midway (default true). */
  failOnOpenIterators?: boolean;
  /** The peer's `ledger.state.totalQueryLimit` (default 100 000, as on the peer). */
  totalQueryLimit?: number;
}

const chaincodes = new WeakMap<readonly (typeof Contract)[], EstpChaincode>();

/**
 * The chaincode the ESTP service runs for `contracts` (cached per list): fabric-contract-api's
 * dispatch with ESTP's direct path (chaincode/src/chaincode.ts).
 */
export function chaincodeOf(contracts: readonly (typeof Contract)[]): EstpChaincode {
  let chaincode = chaincodes.get(contracts);
  if (!chaincode) {
    chaincode = new EstpChaincode(contracts, 'estp', '0.1.0');
    chaincodes.set(contracts, chaincode);
  }
  return chaincode;
}

function decodeEvent(event: TransactionRecord['event']): TxResult<unknown>['event'] {
  if (!event) return undefined;
  const text = Buffer.from(event.payload).toString('utf8');
  try {
    return { name: event.name, payload: JSON.parse(text) as unknown };
  } catch {
    return { name: event.name, payload: event.payload };
  }
}

function parseResult(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value === '' ? undefined : (JSON.parse(value) as unknown);
}

function transactionNames(contract: Contract): string[] {
  const declared = (Reflect.getMetadata('fabric:transactions', contract) ?? []) as { name: string }[];
  return declared.map((transaction) => transaction.name);
}

export class TestLedger {
  private readonly world: WorldState;
  private readonly committedTxIds = new Set<string>();
  private clock = DEFAULT_TIME_MS;
  private txCount = 0;
  /** The record of the last transaction run (committed or not). */
  last: TransactionRecord | undefined;

  private constructor(private readonly options: Required<LedgerOptions>) {
    this.world = new WorldState(options.totalQueryLimit);
  }

  static create(options: LedgerOptions = {}): Promise<TestLedger> {
    return Promise.resolve(
      new TestLedger({ failOnOpenIterators: true, totalQueryLimit: TOTAL_QUERY_LIMIT, ...options }),
    );
  }

  /** A client identity with a real certificate (cached per process). */
  identity(
    mspId: string,
    enrollmentId: string,
    roles: string[],
    options?: IdentityOptions,
  ): Promise<TestIdentity> {
    return testIdentity(mspId, enrollmentId, roles, options);
  }

  /** Sets the ledger clock for the following transactions. */
  setTime(ms: number): void {
    this.clock = ms;
  }

  /** Moves the ledger clock forward. */
  advance(ms: number): void {
    this.clock += ms;
  }

  /** The timestamp the next transaction gets (without options.time). */
  now(): number {
    return this.clock;
  }

  /**
   * Runs the transaction `fn` of `contract` as `caller` with `input` as its one argument (JSON
   * text; a string is passed unchanged, so malformed JSON can be tested). Commits the writes only
   * when it succeeds; rejects with the chaincode's own error otherwise (nothing committed).
   */
  async submit<T = unknown>(
    contract: Contract,
    fn: string,
    caller: TestIdentity,
    input?: unknown,
    options: TxOptions = {},
  ): Promise<TxResult<T>> {
    const record = await this.runDirect(contract, fn, caller, input, options);
    this.commit(record.stub.record);
    return this.resultOf<T>(record.stub.record, record.result);
  }

  /** Runs a transaction like {@link submit} but discards its writes (a gateway evaluate). */
  async evaluate<T = unknown>(
    contract: Contract,
    fn: string,
    caller: TestIdentity,
    input?: unknown,
    options: TxOptions = {},
  ): Promise<T> {
    const record = await this.runDirect(contract, fn, caller, input, options);
    return parseResult(record.result) as T;
  }

  /**
   * Runs `fcn` (e.g. `Participant:Register`) with raw string `args` through the service's dispatch
   * (EstpChaincode.Invoke: the direct path for a declared transaction with one argument, else
   * fabric-contract-api's name routing, metadata, argument marshalling, unknownTransaction), as the
   * peer would. Commits on status 200 when `commit` is true.
   */
  async invoke(
    contracts: readonly (typeof Contract)[],
    fcn: string,
    args: string[],
    caller: TestIdentity,
    options: TxOptions & { commit?: boolean; contractApiOnly?: boolean } = {},
  ): Promise<DispatchResult> {
    const chaincode = chaincodeOf(contracts);
    const stub = this.newStub(fcn, args, caller, options);
    setPeerClock(() => options.peerClockMs ?? stub.record.timestampMs);
    let response: Awaited<ReturnType<EstpChaincode['Invoke']>>;
    try {
      // contractApiOnly: fabric-contract-api's dispatch alone, to compare the direct path with it.
      response = await (options.contractApiOnly ? chaincode.contractApi : chaincode).Invoke(stub);
    } finally {
      setPeerClock(undefined);
    }
    this.last = stub.record;
    this.checkIterators(stub, fcn);
    if (response.status === 200 && options.commit !== false) this.commit(stub.record);
    return {
      status: response.status,
      message: response.message ?? '',
      payload: response.payload ? Buffer.from(response.payload).toString('utf8') : '',
      record: stub.record,
    };
  }

  /**
   * Runs `body` as a transaction with a Context like the contract API's (stub + real client
   * identity): for tests of the stub itself and of lib/ helpers. Commits when `body` resolves
   * (unless `commit: false`); the result is returned as is.
   */
  async transact<T>(
    caller: TestIdentity,
    body: (ctx: Context) => Promise<T>,
    options: TxOptions & { commit?: boolean; fcn?: string; params?: string[] } = {},
  ): Promise<TxResult<T>> {
    const run = await this.execute(
      options.fcn ?? 'test:transact',
      options.params ?? [],
      caller,
      options,
      undefined,
      body,
    );
    if (options.commit !== false) this.commit(run.stub.record);
    const result = this.resultOf<T>(run.stub.record, undefined);
    result.result = run.result;
    return result;
  }

  /**
   * Simulates a transaction without committing it (the endorsement), so several can be simulated
   * against the same state and committed later in any order with {@link commitEndorsed}: the
   * interleavings of concurrent clients. Rejects like {@link submit} when the chaincode refuses.
   */
  async endorse<T = unknown>(
    contract: Contract,
    fn: string,
    caller: TestIdentity,
    input?: unknown,
    options: TxOptions = {},
  ): Promise<Endorsed<T>> {
    const { stub, result } = await this.runDirect(contract, fn, caller, input, options);
    const record = stub.record;
    const readVersions = new Map([...record.reads].map((key) => [key, this.world.history(key).length]));
    const rangeKeys = record.ranges.map((range) => this.rangeVersions(range));
    return { result: parseResult(result) as T, record, readVersions, rangeKeys };
  }

  /**
   * Commits an endorsed transaction as the peer's validator would: MVCC_READ_CONFLICT when a key it
   * read has a newer version, PHANTOM_READ_CONFLICT when a range it read (up to where it stopped
   * reading) now holds other keys or versions; only a VALID one's writes are applied.
   */
  commitEndorsed(endorsed: Endorsed<unknown>): ValidationCode {
    for (const [key, version] of endorsed.readVersions) {
      if (this.world.history(key).length !== version) return 'MVCC_READ_CONFLICT';
    }
    const now = endorsed.record.ranges.map((range) => this.rangeVersions(range));
    if (JSON.stringify(now) !== JSON.stringify(endorsed.rangeKeys)) return 'PHANTOM_READ_CONFLICT';
    this.commit(endorsed.record);
    return 'VALID';
  }

  /** The keys (with versions) of a range read, up to the last key taken unless it was read to the end. */
  private rangeVersions(range: RangeRead): [string, number][] {
    const exhausted = range.consumed >= range.keys.length;
    const last = range.keys[range.consumed - 1];
    const entries = this.world.range(range.startKey, range.endKey);
    const upTo = exhausted
      ? entries
      : entries.filter(([key]) => last !== undefined && compareKeys(key, last) <= 0);
    return upTo.map(([key]) => [key, this.world.history(key).length]);
  }

  /** The committed world state (sorted by key). */
  state(): ReadonlyMap<string, Uint8Array> {
    return this.world.snapshot();
  }

  /** The committed contents of a private data collection. */
  privateState(collection: string): ReadonlyMap<string, Uint8Array> {
    return this.world.privateSnapshot(collection);
  }

  /** Every committed version of a key, oldest first. */
  history(key: string) {
    return this.world.history(key);
  }

  /** The composite key of a record `(type, id)`, as lib/keys.ts builds it. */
  key(type: string, ...attributes: string[]): string {
    return ShimStub.prototype.createCompositeKey.call(undefined, type, attributes);
  }

  /** The committed record `(type, id)` parsed, or undefined. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- typed read of a known record
  readRecord<T = unknown>(type: string, id: string): T | undefined {
    const bytes = this.world.get(this.key(type, id));
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as T);
  }

  /** Records of one type, in key order. */
  records<T = unknown>(type: string): T[] {
    const prefix = this.key(type);
    return this.world
      .range(prefix, `${prefix}\u{10ffff}`)
      .map(([, bytes]) => JSON.parse(bytes.toString('utf8')) as T);
  }

  // --- internals -----------------------------------------------------------------------------

  private newStub(fcn: string, params: string[], caller: TestIdentity, options: TxOptions): TestStub {
    this.txCount += 1;
    const txId = options.txId ?? createHash('sha256').update(`estp-test-tx-${this.txCount}`).digest('hex');
    if (this.committedTxIds.has(txId)) throw new Error(`duplicate transaction ID ${txId}`);
    let timestampMs = options.time;
    if (timestampMs === undefined) {
      timestampMs = this.clock;
      this.clock += TX_INTERVAL_MS;
    }
    const transient = new Map(
      Object.entries(options.transient ?? {}).map(([key, value]) => [
        key,
        typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value),
      ]),
    );
    return new TestStub(this.world, {
      txId,
      timestampMs,
      channelId: CHANNEL_ID,
      creator: { mspid: caller.mspId, idBytes: Buffer.from(caller.certificatePem, 'utf8') },
      peerMspId: options.peerMspId ?? caller.mspId,
      fcn,
      params,
      transient,
    });
  }

  private runDirect(
    contract: Contract,
    fn: string,
    caller: TestIdentity,
    input: unknown,
    options: TxOptions,
  ): Promise<{ stub: TestStub; result: unknown }> {
    if (!transactionNames(contract).includes(fn)) {
      throw new Error(`test fixture: ${fn} is not a @Transaction of contract ${contract.getName()}`);
    }
    const argument = typeof input === 'string' ? input : JSON.stringify(input ?? {});
    const method = (contract as unknown as Record<string, unknown>)[fn] as (
      ctx: Context,
      input: string,
    ) => Promise<unknown>;
    return this.execute(`${contract.getName()}:${fn}`, [argument], caller, options, contract, async (ctx) => {
      await contract.beforeTransaction(ctx);
      const result = await method.call(contract, ctx, argument);
      await contract.afterTransaction(ctx, result);
      return result;
    });
  }

  private async execute<T>(
    fcn: string,
    params: string[],
    caller: TestIdentity,
    options: TxOptions,
    contract: Contract | undefined,
    body: (ctx: Context) => Promise<T>,
  ): Promise<{ stub: TestStub; result: T }> {
    const stub = this.newStub(fcn, params, caller, options);
    const ctx = contract ? contract.createContext() : new Context();
    const settable = ctx as Context & {
      setChaincodeStub(stub: unknown): void;
      setClientIdentity(identity: unknown): void;
    };
    settable.setChaincodeStub(stub);
    // ClientIdentity only calls getChannelID, getTxID and getCreator, which the test stub provides.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    settable.setClientIdentity(new ClientIdentity(stub));
    this.last = stub.record;
    setPeerClock(() => options.peerClockMs ?? stub.record.timestampMs);
    let result: T;
    try {
      result = await body(ctx);
    } finally {
      setPeerClock(undefined);
    }
    this.checkIterators(stub, fcn);
    return { stub, result };
  }

  private checkIterators(stub: TestStub, fn: string): void {
    if (this.options.failOnOpenIterators && stub.openIterators.size > 0) {
      throw new Error(`test stub: ${fn} left ${stub.openIterators.size} query iterator(s) open`);
    }
  }

  private commit(record: TransactionRecord): void {
    this.world.commit(record);
    this.committedTxIds.add(record.txId);
  }

  private resultOf<T>(record: TransactionRecord, result: unknown): TxResult<T> {
    const txResult: TxResult<T> = {
      result: parseResult(result) as T,
      txId: record.txId,
      timestampMs: record.timestampMs,
      writes: record.writes,
      reads: record.reads,
      ranges: record.ranges,
      privateWrites: record.privateWrites,
    };
    const event = decodeEvent(record.event);
    if (event) txResult.event = event;
    return txResult;
  }
}
