/**
 * Following ESTP chaincode events with a checkpoint, so a restarted listener resumes exactly after
 * the last event it handled: none missed, none repeated.
 *
 * The checkpoint is advanced only after the handler finished with an event. On restart the gateway
 * starts at the checkpoint's block and skips the events up to and including its transaction.
 *
 * The same holds within one {@link followEvents}: when the peer serving the stream dies or the
 * connection drops, the stream is opened again through the org's peers (the client fails over to
 * the next) from the checkpoint — the caller's, or one kept in memory — so no event is lost or
 * handled twice.
 */
import { type ChaincodeEvent, type Checkpointer, checkpointers } from '@hyperledger/fabric-gateway';
import type { EstpClient } from './client';
import { parseResult } from './client';
import { toClientError, UnavailableError } from './errors';

/** A decoded ESTP chaincode event. */
export interface EstpEvent {
  readonly blockNumber: bigint;
  readonly transactionId: string;
  /** e.g. `estp.offer.posted`. */
  readonly name: string;
  /** The parsed canonical JSON payload (or its text when it is not JSON). */
  readonly payload: unknown;
}

const utf8 = new TextDecoder();

/** Decodes a gateway chaincode event. */
export function decodeEvent(event: ChaincodeEvent): EstpEvent {
  return {
    blockNumber: event.blockNumber,
    transactionId: event.transactionId,
    name: event.eventName,
    payload: parseResult(utf8.decode(event.payload)),
  };
}

/**
 * Reopenings of a stream in a row without an event between them before the failure is reported;
 * they wait 0.5, 1, 2, 4, 8 s, so an org whose peers all stay down is reported within half a minute.
 */
export const MAX_RECONNECTS = 5;
const FIRST_RECONNECT_PAUSE_MS = 500;

/** Options of {@link followEvents}. */
export interface FollowOptions {
  /** Where to start when the checkpointer has no position; default: the next block. */
  readonly startBlock?: bigint;
  /** Records progress after each handled event (e.g. `checkpointers.file(path)`). */
  readonly checkpointer?: Checkpointer;
  /** Only events whose name starts with this (e.g. `estp.offer.`); others are skipped (and checkpointed). */
  readonly namePrefix?: string;
  /** Stops listening (cleanly) when aborted. */
  readonly signal?: AbortSignal;
  /** Called before the stream is opened again after it failed (`attempt` 1, 2, … in a row). */
  readonly onReconnect?: (error: UnavailableError, attempt: number) => void;
}

/**
 * Calls `handle` for every ESTP chaincode event until `signal` aborts (returns normally) or the
 * stream fails for good (throws). A stream that fails because its peer or the connection did
 * ({@link UnavailableError}) is opened again from the last handled event, through the org's peers,
 * up to {@link MAX_RECONNECTS} times in a row. The event stream is closed in every case.
 */
export async function followEvents(
  client: EstpClient,
  options: FollowOptions,
  handle: (event: EstpEvent) => void | Promise<void>,
): Promise<void> {
  const aborted = (): boolean => options.signal?.aborted ?? false;
  if (aborted()) return;
  const checkpointer = options.checkpointer ?? checkpointers.inMemory();
  // "The next block" is fixed now, so that a reopened stream starts there too.
  const startBlock =
    options.startBlock ??
    (checkpointer.getBlockNumber() === undefined ? await client.ledgerHeight() : undefined);
  for (let failures = 0; ;) {
    const position = (): string => `${checkpointer.getBlockNumber()}:${checkpointer.getTransactionId()}`;
    const from = position();
    try {
      await followStream(client, { ...options, checkpointer, startBlock }, handle);
      return;
    } catch (error) {
      // Failures in a row: a stream that got further before it failed starts the count again.
      failures = position() === from ? failures + 1 : 1;
      if (!(error instanceof UnavailableError) || failures > MAX_RECONNECTS) throw error;
      options.onReconnect?.(error, failures);
      const pause = FIRST_RECONNECT_PAUSE_MS * 2 ** (failures - 1);
      await new Promise((resolve) => setTimeout(resolve, pause));
      if (aborted()) return;
    }
  }
}

/** One event stream, from the checkpoint (else `startBlock`), until aborted or failed. */
async function followStream(
  client: EstpClient,
  options: FollowOptions & { readonly checkpointer: Checkpointer; readonly startBlock: bigint | undefined },
  handle: (event: EstpEvent) => void | Promise<void>,
): Promise<void> {
  const events = await client.chaincodeEvents({
    ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
    checkpoint: options.checkpointer,
  });
  const stop = (): void => {
    events.close();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const event of events) {
      if (options.namePrefix === undefined || event.eventName.startsWith(options.namePrefix)) {
        await handle(decodeEvent(event));
      }
      await options.checkpointer.checkpointChaincodeEvent(event);
      if (options.signal?.aborted) break;
    }
  } catch (error) {
    // Closing the stream cancels the call; that is the normal way out, not a failure.
    if (options.signal?.aborted) return;
    throw toClientError(error, { gatewayPeer: client.peer.endpoint, mspId: client.mspId }) ?? error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    events.close();
  }
}
