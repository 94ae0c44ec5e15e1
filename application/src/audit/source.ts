/**
 * Reading the channel's blocks from a peer for the verifier, through the query system chaincode
 * (`qscc`) any channel member may evaluate: GetChainInfo for the height and GetBlockByNumber for
 * each block. Takes the `qscc` contract of a Fabric Gateway network,
 * `network.getContract('qscc')`, so the CLI's own connection (and deadlines) are used.
 */
import { common } from '@hyperledger/fabric-protos';
import { blockHeaderHash, toHex } from './block-hash';
import { type MspDefinition, parseBlock } from './parse';
import { type VerifyOptions, type VerifyReport, mspsFromConfigBlock, verifyBlocks } from './verify';

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

/** Blocks `from`…`to` (inclusive), fetched one at a time as they are consumed. */
export async function* readBlocks(
  qscc: QsccContract,
  channel: string,
  from: number,
  to: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  for (let number = from; number <= to; number++) yield await blockBytes(qscc, channel, number);
}

/** Options of `verifyChannel`: the verifier's, with the range instead of the anchors. */
export interface VerifyChannelOptions extends Omit<
  VerifyOptions,
  'expectedFirst' | 'previousHeaderHash' | 'msps'
> {
  /** First block (default 0). */
  readonly from?: number;
  /** Last block (default the chain's last block). */
  readonly to?: number;
}

/** The report of `verifyChannel`: what was verified, and the peer's view of the chain head. */
export interface ChannelVerifyReport extends VerifyReport {
  readonly channel: string;
  readonly height: number;
  /**
   * When the range reaches the chain's last block: whether the header hash recomputed for it
   * equals the peer's GetChainInfo current block hash (undefined otherwise).
   */
  readonly headMatchesChainInfo?: boolean;
}

/**
 * Verifies blocks `from`…`to` of `channel` as served by the peer behind `qscc`. For a range that
 * does not start at the genesis block, the block before it anchors the range (its header hash is
 * what the first block must link to) and the last config block before it supplies the MSP
 * definitions signers are checked against.
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
  let msps: MspDefinition[] | undefined;
  if (from > 0) {
    const anchor = parseBlock(await blockBytes(qscc, channel, from - 1));
    previousHeaderHash = blockHeaderHash(anchor);
    const configNumber = anchor.lastConfigIndex ?? 0;
    msps = mspsFromConfigBlock(await blockBytes(qscc, channel, configNumber));
  }

  const report = await verifyBlocks(readBlocks(qscc, channel, from, to), {
    ...options,
    expectedFirst: from,
    ...(previousHeaderHash ? { previousHeaderHash } : {}),
    ...(msps ? { msps } : {}),
  });
  return {
    ...report,
    channel,
    height: info.height,
    ...(to === last ? { headMatchesChainInfo: report.lastHeaderHash === toHex(info.currentBlockHash) } : {}),
  };
}
