/**
 * The ESTP gateway client: {@link connect} opens a Fabric Gateway connection to an org's peer as one
 * of its users and returns an {@link EstpClient}, which submits and evaluates ESTP transactions.
 *
 * Every ESTP transaction takes exactly one argument, a JSON object, and returns canonical JSON; the
 * client serialises the input and parses the result. `submit`, `evaluate` and `pages` are typed by
 * the transactions' declarations (./transactions.ts); `submitText` and `evaluateText` take any
 * names and return the JSON text. Calls carry deadlines, failures arrive as
 * {@link EstpClientError}s, and MVCC conflicts are resubmitted (see ./retry.ts).
 */
import {
  type ChaincodeEvent,
  type Checkpoint,
  type CloseableAsyncIterable,
  connect as connectGateway,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import type { CallOptions } from '@grpc/grpc-js';
import type { Page } from '@estp/chaincode';
import type { ContractName } from '@estp/chaincode/declarations';
import { common } from '@hyperledger/fabric-protos';
import {
  type CallContext,
  CommitFailedError,
  ConfigError,
  toClientError,
  UnavailableError,
  UsageError,
} from './errors';
import { type GrpcClientPool, type GrpcLease, sharedGrpcClients } from './grpc';
import { gatewayIdentity, gatewaySigner, resolveIdentity, type SigningIdentity } from './identity';
import type { ConnectionProfile, OrgInfo } from './profile';
import { resolveSettings, type SettingsOptions } from './settings';
import { DEFAULT_RETRY_POLICY, type RetryHooks, type RetryPolicy, retryOnConflict } from './retry';
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
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
  /** Chaincode event streams run until closed, so by default they have none. */
  readonly chaincodeEventsMs?: number;
}

/** Evaluate 5 s, endorse 15 s, submit to the orderers 5 s, wait for the commit 60 s. */
export const DEFAULT_DEADLINES: Deadlines = {
  evaluateMs: 5_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 60_000,
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
  /** Called before each resubmission. */
  readonly onRetry?: RetryHooks['onRetry'];
  /** The gRPC client pool; default: the process-wide shared one. */
  readonly pool?: GrpcClientPool;
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
  /** Submissions it took: 1, or more after MVCC conflicts. */
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

/**
 * A connection to one org's peer gateway as one user. Create it with {@link connect}; close it with
 * {@link EstpClient.close} (in a `finally`).
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

  readonly #gateway: Gateway;
  readonly #network: Network;
  readonly #lease: GrpcLease;
  readonly #retry: RetryPolicy;
  readonly #onRetry: RetryHooks['onRetry'];
  readonly #contracts = new Map<string, Contract>();
  #closed = false;

  /** @internal use {@link connect}. */
  constructor(fields: {
    profile: ConnectionProfile;
    org: OrgInfo;
    identity: SigningIdentity;
    gateway: Gateway;
    lease: GrpcLease;
    retry: RetryPolicy;
    onRetry?: RetryHooks['onRetry'];
  }) {
    this.profile = fields.profile;
    this.org = fields.org;
    this.mspId = fields.identity.mspId;
    this.user = fields.identity.user;
    this.#gateway = fields.gateway;
    this.#network = fields.gateway.getNetwork(fields.profile.channel);
    this.#lease = fields.lease;
    this.#retry = fields.retry;
    this.#onRetry = fields.onRetry;
  }

  /** The caller's participant ID as the chaincode forms it: `<mspId>:<user>`. */
  get participantId(): string {
    return `${this.mspId}:${this.user}`;
  }

  #contract(name: string): Contract {
    let contract = this.#contracts.get(name);
    if (!contract) {
      contract = this.#network.getContract(this.profile.chaincode, name);
      this.#contracts.set(name, contract);
    }
    return contract;
  }

  #context(contract: string, transaction: string): CallContext {
    return {
      transaction: `${contract}:${transaction}`,
      gatewayPeer: this.org.peer.endpoint,
      mspId: this.mspId,
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('EstpClient is closed');
  }

  /**
   * Evaluates a query (`Get*`, `List*`, `Self`, `History`, `Totals`) on the org's peer; nothing is
   * ordered or committed. Returns the chaincode's JSON text.
   * @throws {ChaincodeError} when the chaincode rejects it (`code` = `ESTP_*`).
   * @throws {UnavailableError} when the peer cannot be reached in 5 s (default deadline).
   */
  async evaluateText(
    contract: string,
    transaction: string,
    input: object = {},
    options: TransactionOptions = {},
  ): Promise<string> {
    this.#assertOpen();
    const args = serialiseInput(input);
    try {
      const bytes = await this.#contract(contract).evaluate(transaction, {
        arguments: [args],
        ...(options.transient ? { transientData: transientData(options) } : {}),
      });
      return utf8.decode(bytes);
    } catch (error) {
      throw toClientError(error, this.#context(contract, transaction)) ?? error;
    }
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
    try {
      return await this.#network.getContract(chaincode).evaluateTransaction(transaction, ...args);
    } catch (error) {
      throw (
        toClientError(error, {
          transaction: `${chaincode}:${transaction}`,
          gatewayPeer: this.org.peer.endpoint,
          mspId: this.mspId,
        }) ?? error
      );
    }
  }

  /**
   * Submits a transaction: endorsement by the peers the endorsement policy needs, ordering, and
   * waiting for its commit. A commit invalidated by `MVCC_READ_CONFLICT`/`PHANTOM_READ_CONFLICT` is
   * endorsed and submitted again (bounded, with backoff); inputs should carry client-chosen IDs so a
   * resubmission can never create a record twice.
   * @throws {ChaincodeError} when the chaincode rejects it (`code` = `ESTP_*`).
   * @throws {CommitFailedError} when it is invalidated at commit (after the retries for MVCC).
   * @throws {UnavailableError} when a peer/orderer is unreachable or a deadline passes; with code
   *   `COMMIT_STATUS_UNKNOWN` the transaction may still commit.
   */
  async submitText(
    contract: string,
    transaction: string,
    input: object = {},
    options: SubmitOptions = {},
  ): Promise<SubmitResult> {
    this.#assertOpen();
    const args = serialiseInput(input);
    const context = this.#context(contract, transaction);
    const transient = transientData(options);
    const { value, attempts } = await retryOnConflict(
      async (attempt) => {
        try {
          const commit = await this.#contract(contract).submitAsync(transaction, {
            arguments: [args],
            ...(transient ? { transientData: transient } : {}),
            ...(options.endorsingOrganizations
              ? { endorsingOrganizations: [...options.endorsingOrganizations] }
              : {}),
          });
          const status = await commit.getStatus();
          if (!status.successful) {
            throw new CommitFailedError({
              transactionId: status.transactionId,
              validationCode: status.code,
              attempts: attempt,
              blockNumber: status.blockNumber,
            });
          }
          return {
            text: utf8.decode(commit.getResult()),
            transactionId: status.transactionId,
            blockNumber: status.blockNumber,
          };
        } catch (error) {
          throw toClientError(error, context) ?? error;
        }
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
    try {
      return await this.#network.getChaincodeEvents(this.profile.chaincode, {
        ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
        ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
      });
    } catch (error) {
      throw toClientError(error, { gatewayPeer: this.org.peer.endpoint, mspId: this.mspId }) ?? error;
    }
  }

  /**
   * The channel's height on this client's peer (qscc GetChainInfo): the number of blocks it has
   * committed, so the last one is height − 1.
   * @throws {UnavailableError} when the peer cannot be reached.
   */
  async ledgerHeight(): Promise<bigint> {
    this.#assertOpen();
    try {
      const bytes = await this.#network
        .getContract('qscc')
        .evaluateTransaction('GetChainInfo', this.profile.channel);
      return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    } catch (error) {
      throw toClientError(error, this.#context('qscc', 'GetChainInfo')) ?? error;
    }
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
          `${this.org.peer.endpoint} (${this.mspId}) has not committed block ${blockNumber} within ${timeoutMs} ms`,
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

  /** Closes the gateway and releases the shared gRPC client (closing it if unused). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#gateway.close();
    } finally {
      this.#lease.release();
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
 * Connects to an org's peer gateway as one of its users: resolves the profile and the org's wallet
 * ({@link resolveSettings}), reads the user's identity from the wallet, leases the shared gRPC
 * client of the org's peer and opens a gateway with the per-call deadlines.
 * @throws {ConfigError} for an unknown org/user, a missing profile or unreadable keys.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a promise API: every failure rejects, none throws
export async function connect(options: ConnectOptions): Promise<EstpClient> {
  const { profile, org, wallet, user } = resolveSettings(options);
  if (user === undefined) throw new ConfigError('no user: give --user (or ESTP_USER)');
  const identity = resolveIdentity(wallet, org, user);
  const signer = gatewaySigner(identity);
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const lease = (options.pool ?? sharedGrpcClients).acquire(org.peer);
  try {
    const gateway = connectGateway({
      client: lease.client,
      identity: gatewayIdentity(identity),
      signer,
      evaluateOptions: withDeadline(deadlines.evaluateMs),
      endorseOptions: withDeadline(deadlines.endorseMs),
      submitOptions: withDeadline(deadlines.submitMs),
      commitStatusOptions: withDeadline(deadlines.commitStatusMs),
      chaincodeEventsOptions: withDeadline(deadlines.chaincodeEventsMs),
    });
    return new EstpClient({
      profile,
      org,
      identity,
      gateway,
      lease,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  } catch (error) {
    lease.release();
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
