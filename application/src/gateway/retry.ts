/**
 * Resubmission after MVCC conflicts and endorsement disagreements — the only failures the client
 * retries, because after both nothing was applied.
 *
 * A transaction invalidated with `MVCC_READ_CONFLICT` or `PHANTOM_READ_CONFLICT` lost a race: a key
 * it read changed between endorsement and commit. It changed nothing on the ledger, so endorsing it
 * again (a new transaction ID, fresh reads) is safe.
 *
 * An endorsement whose peers returned different results ("ProposalResponsePayloads do not
 * match") was never submitted. On this network it means one endorsing peer had not yet committed
 * the block another had (each org's peer applies a block moments apart), so the same proposal a
 * moment later agrees: it is endorsed again, a bounded number of times within the endorsement
 * deadline ({@link endorseUntilAgreed}), before the submission counts as failed. Resubmission
 * stays idempotent even if a
 * commit's outcome were misreported, because ESTP records carry client-chosen IDs: a second create
 * of the same offer/trade/dispute ID fails with `ESTP_ALREADY_EXISTS` instead of duplicating it.
 *
 * Every other failure (chaincode rejection, other endorsement failures, unknown commit status, any other
 * validation code) is returned to the caller at once: retrying those would either repeat a refusal
 * or risk a double submission whose first attempt may still commit.
 */
import { CommitFailedError, UnavailableError } from './errors';

/** Bounded exponential backoff with jitter. */
export interface RetryPolicy {
  /** Total submissions, the first one included (≥ 1). */
  readonly maxAttempts: number;
  /** Delay before the first resubmission, in ms; doubles each time. */
  readonly baseDelayMs: number;
  /** Upper bound of one delay, in ms. */
  readonly maxDelayMs: number;
}

/** 4 submissions, waiting about 100, 200, 400 ms between them. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/** No resubmission at all. */
export const NO_RETRY: RetryPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

/** Validation codes after which a resubmission is safe and may succeed. */
export const RETRYABLE_VALIDATION_CODES: ReadonlySet<string> = new Set([
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
]);

/** Whether `error` is a commit failure worth resubmitting (MVCC or phantom read conflict). */
export function isRetryableCommitFailure(error: unknown): boolean {
  return error instanceof CommitFailedError && RETRYABLE_VALIDATION_CODES.has(error.code);
}

/**
 * Whether `error` is an endorsement the peers disagreed on (not submitted, so safe to repeat).
 * A chaincode rejection is never one: it is a ChaincodeError.
 */
export function isEndorsementDisagreement(error: unknown): boolean {
  return (
    error instanceof UnavailableError &&
    error.code === 'ENDORSEMENT_FAILED' &&
    /ProposalResponsePayloads do not match|responses? (?:do|did) not match/i.test(causeMessages(error))
  );
}

function causeMessages(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.join('\n');
}

/**
 * Whether a failed submission may be made again as a new transaction: nothing of it was applied.
 * Endorsements the peers disagreed on are endorsed again first, within the endorsement deadline
 * ({@link endorseUntilAgreed}); one that still disagrees after that is retried here too.
 */
export function isRetryable(error: unknown): boolean {
  return isRetryableCommitFailure(error) || isEndorsementDisagreement(error);
}

/**
 * The wait before attempt `attempt + 1`, after `attempt` failed (attempt ≥ 1): the capped
 * exponential delay scaled by a jitter factor in [0.5, 1) so racing clients spread out.
 * @param random a number in [0, 1).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: number): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (0.5 + random / 2));
}

/**
 * Endorsing again after the peers disagreed: up to 8 endorsements, waiting about 250, 500 ms, then
 * 1 s between them — long enough for a lagging peer to commit a block or two (the orderers cut a
 * block at least every 500 ms, docs/network.md), short enough to stay well inside the 15 s
 * endorsement deadline.
 */
export const DEFAULT_REENDORSE_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 1_000 };

/** The outcome of {@link retryOnConflict}. */
export interface Retried<T> {
  readonly value: T;
  /** How many attempts it took (1 = no retry). */
  readonly attempts: number;
}

/** Hooks, for tests and logging. */
export interface RetryHooks {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called before each resubmission with the error that caused it. */
  readonly onRetry?: (error: unknown, nextAttempt: number, delayMs: number) => void;
}

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Runs `attempt(n)` (n = 1, 2, …) until it succeeds, throws something that is not
 * {@link isRetryable}, or `policy.maxAttempts` is reached; then rethrows the last error.
 */
export async function retryOnConflict<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  hooks: RetryHooks = {},
): Promise<Retried<T>> {
  const sleep = hooks.sleep ?? realSleep;
  const random = hooks.random ?? Math.random;
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return { value: await attempt(attemptNumber), attempts: attemptNumber };
    } catch (error) {
      if (attemptNumber >= maxAttempts || !isRetryable(error)) throw error;
      const delay = backoffDelayMs(attemptNumber, policy, random());
      hooks.onRetry?.(error, attemptNumber + 1, delay);
      await sleep(delay);
    }
  }
}

/**
 * Runs `endorse(n)` (n = 1, 2, …) again while the endorsing peers disagree
 * ({@link isEndorsementDisagreement}: one had not yet committed a block another had, so they read
 * different versions; nothing was ordered), at most `policy.maxAttempts` times and only while the
 * wait before the next endorsement ends before `until` (epoch ms; the client passes half its
 * endorsement deadline, so that the last endorsement still has time to answer). Any other failure, a chaincode's
 * `ESTP_*` refusal above all, is thrown at once; so is the last disagreement.
 */
export async function endorseUntilAgreed<T>(
  endorse: (endorsement: number) => Promise<T>,
  until: number,
  policy: RetryPolicy = DEFAULT_REENDORSE_POLICY,
  hooks: RetryHooks & { readonly now?: () => number } = {},
): Promise<T> {
  const sleep = hooks.sleep ?? realSleep;
  const random = hooks.random ?? Math.random;
  const now = hooks.now ?? Date.now;
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  for (let endorsement = 1; ; endorsement++) {
    try {
      return await endorse(endorsement);
    } catch (error) {
      if (endorsement >= maxAttempts || !isEndorsementDisagreement(error)) throw error;
      const delay = backoffDelayMs(endorsement, policy, random());
      if (now() + delay >= until) throw error;
      hooks.onRetry?.(error, endorsement + 1, delay);
      await sleep(delay);
    }
  }
}
