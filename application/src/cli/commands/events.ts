/**
 * `estp events`: tails the ESTP chaincode events. With `--checkpoint-file` the position is saved
 * after every printed event, so a restart resumes right after it (nothing missed, nothing
 * repeated). Ctrl-C stops it cleanly.
 */
import { checkpointers } from '@hyperledger/fabric-gateway';
import * as path from 'node:path';
import { withClient } from '../../gateway/client';
import { UsageError } from '../../gateway/errors';
import { type EstpEvent, followEvents } from '../../gateway/events';
import { connectOptionsOf, textOption } from '../context';
import { cellText } from '../table';
import { toolUsage } from '../usage';
import type { ToolCommand } from './types';

/** `offerId=O-1 side=BUY quantityWh=1000 …`: the payload's top-level fields, cut to `width`. */
export function payloadSummary(payload: unknown, width = 120): string {
  let text: string;
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    text = Object.entries(payload)
      .map(([key, value]) => `${key}=${cellText(value)}`)
      .join(' ');
  } else {
    text = cellText(payload);
  }
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** One human line per event: block, short tx ID, name, payload summary. */
export function eventLine(event: EstpEvent): string {
  const tx = event.transactionId.length > 12 ? `${event.transactionId.slice(0, 12)}…` : event.transactionId;
  return `block ${event.blockNumber}  tx ${tx}  ${event.name}  ${payloadSummary(event.payload)}`.trimEnd();
}

/** One JSON line per event (block number as a number: block heights stay far below 2^53). */
export function eventJson(event: EstpEvent): string {
  return JSON.stringify({
    blockNumber: Number(event.blockNumber),
    transactionId: event.transactionId,
    name: event.name,
    payload: event.payload,
  });
}

function parseBlock(text: string | undefined, usage: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new UsageError(`--from-block must be a block number ≥ 0, got "${text}"`, usage);
  return BigInt(text);
}

export const eventsCommand: ToolCommand = {
  name: 'events',
  description: 'tail ESTP chaincode events (resumable with a checkpoint file; Ctrl-C stops)',
  synopsis:
    'estp events --org <org> --user <name> [--from-block N] [--checkpoint-file <path>] [--filter <prefix>] [--json]',
  examples: [
    'estp events --org community --user member1 --filter estp.offer.',
    'estp events --org utility --user auditor --from-block 0 --checkpoint-file events.checkpoint --json',
  ],
  options: [
    {
      name: 'from-block',
      value: '<N>',
      description: 'start at block N when there is no checkpoint yet (default: new events only)',
    },
    {
      name: 'checkpoint-file',
      value: '<path>',
      description: 'save the position after each event here and resume from it on restart',
    },
    {
      name: 'filter',
      value: '<prefix>',
      description: 'only events whose name starts with it, e.g. estp.offer.',
    },
  ],
  run: async (context) => {
    const usage = toolUsage(eventsCommand);
    const startBlock = parseBlock(textOption(context.options, 'from-block'), usage);
    const checkpointFile = textOption(context.options, 'checkpoint-file');
    const namePrefix = textOption(context.options, 'filter');
    const connectOptions = connectOptionsOf(context.global, context.io, usage);
    const checkpointer =
      checkpointFile === undefined ? undefined : await checkpointers.file(path.resolve(checkpointFile));

    const abort = new AbortController();
    let interrupts = 0;
    const onSignal = (): void => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      context.io.err('stopping…');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await withClient(connectOptions, async (client) => {
        const resumeBlock = checkpointer?.getBlockNumber();
        const resumeTx = checkpointer?.getTransactionId();
        const from =
          resumeBlock !== undefined
            ? `checkpoint block ${resumeBlock}${resumeTx ? ` after tx ${resumeTx}` : ''}`
            : startBlock !== undefined
              ? `block ${startBlock}`
              : 'the next block';
        context.io.err(
          `listening for ${client.profile.chaincode} events on ${client.peer.endpoint} from ${from}`,
        );
        await followEvents(
          client,
          {
            ...(startBlock === undefined ? {} : { startBlock }),
            ...(checkpointer === undefined ? {} : { checkpointer }),
            ...(namePrefix === undefined ? {} : { namePrefix }),
            signal: abort.signal,
            onReconnect: (error, attempt) => {
              context.io.err(
                `${error.code}: the event stream failed; opening it again through the org's peers from the last event (attempt ${attempt})`,
              );
            },
          },
          (event) => {
            context.io.out(context.global.json ? eventJson(event) : eventLine(event));
          },
        );
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return 0;
  },
};
