/**
 * Submitting a transaction with a timestamp of the caller's choosing, as a dishonest member's
 * client can: the proposal's channel header carries the client's clock, and no Fabric component
 * checks it (docs/trust.md, "Ledger time"). fabric-gateway builds the proposal with `new Date()`;
 * this takes its unsigned bytes, sets another timestamp in the channel header (the transaction ID
 * does not depend on it), signs the result with the member's key and endorses and submits it
 * through the gateway's offline-signing API (`newSignedProposal`).
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { signers } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos';
import { newChannelHeader } from '../../../application/src/admin/envelope';
import { resolveIdentity } from '../../../application/src/gateway/identity';
import type { Actor } from './estp';
import { connectAs, errorDetails, orgSettings } from './network';

/**
 * The proposal `bytes` (fabric-gateway's ProposedTransaction) with its channel header timestamped
 * `atMs` instead, and the bytes a signature must cover.
 */
export function restamp(bytes: Uint8Array, atMs: number): { bytes: Uint8Array; signed: Uint8Array } {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(bytes);
  const signedProposal = proposed.getProposal();
  if (!signedProposal) throw new Error('the proposed transaction has no proposal');
  const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  // admin/envelope.ts encodes a Timestamp; take it from a header built for that instant.
  channelHeader.setTimestamp(newChannelHeader(channelHeader.getType(), '', new Date(atMs)).getTimestamp());
  header.setChannelHeader(channelHeader.serializeBinary());
  proposal.setHeader(header.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  signedProposal.setProposalBytes(proposalBytes);
  proposed.setProposal(signedProposal);
  return { bytes: proposed.serializeBinary(), signed: proposalBytes };
}

/** The chaincode messages of a refused submission (the peers' endorsement errors). */
export class Refused extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join(' | '));
  }
}

/**
 * Submits `contract:transaction(input)` as `actor` with the proposal timestamped `atMs`, endorsed
 * by the gateway's default endorsers, and waits for its commit.
 * @returns the transaction's result, parsed.
 * @throws {Refused} with the peers' messages when endorsement fails.
 */
export async function submitAt<T = unknown>(
  actor: Actor,
  contract: string,
  transaction: string,
  input: Record<string, unknown>,
  atMs: number,
): Promise<T> {
  const settings = orgSettings(actor.org);
  const identity = resolveIdentity(settings.wallet, settings.org, actor.user);
  const gateway = connectAs(actor.org, identity);
  try {
    const unsigned = gateway
      .contract(contract)
      .newProposal(transaction, { arguments: [JSON.stringify(input)] });
    const { bytes, signed } = restamp(unsigned.getBytes(), atMs);
    const sign = signers.newPrivateKeySigner(createPrivateKey(identity.privateKey));
    const signature = await sign(createHash('sha256').update(signed).digest());
    const proposal = gateway.gateway.newSignedProposal(bytes, signature);
    let submitted;
    try {
      submitted = await (await proposal.endorse()).submit();
    } catch (error) {
      const messages = errorDetails(error);
      if (messages.length > 0) throw new Refused(messages);
      throw error;
    }
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`${transaction} ${status.transactionId} was ${status.code}`);
    const result = Buffer.from(submitted.getResult()).toString('utf8');
    return (result === '' ? undefined : JSON.parse(result)) as T;
  } finally {
    gateway.close();
  }
}
