/**
 * Protobuf helpers for the admin (channel updates) and audit (block verification) code, over the
 * typed classes of @hyperledger/fabric-protos and google-protobuf (typed by @types/google-protobuf):
 * map keys in a stable order, and timestamps to and from milliseconds.
 */
import type { Map as ProtoMap } from 'google-protobuf';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

export type { ProtoMap };

/** The keys of a protobuf map, sorted (its iteration order is insertion order, not meaningful). */
export function sortedKeys<V>(map: ProtoMap<string, V>): string[] {
  return [...map.keys()].sort();
}

/** A protobuf Timestamp of `at` (millisecond precision). */
export function timestampOf(at: Date): Timestamp {
  const ms = at.getTime();
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(ms / 1000));
  timestamp.setNanos((ms - Math.floor(ms / 1000) * 1000) * 1_000_000);
  return timestamp;
}

/** Milliseconds since the epoch of a protobuf Timestamp (sub-millisecond nanos dropped). */
export function msOf(timestamp: Timestamp): number {
  return timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1_000_000);
}
