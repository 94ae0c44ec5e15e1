/**
 * The clearing driver: runs a market's ClearMarket steps until it is CLEARED, submitting the
 * slices of each matching round and of the release together (docs/trading.md, "Clearing in bounded
 * steps"). A step without `slice` plans a round, finishes it or does the sequential work; the
 * slices it announces (`clearing.match.slices` while MATCHING, `clearing.release.slices` while
 * RELEASING) touch disjoint keys, so they commit side by side.
 *
 * A slice call that fails (e.g. another clearer ran the same slice first, MVCC) is not retried
 * here: the next step without `slice` runs whatever slice is left itself, so the clearing always
 * ends, only less in parallel. A step without `slice` invalidated by a read conflict means another
 * clearer moved the clearing on first (the steps of one market all read its clearing record): the
 * driver asks for the next step, which starts from what that clearer committed.
 */
import { CommitFailedError } from './errors';
import type { InputOf, ResultOf } from './transactions';

export type ClearMarketInput = InputOf<'Market', 'ClearMarket'>;
export type ClearMarketStep = ResultOf<'Market', 'ClearMarket'>;

/** Calls limited per slice: an open-ended release slice takes one call per RELEASES_PER_PAIR × batchSize offers. */
const MAX_CALLS_PER_SLICE = 1_000;
/**
 * Slices in flight at once by default. Measured on the 2-core machine (docs/performance.md,
 * "Clearing"): 15 slices of 250 pairs submitted at once each took the cores' whole time for ~15 s
 * and ran into the client's endorsement deadline; a few in flight keep the peers busy without
 * that. With the default slices of 125 pairs, 2 in flight cleared a 10 000-offer book as fast as 3
 * (58.5 and 58.4 s) with its slowest transaction at 3.7 s instead of 6.2 s.
 */
export const DEFAULT_SLICES_IN_FLIGHT = 2;

/**
 * Steps in a row lost to another clearer's before the driver gives up: each conflict means that
 * clearer committed a step, so only a long race (or something else writing the market) gets here.
 */
const MAX_CONFLICTS_IN_A_ROW = 20;

/** A commit lost to another transaction that read or wrote the same keys first. */
function lostRace(error: unknown): boolean {
  return (
    error instanceof CommitFailedError &&
    (error.code === 'MVCC_READ_CONFLICT' || error.code === 'PHANTOM_READ_CONFLICT')
  );
}

/** What the driver reports after each step (for progress output and benchmarks). */
export interface ClearingProgress {
  readonly step: ClearMarketStep;
  readonly slice?: number;
  readonly ms: number;
}

/** Options of {@link clearMarket}. */
export interface ClearingOptions {
  /** Pairs per ClearMarket transaction (the chaincode's `DEFAULT_CLEARING_BATCH` unless given). */
  readonly batchSize?: number;
  /** Slices submitted at once (default {@link DEFAULT_SLICES_IN_FLIGHT}). */
  readonly inFlight?: number;
  readonly onProgress?: (progress: ClearingProgress) => void;
}

/**
 * Clears `marketId` to the end: ClearMarket without `slice` until a step announces slices, then
 * the slices, `inFlight` at a time (each called until `batch.slice.done`), then on. Returns the
 * last step.
 * @param submit submits one ClearMarket (e.g. `(input) => client.submit('Market', 'ClearMarket', input)`).
 */
export async function clearMarket(
  submit: (input: ClearMarketInput) => Promise<ClearMarketStep>,
  marketId: string,
  options: ClearingOptions = {},
): Promise<ClearMarketStep> {
  const { batchSize, onProgress, inFlight = DEFAULT_SLICES_IN_FLIGHT } = options;
  const timed = async (input: ClearMarketInput): Promise<ClearMarketStep> => {
    const started = performance.now();
    const step = await submit(input);
    onProgress?.({ step, slice: input.slice, ms: performance.now() - started });
    return step;
  };
  for (let conflicts = 0; ;) {
    let step: ClearMarketStep;
    try {
      step = await timed({ marketId, batchSize });
      conflicts = 0;
    } catch (error) {
      if (!lostRace(error) || ++conflicts > MAX_CONFLICTS_IN_A_ROW) throw error;
      continue;
    }
    if (step.batch.done) return step;
    const { clearing } = step;
    const slices =
      clearing.phase === 'MATCHING'
        ? clearing.match?.slices.length
        : clearing.phase === 'RELEASING'
          ? clearing.release?.slices.length
          : undefined;
    if (!slices) continue;
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let slice = next++; slice < slices; slice = next++) {
        try {
          for (let calls = 0; calls < MAX_CALLS_PER_SLICE; calls += 1) {
            const result = await timed({ marketId, batchSize, slice });
            if (result.batch.slice?.done !== false) break;
          }
        } catch {
          // Left to the next step without slice, which runs what is left itself.
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, slices)) }, lane));
  }
}
