/**
 * The demo day's clock. Ledger time is the transactions' timestamps, i.e. this machine's clock, so
 * a "day" is compressed into seconds: markets close a few seconds after they open, deliver for two
 * seconds, take meter reports for a few more, and keep a short dispute window and ruling notice.
 * The real defaults (docs/trading.md) are a 24 h report delay and a 24 h dispute window.
 */
import { sleep } from './session';

/** The times of one market, ms since the epoch (ledger time). */
export interface MarketTimes {
  readonly gateClosure: number;
  readonly deliveryStart: number;
  readonly deliveryEnd: number;
  readonly reportDeadline: number;
  readonly disputeWindowMs: number;
  readonly rulingNoticeMs: number;
  /** reportDeadline + disputeWindowMs: when delivered trades settle. */
  readonly settleAfter: number;
}

/** How long each phase lasts, in ms. */
export interface Pacing {
  /** From opening the markets to gate closure: time to post every offer. */
  readonly offersMs: number;
  readonly deliveryMs: number;
  /** From delivery end to the report deadline: time for the meter reports and the dispute. */
  readonly reportsMs: number;
  readonly disputeWindowMs: number;
  readonly rulingNoticeMs: number;
}

export const DEMO_PACING: Pacing = {
  offersMs: 8_000,
  deliveryMs: 2_000,
  reportsMs: 6_000,
  disputeWindowMs: 3_000,
  rulingNoticeMs: 1_000,
};

/** The times of markets opened now (`openedAt`). */
export function marketTimes(openedAt: number, pacing: Pacing = DEMO_PACING): MarketTimes {
  const gateClosure = openedAt + pacing.offersMs;
  const deliveryEnd = gateClosure + pacing.deliveryMs;
  const reportDeadline = deliveryEnd + pacing.reportsMs;
  return {
    gateClosure,
    deliveryStart: gateClosure,
    deliveryEnd,
    reportDeadline,
    disputeWindowMs: pacing.disputeWindowMs,
    rulingNoticeMs: pacing.rulingNoticeMs,
    settleAfter: reportDeadline + pacing.disputeWindowMs,
  };
}

/**
 * Margin after a ledger deadline before acting on it. The transaction timestamp is taken when the
 * client builds the proposal, so a small margin is enough on one machine.
 */
export const CLOCK_MARGIN_MS = 300;

/** Waits until `time` (ms since the epoch) plus the margin has passed on this machine's clock. */
export async function waitUntil(time: number): Promise<number> {
  const wait = time + CLOCK_MARGIN_MS - Date.now();
  if (wait > 0) await sleep(wait);
  return Math.max(0, wait);
}

/** `20:18:05.211` (UTC) for the narration. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
