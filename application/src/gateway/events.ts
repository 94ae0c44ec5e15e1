/**
 * Following ESTP chaincode events with a checkpoint, so a restarted listener resumes exactly after
 * the last event it handled: none missed, none repeated.
 *
 * The checkpoint is advanced only after the handler finished with an event. On restart the gateway
 * starts at the checkpoint's block and skips the events up to and including its transaction.
 */
import { type ChaincodeEvent, type Checkpointer } from '@hyperledger/fabric-gateway';
import type { EstpClient } from './client';
import { parseResult } from './client';

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
}

/**
 * Calls `handle` for every ESTP chaincode event until `signal` aborts (returns normally) or the
 * stream fails (throws). The event stream is closed in every case.
 */
export async function followEvents(
  client: EstpClient,
  options: FollowOptions,
  handle: (event: EstpEvent) => void | Promise<void>,
): Promise<void> {
  if (options.signal?.aborted) return;
  const events = await client.chaincodeEvents({
    ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
    ...(options.checkpointer === undefined ? {} : { checkpoint: options.checkpointer }),
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
      await options.checkpointer?.checkpointChaincodeEvent(event);
      if (options.signal?.aborted) break;
    }
  } catch (error) {
    // Closing the stream cancels the call; that is the normal way out, not a failure.
    if (!options.signal?.aborted) throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    events.close();
  }
}
