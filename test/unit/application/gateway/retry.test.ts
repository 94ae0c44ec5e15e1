/**
 * Resubmission policy: only MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT commit failures (and
 * endorsements the peers disagreed on) are retried, a bounded number of times, with growing delays. The fake "submit" below behaves like the
 * client's attempt function: it throws CommitFailedError carrying its attempt number.
 */
import {
  ChaincodeError,
  CommitFailedError,
  UnavailableError,
} from '../../../../application/src/gateway/errors';
import {
  backoffDelayMs,
  DEFAULT_REENDORSE_POLICY,
  DEFAULT_RETRY_POLICY,
  endorseUntilAgreed,
  isEndorsementDisagreement,
  isRetryable,
  isRetryableCommitFailure,
  NO_RETRY,
  retryOnConflict,
  type RetryPolicy,
} from '../../../../application/src/gateway/retry';

const MVCC = 11;
const PHANTOM = 12;
const ENDORSEMENT_POLICY_FAILURE = 10;

/** A ledger where the first `conflicts` submissions lose an MVCC race (or fail with `code`). */
function flakySubmit(conflicts: number, code = MVCC) {
  const committed: string[] = [];
  const submit = async (attempt: number): Promise<string> => {
    await Promise.resolve();
    if (attempt <= conflicts) {
      throw new CommitFailedError({
        transactionId: `tx-${attempt}`,
        validationCode: code,
        attempts: attempt,
      });
    }
    committed.push(`tx-${attempt}`);
    return `offer O-1 committed by tx-${attempt}`;
  };
  return { submit, committed };
}

/** Records the delays instead of waiting. */
function recordingHooks() {
  const delays: number[] = [];
  return {
    delays,
    hooks: {
      sleep: (ms: number) => {
        delays.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    },
  };
}

describe('retryOnConflict', () => {
  test('a submission that commits first time is not retried', async () => {
    const { submit, committed } = flakySubmit(0);
    const { delays, hooks } = recordingHooks();

    const result = await retryOnConflict(submit, DEFAULT_RETRY_POLICY, hooks);

    expect(result).toEqual({ value: 'offer O-1 committed by tx-1', attempts: 1 });
    expect(committed).toEqual(['tx-1']);
    expect(delays).toEqual([]);
  });

  test('MVCC conflicts are resubmitted until the transaction commits, once', async () => {
    // Given a ledger where two submissions lose an MVCC race
    const { submit, committed } = flakySubmit(2);
    const { delays, hooks } = recordingHooks();

    // When the transaction is submitted with the default policy
    const result = await retryOnConflict(submit, DEFAULT_RETRY_POLICY, hooks);

    // Then the third submission commits, exactly one transaction committed, with growing waits
    expect(result).toEqual({ value: 'offer O-1 committed by tx-3', attempts: 3 });
    expect(committed).toEqual(['tx-3']);
    expect(delays).toEqual([75, 150]);
  });

  test('phantom read conflicts are retried too', async () => {
    const { submit } = flakySubmit(1, PHANTOM);
    const result = await retryOnConflict(submit, DEFAULT_RETRY_POLICY, recordingHooks().hooks);
    expect(result.attempts).toBe(2);
  });

  test('retries are bounded: the last conflict is thrown with the attempts made', async () => {
    const { submit, committed } = flakySubmit(Number.MAX_SAFE_INTEGER);
    const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 1000 };

    await expect(retryOnConflict(submit, policy, recordingHooks().hooks)).rejects.toMatchObject({
      code: 'MVCC_READ_CONFLICT',
      attempts: 3,
      exitCode: 4,
    });
    expect(committed).toEqual([]);
  });

  test('other validation codes are not retried', async () => {
    const { submit } = flakySubmit(1, ENDORSEMENT_POLICY_FAILURE);

    await expect(retryOnConflict(submit, DEFAULT_RETRY_POLICY, recordingHooks().hooks)).rejects.toMatchObject(
      {
        code: 'ENDORSEMENT_POLICY_FAILURE',
        attempts: 1,
      },
    );
  });

  test.each([
    [
      'a chaincode rejection',
      new ChaincodeError('x', { code: 'ESTP_ALREADY_EXISTS', chaincodeMessage: 'x' }),
    ],
    ['an unknown commit status', new UnavailableError('x', 'COMMIT_STATUS_UNKNOWN', 'tx-1')],
    ['a bug', new TypeError('boom')],
  ])('%s is thrown at once, never resubmitted', async (_case, error) => {
    const attempts: number[] = [];
    const submit = (attempt: number): Promise<string> => {
      attempts.push(attempt);
      return Promise.reject(error);
    };

    await expect(retryOnConflict(submit, DEFAULT_RETRY_POLICY, recordingHooks().hooks)).rejects.toBe(error);
    expect(attempts).toEqual([1]);
  });

  test('NO_RETRY submits once', async () => {
    const { submit } = flakySubmit(1);
    await expect(retryOnConflict(submit, NO_RETRY, recordingHooks().hooks)).rejects.toMatchObject({
      attempts: 1,
    });
  });

  test('onRetry reports each resubmission with the error and the next attempt', async () => {
    const { submit } = flakySubmit(2);
    const reported: string[] = [];

    await retryOnConflict(submit, DEFAULT_RETRY_POLICY, {
      ...recordingHooks().hooks,
      onRetry: (error, next, delay) =>
        reported.push(`${(error as CommitFailedError).code} → ${next} after ${delay}`),
    });

    expect(reported).toEqual(['MVCC_READ_CONFLICT → 2 after 75', 'MVCC_READ_CONFLICT → 3 after 150']);
  });
});

describe('backoffDelayMs', () => {
  const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 500 };

  test('doubles per attempt and is capped', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, 0.999999))).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  test('jitter keeps it between half and all of the nominal delay', () => {
    expect(backoffDelayMs(2, policy, 0)).toBe(100);
    expect(backoffDelayMs(2, policy, 0.5)).toBe(150);
  });
});

test('isRetryableCommitFailure accepts only MVCC and phantom read conflicts', () => {
  const failure = (code: number) =>
    new CommitFailedError({ transactionId: 't', validationCode: code, attempts: 1 });
  expect(isRetryableCommitFailure(failure(MVCC))).toBe(true);
  expect(isRetryableCommitFailure(failure(PHANTOM))).toBe(true);
  expect(isRetryableCommitFailure(failure(ENDORSEMENT_POLICY_FAILURE))).toBe(false);
  expect(isRetryableCommitFailure(new Error('MVCC_READ_CONFLICT'))).toBe(false);
});

describe('endorsements the peers disagreed on', () => {
  const disagreement = () =>
    new UnavailableError(
      'Market:PostOffer: endorsement failed via 127.0.0.1:7300 (CommunityMSP) (ABORTED): failed to assemble transaction',
      'ENDORSEMENT_FAILED',
      undefined,
      {
        cause: new Error('10 ABORTED: failed to assemble transaction: ProposalResponsePayloads do not match'),
      },
    );

  test('are retried: nothing was submitted, and a lagging peer catches up', async () => {
    // Given an endorsement that fails once because one peer had not committed the latest block
    let calls = 0;
    const { delays, hooks } = recordingHooks();
    const result = await retryOnConflict(
      async () => {
        await Promise.resolve();
        calls += 1;
        if (calls === 1) throw disagreement();
        return 'committed';
      },
      DEFAULT_RETRY_POLICY,
      hooks,
    );
    // Then the second attempt commits
    expect(result).toEqual({ value: 'committed', attempts: 2 });
    expect(delays).toHaveLength(1);
    expect(isEndorsementDisagreement(disagreement())).toBe(true);
  });

  test('other endorsement failures and chaincode rejections are not', () => {
    expect(
      isEndorsementDisagreement(
        new UnavailableError('endorsement failed (ABORTED): no peers', 'ENDORSEMENT_FAILED'),
      ),
    ).toBe(false);
    expect(
      isEndorsementDisagreement(
        new ChaincodeError('ESTP_NOT_FOUND: market M does not exist', {
          code: 'ESTP_NOT_FOUND',
          chaincodeMessage: 'market M does not exist',
        }),
      ),
    ).toBe(false);
    expect(isRetryable(new UnavailableError('commit status unknown', 'COMMIT_STATUS_UNKNOWN'))).toBe(false);
  });
});

describe('endorseUntilAgreed', () => {
  /**
   * Two endorsing peers on a fake clock: the lagging one commits the block the other has at
   * `catchUpAt` (ms); until then their results differ. Sleeping advances the clock.
   */
  function laggingPeers(catchUpAt: number) {
    let now = 0;
    const endorsements: number[] = [];
    const endorse = async (): Promise<string> => {
      await Promise.resolve();
      endorsements.push(now);
      if (now < catchUpAt) {
        throw new UnavailableError(
          'Market:PostOffer: endorsement failed via 127.0.0.1:7300 (CommunityMSP) (ABORTED): failed to assemble transaction',
          'ENDORSEMENT_FAILED',
          undefined,
          {
            cause: new Error(
              '10 ABORTED: failed to assemble transaction: ProposalResponsePayloads do not match',
            ),
          },
        );
      }
      return 'endorsed';
    };
    const hooks = {
      now: () => now,
      sleep: (ms: number) => {
        now += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
    };
    return { endorse, endorsements, hooks, clock: () => now };
  }

  test('endorses again until the lagging peer has caught up', async () => {
    // Given a peer one block (500 ms) behind the other
    const peers = laggingPeers(500);
    // When the endorsement is made with 15 s to go
    const result = await endorseUntilAgreed(peers.endorse, 15_000, DEFAULT_REENDORSE_POLICY, peers.hooks);
    // Then it agrees once the peer has the block, after a few re-endorsements
    expect(result).toBe('endorsed');
    expect(peers.endorsements.length).toBeGreaterThan(1);
    expect(peers.endorsements.at(-1)).toBeGreaterThanOrEqual(500);
  });

  test('gives up before the deadline and after a bounded number of endorsements', async () => {
    // Given a peer that never catches up
    const stuck = laggingPeers(Number.POSITIVE_INFINITY);
    // Then the disagreement is reported after at most maxAttempts endorsements...
    await expect(
      endorseUntilAgreed(stuck.endorse, 60_000, DEFAULT_REENDORSE_POLICY, stuck.hooks),
    ).rejects.toMatchObject({ code: 'ENDORSEMENT_FAILED' });
    expect(stuck.endorsements).toHaveLength(DEFAULT_REENDORSE_POLICY.maxAttempts);
    // ...and never waits past the deadline
    const short = laggingPeers(Number.POSITIVE_INFINITY);
    await expect(
      endorseUntilAgreed(short.endorse, 1_000, DEFAULT_REENDORSE_POLICY, short.hooks),
    ).rejects.toThrow(/ProposalResponsePayloads|failed to assemble/);
    expect(short.clock()).toBeLessThan(1_000);
    expect(short.endorsements.length).toBeGreaterThan(1);
  });

  test("a chaincode's refusal or another endorsement failure is not endorsed again", async () => {
    for (const refusal of [
      new ChaincodeError('ESTP_INSUFFICIENT_FUNDS: account A has 5', {
        code: 'ESTP_INSUFFICIENT_FUNDS',
        chaincodeMessage: 'account A has 5',
      }),
      new UnavailableError('endorsement failed (ABORTED): no peers', 'ENDORSEMENT_FAILED'),
    ]) {
      let endorsements = 0;
      const { hooks } = laggingPeers(0);
      await expect(
        endorseUntilAgreed(
          async () => {
            await Promise.resolve();
            endorsements += 1;
            throw refusal;
          },
          15_000,
          DEFAULT_REENDORSE_POLICY,
          hooks,
        ),
      ).rejects.toBe(refusal);
      expect(endorsements).toBe(1);
    }
  });
});
