/**
 * Seeing one endorsed, signed transaction through to a known outcome: committed (valid or
 * invalidated), or — only when every attempt to learn it failed — plainly unknown.
 *
 * An orderer that accepted a transaction may still lose it: a Raft follower forwards it to the
 * leader, and a leader that dies drops what it had not yet replicated. Waiting a minute for the
 * commit status of a lost transaction helps no one. So the client waits a short while
 * (`commitStatusMs`), and when the transaction has not committed by then, it sends **the same
 * signed transaction** to the orderers again and waits again, until it commits, is invalidated, or
 * `commitMs` has passed since the orderers first accepted it. The same envelope carries the same
 * transaction ID, and a peer marks every later copy of an ID it has committed `DUPLICATE_TXID`
 * without applying it, while the status by transaction ID stays the first copy's: resubmitting can
 * never commit it twice. Before reporting an unknown outcome the status is asked once more by
 * transaction ID, so a transaction that did commit is reported committed.
 *
 * Orderers that refuse a transaction (no Raft leader during an election, too few orderers) did
 * not take it; the refusal is retried for `submitMs`, about one Raft election, and then reported.
 * A send that gets no answer within `submitMs` (a follower still forwarding to a dead leader) may
 * have reached them, so it is followed like an accepted one, looked up and sent again soon.
 */
import type { Status } from '@hyperledger/fabric-gateway';
import { EstpClientError, UnavailableError } from './errors';

/** How long the client pursues a submitted transaction, in milliseconds. */
export interface SubmissionDeadlines {
  /** Until the orderers accept the transaction (refusals are retried within it). */
  readonly submitMs: number;
  /** One wait for the commit status before the same transaction is sent again. */
  readonly commitStatusMs: number;
  /** From the orderers' first acceptance to a known outcome. */
  readonly commitMs: number;
}

/** The two ways of reaching the network a submission needs, each bounded by a deadline (epoch ms). */
export interface SubmissionChannel {
  /** The transaction's ID. */
  readonly transactionId: string;
  /** Sends the same signed transaction to the orderers; resolves once one accepted it. */
  submit(deadline: number): Promise<void>;
  /**
   * The transaction's commit status by its ID, waiting for the commit until `deadline`; rejects
   * when it has not committed by then.
   */
  status(deadline: number): Promise<Status>;
}

/** Hooks, for tests and progress messages. */
export interface SubmissionHooks {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before the same transaction is sent again: why, and which copy this will be (2, 3, …). */
  readonly onResubmit?: (transactionId: string, reason: unknown, copy: number) => void;
  /** Names the transaction in messages, e.g. `Market:PostOffer`. */
  readonly label?: string;
}

/** The final status check by transaction ID waits at most this long. */
export const RESOLVE_WAIT_MS = 1_000;

/** Pauses between attempts that failed at once: 250 ms, doubling, at most 1 s. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 1_000;

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Only network failures are worth another attempt; anything else (access denied, a bug) is final. */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof UnavailableError;
}

/** A call that ran out of time: the other side may have acted on it. */
function isTimeout(error: unknown): boolean {
  return error instanceof EstpClientError && error.code === 'DEADLINE_EXCEEDED';
}

function codeOf(error: unknown): string {
  return error instanceof EstpClientError ? error.code : String(error);
}

/**
 * Submits `channel`'s transaction and follows it until its status is known (see the module
 * comment). Resolves to its commit status, valid or not.
 * @throws {UnavailableError} `COMMIT_STATUS_UNKNOWN` when the outcome is still unknown after
 *   `commitMs` and a last look-up by ID; the orderers' own error when they never accepted it.
 */
export async function seeThrough(
  channel: SubmissionChannel,
  deadlines: SubmissionDeadlines,
  hooks: SubmissionHooks = {},
): Promise<Status> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? realSleep;

  // 1. Until an orderer accepts it. A refusal means the orderers did not take it: try again. A
  //    send that timed out may have reached them: from then on only its status decides.
  const acceptBy = now() + deadlines.submitMs;
  let unanswered = false;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(MAX_PAUSE_MS, pause * 2)) {
    try {
      await channel.submit(acceptBy);
      break;
    } catch (error) {
      if (!isNetworkFailure(error)) throw error;
      if (isTimeout(error)) {
        unanswered = true;
        break;
      }
      if (now() + pause >= acceptBy) throw error;
      await sleep(pause);
    }
  }

  // 2. Until it commits: wait a little, then send the same transaction again.
  const until = now() + deadlines.commitMs;
  let lastFailure: unknown;
  // After a send that was not answered, look soon and send again: it already took its time.
  let wait = unanswered ? Math.min(deadlines.commitStatusMs, FIRST_PAUSE_MS) : deadlines.commitStatusMs;
  for (let copy = 2, pause = FIRST_PAUSE_MS; ; copy++) {
    const waitStarted = now();
    try {
      return await channel.status(Math.min(until, waitStarted + wait));
    } catch (error) {
      if (!isNetworkFailure(error)) throw error;
      lastFailure = error;
    }
    // A status that failed at once (no peer reachable) was no wait: pause before going on.
    if (now() - waitStarted < wait / 2) {
      await sleep(Math.min(pause, Math.max(0, until - now())));
      pause = Math.min(MAX_PAUSE_MS, pause * 2);
    }
    if (now() >= until) break;
    hooks.onResubmit?.(channel.transactionId, lastFailure, copy);
    try {
      await channel.submit(Math.min(until, now() + deadlines.submitMs));
      wait = deadlines.commitStatusMs;
    } catch (error) {
      if (!isNetworkFailure(error)) throw error;
      // Refused (e.g. no Raft leader yet) or unanswered: look again soon, then send it again.
      lastFailure = error;
      wait = Math.min(deadlines.commitStatusMs, pause);
      pause = Math.min(MAX_PAUSE_MS, pause * 2);
    }
  }

  // 3. Before reporting "unknown", ask once more by ID: it may have committed meanwhile.
  try {
    return await channel.status(now() + Math.min(RESOLVE_WAIT_MS, deadlines.commitStatusMs));
  } catch (error) {
    if (!isNetworkFailure(error)) throw error;
    lastFailure = error;
  }
  const seconds = Math.round(deadlines.commitMs / 100) / 10;
  const prefix = hooks.label === undefined ? '' : `${hooks.label}: `;
  throw new UnavailableError(
    `${prefix}outcome of transaction ${channel.transactionId} unknown: sent to the orderers, but no ` +
      `peer of the org has seen it commit within ${seconds} s (last: ${codeOf(lastFailure)}); it may ` +
      'still commit: look for its record before submitting the request again',
    'COMMIT_STATUS_UNKNOWN',
    channel.transactionId,
    { cause: lastFailure },
  );
}
