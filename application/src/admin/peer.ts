/**
 * Peer administration through the Endorser service, as `peer channel join|list|getinfo` do it:
 * signed proposals to the configuration system chaincode (`cscc`: JoinChain, GetChannels) and the
 * query system chaincode (`qscc`: GetChainInfo). JoinChain needs the peer's own org admin.
 */
import * as grpc from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import type { OrgInfo } from '../gateway/profile';
import { newPeerClient } from '../gateway/grpc';
import { signedProposal } from './envelope';
import { AdminError, unavailable } from './errors';
import type { AdminSigner } from './signer';

/** Per-proposal deadline (ms); joining replays nothing synchronously, so this is plenty. */
export const PEER_TIMEOUT_MS = 20_000;

const encoder = new TextEncoder();

/**
 * Sends a system chaincode proposal to `org`'s peer and returns the response payload.
 * @throws {AdminError} PEER_REJECTED with the peer's message (e.g. access denied)
 * @throws {UnavailableError} when the peer does not answer in time
 */
export async function systemProposal(
  org: OrgInfo,
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
  const client = newPeerClient(org.peer);
  const what = `peer ${org.peer.endpoint} (${org.mspId}) ${chaincode} ${String(args[0])}`;
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

/** The channels `org`'s peer has joined, sorted. */
export async function joinedChannels(org: OrgInfo, signer: AdminSigner): Promise<string[]> {
  const payload = await systemProposal(org, signer, '', 'cscc', ['GetChannels']);
  return peer.ChannelQueryResponse.deserializeBinary(payload)
    .getChannelsList()
    .map((info) => info.getChannelId())
    .sort();
}

/** Joins `org`'s peer to the channel whose genesis block is `genesis`. */
export async function joinChannel(org: OrgInfo, signer: AdminSigner, genesis: common.Block): Promise<void> {
  await systemProposal(org, signer, '', 'cscc', ['JoinChain', genesis.serializeBinary()]);
}

/** The height (number of blocks) of `channel` on `org`'s peer. */
export async function peerHeight(
  org: OrgInfo,
  signer: AdminSigner,
  channel: string,
  timeoutMs = PEER_TIMEOUT_MS,
): Promise<number> {
  const payload = await systemProposal(org, signer, channel, 'qscc', ['GetChainInfo', channel], timeoutMs);
  return common.BlockchainInfo.deserializeBinary(payload).getHeight();
}
