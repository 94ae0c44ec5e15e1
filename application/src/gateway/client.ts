/**
 * The ESTP gateway client: {@link connect} opens a Fabric Gateway connection to an org's peer as one
 * of its users and returns an {@link EstpClient}, which submits and evaluates ESTP transactions.
 *
 * Every ESTP transaction takes exactly one argument, a JSON object, and returns canonical JSON; the
 * client serialises the input and parses the result. `submit`, `evaluate` and `pages` are typed by
 * the transactions' declarations (./transactions.ts); `submitText` and `evaluateText` take any
 * names and return the JSON text. Calls carry deadlines, failures arrive as
 * {@link EstpClientError}s, and MVCC conflicts are resubmitted (see ./retry.ts).
 *
 * A client uses every peer its org lists in the connection profile: it talks to one and fails over
 * to the next when that one is unreachable (refuses, resets, or has not connected within
 * `connectMs` while another peer remains), and stays with the peer that answered. A submitted
 * transaction is followed to a known outcome by ./submission.ts.
 */
import {
  type ChaincodeEvent,
  type Checkpoint,
  type CloseableAsyncIterable,
  connect as connectGateway,
  type Gateway,
  type Network,
  type Signer,
} from '@hyperledger/fabric-gateway';
import type { CallOptions } from '@grpc/grpc-js';
import type { Page } from '@estp/chaincode';
import { type ContractName, findDeclaration } from '@estp/chaincode/declarations';
import { common, gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';
import {
  type CallContext,
  CommitFailedError,
  ConfigError,
  type EstpClientError,
  isChaincodeUnreachable,
  isGatewayPeerFailure,
  toClientError,
  UnavailableError,
  UsageError,
  unreachableHint,
} from './errors';
import { connectsWithin, type GrpcClientPool, type GrpcLease, sharedGrpcClients } from './grpc';
import { gatewayIdentity, gatewaySigner, resolveIdentity, type SigningIdentity } from './identity';
import type { ConnectionProfile, OrgInfo, PeerInfo } from './profile';
import { isLocalNetwork, resolveSettings, type SettingsOptions } from './settings';
import {
  DEFAULT_REENDORSE_POLICY,
  DEFAULT_RETRY_POLICY,
  endorseUntilAgreed,
  type RetryHooks,
  type RetryPolicy,
  retryOnConflict,
} from './retry';
import { seeThrough, type SubmissionChannel, type SubmissionHooks } from './submission';
import {
  type EvaluateName,
  type InputArgs,
  type InputOf,
  type PagesName,
  type ResultOf,
  type SubmitName,
  pagesOf,
} from './transactions';

/** Per-call deadlines, in milliseconds. */
export interface Deadlines {
  /** A query, failover to the org's other peer included. */
  readonly evaluateMs: number;
  /**
   * A query whose work grows with the whole ledger (declared `readsWholeLedger`: Audit:Totals),
   * which the peer's chaincode execute timeout (30 s) bounds rather than its input.
   */
  readonly wholeLedgerMs: number;
  /**
   * The endorsement of a submit: failover to the org's other peer and endorsements made again
   * after the peers disagreed included.
   */
  readonly endorseMs: number;
  /** Until the orderers accept a transaction (their refusals are retried within it). */
  readonly submitMs: number;
  /** One wait for the commit status; a transaction not committed by then is sent again. */
  readonly commitStatusMs: number;
  /** From the orderers' acceptance of a transaction to its known outcome. */
  readonly commitMs: number;
  /**
   * How long one peer may take to connect while the org has another to fail over to. The last
   * peer tried gets the rest of the call's deadline.
   */
  readonly connectMs: number;
  /** Chaincode event streams run until closed, so by default they have none. */
  readonly chaincodeEventsMs?: number;
}

/**
 * Evaluate 5 s (a whole-ledger query 30 s, the peer's execute timeout); endorse 15 s; the orderers
 * accept within 5 s (about one Raft election); the commit is awaited 3 s at a time, the same
 * transaction resent after each, for 30 s in all; a peer that has not connected in 3 s is left
 * for the org's next one.
 */
export const DEFAULT_DEADLINES: Deadlines = {
  evaluateMs: 5_000,
  wholeLedgerMs: 30_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 3_000,
  commitMs: 30_000,
  connectMs: 3_000,
};

/**
 * Options of {@link connect}: which profile, org, wallet and user (see {@link resolveSettings}:
 * e.g. `{ org: 'community', user: 'member1' }` uses `.fabric/orgs/community/connection-community.json`
 * and the wallet `.fabric/orgs/community/wallet`), and how the client behaves.
 */
export interface ConnectOptions extends SettingsOptions {
  readonly deadlines?: Partial<Deadlines>;
  /** Resubmission after MVCC conflicts; default {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: RetryPolicy;
  /**
   * Called before each resubmission after an MVCC conflict, and before each endorsement made again
   * because the peers disagreed (./retry.ts).
   */
  readonly onRetry?: RetryHooks['onRetry'];
  /** Called before the same transaction is sent to the orderers again (it had not committed). */
  readonly onResubmit?: SubmissionHooks['onResubmit'];
  /** The gRPC client pool; default: the process-wide shared one. */
  readonly pool?: GrpcClientPool;
}

/**
 * The first pause (ms) before asking the org's peers again when none could reach its chaincode
 * service; it doubles up to 1 s, and the call's deadline bounds the whole.
 */
const CHAINCODE_RESTART_PAUSE_MS = 250;

/** `failure`, naming the peers tried before the one that gave it. */
function withSkipped(failure: EstpClientError, skipped: readonly string[]): EstpClientError {
  if (skipped.length === 0 || !(failure instanceof UnavailableError)) return failure;
  return new UnavailableError(
    `${failure.message} (tried before: ${skipped.join('; ')})`,
    failure.code,
    failure.transactionId,
    { cause: failure },
  );
}

/** Options of one call. */
export interface TransactionOptions {
  /** Transient data (not recorded on the ledger), e.g. `{ verification: <bytes> }`. */
  readonly transient?: Readonly<Record<string, Uint8Array | string>>;
}

/** Options of one submit. */
export interface SubmitOptions extends TransactionOptions {
  /** Overrides the client's retry policy for this call. */
  readonly retry?: RetryPolicy;
  /**
   * The orgs (MSP IDs) whose peers endorse, instead of the gateway's choice. Needed with transient
   * data that the chaincode writes to an implicit collection: the gateway will not send it to other
   * orgs' peers on its own, yet the endorsement policy needs a majority (docs/network.md). See
   * {@link majorityEndorsers}.
   */
  readonly endorsingOrganizations?: readonly string[];
}

/** A committed transaction. */
export interface SubmitResult {
  /** The chaincode's result, canonical JSON text ('' when it returned nothing). */
  readonly text: string;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** Endorsed transactions it took: 1, or more after MVCC conflicts. */
  readonly attempts: number;
}

/** Options of {@link EstpClient.chaincodeEvents}. */
export interface EventOptions {
  /** First block to read when `checkpoint` has no position yet. */
  readonly startBlock?: bigint;
  /** Resume after the last event this checkpoint recorded. */
  readonly checkpoint?: Checkpoint;
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

function withDeadline(ms: number | undefined): () => CallOptions {
  return () => (ms === undefined ? {} : { deadline: Date.now() + ms });
}

/** Parses a chaincode result: JSON when it is JSON, `null` when empty, else the text itself. */
export function parseResult(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function serialiseInput(input: object): string {
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new UsageError('the transaction input must be a JSON object');
  }
  return JSON.stringify(input);
}

function transientData(options: TransactionOptions): Record<string, Uint8Array> | undefined {
  if (!options.transient) return undefined;
  const data: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(options.transient)) {
    data[key] = typeof value === 'string' ? encoder.encode(value) : value;
  }
  return data;
}

/** One of the org's peers as a gateway: its shared gRPC client and this user's gateway on it. */
interface PeerGateway {
  readonly peer: PeerInfo;
  readonly lease: GrpcLease;
  readonly gateway: Gateway;
  readonly network: Network;
}

/**
 * A connection to one org's peer gateways as one user. Create it with {@link connect}; close it
 * with {@link EstpClient.close} (in a `finally`).
 */
export class EstpClient {
  /** The caller's MSP ID, e.g. `CommunityMSP`. */
  readonly mspId: string;
  /** The caller's user name (its wallet label). */
  readonly user: string;
  /** The org connected to. */
  readonly org: OrgInfo;
  /** The connection profile used. */
  readonly profile: ConnectionProfile;

  readonly #peers: readonly PeerGateway[];
  /** The peer that answered last: calls start there. */
  #current = 0;
  readonly #sign: Signer;
  /** The caller's certificate (PEM bytes), as the gateway identity carries it. */
  readonly #certificate: Uint8Array;
  readonly #deadlines: Deadlines;
  readonly #localNetwork: boolean;
  readonly #retry: RetryPolicy;
  readonly #onRetry: RetryHooks['onRetry'];
  readonly #onResubmit: SubmissionHooks['onResubmit'];
  #closed = false;

  /** @internal use {@link connect}. */
  constructor(fields: {
    profile: ConnectionProfile;
    org: OrgInfo;
    identity: SigningIdentity;
    peers: readonly PeerGateway[];
    sign: Signer;
    deadlines: Deadlines;
    retry: RetryPolicy;
    onRetry?: RetryHooks['onRetry'];
    onResubmit?: SubmissionHooks['onResubmit'];
  }) {
    this.profile = fields.profile;
    this.org = fields.org;
    this.mspId = fields.identity.mspId;
    this.user = fields.identity.user;
    this.#peers = fields.peers;
    this.#sign = fields.sign;
    this.#certificate = encoder.encode(fields.identity.certificate);
    this.#deadlines = fields.deadlines;
    this.#localNetwork = isLocalNetwork(fields.profile);
    this.#retry = fields.retry;
    this.#onRetry = fields.onRetry;
    this.#onResubmit = fields.onResubmit;
  }

  /** The org's peer this client talks to now (the first of the org's, until one fails). */
  get peer(): PeerInfo {
    return (this.#peers[this.#current] as PeerGateway).peer;
  }

  /** The caller's participant ID as the chaincode forms it: `<mspId>:<user>`. */
  get participantId(): string {
    return `${this.mspId}:${this.user}`;
  }

  /**
   * A request for a transaction's commit status by its ID (signed when sent), as fabric-gateway
   * forms it after a submit — here before, so that the status can be asked even when no send
   * was answered.
   */
  #commitStatusRequest(transactionId: string): Uint8Array {
    const creator = new msp.SerializedIdentity();
    creator.setMspid(this.mspId);
    creator.setIdBytes(this.#certificate);
    const request = new gatewayProtos.CommitStatusRequest();
    request.setChannelId(this.profile.channel);
    request.setTransactionId(transactionId);
    request.setIdentity(creator.serializeBinary());
    const signed = new gatewayProtos.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    return signed.serializeBinary();
  }

  #context(transaction: string | undefined, peer: PeerInfo): CallContext {
    return {
      ...(transaction === undefined ? {} : { transaction }),
      gatewayPeer: peer.endpoint,
      mspId: this.mspId,
      localNetwork: this.#localNetwork,
    };
  }

  /**
   * Runs `work` on the org's peers, starting with the current one, until one answers: the next is
   * tried when a peer is unreachable (see {@link isGatewayPeerFailure}), could not reach its
   * chaincode service ({@link isChaincodeUnreachable}: nothing was simulated, and each peer has its
   * own service) or, while another remains, has not connected within `connectMs`. When no peer
   * could reach its chaincode service, the round is repeated after a pause until the deadline.
   * Every attempt ends by `until` (epoch ms). Failures come out translated ({@link toClientError}),
   * naming the peer.
   */
  async #onPeers<T>(
    transaction: string | undefined,
    until: number,
    work: (target: PeerGateway, deadline: number) => Promise<T>,
  ): Promise<T> {
    const count = this.#peers.length;
    const skipped: string[] = [];
    let pause = CHAINCODE_RESTART_PAUSE_MS;
    // Why the org's peers could not serve in an earlier round: reported instead of the deadline
    // that a later round, started with little time left, ran into.
    let chaincodeDownFailure: EstpClientError | undefined;
    for (let tried = 0; ; tried++) {
      const index = (this.#current + tried) % count;
      const target = this.#peers[index] as PeerGateway;
      const context = this.#context(transaction, target.peer);
      const last = tried === count - 1;
      if (!last) {
        // Another peer remains: a silent one must not use up the whole deadline.
        const connectBy = Math.min(until, Date.now() + this.#deadlines.connectMs);
        if (!(await connectsWithin(target.lease.client, connectBy))) {
          skipped.push(`${target.peer.endpoint} did not connect`);
          continue;
        }
      }
      try {
        const value = await work(target, until);
        this.#current = index;
        return value;
      } catch (error) {
        const failure = toClientError(error, context);
        if (!failure) throw error;
        const chaincodeDown = isChaincodeUnreachable(error);
        if (chaincodeDown) chaincodeDownFailure = failure;
        if (last && chaincodeDown && Date.now() + pause < until) {
          // No peer of the org reached its chaincode service: their supervisors restart a dead
          // one within about a second (docs/network.md#supervision). Ask again, from the first.
          await new Promise((resolve) => setTimeout(resolve, pause));
          pause = Math.min(2 * pause, CHAINCODE_RESTART_PAUSE_MS * 4);
          tried = -1;
          skipped.length = 0;
          continue;
        }
        const anotherMayServe = isGatewayPeerFailure(error) || chaincodeDown;
        if (last || !anotherMayServe || Date.now() >= until) {
          const reported =
            failure.code === 'DEADLINE_EXCEEDED' && chaincodeDownFailure ? chaincodeDownFailure : failure;
          throw withSkipped(reported, skipped);
        }
        skipped.push(`${target.peer.endpoint}: ${failure.code}`);
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('EstpClient is closed');
  }

  /**
   * Evaluates a query (`Get*`, `List*`, `Self`, `History`, `Totals`) on the org's peer; nothing is
   * ordered or committed. Returns the chaincode's JSON text.
   * @throws {ChaincodeError} when the chaincode rejects it (`code` = `ESTP_*`).
   * @throws {UnavailableError} when the peer cannot be reached in 5 s (default deadline; 30 s for
   *   a query declared `readsWholeLedger`, e.g. Audit:Totals).
   */
  async evaluateText(
    contract: string,
    transaction: string,
    input: object = {},
    options: TransactionOptions = {},
  ): Promise<string> {
    this.#assertOpen();
    const args = serialiseInput(input);
    const transient = transientData(options);
    const readsWholeLedger = findDeclaration(contract, transaction)?.readsWholeLedger ?? false;
    const bytes = await this.#onPeers(
      `${contract}:${transaction}`,
      Date.now() + (readsWholeLedger ? this.#deadlines.wholeLedgerMs : this.#deadlines.evaluateMs),
      ({ network }, deadline) =>
        network
          .getContract(this.profile.chaincode, contract)
          .newProposal(transaction, { arguments: [args], ...(transient ? { transientData: transient } : {}) })
          .evaluate({ deadline }),
    );
    return utf8.decode(bytes);
  }

  /**
   * Evaluates a query and returns its result, typed by the transaction's declaration:
   * `await client.evaluate('Market', 'GetOffer', { id })` is an `Offer`.
   * @see {@link EstpClient.evaluateText}
   */
  async evaluate<C extends ContractName, T extends EvaluateName<C>>(
    contract: C,
    transaction: T,
    ...[input, options]: InputArgs<InputOf<C, T>, TransactionOptions>
  ): Promise<ResultOf<C, T>> {
    const text = await this.evaluateText(contract, transaction, input ?? {}, options ?? {});
    return parseResult(text) as ResultOf<C, T>;
  }

  /**
   * The pages of a list query, fetched as the loop asks for them, until the last:
   * `for await (const page of client.pages('Settlement', 'ListTrades', { marketId })) …`.
   * `input` may set `pageSize`; the bookmarks are followed for you.
   */
  pages<C extends ContractName, T extends PagesName<C>>(
    contract: C,
    transaction: T,
    input?: Omit<InputOf<C, T>, 'bookmark'>,
    options: TransactionOptions = {},
  ): AsyncGenerator<ResultOf<C, T>, void, undefined> {
    const pages = pagesOf(async (bookmark) => {
      const page = { ...input, ...(bookmark === undefined ? {} : { bookmark }) };
      return parseResult(await this.evaluateText(contract, transaction, page, options)) as Page<unknown>;
    });
    return pages as AsyncGenerator<ResultOf<C, T>, void, undefined>;
  }

  /**
   * Evaluates a system chaincode query on the org's peer, e.g. `qscc` GetBlockByNumber: the
   * arguments are plain strings and the result raw bytes (protobuf), unlike ESTP transactions.
   * @throws {UnavailableError} when the peer cannot be reached; {@link ChaincodeError} when the
   *   system chaincode refuses (e.g. an unknown block number).
   */
  async evaluateSystem(chaincode: string, transaction: string, ...args: string[]): Promise<Uint8Array> {
    this.#assertOpen();
    return this.#onPeers(
      `${chaincode}:${transaction}`,
      Date.now() + this.#deadlines.evaluateMs,
      ({ network }, deadline) =>
        network.getContract(chaincode).newProposal(transaction, { arguments: args }).evaluate({ deadline }),
    );
  }

  /**
   * Submits a transaction: endorsement by the peers the endorsement policy needs, ordering, and
   * waiting for its commit. A transaction not committed within `commitStatusMs` is sent to the
   * orderers again — the same signed transaction, so it cannot commit twice — until it commits, is
   * invalidated or `commitMs` passes (./submission.ts). A commit invalidated by
   * `MVCC_READ_CONFLICT`/`PHANTOM_READ_CONFLICT` is endorsed and submitted again as a new
   * transaction (bounded, with backoff); inputs should carry client-chosen IDs so a resubmission
   * can never create a record twice.
   * @throws {ChaincodeError} when the chaincode rejects it (`code` = `ESTP_*`).
   * @throws {CommitFailedError} when it is invalidated at commit (after the retries for MVCC).
   * @throws {UnavailableError} when no peer of the org or no orderer can be reached or a deadline
   *   passes; with code `COMMIT_STATUS_UNKNOWN` the transaction was ordered but its outcome could
   *   not be learnt, and it may still commit.
   */
  async submitText(
    contract: string,
    transaction: string,
    input: object = {},
    options: SubmitOptions = {},
  ): Promise<SubmitResult> {
    this.#assertOpen();
    const args = serialiseInput(input);
    const name = `${contract}:${transaction}`;
    const transient = transientData(options);
    const proposalOptions = {
      arguments: [args],
      ...(transient ? { transientData: transient } : {}),
      ...(options.endorsingOrganizations
        ? { endorsingOrganizations: [...options.endorsingOrganizations] }
        : {}),
    };
    const { value, attempts } = await retryOnConflict(
      async (attempt) => {
        // Peers that disagreed (one a block behind) are asked again within the same deadline; a
        // new endorsement starts only in its first half, so the last one has time to answer.
        const startedAt = Date.now();
        const endorseBy = startedAt + this.#deadlines.endorseMs;
        const endorsed = await endorseUntilAgreed(
          () =>
            this.#onPeers(name, endorseBy, ({ network }, deadline) =>
              network
                .getContract(this.profile.chaincode, contract)
                .newProposal(transaction, proposalOptions)
                .endorse({ deadline }),
            ),
          startedAt + this.#deadlines.endorseMs / 2,
          DEFAULT_REENDORSE_POLICY,
          this.#onRetry ? { onRetry: this.#onRetry } : {},
        );
        // Signed once: every copy sent to the orderers is this very envelope.
        const signature = await this.#sign(endorsed.getDigest());
        const signed = (this.#peers[0] as PeerGateway).gateway
          .newSignedTransaction(endorsed.getBytes(), signature)
          .getBytes();
        const transactionId = endorsed.getTransactionId();
        const commitRequest = this.#commitStatusRequest(transactionId);
        const channel: SubmissionChannel = {
          transactionId,
          submit: async (until) => {
            await this.#onPeers(name, until, ({ gateway }, deadline) =>
              gateway.newTransaction(signed).submit({ deadline }),
            );
          },
          status: (until) =>
            this.#onPeers(name, until, ({ gateway }, deadline) =>
              gateway.newCommit(commitRequest).getStatus({ deadline }),
            ),
        };
        const status = await seeThrough(channel, this.#deadlines, {
          ...(this.#onResubmit ? { onResubmit: this.#onResubmit } : {}),
          label: name,
        });
        if (!status.successful) {
          throw new CommitFailedError({
            transactionId: status.transactionId,
            validationCode: status.code,
            attempts: attempt,
            blockNumber: status.blockNumber,
          });
        }
        return {
          text: utf8.decode(endorsed.getResult()),
          transactionId: status.transactionId,
          blockNumber: status.blockNumber,
        };
      },
      options.retry ?? this.#retry,
      this.#onRetry ? { onRetry: this.#onRetry } : {},
    );
    return { ...value, attempts };
  }

  /**
   * Submits a transaction and returns its result, typed by the transaction's declaration:
   * `await client.submit('Market', 'PostOffer', { offerId, marketId, … })` is the `Offer`.
   * @see {@link EstpClient.submitText}
   */
  async submit<C extends ContractName, T extends SubmitName<C>>(
    contract: C,
    transaction: T,
    ...[input, options]: InputArgs<InputOf<C, T>, SubmitOptions>
  ): Promise<ResultOf<C, T>> {
    const { text } = await this.submitText(contract, transaction, input ?? {}, options ?? {});
    return parseResult(text) as ResultOf<C, T>;
  }

  /**
   * The ESTP chaincode events committed from `startBlock` (or after the checkpoint's position), as
   * an async iterable that runs until closed. Close it in a `finally`.
   */
  async chaincodeEvents(options: EventOptions = {}): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    this.#assertOpen();
    // A stream has no deadline and reports a dead peer only when read: it is opened on a peer
    // that connected within the evaluate deadline, else it fails like a query.
    return this.#onPeers(
      undefined,
      Date.now() + this.#deadlines.evaluateMs,
      async ({ peer, lease, network }, until) => {
        if (!(await connectsWithin(lease.client, until))) {
          throw new UnavailableError(
            `no connection to ${peer.endpoint} (${this.mspId}) within ${this.#deadlines.evaluateMs} ms` +
              unreachableHint(this.#context(undefined, peer)),
            'UNAVAILABLE',
          );
        }
        return network.getChaincodeEvents(this.profile.chaincode, {
          ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
          ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
        });
      },
    );
  }

  /**
   * The channel's height on this client's peer (qscc GetChainInfo): the number of blocks it has
   * committed, so the last one is height − 1.
   * @throws {UnavailableError} when the peer cannot be reached.
   */
  async ledgerHeight(): Promise<bigint> {
    const bytes = await this.evaluateSystem('qscc', 'GetChainInfo', this.profile.channel);
    return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
  }

  /**
   * Waits until this client's peer has committed block `blockNumber`. A commit reported through one
   * org's gateway is only known to have reached that org's peer; another org's peer applies the
   * same block moments later. Acting through that peer (a query, or an endorsement) before then
   * would see the ledger as it was, so cross-org steps wait here first.
   * @throws {UnavailableError} `DEADLINE_EXCEEDED` when the block has not arrived in `timeoutMs`.
   */
  async waitForBlock(blockNumber: bigint, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (let pause = 10; (await this.ledgerHeight()) <= blockNumber; pause = Math.min(200, pause * 2)) {
      if (Date.now() >= until) {
        throw new UnavailableError(
          `${this.peer.endpoint} (${this.mspId}) has not committed block ${blockNumber} within ${timeoutMs} ms`,
          'DEADLINE_EXCEEDED',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * The orgs to name as endorsers of a transaction carrying private (transient) data: the caller's
   * own org first, then the other orgs of the connection profile in MSP ID order, as many as a
   * majority of its orgs needs (2 of 3, 3 of 4).
   */
  majorityEndorsers(): string[] {
    return majorityEndorsers(this.profile, this.mspId);
  }

  /** Closes the gateways and releases the shared gRPC clients (closing those unused). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { gateway, lease } of this.#peers) {
      try {
        gateway.close();
      } finally {
        lease.release();
      }
    }
  }
}

/**
 * Waits until every client's peer has committed every block that any of them had committed when
 * called — a barrier before acting through other orgs' peers (see {@link EstpClient.waitForBlock}).
 * Give one client per peer. Resolves to the channel height reached.
 */
export async function syncPeers(clients: readonly EstpClient[], timeoutMs = 30_000): Promise<bigint> {
  const heights = await Promise.all(clients.map((client) => client.ledgerHeight()));
  const height = heights.reduce((highest, next) => (next > highest ? next : highest), 0n);
  if (height > 0n) await Promise.all(clients.map((client) => client.waitForBlock(height - 1n, timeoutMs)));
  return height;
}

/**
 * A majority of the connection profile's orgs (the channel's members), `mspId` first, then the
 * others in MSP ID order: the endorsers to name for a transaction with transient data (MAJORITY
 * endorsement policy).
 */
export function majorityEndorsers(profile: ConnectionProfile, mspId: string): string[] {
  const others = Object.keys(profile.orgs)
    .filter((candidate) => candidate !== mspId)
    .sort();
  const all = Object.keys(profile.orgs).length;
  const needed = Math.floor(all / 2) + 1;
  return [mspId, ...others].slice(0, Math.max(1, needed));
}

/**
 * Connects to an org's peer gateways as one of its users: resolves the profile and the org's wallet
 * ({@link resolveSettings}), reads the user's identity from the wallet, leases the shared gRPC
 * client of each of the org's peers and opens a gateway on each. Nothing is dialled yet: the
 * first call connects, to the org's first peer, else the next.
 * @throws {ConfigError} for an unknown org/user, a missing profile or unreadable keys.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a promise API: every failure rejects, none throws
export async function connect(options: ConnectOptions): Promise<EstpClient> {
  const { profile, org, wallet, user } = resolveSettings(options);
  if (user === undefined) throw new ConfigError('no user: give --user (or ESTP_USER)');
  const identity = resolveIdentity(wallet, org, user);
  const signer = gatewaySigner(identity);
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const pool = options.pool ?? sharedGrpcClients;
  const peers: PeerGateway[] = [];
  try {
    for (const peer of org.peers) {
      const lease = pool.acquire(peer);
      let gateway: Gateway;
      try {
        gateway = connectGateway({
          client: lease.client,
          identity: gatewayIdentity(identity),
          signer,
          // Defaults only: the client passes each call its own deadline.
          evaluateOptions: withDeadline(deadlines.evaluateMs),
          endorseOptions: withDeadline(deadlines.endorseMs),
          submitOptions: withDeadline(deadlines.submitMs),
          commitStatusOptions: withDeadline(deadlines.commitStatusMs),
          chaincodeEventsOptions: withDeadline(deadlines.chaincodeEventsMs),
        });
      } catch (error) {
        lease.release();
        throw error;
      }
      peers.push({ peer, lease, gateway, network: gateway.getNetwork(profile.channel) });
    }
    return new EstpClient({
      profile,
      org,
      identity,
      peers,
      sign: signer,
      deadlines,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      ...(options.onResubmit ? { onResubmit: options.onResubmit } : {}),
    });
  } catch (error) {
    for (const { gateway, lease } of peers) {
      gateway.close();
      lease.release();
    }
    throw error;
  }
}

/** Runs `work` with a connected client that is closed afterwards, also when `work` fails. */
export async function withClient<T>(
  options: ConnectOptions,
  work: (client: EstpClient) => Promise<T>,
): Promise<T> {
  const client = await connect(options);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}
