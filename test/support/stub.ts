/**
 * An in-memory ChaincodeStub with the Fabric 2.5 peer's semantics (LevelDB state database):
 *
 * - reads see only COMMITTED state: Fabric has no read-your-writes inside a transaction;
 * - writes are buffered in a write set that {@link WorldState.commit} applies atomically, so a
 *   transaction that throws leaves no trace;
 * - keys sort by UTF-8 byte order, range end keys are exclusive, an empty start key skips the
 *   composite-key namespace (the shim substitutes "\x01"), an empty end key is unbounded, and a
 *   partial composite key query is the prefix range `[prefix, prefix + U+10FFFF)`;
 * - paginated queries return `bookmark` = the next key after the page, or "" when none remains
 *   (LevelDB peeks the next key), and fail like the peer's txSimulator when mixed with writes;
 * - the paging metadata travels as a protobuf message that is left out when empty, so a page with
 *   no records (and hence no bookmark) comes back as `{ iterator }` with NO `metadata`, and a page
 *   size of 0 without a bookmark is an unpaginated query (no metadata either);
 * - an unpaginated range returns at most the peer's `totalQueryLimit` entries and then ends as if
 *   the range were exhausted (the peer gives no sign that it cut the result);
 * - query results are `{ key, value }` (fabric-shim sets no `namespace`); an unpaginated range
 *   reaches the chaincode in batches of 100 (the peer's maxResultLimit), and the read set records
 *   the keys of the batches fetched, not the whole range;
 * - only the last `setEvent` is kept; history is newest first.
 *
 * Composite keys use fabric-shim's own `createCompositeKey`/`splitCompositeKey`. Anything a
 * contract should not use (rich queries, chaincode-to-chaincode calls, key-level endorsement…)
 * throws "… is not supported by the test stub".
 */
import { createHash } from 'node:crypto';
import { ChaincodeStub as ShimStub } from 'fabric-shim';
import type {
  ChaincodeProposal,
  ChaincodeResponse,
  ChaincodeStub,
  Iterators,
  SerializedIdentity,
  SplitCompositekey,
  StateQueryResponse,
  Timestamp,
} from 'fabric-shim-api';
import Long from 'long';

const COMPOSITEKEY_NS = '\x00';
const EMPTY_KEY_SUBSTITUTE = '\x01';
const MAX_UNICODE_RUNE_VALUE = '\u{10ffff}';
/**
 * The peer's `ledger.state.totalQueryLimit` default: the most entries one range query returns
 * (a page size above it is cut to it, and an unpaginated range silently ends there).
 */
export const TOTAL_QUERY_LIMIT = 100_000;
/** The peer's maxResultLimit: an unpaginated range reaches the chaincode this many entries at a time. */
export const QUERY_BATCH = 100;

/** The txSimulator's errors, verbatim. */
export const PAGINATED_AFTER_WRITE =
  'txSimulator does not support paginated queries in a read-write transaction';
export const WRITE_AFTER_PAGINATED = 'txSimulator does not support write after paginated queries';

/** One committed version of a key, as the history database keeps it. */
export interface KeyVersion {
  readonly txId: string;
  readonly timestampMs: number;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** A range scanned by a transaction (recorded for phantom-read reasoning in tests). */
export interface RangeRead {
  readonly startKey: string;
  /** "" = unbounded. */
  readonly endKey: string;
  readonly paginated: boolean;
  /** The keys the peer fetched for the chaincode (whole batches of 100, or the whole page). */
  readonly keys: readonly string[];
  /** How many entries the chaincode took with `next()`. */
  consumed: number;
}

/** Everything a transaction read, wrote and emitted. */
export interface TransactionRecord {
  readonly txId: string;
  readonly timestampMs: number;
  readonly fcn: string;
  readonly params: readonly string[];
  readonly reads: Set<string>;
  /** GetState calls, each a round trip to the peer (a key read twice counts twice). */
  getStateCalls: number;
  readonly ranges: RangeRead[];
  readonly writes: Map<string, Uint8Array | null>;
  readonly privateReads: Map<string, Set<string>>;
  readonly privateWrites: Map<string, Map<string, Uint8Array | null>>;
  event?: { readonly name: string; readonly payload: Uint8Array };
}

/** What the stub needs to know about the transaction it simulates. */
export interface StubTransaction {
  readonly txId: string;
  readonly timestampMs: number;
  readonly channelId: string;
  readonly creator: SerializedIdentity;
  /** The endorsing peer's MSP (`stub.getMspID()`). */
  readonly peerMspId: string;
  readonly fcn: string;
  readonly params: readonly string[];
  readonly transient: ReadonlyMap<string, Uint8Array>;
}

/** Orders keys as LevelDB does: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function copy(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}

function notSupported(what: string): never {
  throw new Error(`${what} is not supported by the test stub`);
}

/** The committed world state, history and private data of the test channel. */
export class WorldState {
  /** The peer's `totalQueryLimit` this ledger simulates (smaller values let tests reach it). */
  readonly totalQueryLimit: number;
  private readonly values = new Map<string, Buffer>();
  private sorted: { key: string; bytes: Buffer }[] | undefined;
  private readonly versions = new Map<string, KeyVersion[]>();
  private readonly collections = new Map<string, Map<string, Buffer>>();

  constructor(totalQueryLimit = TOTAL_QUERY_LIMIT) {
    this.totalQueryLimit = totalQueryLimit;
  }

  /** The committed value, or undefined. */
  get(key: string): Buffer | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : copy(value);
  }

  /** Committed entries with startKey ≤ key < endKey (endKey "" = unbounded), in UTF-8 byte order. */
  range(startKey: string, endKey: string): [string, Buffer][] {
    this.sorted ??= [...this.values.keys()]
      .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const sorted = this.sorted;
    const start = Buffer.from(startKey, 'utf8');
    const end = endKey === '' ? undefined : Buffer.from(endKey, 'utf8');
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Buffer.compare(sorted[middle]!.bytes, start) < 0) low = middle + 1;
      else high = middle;
    }
    const result: [string, Buffer][] = [];
    for (let index = low; index < sorted.length; index += 1) {
      const entry = sorted[index]!;
      if (end !== undefined && Buffer.compare(entry.bytes, end) >= 0) break;
      result.push([entry.key, copy(this.values.get(entry.key)!)]);
    }
    return result;
  }

  /** Every committed version of `key`, oldest first. */
  history(key: string): readonly KeyVersion[] {
    return this.versions.get(key) ?? [];
  }

  /** A committed private data value, or undefined. */
  getPrivate(collection: string, key: string): Buffer | undefined {
    const value = this.collections.get(collection)?.get(key);
    return value === undefined ? undefined : copy(value);
  }

  /** A snapshot of the committed public state. */
  snapshot(): ReadonlyMap<string, Uint8Array> {
    const sorted = [...this.values.entries()].sort(([a], [b]) => compareKeys(a, b));
    return new Map(sorted.map(([key, value]) => [key, copy(value)]));
  }

  /** A snapshot of one private data collection. */
  privateSnapshot(collection: string): ReadonlyMap<string, Uint8Array> {
    const entries = [...(this.collections.get(collection)?.entries() ?? [])].sort(([a], [b]) =>
      compareKeys(a, b),
    );
    return new Map(entries.map(([key, value]) => [key, copy(value)]));
  }

  /** Applies a transaction's write sets, all at once (the peer's commit of a valid transaction). */
  commit(record: TransactionRecord): void {
    for (const [key, value] of record.writes) {
      const isDelete = value === null;
      if (isDelete) this.values.delete(key);
      else this.values.set(key, copy(value));
      const versions = this.versions.get(key) ?? [];
      versions.push({
        txId: record.txId,
        timestampMs: record.timestampMs,
        isDelete,
        value: isDelete ? Buffer.alloc(0) : copy(value),
      });
      this.versions.set(key, versions);
    }
    if (record.writes.size > 0) this.sorted = undefined;
    for (const [collection, writes] of record.privateWrites) {
      const store = this.collections.get(collection) ?? new Map<string, Buffer>();
      for (const [key, value] of writes) {
        if (value === null) store.delete(key);
        else store.set(key, copy(value));
      }
      this.collections.set(collection, store);
    }
  }
}

/** A query iterator with fabric-shim's interface: `next()` → `{ value, done }`, `close()`. */
class StubIterator<T> implements Iterators.CommonIterator<T> {
  private position = 0;
  private closed = false;

  /**
   * @param fetched called with the index of each item the peer sends before it is taken (the
   *   iterator fetches `batch` items at a time, the first batch at once).
   */
  constructor(
    private readonly items: readonly T[],
    private readonly open: Set<StubIterator<unknown>>,
    private readonly batch = Number.MAX_SAFE_INTEGER,
    private readonly fetched: (index: number) => void = () => undefined,
    private readonly taken: () => void = () => undefined,
  ) {
    open.add(this);
    this.fetch();
  }

  private fetch(): void {
    const end = Math.min(this.items.length, this.position + this.batch);
    for (let index = this.position; index < end; index += 1) this.fetched(index);
  }

  next(): Promise<Iterators.NextResult<T>> {
    if (this.closed) return Promise.reject(new Error('iterator used after close()'));
    if (this.position > 0 && this.position % this.batch === 0) this.fetch();
    const item = this.items[this.position];
    if (item === undefined) {
      // Read to its end: as on the peer, nothing is left open that the chaincode must close (the
      // peer has sent its last batch and closes the iterator when the simulation ends).
      this.open.delete(this);
      return Promise.resolve({ done: true } as Iterators.NextResult<T>);
    }
    this.position += 1;
    this.taken();
    return Promise.resolve({ value: item, done: false });
  }

  close(): Promise<void> {
    this.closed = true;
    this.open.delete(this);
    return Promise.resolve();
  }
}

/**
 * Makes a promise of an iterator (or of `{ iterator }`) async-iterable the way fabric-shim's
 * `convertToAsyncIterator` does: `for await` closes the iterator at the end or on `break`.
 */
function asyncIterable<T, R extends Iterators.CommonIterator<T> | { iterator: Iterators.CommonIterator<T> }>(
  promise: Promise<R>,
): Promise<R> & AsyncIterable<T> {
  const iterable = promise as Promise<R> & AsyncIterable<T>;
  iterable[Symbol.asyncIterator] = () => {
    let iterator: Iterators.CommonIterator<T> | undefined;
    return {
      next: async () => {
        if (!iterator) {
          const response = await promise;
          iterator = 'iterator' in response ? response.iterator : response;
        }
        const next = await iterator.next();
        if (next.done) await iterator.close();
        return next;
      },
      return: async () => {
        await iterator?.close();
        return { done: true, value: undefined };
      },
    };
  };
  return iterable;
}

function validateSimpleKeys(...keys: string[]): void {
  for (const key of keys) {
    if (key && key.startsWith(COMPOSITEKEY_NS)) {
      throw new Error(`first character of the key [${key}] contains a null character which is not allowed`);
    }
  }
}

function requireKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new Error(`${what} must be a valid string`);
}

/** Runs the shim's argument checks; a failure becomes a rejected promise, as in the async shim. */
function attempt(check: () => void): Promise<never> | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function toBytesValue(value: Uint8Array | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : copy(value);
}

/** The stub of one transaction over a {@link WorldState}. */
export class TestStub implements ChaincodeStub {
  readonly record: TransactionRecord;
  /** Iterators the chaincode opened and has neither read to their end nor closed. */
  readonly openIterators = new Set<StubIterator<unknown>>();
  private writePerformed = false;
  private paginatedQueriesPerformed = false;

  constructor(
    private readonly world: WorldState,
    private readonly tx: StubTransaction,
  ) {
    this.record = {
      txId: tx.txId,
      timestampMs: tx.timestampMs,
      fcn: tx.fcn,
      params: [...tx.params],
      reads: new Set(),
      getStateCalls: 0,
      ranges: [],
      writes: new Map(),
      privateReads: new Map(),
      privateWrites: new Map(),
    };
  }

  // --- transaction information -------------------------------------------------------------

  getArgs(): string[] {
    return [this.tx.fcn, ...this.tx.params];
  }

  getStringArgs(): string[] {
    return this.getArgs();
  }

  /** Used by fabric-contract-api's dispatch (ChaincodeFromContract). */
  getBufferArgs(): Buffer[] {
    return this.getArgs().map((arg) => Buffer.from(arg, 'utf8'));
  }

  getFunctionAndParameters(): { params: string[]; fcn: string } {
    return { fcn: this.tx.fcn, params: [...this.tx.params] };
  }

  getTxID(): string {
    return this.tx.txId;
  }

  getChannelID(): string {
    return this.tx.channelId;
  }

  getCreator(): SerializedIdentity {
    return { mspid: this.tx.creator.mspid, idBytes: copy(this.tx.creator.idBytes) };
  }

  getMspID(): string {
    return this.tx.peerMspId;
  }

  getTransient(): Map<string, Uint8Array> {
    return new Map([...this.tx.transient].map(([key, value]) => [key, copy(value)]));
  }

  getTxTimestamp(): Timestamp {
    const ms = this.tx.timestampMs;
    const seconds = Math.floor(ms / 1000);
    return { seconds: Long.fromNumber(seconds, true), nanos: (ms - seconds * 1000) * 1_000_000 };
  }

  getDateTimestamp(): Date {
    return new Date(this.tx.timestampMs);
  }

  getSignedProposal(): ChaincodeProposal.SignedProposal {
    return notSupported('getSignedProposal');
  }

  getBinding(): string {
    return notSupported('getBinding');
  }

  // --- public state --------------------------------------------------------------------------

  getState(key: string): Promise<Uint8Array> {
    this.record.reads.add(key);
    this.record.getStateCalls += 1;
    return Promise.resolve(this.world.get(key) ?? Buffer.alloc(0));
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    const refused = attempt(() => {
      requireKey(key);
      this.checkWrite();
    });
    if (refused) return refused;
    const bytes = toBytesValue(value);
    // The peer treats an empty value as a delete (protobuf cannot tell empty from nil).
    this.record.writes.set(key, bytes.length === 0 ? null : bytes);
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    const refused = attempt(() => {
      requireKey(key);
      this.checkWrite();
    });
    if (refused) return refused;
    this.record.writes.set(key, null);
    return Promise.resolve();
  }

  setStateValidationParameter(): Promise<void> {
    return notSupported('setStateValidationParameter');
  }

  getStateValidationParameter(): Promise<Uint8Array> {
    return notSupported('getStateValidationParameter');
  }

  getStateByRange(startKey: string, endKey: string) {
    const start = startKey || EMPTY_KEY_SUBSTITUTE;
    return asyncIterable<Iterators.KV, Iterators.StateQueryIterator>(
      this.scan(() => {
        validateSimpleKeys(start, endKey);
        return this.rangeIterator(start, endKey);
      }),
    );
  }

  getStateByRangeWithPagination(startKey: string, endKey: string, pageSize: number, bookmark?: string) {
    const start = startKey || EMPTY_KEY_SUBSTITUTE;
    return asyncIterable<Iterators.KV, StateQueryResponse<Iterators.StateQueryIterator>>(
      this.scan(() => {
        validateSimpleKeys(start, endKey);
        return this.page(start, endKey, pageSize, bookmark ?? '');
      }),
    );
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    // Like the shim, an invalid objectType/attribute throws synchronously.
    const prefix = this.createCompositeKey(objectType, attributes);
    return asyncIterable<Iterators.KV, Iterators.StateQueryIterator>(
      this.scan(() => this.rangeIterator(prefix, prefix + MAX_UNICODE_RUNE_VALUE)),
    );
  }

  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ) {
    const prefix = this.createCompositeKey(objectType, attributes);
    return asyncIterable<Iterators.KV, StateQueryResponse<Iterators.StateQueryIterator>>(
      this.scan(() => this.page(prefix, prefix + MAX_UNICODE_RUNE_VALUE, pageSize, bookmark ?? '')),
    );
  }

  getQueryResult(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return notSupported('getQueryResult (rich queries need CouchDB; ESTP peers use LevelDB)');
  }

  getQueryResultWithPagination(): Promise<StateQueryResponse<Iterators.StateQueryIterator>> &
    AsyncIterable<Iterators.KV> {
    return notSupported('getQueryResultWithPagination (rich queries need CouchDB; ESTP peers use LevelDB)');
  }

  getHistoryForKey(key: string) {
    const versions = [...this.world.history(key)].reverse().map((version): Iterators.KeyModification => ({
      txId: version.txId,
      isDelete: version.isDelete,
      value: copy(version.value),
      // fabric-shim returns the protobuf Timestamp's toObject(): seconds is a plain number there.
      timestamp: {
        seconds: Math.floor(version.timestampMs / 1000),
        nanos: (version.timestampMs % 1000) * 1_000_000,
      } as unknown as Timestamp,
    }));
    return asyncIterable<Iterators.KeyModification, Iterators.HistoryQueryIterator>(
      this.scan(() => new StubIterator(versions, this.openIterators)),
    );
  }

  invokeChaincode(): Promise<ChaincodeResponse> {
    return notSupported('invokeChaincode');
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name === '') throw new Error('Event name must be a non-empty string');
    this.record.event = { name, payload: copy(payload) };
  }

  // --- composite keys: fabric-shim's own pure implementation ---------------------------------

  createCompositeKey(objectType: string, attributes: string[]): string {
    return ShimStub.prototype.createCompositeKey.call(this, objectType, attributes);
  }

  splitCompositeKey(compositeKey: string): SplitCompositekey {
    return ShimStub.prototype.splitCompositeKey.call(this, compositeKey);
  }

  // --- private data --------------------------------------------------------------------------

  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    const refused = attempt(() => {
      requireKey(collection, 'collection');
      requireKey(key);
    });
    if (refused) return refused;
    const reads = this.record.privateReads.get(collection) ?? new Set<string>();
    reads.add(key);
    this.record.privateReads.set(collection, reads);
    return Promise.resolve(this.world.getPrivate(collection, key) ?? Buffer.alloc(0));
  }

  getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    const refused = attempt(() => {
      requireKey(collection, 'collection');
      requireKey(key);
    });
    if (refused) return refused;
    const value = this.world.getPrivate(collection, key);
    return Promise.resolve(
      value === undefined ? Buffer.alloc(0) : createHash('sha256').update(value).digest(),
    );
  }

  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    const refused = attempt(() => {
      requireKey(collection, 'collection');
      requireKey(key);
      if (!(value as Uint8Array | undefined)) throw new Error('value must be valid');
      this.checkWrite();
    });
    if (refused) return refused;
    const bytes = toBytesValue(value);
    this.privateWriteSet(collection).set(key, bytes.length === 0 ? null : bytes);
    return Promise.resolve();
  }

  deletePrivateData(collection: string, key: string): Promise<void> {
    const refused = attempt(() => {
      requireKey(collection, 'collection');
      requireKey(key);
      this.checkWrite();
    });
    if (refused) return refused;
    this.privateWriteSet(collection).set(key, null);
    return Promise.resolve();
  }

  purgePrivateData(): Promise<void> {
    return notSupported('purgePrivateData');
  }

  setPrivateDataValidationParameter(): Promise<void> {
    return notSupported('setPrivateDataValidationParameter');
  }

  getPrivateDataValidationParameter(): Promise<Uint8Array> {
    return notSupported('getPrivateDataValidationParameter');
  }

  getPrivateDataByRange(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return notSupported('getPrivateDataByRange');
  }

  getPrivateDataByPartialCompositeKey(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return notSupported('getPrivateDataByPartialCompositeKey');
  }

  getPrivateDataQueryResult(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return notSupported('getPrivateDataQueryResult');
  }

  // --- internals -----------------------------------------------------------------------------

  /** Runs a query; its errors (the peer's answers) become a rejected promise. */
  private scan<R>(run: () => R): Promise<R> {
    let result: R | undefined;
    const refused = attempt(() => {
      result = run();
    });
    return refused ?? Promise.resolve(result as R);
  }

  private checkWrite(): void {
    if (this.paginatedQueriesPerformed) throw new Error(WRITE_AFTER_PAGINATED);
    this.writePerformed = true;
  }

  private privateWriteSet(collection: string): Map<string, Uint8Array | null> {
    let writes = this.record.privateWrites.get(collection);
    if (!writes) {
      writes = new Map();
      this.record.privateWrites.set(collection, writes);
    }
    return writes;
  }

  /** An iterator over `entries` that records the range, its fetched keys and what is taken. */
  private rangeOver(
    startKey: string,
    endKey: string,
    paginated: boolean,
    entries: [string, Buffer][],
  ): StubIterator<Iterators.KV> {
    const range: RangeRead & { keys: string[] } = { startKey, endKey, paginated, keys: [], consumed: 0 };
    this.record.ranges.push(range);
    return new StubIterator(
      this.kvs(entries),
      this.openIterators,
      paginated ? Number.MAX_SAFE_INTEGER : QUERY_BATCH,
      (index) => {
        const key = entries[index]![0];
        range.keys.push(key);
        this.record.reads.add(key);
      },
      () => {
        range.consumed += 1;
      },
    );
  }

  /** fabric-shim's query results carry only `key` and `value`, whatever the typings say. */
  private kvs(entries: [string, Buffer][]): Iterators.KV[] {
    return entries.map(([key, value]) => ({ key, value }) as unknown as Iterators.KV);
  }

  /** An unpaginated range: at most totalQueryLimit entries, then it just ends (as on the peer). */
  private rangeIterator(startKey: string, endKey: string): Iterators.StateQueryIterator {
    const entries = this.world.range(startKey, endKey).slice(0, this.world.totalQueryLimit);
    return this.rangeOver(startKey, endKey, false, entries);
  }

  private page(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark: string,
  ): StateQueryResponse<Iterators.StateQueryIterator> {
    // The peer treats page size 0 without a bookmark as no pagination at all (no metadata).
    if (pageSize === 0 && bookmark === '') {
      return {
        iterator: this.rangeIterator(startKey, endKey),
      } as StateQueryResponse<Iterators.StateQueryIterator>;
    }
    if (this.writePerformed) throw new Error(PAGINATED_AFTER_WRITE);
    this.paginatedQueriesPerformed = true;
    // The peer resumes at the bookmark (the first key of the next page).
    const from = bookmark || startKey;
    const cap = this.world.totalQueryLimit;
    const limit = pageSize > 0 && pageSize < cap ? Math.floor(pageSize) : cap;
    const all = this.world.range(from, endKey);
    const entries = all.slice(0, limit);
    // LevelDB peeks the key after the page: "" when the page reached the end of the range.
    const next = all[limit];
    const iterator = this.rangeOver(from, endKey, true, entries);
    const metadata = { fetchedRecordsCount: entries.length, bookmark: next ? next[0] : '' };
    // QueryResponseMetadata is a protobuf message: with count 0 and an empty bookmark it encodes
    // to no bytes, and fabric-shim then sets no `metadata` at all (handler.js handleGetQueryResult).
    if (metadata.fetchedRecordsCount === 0 && metadata.bookmark === '') {
      return { iterator } as unknown as StateQueryResponse<Iterators.StateQueryIterator>;
    }
    return { iterator, metadata };
  }
}
