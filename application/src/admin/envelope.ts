/**
 * The framing Fabric puts around every request: channel header, signature header, payload and the
 * creator's signature (`common.Envelope` for the orderer, `peer.SignedProposal` for peers).
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';
import { timestampOf } from '../protobuf';
import { type AdminSigner, newSignatureHeader } from './signer';

/**
 * A channel header of `type` for `channelId`, timestamped `at` (the orderer refuses deliver
 * requests whose timestamp is far from its clock).
 */
export function newChannelHeader(
  type: number,
  channelId: string,
  at: Date = new Date(),
): common.ChannelHeader {
  const header = new common.ChannelHeader();
  header.setType(type);
  header.setChannelId(channelId);
  header.setTimestamp(timestampOf(at));
  return header;
}

/** A payload with the given headers and data. */
export function newPayload(
  channelHeader: common.ChannelHeader,
  signatureHeader: common.SignatureHeader,
  data: Uint8Array,
): common.Payload {
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  return payload;
}

/** An envelope of `data` of header `type` on `channelId`, signed by `signer`. */
export async function signedEnvelope(
  signer: AdminSigner,
  type: number,
  channelId: string,
  data: Uint8Array,
): Promise<common.Envelope> {
  const payload = newPayload(
    newChannelHeader(type, channelId),
    newSignatureHeader(signer),
    data,
  ).serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payload);
  envelope.setSignature(await signer.sign(payload));
  return envelope;
}

/** Fabric's transaction ID: hex SHA-256 of nonce ‖ creator. */
export function transactionId(signatureHeader: common.SignatureHeader): string {
  return createHash('sha256')
    .update(signatureHeader.getNonce_asU8())
    .update(signatureHeader.getCreator_asU8())
    .digest('hex');
}

/** The payload of a proposal invoking `chaincodeId` with `args`: an invocation spec of `type`. */
export function invocationPayload(
  chaincodeId: peer.ChaincodeID,
  args: readonly Uint8Array[],
  type: peer.ChaincodeSpec.TypeMap[keyof peer.ChaincodeSpec.TypeMap] = peer.ChaincodeSpec.Type.GOLANG,
): peer.ChaincodeProposalPayload {
  const input = new peer.ChaincodeInput();
  input.setArgsList([...args]);
  const spec = new peer.ChaincodeSpec();
  spec.setType(type);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  return payload;
}

/** A signed proposal invoking system chaincode `chaincode` with `args` (the peer CLI's framing). */
export async function signedProposal(
  signer: AdminSigner,
  channelId: string,
  chaincode: string,
  args: readonly Uint8Array[],
): Promise<peer.SignedProposal> {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(chaincode);
  const proposalPayload = invocationPayload(chaincodeId, args);

  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const signatureHeader = newSignatureHeader(signer);
  const channelHeader = newChannelHeader(common.HeaderType.ENDORSER_TRANSACTION, channelId);
  channelHeader.setTxId(transactionId(signatureHeader));
  channelHeader.setExtension$(extension.serializeBinary());
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(proposalPayload.serializeBinary());
  const bytes = proposal.serializeBinary();
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(bytes);
  signed.setSignature(await signer.sign(bytes));
  return signed;
}
