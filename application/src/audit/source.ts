/**
 * Reading the channel's blocks from a peer for the verifier, through the query system chaincode
 * (`qscc`) any channel member may evaluate: GetChainInfo for the height and GetBlockByNumber for
 * each block. Takes the `qscc` contract of a Fabric Gateway network,
 * `network.getContract('qscc')`, so the CLI's own connection (and deadlines) are used.
 */
import { common } from '@hyperledger/fabric-protos';
import { blockHeaderHash, toHex } from './block-hash';
import { type ChannelConfig, parseBlock } from './parse';
import {
  type ChainBreak,
  type VerifyOptions,
  type VerifyReport,
  channelConfigFromBlock,
  verifyBlocks,
} from './verify';

/** The slice of a fabric-gateway `Contract` this module needs (the `qscc` contract). */
export interface QsccContract {
  evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array>;
}

/** `common.BlockchainInfo` as qscc GetChainInfo reports it. */
export interface ChainInfo {
  /** Number of blocks: the last block is height − 1. */
  readonly height: number;
  /** Hash of the last block's header. */
  readonly currentBlockHash: Uint8Array;
  readonly previousBlockHash: Uint8Array;
}

/** The channel's height and head hashes (qscc GetChainInfo). */
export async function chainInfo(qscc: QsccContract, channel: string): Promise<ChainInfo> {
  const info = common.BlockchainInfo.deserializeBinary(
    await qscc.evaluateTransaction('GetChainInfo', channel),
  );
  return {
    height: info.getHeight(),
    currentBlockHash: info.getCurrentblockhash_asU8(),
    previousBlockHash: info.getPreviousblockhash_asU8(),
  };
}

/** One block's bytes as the peer stores them (qscc GetBlockByNumber). */
export function blockBytes(qscc: QsccContract, channel: string, number: number): Promise<Uint8Array> {
  return qscc.evaluateTransaction('GetBlockByNumber', channel, String(number));
}

/** Blocks fetched ahead of the one being verified by default: hides the peer's round trip. */
export const DEFAULT_PREFETCH = 4;

/**
 * Blocks `from`…`to` (inclusive), in order. With `prefetch` > 0 up to that many further blocks are
 * requested while one is consumed (so verifying overlaps fetching); 0 fetches one at a time. A
 * failed fetch throws when its block's turn comes; stopping early abandons the requests in flight.
 */
export async function* readBlocks(
  qscc: QsccContract,
  channel: string,
  from: number,
  to: number,
  prefetch = 0,
): AsyncGenerator<Uint8Array, void, undefined> {
  const pending: Promise<Uint8Array>[] = [];
  let next = from;
  const request = () => {
    const fetched = blockBytes(qscc, channel, next++);
    fetched.catch(() => undefined); // handled when its turn comes, or abandoned with the generator
    pending.push(fetched);
  };
  while (next <= to || pending.length > 0) {
    while (next <= to && pending.length <= prefetch) request();
    const head = pending.shift();
    if (head) yield await head;
  }
}

/** Options of `verifyChannel`: the verifier's, with the range instead of the anchors. */
export interface VerifyChannelOptions extends Omit<
  VerifyOptions,
  'expectedFirst' | 'previousHeaderHash' | 'msps' | 'channelConfig'
> {
  /** First block (default 0). */
  readonly from?: number;
  /** Last block (default the chain's last block). */
  readonly to?: number;
  /** Blocks requested ahead of the one being verified (default {@link DEFAULT_PREFETCH}). */
  readonly prefetch?: number;
}

/** The report of `verifyChannel`: what was verified, and the peer's view of the chain head. */
export interface ChannelVerifyReport extends VerifyReport {
  readonly channel: string;
  readonly height: number;
  /**
   * When the range reaches the chain's last block: whether the header hash recomputed for it
   * equals the peer's GetChainInfo current block hash (undefined otherwise; false is a
   * CHAIN_INFO break).
   */
  readonly headMatchesChainInfo?: boolean;
  /** The config block whose configuration anchored a range not starting at block 0. */
  readonly anchorConfigBlock?: number;
}

/**
 * Verifies blocks `from`…`to` of `channel` as served by the peer behind `qscc`. For a range that
 * does not start at the genesis block, the block before it anchors the range (its header hash is
 * what the first block must link to) and the last config block before it supplies the MSP
 * definitions signers are checked against and the endorsement policy. A range that reaches the
 * chain's head must end at the hash the peer reports in GetChainInfo.
 * @throws RangeError when the range is empty or beyond the chain's height; gateway errors as thrown
 */
export async function verifyChannel(
  qscc: QsccContract,
  channel: string,
  options: VerifyChannelOptions,
): Promise<ChannelVerifyReport> {
  const info = await chainInfo(qscc, channel);
  const last = info.height - 1;
  const from = options.from ?? 0;
  const to = options.to ?? last;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to > last) {
    throw new RangeError(`block range ${from}..${to} is not within the chain (blocks 0..${last})`);
  }

  let previousHeaderHash: Uint8Array | undefined;
  let channelConfig: ChannelConfig | undefined;
  let anchorConfigBlock: number | undefined;
  if (from > 0) {
    const anchor = parseBlock(await blockBytes(qscc, channel, from - 1));
    previousHeaderHash = blockHeaderHash(anchor);
    anchorConfigBlock = anchor.lastConfigIndex ?? 0;
    channelConfig = channelConfigFromBlock(await blockBytes(qscc, channel, anchorConfigBlock));
  }

  const { prefetch, ...verifyOptions } = options;
  const report = await verifyBlocks(readBlocks(qscc, channel, from, to, prefetch ?? DEFAULT_PREFETCH), {
    ...verifyOptions,
    expectedFirst: from,
    ...(previousHeaderHash ? { previousHeaderHash } : {}),
    ...(channelConfig ? { channelConfig } : {}),
  });
  const headMatchesChainInfo =
    to === last ? report.lastHeaderHash === toHex(info.currentBlockHash) : undefined;
  const breaks: ChainBreak[] = [...report.breaks];
  if (headMatchesChainInfo === false) {
    breaks.push({
      block: to,
      reason: 'CHAIN_INFO',
      detail:
        `the peer reports head hash ${toHex(info.currentBlockHash)} for height ${info.height}, ` +
        `but block ${to} it served hashes to ${report.lastHeaderHash ?? 'nothing'}`,
    });
  }
  return {
    ...report,
    ok: breaks.length === 0,
    breaks,
    channel,
    height: info.height,
    ...(headMatchesChainInfo === undefined ? {} : { headMatchesChainInfo }),
    ...(anchorConfigBlock === undefined ? {} : { anchorConfigBlock }),
  };
}
