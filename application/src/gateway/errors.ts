/**
 * Client-side errors of the ESTP gateway client.
 *
 * Every failure the client expects (a chaincode rejection, a bad flag, an unreachable peer, a commit
 * that lost an MVCC race) becomes an {@link EstpClientError}: one clear line of text, a stable
 * `code` a script can match on, and the process `exitCode` the CLI exits with. Anything else that
 * escapes is a bug and exits {@link ExitCode.Internal}.
 *
 * The Fabric Gateway's own errors (`EndorseError`, `SubmitError`, `CommitStatusError`,
 * `CommitError`, `GatewayError`) are translated by {@link toClientError}, which names the failing
 * peer and org and extracts the chaincode's `ESTP_*` code from the peers' error details.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { inspect } from 'node:util';

/** Process exit codes of the `estp` CLI. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The chaincode rejected the transaction (an `ESTP_*` code, or another chaincode error). */
  Rejected: 1,
  /** Bad command line, bad input JSON or a bad/missing connection description, wallet or key. */
  Usage: 2,
  /** A peer, orderer or CA could not be reached, timed out or failed to endorse. */
  Unavailable: 3,
  /** The transaction was ordered but invalidated at commit (e.g. MVCC_READ_CONFLICT after retries). */
  CommitFailed: 4,
  /** An unexpected exception: a bug. The stack is printed only with `--debug`. */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The stable error codes the chaincode puts at the start of its messages. */
export const CHAINCODE_ERROR_CODES = [
  'ESTP_INVALID_INPUT',
  'ESTP_FORBIDDEN',
  'ESTP_NOT_FOUND',
  'ESTP_ALREADY_EXISTS',
  'ESTP_ILLEGAL_STATE',
  'ESTP_INSUFFICIENT_FUNDS',
  'ESTP_TOO_EARLY',
  'ESTP_TOO_LATE',
  'ESTP_BAD_TIMESTAMP',
  'ESTP_LIMIT_EXCEEDED',
] as const;
export type ChaincodeErrorCode = (typeof CHAINCODE_ERROR_CODES)[number];

/** Base class of every error the client expects. */
export class EstpClientError extends Error {
  /** Stable, machine-matchable code, e.g. `ESTP_NOT_FOUND`, `USAGE`, `UNAVAILABLE`, `MVCC_READ_CONFLICT`. */
  readonly code: string;
  /** The exit code the CLI uses for this error. */
  readonly exitCode: ExitCode;

  constructor(message: string, code: string, exitCode: ExitCode, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The command line is wrong (unknown command, bad flag, bad input JSON). Exit code 2. */
export class UsageError extends EstpClientError {
  /** Usage text of the command concerned, printed after the message. */
  readonly usage: string | undefined;

  constructor(message: string, usage?: string, options?: ErrorOptions) {
    super(message, 'USAGE', ExitCode.Usage, options);
    this.usage = usage;
  }
}

/** The connection description, wallet, certificate or key is missing or invalid. Exit code 2. */
export class ConfigError extends EstpClientError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'CONFIG', ExitCode.Usage, options);
  }
}

/** Where a gateway error came from: one peer's answer in `GatewayError.details`. */
export interface PeerDetail {
  /** The peer's address as the gateway knows it, e.g. `peer0.utility.estp.local:7100`. */
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/** The chaincode refused the transaction. Exit code 1. */
export class ChaincodeError extends EstpClientError {
  /** The chaincode's own message without the code, e.g. `participant X does not exist`. */
  readonly chaincodeMessage: string;
  /** The peer whose answer carried the message, when known. */
  readonly peer: PeerDetail | undefined;
  readonly transactionId: string | undefined;

  /**
   * @param code `ESTP_*` when the chaincode gave one, else `CHAINCODE_ERROR`.
   */
  constructor(
    message: string,
    fields: {
      code: string;
      chaincodeMessage: string;
      peer?: PeerDetail | undefined;
      transactionId?: string | undefined;
    },
    options?: ErrorOptions,
  ) {
    super(message, fields.code, ExitCode.Rejected, options);
    this.chaincodeMessage = fields.chaincodeMessage;
    this.peer = fields.peer;
    this.transactionId = fields.transactionId;
  }
}

/**
 * A peer, orderer or CA could not be reached or did not answer in time, or endorsement failed for a
 * reason other than the chaincode (e.g. peers disagreeing). Exit code 3. `code` is the gRPC status
 * name (`UNAVAILABLE`, `DEADLINE_EXCEEDED`, …) or `COMMIT_STATUS_UNKNOWN` / `ENDORSEMENT_FAILED`.
 */
export class UnavailableError extends EstpClientError {
  readonly transactionId: string | undefined;

  constructor(message: string, code: string, transactionId?: string, options?: ErrorOptions) {
    super(message, code, ExitCode.Unavailable, options);
    this.transactionId = transactionId;
  }
}

/**
 * The transaction was ordered into a block but the peers invalidated it, so it changed nothing.
 * Exit code 4. `code` is the Fabric validation code name, e.g. `MVCC_READ_CONFLICT`.
 */
export class CommitFailedError extends EstpClientError {
  readonly transactionId: string;
  /** The Fabric `TxValidationCode` number. */
  readonly validationCode: number;
  /** How many times the transaction was submitted, this failure included. */
  readonly attempts: number;

  constructor(
    fields: { transactionId: string; validationCode: number; attempts: number; blockNumber?: bigint },
    options?: ErrorOptions,
  ) {
    const name = validationCodeName(fields.validationCode);
    const where = fields.blockNumber === undefined ? '' : ` in block ${fields.blockNumber}`;
    const tries = fields.attempts > 1 ? ` after ${fields.attempts} attempts` : '';
    super(
      `transaction ${fields.transactionId} was invalidated${where}: ${name}${tries}`,
      name,
      ExitCode.CommitFailed,
      options,
    );
    this.transactionId = fields.transactionId;
    this.validationCode = fields.validationCode;
    this.attempts = fields.attempts;
  }
}

const VALIDATION_CODE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);

/** The name of a Fabric transaction validation code, e.g. 11 → `MVCC_READ_CONFLICT`. */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `VALIDATION_CODE_${code}`;
}

const GRPC_STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(GrpcStatus)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name]),
);

/** The name of a gRPC status code, e.g. 14 → `UNAVAILABLE`. */
export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES.get(code) ?? `GRPC_${code}`;
}

/** gRPC statuses that mean "the other side is not there or too slow", not "you asked wrongly". */
const UNREACHABLE = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

const CODE_PATTERN = /\b(ESTP_[A-Z_]+):\s*([\s\S]*)$/;
const CHAINCODE_RESPONSE = /chaincode response \d+,\s*([\s\S]*)$/;

/** A chaincode message split into its `ESTP_*` code and text, if it has one. */
export function parseChaincodeMessage(message: string): { code: string; text: string } | undefined {
  const match = CODE_PATTERN.exec(message);
  if (!match) return undefined;
  return { code: match[1] ?? '', text: (match[2] ?? '').trim() };
}

/** Duck-typed view of a fabric-gateway `GatewayError` (and its Endorse/Submit/CommitStatus kin). */
interface GatewayErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code: number;
  readonly details: readonly PeerDetail[];
  readonly transactionId?: string;
}

/** Duck-typed view of a fabric-gateway `CommitError`. */
interface CommitErrorLike {
  readonly name: string;
  readonly code: number;
  readonly transactionId: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function detailsOf(value: unknown): PeerDetail[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((detail) => ({
    address: typeof detail['address'] === 'string' ? detail['address'] : '',
    mspId: typeof detail['mspId'] === 'string' ? detail['mspId'] : '',
    message: typeof detail['message'] === 'string' ? detail['message'] : '',
  }));
}

function asGatewayError(error: unknown): GatewayErrorLike | undefined {
  if (!(error instanceof Error) || !isObject(error)) return undefined;
  // A bare gRPC ServiceError (e.g. from an event stream) has string details and metadata.
  const isServiceError = typeof error['details'] === 'string' && isObject(error['metadata']);
  const details = isServiceError ? [] : detailsOf(error['details']);
  const code = error['code'];
  if (details === undefined || typeof code !== 'number') return undefined;
  const transactionId = error['transactionId'];
  return {
    name: error.name,
    message: error.message,
    code,
    details,
    ...(typeof transactionId === 'string' ? { transactionId } : {}),
  };
}

function asCommitError(error: unknown): CommitErrorLike | undefined {
  if (!(error instanceof Error) || !isObject(error) || error.name !== 'CommitError') return undefined;
  const code = error['code'];
  const transactionId = error['transactionId'];
  if (typeof code !== 'number' || typeof transactionId !== 'string') return undefined;
  return { name: error.name, code, transactionId };
}

/** What the client was doing when the error happened, for the message. */
export interface CallContext {
  /** `Contract:Transaction`, e.g. `Participant:Register`. */
  readonly transaction?: string;
  /** The peer the client is connected to (its gateway), e.g. `127.0.0.1:7100`. */
  readonly gatewayPeer?: string;
  readonly mspId?: string;
  /**
   * Whether the peer belongs to this machine's own network (`npm run network:up` wrote the
   * profile), so that starting it is the advice for an unreachable peer.
   */
  readonly localNetwork?: boolean;
}

/** The advice for a peer that cannot be reached: start the local network, or check that peer. */
export function unreachableHint(context: CallContext): string {
  if (context.localNetwork) return '; is the network up? (`npm run network:up`)';
  return context.gatewayPeer
    ? `; is the peer at ${context.gatewayPeer} running and reachable from here?`
    : '';
}

/**
 * Whether a gateway call failed because the gateway peer itself could not serve it — unreachable
 * (no connection, reset) or over its concurrency limit — rather than answering with a verdict of
 * its own or of the peers it asked (those come with per-peer details). Another peer of the org
 * may serve the same call.
 */
export function isGatewayPeerFailure(error: unknown): boolean {
  const gatewayError = asGatewayError(error);
  if (!gatewayError || gatewayError.details.length > 0) return false;
  return gatewayError.code === (GrpcStatus.UNAVAILABLE as number) || isOverConcurrencyLimit(gatewayError);
}

/**
 * What a peer answers when it could not run the chaincode at all — its chaincode service is down,
 * restarting or went away mid-call — as the real network words it (docs/reliability.md). Nothing
 * was simulated; the org's other peer, with its own chaincode service, may answer the same
 * proposal.
 */
const CHAINCODE_UNREACHABLE =
  /could not launch chaincode|chaincode [^ ]+ (?:is )?not registered|connection refused|chaincode stream terminated|error sending|failed to connect to chaincode/i;

/**
 * Whether an endorsement or query failed because a peer could not reach its chaincode service
 * ({@link CHAINCODE_UNREACHABLE}), with no chaincode verdict among the answers: an `ESTP_*`
 * refusal is never one, whatever else the peers said.
 */
export function isChaincodeUnreachable(error: unknown): boolean {
  const gatewayError = asGatewayError(error);
  if (!gatewayError || chaincodeFailure(gatewayError)?.code.startsWith('ESTP_')) return false;
  const messages = [gatewayError.message, ...gatewayError.details.map((detail) => detail.message)];
  return messages.some((message) => CHAINCODE_UNREACHABLE.test(message));
}

/**
 * A peer over its concurrency limit (`peer.limits.concurrency.gatewayService`) refuses a call with
 * gRPC status UNKNOWN and `too many requests for /gateway.Gateway, exceeding concurrency limit
 * (500)` (seen on the real network; RESOURCE_EXHAUSTED would be the status's proper name).
 */
function isOverConcurrencyLimit(gatewayError: GatewayErrorLike): boolean {
  return (
    gatewayError.code === (GrpcStatus.RESOURCE_EXHAUSTED as number) ||
    /exceeding concurrency limit/.test(gatewayError.message)
  );
}

function peerName(detail: PeerDetail): string {
  const address = detail.address || 'a peer';
  return detail.mspId ? `${address} (${detail.mspId})` : address;
}

function prefix(context: CallContext): string {
  return context.transaction ? `${context.transaction}: ` : '';
}

function viaGateway(context: CallContext): string {
  if (!context.gatewayPeer) return '';
  return context.mspId ? ` via ${context.gatewayPeer} (${context.mspId})` : ` via ${context.gatewayPeer}`;
}

/** Finds the chaincode's own error among the peers' details or the gateway's message. */
function chaincodeFailure(
  gatewayError: GatewayErrorLike,
): { code: string; text: string; peer: PeerDetail | undefined; others: number } | undefined {
  const withCode = gatewayError.details.filter((detail) => parseChaincodeMessage(detail.message));
  const first = withCode[0];
  if (first) {
    const parsed = parseChaincodeMessage(first.message);
    if (parsed) return { ...parsed, peer: first, others: withCode.length - 1 };
  }
  const fromMessage = parseChaincodeMessage(gatewayError.message);
  if (fromMessage) return { ...fromMessage, peer: gatewayError.details[0], others: 0 };

  const uncoded = gatewayError.details.find((detail) => CHAINCODE_RESPONSE.test(detail.message));
  if (uncoded) {
    const text = CHAINCODE_RESPONSE.exec(uncoded.message)?.[1] ?? uncoded.message;
    return { code: 'CHAINCODE_ERROR', text: text.trim(), peer: uncoded, others: 0 };
  }
  const inMessage = CHAINCODE_RESPONSE.exec(gatewayError.message);
  if (inMessage) {
    return { code: 'CHAINCODE_ERROR', text: (inMessage[1] ?? '').trim(), peer: undefined, others: 0 };
  }
  return undefined;
}

/**
 * The gateway's message without gRPC's `14 UNAVAILABLE: ` prefix, and grpc-js's connection and
 * deadline messages without their diagnostics (`connect ECONNREFUSED 127.0.0.1:7100`,
 * `Deadline exceeded after 5.007s`).
 */
function bareMessage(message: string): string {
  return message
    .replace(/^\d+ [A-Z_]+: /, '')
    .replace(/^(Deadline exceeded after [\d.]+s),.*$/s, '$1')
    .replace(/^No connection established\. Last error: (?:Error: )?(.*?)(?:\. Resolution note: .*)?$/s, '$1');
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/**
 * Translates any error raised by a gateway call into an {@link EstpClientError}, or returns
 * `undefined` when it is not a Fabric/gRPC error the client expects (i.e. a bug).
 *
 * The result is one line, e.g.
 * `Participant:Get: ESTP_NOT_FOUND: participant X does not exist (peer0.community.estp.local:7300 (CommunityMSP))`.
 * The original error is kept as `cause`.
 */
export function toClientError(error: unknown, context: CallContext = {}): EstpClientError | undefined {
  if (error instanceof EstpClientError) return error;

  const commitError = asCommitError(error);
  if (commitError) {
    return new CommitFailedError(
      { transactionId: commitError.transactionId, validationCode: commitError.code, attempts: 1 },
      { cause: error },
    );
  }

  const gatewayError = asGatewayError(error);
  if (!gatewayError) return undefined;
  const transactionId = gatewayError.transactionId;

  const failure = chaincodeFailure(gatewayError);
  if (failure) {
    const more = failure.others > 0 ? ` and ${failure.others} other peer(s)` : '';
    const by = failure.peer ? ` (rejected by ${peerName(failure.peer)}${more})` : '';
    const label = failure.code === 'CHAINCODE_ERROR' ? 'chaincode error' : failure.code;
    return new ChaincodeError(
      `${prefix(context)}${label}: ${firstLine(failure.text)}${by}`,
      { code: failure.code, chaincodeMessage: failure.text, peer: failure.peer, transactionId },
      { cause: error },
    );
  }

  const overLimit = isOverConcurrencyLimit(gatewayError);
  const status = overLimit ? 'RESOURCE_EXHAUSTED' : grpcStatusName(gatewayError.code);
  const peers = gatewayError.details.map((detail) => `${peerName(detail)}: ${firstLine(detail.message)}`);
  const reason = peers.length > 0 ? peers.join('; ') : firstLine(bareMessage(gatewayError.message));

  if (gatewayError.name === 'CommitStatusError') {
    return new UnavailableError(
      `${prefix(context)}commit status of transaction ${transactionId ?? '?'} unknown (${status}): ${reason}; ` +
        'it may still commit: query the record before resubmitting',
      'COMMIT_STATUS_UNKNOWN',
      transactionId,
      { cause: error },
    );
  }
  if (gatewayError.name === 'SubmitError') {
    return new UnavailableError(
      `${prefix(context)}the orderers did not accept transaction ${transactionId ?? '?'} (${status}): ${reason}`,
      status,
      transactionId,
      { cause: error },
    );
  }
  if (
    gatewayError.code === (GrpcStatus.PERMISSION_DENIED as number) ||
    gatewayError.code === (GrpcStatus.UNAUTHENTICATED as number)
  ) {
    return new ConfigError(
      `${prefix(context)}access denied${viaGateway(context)} (${status}): ${reason}; ` +
        'is the identity enrolled by this org and the certificate still valid?',
      { cause: error },
    );
  }
  if (gatewayError.name === 'EndorseError' && !UNREACHABLE.has(gatewayError.code)) {
    return new UnavailableError(
      `${prefix(context)}endorsement failed${viaGateway(context)} (${status}): ${reason}`,
      'ENDORSEMENT_FAILED',
      transactionId,
      { cause: error },
    );
  }
  const hint =
    gatewayError.code === (GrpcStatus.UNAVAILABLE as number)
      ? unreachableHint(context)
      : overLimit
        ? '; the peer is serving as many requests as it allows: try again shortly'
        : '';
  return new UnavailableError(
    `${prefix(context)}peer gateway${viaGateway(context)} failed (${status}): ${reason}${hint}`,
    status,
    transactionId,
    { cause: error },
  );
}

/** The exit code for any thrown value: the error's own for client errors, 70 for anything else. */
export function exitCodeOf(error: unknown): ExitCode {
  return toClientError(error)?.exitCode ?? ExitCode.Internal;
}

/**
 * The text the CLI prints for a failure: the one-line message of an expected error (with usage text
 * for usage errors), or `internal error: …` for a bug — with the stack (and causes) only when
 * `debug` is set.
 */
export function formatError(error: unknown, options: { debug?: boolean } = {}): string {
  const clientError = toClientError(error);
  if (clientError) {
    const lines = [`error: ${clientError.message}`];
    if (clientError instanceof UsageError && clientError.usage) lines.push('', clientError.usage);
    if (options.debug) lines.push('', ...causeChain(clientError));
    return lines.join('\n');
  }
  const message = error instanceof Error ? error.message : inspect(error);
  const lines = [`internal error: ${message}`];
  lines.push(options.debug ? causeChain(error).join('\n') : '(run again with --debug for the stack trace)');
  return lines.join('\n');
}

function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const text = current instanceof Error ? (current.stack ?? current.message) : inspect(current);
    lines.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines;
}
