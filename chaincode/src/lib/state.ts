/**
 * Typed reads and writes of ledger records, all through the canonical JSON of lib/json.ts.
 */
import type { Context } from 'fabric-contract-api';
import { AlreadyExistsError, NotFoundError } from './errors';
import { fromBytes, toBytes } from './json';
import { INDEX_VALUE, indexKey, recordKey, type RecordType } from './keys';

/**
 * The records this transaction has read, by key (per stub, so per transaction). A transaction reads
 * the committed state only — Fabric has no read-your-writes — so a second read of a key returns
 * the same bytes as the first; keeping them saves the round trip to the peer (PostOffer's caller
 * checks read the caller's participant record twice).
 */
const readThisTransaction = new WeakMap<object, Map<string, Uint8Array>>();

/** Reads the record, or `undefined` when absent (each key from the peer once per transaction). */
export async function readRecord<T>(ctx: Context, type: RecordType, id: string): Promise<T | undefined> {
  const key = recordKey(ctx, type, id);
  let read = readThisTransaction.get(ctx.stub);
  if (!read) {
    read = new Map();
    readThisTransaction.set(ctx.stub, read);
  }
  let bytes = read.get(key);
  if (bytes === undefined) {
    bytes = await ctx.stub.getState(key);
    read.set(key, bytes);
  }
  // Parsed anew each time: callers change the objects they get.
  return bytes.length === 0 ? undefined : fromBytes<T>(bytes);
}

/**
 * Reads the record or fails.
 * @throws {NotFoundError}
 */
export async function mustReadRecord<T>(ctx: Context, type: RecordType, id: string): Promise<T> {
  const record = await readRecord<T>(ctx, type, id);
  if (record === undefined) throw new NotFoundError(type, id);
  return record;
}

/**
 * Fails when the record exists (used before creating one under a client-chosen ID).
 * @throws {AlreadyExistsError}
 */
export async function assertAbsent(ctx: Context, type: RecordType, id: string): Promise<void> {
  const bytes = await ctx.stub.getState(recordKey(ctx, type, id));
  if (bytes.length > 0) throw new AlreadyExistsError(type, id);
}

/** Writes the record as canonical JSON. */
export async function writeRecord(ctx: Context, type: RecordType, id: string, record: object): Promise<void> {
  await ctx.stub.putState(recordKey(ctx, type, id), toBytes(record));
}

/** Writes an index entry. */
export async function writeIndex(ctx: Context, index: string, attributes: readonly string[]): Promise<void> {
  await ctx.stub.putState(indexKey(ctx, index, attributes), INDEX_VALUE);
}

/**
 * Writes one index entry for a batch of records written together (a ClearMarket batch's trades):
 * keyed by `prefix` and the batch's first ID, valued the JSON array of their IDs, instead of one
 * entry per record. lib/pagination.ts `readIndexIds` expands it; a batch of one is an ordinary
 * entry, an empty batch writes nothing.
 */
export async function writeBatchIndex(
  ctx: Context,
  index: string,
  prefix: readonly string[],
  ids: readonly string[],
): Promise<void> {
  const [first] = ids;
  if (first === undefined) return;
  const attributes = [...prefix, first];
  if (ids.length === 1) await writeIndex(ctx, index, attributes);
  else await ctx.stub.putState(indexKey(ctx, index, attributes), toBytes([...ids]));
}

/** Deletes an index entry (when the indexed attribute of a record changes). */
export async function deleteIndex(ctx: Context, index: string, attributes: readonly string[]): Promise<void> {
  await ctx.stub.deleteState(indexKey(ctx, index, attributes));
}
