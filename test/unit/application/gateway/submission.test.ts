/**
 * Following a submitted transaction to its outcome (application/src/gateway/submission.ts), against
 * a simulated ordering service on a virtual clock: a Raft leader that drops what it accepted, an
 * election during which the orderers refuse, a transaction that never commits, one that commits at
 * the last moment. The real network's version of these cases is test/faults/clients.test.ts.
 */
import type { Status } from '@hyperledger/fabric-gateway';
import { ConfigError, UnavailableError } from '../../../../application/src/gateway/errors';
import {
  RESOLVE_WAIT_MS,
  seeThrough,
  type SubmissionChannel,
  type SubmissionDeadlines,
} from '../../../../application/src/gateway/submission';

const DEADLINES: SubmissionDeadlines = { submitMs: 5_000, commitStatusMs: 3_000, commitMs: 30_000 };
const VALID = 0;

/**
 * An ordering service and a peer on a virtual clock. Every copy of the transaction the orderers
 * accept commits `latencyMs` later unless the leader drops it; the peer reports the first copy
 * that committed (later copies would be DUPLICATE_TXID and change nothing).
 */
class SimulatedNetwork implements SubmissionChannel {
  readonly transactionId = 'tx-1';
  now = 0;
  /** Virtual times at which a copy commits. */
  readonly commits: number[] = [];
  readonly sent: number[] = [];
  /** The orderers refuse copies sent before this time (no Raft leader). */
  refuseUntil = 0;
  /** The leader drops copies accepted before this time (it dies with them). */
  dropUntil = 0;
  latencyMs = 700;
  /** Copies that reached an orderer. */
  accepted = 0;

  readonly clock = {
    now: (): number => this.now,
    sleep: (ms: number): Promise<void> => {
      this.now += ms;
      return Promise.resolve();
    },
  };

  submit(deadline: number): Promise<void> {
    this.sent.push(this.now);
    if (this.now < this.refuseUntil) {
      this.now = Math.min(deadline, this.now + 5);
      return Promise.reject(new UnavailableError('no Raft leader', 'UNAVAILABLE', this.transactionId));
    }
    this.accepted++;
    if (this.now >= this.dropUntil) this.commits.push(this.now + this.latencyMs);
    return Promise.resolve();
  }

  status(deadline: number): Promise<Status> {
    const first = Math.min(...this.commits);
    if (first <= deadline) {
      this.now = Math.max(this.now, first);
      return Promise.resolve({
        blockNumber: 7n,
        code: VALID,
        successful: true,
        transactionId: this.transactionId,
      });
    }
    this.now = Math.max(this.now, deadline);
    return Promise.reject(new UnavailableError('deadline', 'COMMIT_STATUS_UNKNOWN', this.transactionId));
  }
}

function follow(network: SimulatedNetwork, deadlines = DEADLINES) {
  const resent: number[] = [];
  const outcome = seeThrough(network, deadlines, {
    ...network.clock,
    onResubmit: (_id, _reason, copy) => resent.push(copy),
  });
  return { outcome, resent };
}

describe('a submitted transaction is followed to its outcome', () => {
  test('a transaction that commits is reported once, without a second copy', async () => {
    const network = new SimulatedNetwork();
    const { outcome, resent } = follow(network);
    await expect(outcome).resolves.toMatchObject({ successful: true, transactionId: 'tx-1' });
    expect(resent).toEqual([]);
    expect(network.now).toBe(700);
  });

  test('a copy the dying leader dropped is sent again and commits within seconds, not a minute', async () => {
    // Given a leader that drops everything it accepts in the first 2 s
    const network = new SimulatedNetwork();
    network.dropUntil = 2_000;

    const { outcome, resent } = follow(network);

    // Then the same transaction is sent again after one status wait and commits
    await expect(outcome).resolves.toMatchObject({ successful: true, transactionId: 'tx-1' });
    expect(resent).toEqual([2]);
    expect(network.now).toBe(3_000 + 700);
  });

  test('copies refused during the election are sent again until the new leader takes one', async () => {
    // Given a leader dead at 0 that dropped the first copy, and no leader until 4 s
    const network = new SimulatedNetwork();
    network.dropUntil = 1;
    network.refuseUntil = 4_000;

    const { outcome } = follow(network);

    // Then it commits within ~1 s of the new leader
    await expect(outcome).resolves.toMatchObject({ successful: true });
    expect(network.now).toBeGreaterThan(4_000);
    expect(network.now).toBeLessThanOrEqual(4_000 + 1_000 + 700);
  });

  test('a new transaction the orderers refuse is retried for submitMs (an election), then refused', async () => {
    const network = new SimulatedNetwork();
    network.refuseUntil = 3_000;
    await expect(follow(network).outcome).resolves.toMatchObject({ successful: true });

    // But orderers that refuse for longer (2 of 3 down) fail it fast with their own error
    const down = new SimulatedNetwork();
    down.refuseUntil = Infinity;
    await expect(follow(down).outcome).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(down.accepted).toBe(0);
    expect(down.now).toBeLessThanOrEqual(DEADLINES.submitMs);
  });

  test('a transaction that never commits is reported unknown after commitMs, plainly, with its ID', async () => {
    const network = new SimulatedNetwork();
    network.dropUntil = Infinity;

    const { outcome } = follow(network);

    await expect(outcome).rejects.toBeInstanceOf(UnavailableError);
    await expect(outcome).rejects.toMatchObject({ code: 'COMMIT_STATUS_UNKNOWN', transactionId: 'tx-1' });
    await expect(outcome).rejects.toThrow(/outcome of transaction tx-1 unknown: sent to the orderers/);
    expect(network.now).toBeLessThanOrEqual(DEADLINES.commitMs + RESOLVE_WAIT_MS + DEADLINES.commitStatusMs);
  });

  test('one that commits while the client gives up is found by its ID and reported committed', async () => {
    // Given copies that take longer to commit than the client's whole commit deadline
    const network = new SimulatedNetwork();
    network.latencyMs = 1_500;
    const impatient = { submitMs: 5_000, commitStatusMs: 1_000, commitMs: 1_000 };

    const outcome = seeThrough(network, impatient, network.clock);

    // Then the last look-up by ID finds it: not "unknown"
    await expect(outcome).resolves.toMatchObject({ successful: true });
  });

  test('a send that times out may have reached the orderers: it is followed by its status, not failed', async () => {
    // Given a gateway whose first send hangs to its deadline although the orderers took the copy
    const network = new SimulatedNetwork();
    const submit = network.submit.bind(network);
    let sends = 0;
    network.submit = async (deadline) => {
      await submit(deadline);
      if (++sends === 1) {
        network.now = deadline;
        throw new UnavailableError('timed out', 'DEADLINE_EXCEEDED', network.transactionId);
      }
    };

    // Then it is found committed, without the orderers' error, as soon as the send gave up
    await expect(follow(network).outcome).resolves.toMatchObject({ successful: true });
    expect(network.now).toBe(DEADLINES.submitMs);
  });

  test('a send that times out and never reached the orderers is looked up soon and sent again', async () => {
    // Given a first send that hangs to its deadline and is lost
    const network = new SimulatedNetwork();
    const submit = network.submit.bind(network);
    let sends = 0;
    network.submit = async (deadline) => {
      if (++sends === 1) {
        network.now = deadline;
        throw new UnavailableError('timed out', 'DEADLINE_EXCEEDED', network.transactionId);
      }
      await submit(deadline);
    };

    // Then the copy sent right after commits: no full status wait first
    const { outcome, resent } = follow(network);
    await expect(outcome).resolves.toMatchObject({ successful: true });
    expect(resent).toEqual([2]);
    expect(network.now).toBeLessThanOrEqual(DEADLINES.submitMs + 250 + 700);
  });

  test('a failure that is not the network (access denied) ends it at once', async () => {
    const network = new SimulatedNetwork();
    network.submit = () => Promise.reject(new ConfigError('access denied'));
    await expect(follow(network).outcome).rejects.toBeInstanceOf(ConfigError);
    expect(network.now).toBe(0);
  });
});
