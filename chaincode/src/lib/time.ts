/**
 * Ledger time. Endorsing peers must agree, so the only clock is the transaction timestamp the
 * client put in the proposal (the same on every endorser).
 */
import type { Context } from 'fabric-contract-api';

/** The transaction timestamp in whole milliseconds since the Unix epoch. */
export function txTimeMs(ctx: Context): number {
  const timestamp = ctx.stub.getTxTimestamp();
  const seconds = Number(timestamp.seconds.toString());
  return seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000);
}

/** The transaction timestamp as an ISO-8601 string (UTC, millisecond precision). */
export function txTimeIso(ctx: Context): string {
  return isoOf(txTimeMs(ctx));
}

/** ISO-8601 text of a millisecond timestamp. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
