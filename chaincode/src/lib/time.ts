/**
 * Ledger time. Endorsing peers must agree, so the only clock a transaction's writes depend on is
 * the transaction timestamp the client put in the proposal (the same on every endorser). Fabric
 * itself never checks that timestamp, so two rules make it trustworthy (docs/trust.md, "Ledger
 * time"):
 *
 * 1. **Near the peer's clock.** Before every transaction the chaincode compares the timestamp with
 *    the endorsing peer's own clock ({@link refuseSkewedTimestamp}) and refuses to endorse when
 *    they differ by more than {@link TX_TIME_TOLERANCE_MS}. This is the one place the chaincode
 *    reads a clock; it can only refuse, never change what is written, so peers whose clocks
 *    disagree at worst decline to endorse (and the transaction gathers no majority), while every
 *    endorsement that is given is computed from the timestamp alone.
 * 2. **Forward only.** A transaction is refused when its timestamp is earlier than the latest
 *    transaction time recorded on the records it acts on ({@link txTimeAfter}): the market (written
 *    by OpenMarket and ClearMarket), the trade, the dispute, the offer.
 */
import type { Context } from 'fabric-contract-api';
import { BadTimestampError } from './errors';

/** How far a transaction timestamp may lie from the endorsing peer's clock: 30 s either way. */
export const TX_TIME_TOLERANCE_MS = 30_000;

/** A clock: ms since the epoch. */
export type Clock = () => number;

/**
 * The endorsing peer's wall clock — the only clock read in the chaincode, used by
 * {@link refuseSkewedTimestamp} alone (ESLint and test/unit/determinism.test.ts allow `Date.now()`
 * in this function and nowhere else).
 */
export function peerClockMs(): number {
  return Date.now();
}

let peerClock: Clock = peerClockMs;

/**
 * Replaces the peer's clock; `undefined` restores the wall clock. For the unit-test ledger, whose
 * transactions carry simulated timestamps (test/support/fixture.ts): chaincode never calls it.
 */
export function setPeerClock(clock: Clock | undefined): void {
  peerClock = clock ?? peerClockMs;
}

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

/** `30.001 s` */
function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)}.${(ms % 1000).toString().padStart(3, '0')} s`;
}

/**
 * Refuses to endorse a transaction whose timestamp is more than `toleranceMs` away from `clock`
 * (the endorsing peer's). Runs before every transaction (EstpContract.beforeTransaction).
 * @throws {BadTimestampError} naming the timestamp, the peer's time and the tolerance.
 */
export function refuseSkewedTimestamp(
  ctx: Context,
  clock: Clock = peerClock,
  toleranceMs = TX_TIME_TOLERANCE_MS,
): void {
  const txMs = txTimeMs(ctx);
  const peerMs = clock();
  const skew = txMs - peerMs;
  if (skew > toleranceMs || -skew > toleranceMs) {
    throw new BadTimestampError(
      `transaction timestamp ${isoOf(txMs)} is ${seconds(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} ` +
        `the endorsing peer's clock ${isoOf(peerMs)} (tolerance ${seconds(toleranceMs)}); ` +
        'check the client clock and submit again',
    );
  }
}

/** A record that keeps the time of the latest transaction that wrote it. */
export interface Stamped {
  readonly updatedAt: string;
}

/**
 * The transaction time, refused when it is earlier than the latest transaction time recorded on
 * any of `records` (keyed by what they are, e.g. `market M-1`): on a record, time moves forward.
 * @throws {BadTimestampError}
 */
export function txTimeAfter(ctx: Context, records: Readonly<Record<string, Stamped | undefined>>): number {
  const nowMs = txTimeMs(ctx);
  for (const [what, record] of Object.entries(records)) {
    if (record === undefined) continue;
    const recordedMs = Date.parse(record.updatedAt);
    if (nowMs < recordedMs) {
      throw new BadTimestampError(
        `transaction timestamp ${isoOf(nowMs)} is before ${record.updatedAt}, the latest transaction recorded on ${what}`,
      );
    }
  }
  return nowMs;
}
