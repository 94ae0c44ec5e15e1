/**
 * Live ESTP chaincode events as Server-Sent Events: `GET /api/events`.
 *
 * Every event's SSE `id` is its checkpoint, `<block number>:<transaction ID>` (ESTP emits one event
 * per transaction, so the pair names one event). A client that reconnects with that ID as
 * `Last-Event-ID` (browsers' EventSource do so by themselves; or `?lastEventId=`) resumes right
 * after it through the library's checkpointed listening (gateway/events.ts): nothing missed across
 * a restart of the client or of this service, nothing repeated. Without one, `?fromBlock=N` starts
 * at a block, else the stream carries new events only. `?prefix=estp.offer.` filters by name.
 *
 * Each `data` is one JSON line `{ blockNumber, transactionId, name, payload }` (`estp events
 * --json`). A comment every 15 s keeps idle connections open; when the peer's stream fails the
 * service sends an `error` event and ends the response, and the client reconnects.
 */
import { checkpointers } from '@hyperledger/fabric-gateway';
import { eventJson } from '../cli/commands/events';
import { followEvents } from '../gateway/events';
import type { RequestContext, Route } from './context';
import { httpFailureOf, invalidInput, WebError } from './http';

/** Open event streams one service serves at most. */
export const MAX_STREAMS = 100;
const HEARTBEAT_MS = 15_000;
const EVENT_ID = /^(\d{1,15}):([0-9a-f]{64})$/;

/** Where a stream starts: after a checkpoint, at a block, or at the next block. */
export type StreamStart =
  | { readonly after: { readonly block: bigint; readonly transactionId: string } }
  | { readonly fromBlock: bigint }
  | { readonly live: true };

/** The start of a stream from `Last-Event-ID` (or `lastEventId`) and `fromBlock`. */
export function streamStart(lastEventId: string | undefined, fromBlock: string | null): StreamStart {
  if (lastEventId !== undefined && lastEventId !== '') {
    const match = EVENT_ID.exec(lastEventId);
    if (!match) {
      throw invalidInput(
        `Last-Event-ID must be <block number>:<transaction ID> as sent in an event's id, got "${lastEventId}"`,
      );
    }
    return { after: { block: BigInt(match[1] ?? '0'), transactionId: match[2] ?? '' } };
  }
  if (fromBlock !== null) {
    if (!/^\d{1,15}$/.test(fromBlock))
      throw invalidInput(`fromBlock must be a block number, got "${fromBlock}"`);
    return { fromBlock: BigInt(fromBlock) };
  }
  return { live: true };
}

/** One SSE message (fields of several lines are split, as the format requires). */
export function sseMessage(fields: { id?: string; event?: string; data: string }): string {
  const lines: string[] = [];
  if (fields.id !== undefined) lines.push(`id: ${fields.id}`);
  if (fields.event !== undefined) lines.push(`event: ${fields.event}`);
  for (const line of fields.data.split('\n')) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

/**
 * Starts an SSE answer on the response and returns a writer that waits while the client lags —
 * until the buffer drains or the connection closes (a client gone mid-write must not leave the
 * stream's reader waiting for ever).
 */
export function openEventStream(context: RequestContext): (text: string) => Promise<void> {
  const { res } = context;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Content-Type-Options': 'nosniff',
  });
  res.flushHeaders();
  return (text) =>
    new Promise((resolve) => {
      if (res.destroyed || res.writableEnded || res.write(text)) {
        resolve();
        return;
      }
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
}

/** An abort signal that fires when the client goes away or the service shuts down. */
export function requestLifetime(context: RequestContext): AbortController {
  const stop = new AbortController();
  const abort = (): void => {
    stop.abort();
  };
  context.res.once('close', abort);
  context.service.shutdown.addEventListener('abort', abort, { once: true });
  stop.signal.addEventListener('abort', () => {
    context.service.shutdown.removeEventListener('abort', abort);
  });
  return stop;
}

async function events(context: RequestContext): Promise<void> {
  const caller = context.caller();
  const header = context.req.headers['last-event-id'];
  const start = streamStart(
    typeof header === 'string' ? header : (context.query.get('lastEventId') ?? undefined),
    context.query.get('fromBlock'),
  );
  const prefix = context.query.get('prefix') ?? undefined;
  const { service } = context;
  if (service.streams >= MAX_STREAMS) {
    throw new WebError(503, 'ESTP_BUSY', `this service serves at most ${MAX_STREAMS} event streams at once`, {
      'Retry-After': '5',
    });
  }
  const client = await caller.client();
  const checkpointer = checkpointers.inMemory();
  if ('after' in start)
    await checkpointer.checkpointTransaction(start.after.block, start.after.transactionId);

  service.streams++;
  const stop = requestLifetime(context);
  const write = openEventStream(context);
  const heartbeat = setInterval(() => void write(': keep-alive\n\n'), HEARTBEAT_MS);
  try {
    await write(`retry: 2000\n: ESTP events of ${service.profile.channel} via ${client.peer.endpoint}\n\n`);
    await followEvents(
      client,
      {
        ...('fromBlock' in start ? { startBlock: start.fromBlock } : {}),
        ...('after' in start ? { checkpointer } : {}),
        ...(prefix === undefined ? {} : { namePrefix: prefix }),
        signal: stop.signal,
      },
      (event) =>
        write(sseMessage({ id: `${event.blockNumber}:${event.transactionId}`, data: eventJson(event) })),
    );
  } catch (error) {
    const answer = httpFailureOf(error);
    if (answer.internal) service.log(`event stream of ${caller.participantId} failed: ${String(error)}`);
    await write(sseMessage({ event: 'error', data: JSON.stringify(answer.body) }));
  } finally {
    clearInterval(heartbeat);
    service.streams--;
    stop.abort();
    context.res.end();
  }
}

export function eventRoutes(): Route[] {
  return [{ method: 'GET', path: '/api/events', handle: events }];
}
