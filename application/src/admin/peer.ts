/**
 * Peer administration through the Endorser service, as `peer channel join|list|getinfo` do it:
 * signed proposals to the configuration system chaincode (`cscc`: JoinChain, GetChannels) and the
 * query system chaincode (`qscc`: GetChainInfo). JoinChain needs the peer's own org admin.
 */
import * as grpc from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import type { OrgInfo, PeerInfo } from '../gateway/profile';
import { newPeerClient } from '../gateway/grpc';
import { signedProposal } from './envelope';
import { AdminError, unavailable } from './errors';
import type { AdminSigner } from './signer';

/** Per-proposal deadline (ms); joining replays nothing synchronously, so this is plenty. */
export const PEER_TIMEOUT_MS = 20_000;

const encoder = new TextEncoder();

/** One peer of an org, as the admin steps address it. */
export interface OrgPeer {
  readonly mspId: string;
  readonly peer: PeerInfo;
}

/** Every peer of an org (peer0, peer1, …). */
export function peersOf(org: OrgInfo): OrgPeer[] {
  return org.peers.map((peer) => ({ mspId: org.mspId, peer }));
}

/**
 * Sends a system chaincode proposal to one peer of an org and returns the response payload.
 * @throws {AdminError} PEER_REJECTED with the peer's message (e.g. access denied)
 * @throws {UnavailableError} when the peer does not answer in time
 */
export async function systemProposal(
  { mspId, peer: target }: OrgPeer,
  signer: AdminSigner,
  channel: string,
  chaincode: 'cscc' | 'qscc',
  args: readonly (string | Uint8Array)[],
  timeoutMs = PEER_TIMEOUT_MS,
): Promise<Uint8Array> {
  const proposal = await signedProposal(
    signer,
    channel,
    chaincode,
    args.map((arg) => (typeof arg === 'string' ? encoder.encode(arg) : arg)),
  );
  const client = newPeerClient(target);
  const what = `peer ${target.endpoint} (${mspId}) ${chaincode} ${String(args[0])}`;
  try {
    const response = await new Promise<peer.ProposalResponse>((resolve, reject) => {
      client.makeUnaryRequest(
        '/protos.Endorser/ProcessProposal',
        (message: peer.SignedProposal) => Buffer.from(message.serializeBinary()),
        (bytes: Buffer) => peer.ProposalResponse.deserializeBinary(bytes),
        proposal,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error, value) => {
          if (error || !value) reject(unavailable(what, error ?? new Error('no response')));
          else resolve(value);
        },
      );
    });
    const status = response.getResponse()?.getStatus() ?? 0;
    if (status < 200 || status >= 400) {
      throw new AdminError(
        `${what} failed: status ${status}: ${response.getResponse()?.getMessage() ?? 'no message'}`,
        'PEER_REJECTED',
      );
    }
    return response.getResponse()?.getPayload_asU8() ?? new Uint8Array();
  } finally {
    client.close();
  }
}

/** The channels a peer has joined, sorted. */
export async function joinedChannels(target: OrgPeer, signer: AdminSigner): Promise<string[]> {
  const payload = await systemProposal(target, signer, '', 'cscc', ['GetChannels']);
  return peer.ChannelQueryResponse.deserializeBinary(payload)
    .getChannelsList()
    .map((info) => info.getChannelId())
    .sort();
}

/** Joins a peer to the channel whose genesis block is `genesis`. */
export async function joinChannel(
  target: OrgPeer,
  signer: AdminSigner,
  genesis: common.Block,
): Promise<void> {
  await systemProposal(target, signer, '', 'cscc', ['JoinChain', genesis.serializeBinary()]);
}

/** A peer's view of a channel's chain: its height and the hash of its last block (hex). */
export interface ChainInfo {
  readonly height: number;
  readonly currentBlockHash: string;
}

/** The chain information of `channel` on a peer (qscc GetChainInfo). */
export async function peerChainInfo(
  target: OrgPeer,
  signer: AdminSigner,
  channel: string,
  timeoutMs = PEER_TIMEOUT_MS,
): Promise<ChainInfo> {
  const payload = await systemProposal(target, signer, channel, 'qscc', ['GetChainInfo', channel], timeoutMs);
  const info = common.BlockchainInfo.deserializeBinary(payload);
  return {
    height: info.getHeight(),
    currentBlockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'),
  };
}

/** The height (number of blocks) of `channel` on a peer. */
export async function peerHeight(
  target: OrgPeer,
  signer: AdminSigner,
  channel: string,
  timeoutMs = PEER_TIMEOUT_MS,
): Promise<number> {
  return (await peerChainInfo(target, signer, channel, timeoutMs)).height;
}

/** Block `number` of `channel` as a peer holds it (qscc GetBlockByNumber), serialised. */
export function peerBlock(
  target: OrgPeer,
  signer: AdminSigner,
  channel: string,
  number: number,
): Promise<Uint8Array> {
  return systemProposal(target, signer, channel, 'qscc', ['GetBlockByNumber', channel, String(number)]);
}
