/**
 * Errors of the Fabric administration commands (`estp admin …`). Unreachable orderers and peers
 * are the gateway client's {@link UnavailableError} (exit code 3); a request the orderer or a peer
 * refused, or a file that is not what the command needs, is an {@link AdminError} (exit code 1).
 */
import type { ServiceError } from '@grpc/grpc-js';
import { EstpClientError, ExitCode, grpcStatusName, UnavailableError } from '../gateway/errors';

/** Codes of {@link AdminError}. */
export type AdminErrorCode =
  /** The orderer answered a broadcast or deliver request with a non-success status. */
  | 'ORDERER_REJECTED'
  /** A peer answered a proposal with an error status. */
  | 'PEER_REJECTED'
  /** The file is not a channel configuration update, block or org definition. */
  | 'BAD_ARTIFACT'
  /** The change is already in the channel configuration (nothing to do). */
  | 'NO_CHANGE'
  /** Waiting for the orderer or a peer took longer than allowed. */
  | 'TIMEOUT';

/** A Fabric administration request was refused, or its input is unusable. Exit code 1. */
export class AdminError extends EstpClientError {
  constructor(message: string, code: AdminErrorCode, options?: ErrorOptions) {
    super(message, code, code === 'BAD_ARTIFACT' ? ExitCode.Usage : ExitCode.Rejected, options);
  }
}

/** A gRPC failure talking to `what` (e.g. `orderer 127.0.0.1:7010`) as an {@link UnavailableError}. */
export function unavailable(what: string, error: unknown): UnavailableError {
  const grpcError = error as Partial<ServiceError>;
  const code = typeof grpcError.code === 'number' ? grpcStatusName(grpcError.code) : 'UNAVAILABLE';
  const detail = grpcError.details ?? (error instanceof Error ? error.message : String(error));
  return new UnavailableError(`${what}: ${code}: ${detail}`, code, undefined, { cause: error });
}
