/**
 * Builds real-shaped Fabric blocks for the verifier's tests, with `@hyperledger/fabric-protos`
 * exactly as a Fabric 2.5 network lays them out: a genesis config block declaring the MSPs (root CA
 * certificates), endorser transactions whose creator signs the envelope and whose endorsing peers
 * sign proposal_response_payload ‖ endorser, blocks chained by header hash, with their data hash,
 * an orderer signature over the header and the peer's transactions filter.
 */
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { type KeyObject, createHash, randomBytes, sign } from 'node:crypto';
import {
  blockDataHash,
  blockHeaderBytes,
  blockHeaderHash,
  concatBytes,
  derInteger,
  derSequence,
  parseBlock,
} from '../../../../../application/src/audit';
import { type Credentials, issue } from './x509';
import { invocationPayload } from '../../../../../application/src/admin/envelope';

export const CHANNEL = 'estp';
export const CHAINCODE = 'estp';
export const ORG_MSPS = ['UtilityMSP', 'EnterpriseMSP', 'CommunityMSP'] as const;
export type OrgMsp = (typeof ORG_MSPS)[number];
export const ORDERER_MSP = 'OrdererMSP';

/** A signer: the MSP it claims and its key and certificate. */
export interface Signer {
  readonly mspId: string;
  readonly credentials: Credentials;
}

/** An org: its root CA and the identities it issued. */
export interface Org {
  readonly mspId: string;
  readonly ca: Credentials;
  readonly peer: Signer;
  readonly client: Signer;
}

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** ECDSA P-256 SHA-256 signature in DER, normalised to low-S as Fabric's signers do. */
export function signLowS(data: Uint8Array, key: KeyObject): Uint8Array {
  const der = sign('sha256', data, key);
  // SEQUENCE { INTEGER r, INTEGER s }; P-256 signatures are short enough for short-form lengths
  const rLength = der[3]!;
  const r = BigInt(`0x${der.subarray(4, 4 + rLength).toString('hex')}`);
  const sStart = 4 + rLength + 2;
  let s = BigInt(`0x${der.subarray(sStart, sStart + der[sStart - 1]!).toString('hex')}`);
  if (s > P256_ORDER / 2n) s = P256_ORDER - s;
  return derSequence(derInteger(r), derInteger(s));
}

/** The serialised `msp.SerializedIdentity` of a signer. */
export function serializeIdentity(signer: Signer): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(signer.mspId);
  identity.setIdBytes(signer.credentials.certPem);
  return identity.serializeBinary();
}

function newOrg(mspId: string, domain: string, peerOu: string): Org {
  const ca = issue({ c: 'US', o: domain, cn: `ca.${domain}` }, undefined, true);
  return {
    mspId,
    ca,
    peer: { mspId, credentials: issue({ c: 'US', ou: peerOu, cn: `${peerOu}0.${domain}` }, ca) },
    client: { mspId, credentials: issue({ c: 'US', ou: 'client', cn: `user1@${domain}` }, ca) },
  };
}

/** Options of an endorser transaction. */
export interface TxOptions {
  readonly chaincode?: string;
  readonly creator?: Signer;
  /** Default: the peers of Utility and Enterprise (2 of 3). */
  readonly endorsers?: readonly Signer[];
  /** Keys and values the chaincode wrote (the write set). */
  readonly writes?: Readonly<Record<string, string>>;
  readonly fn?: string;
  readonly args?: readonly string[];
  /** Overrides the transaction ID (default SHA-256(nonce ‖ creator) as Fabric requires). */
  readonly txId?: string;
  /** The chaincode named in the endorsed action, when it should differ from the header's. */
  readonly actionChaincode?: string;
}

/** The Application group's `Endorsement` policy of a config: an ImplicitMeta rule, or none. */
export type ConfigEndorsement = 'ANY' | 'ALL' | 'MAJORITY' | 'none';

/** The parts of an endorser transaction, before it is wrapped in an envelope. */
export interface EndorserTxParts {
  readonly channelHeader: Uint8Array;
  readonly signatureHeader: Uint8Array;
  readonly chaincodeProposalPayload: Uint8Array;
  readonly proposalResponsePayload: Uint8Array;
  readonly endorsements: peer.Endorsement[];
  readonly creator: Signer;
}

/** Options of a block. */
export interface BlockOptions {
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly envelopes: readonly Uint8Array[];
  /** One `peer.TxValidationCode` per envelope (default all VALID). */
  readonly codes?: readonly number[];
  /** Whether an orderer signs the header (default true). */
  readonly signed?: boolean;
  /** Overrides the data hash written in the header. */
  readonly dataHash?: Uint8Array;
  /** The orderer identity that signs (default the channel's orderer). */
  readonly ordererSigner?: Signer;
}

/** A test network's identities and a chain under construction. */
export class TestChain {
  readonly orgs: Readonly<Record<OrgMsp, Org>>;
  readonly orderer: Org;
  /** The blocks appended so far (block n at index n). */
  readonly blocks: Uint8Array[] = [];

  constructor() {
    this.orgs = {
      UtilityMSP: newOrg('UtilityMSP', 'utility.test', 'peer'),
      EnterpriseMSP: newOrg('EnterpriseMSP', 'enterprise.test', 'peer'),
      CommunityMSP: newOrg('CommunityMSP', 'community.test', 'peer'),
    };
    this.orderer = newOrg(ORDERER_MSP, 'orderer.test', 'orderer');
  }

  /** The majority-of-orgs policy of the network (`MAJORITY Endorsement`). */
  get policy() {
    return { majorityOf: [...ORG_MSPS] };
  }

  /**
   * A CONFIG envelope declaring the three application orgs (plus `extra`), the orderer org and,
   * as configtxgen writes it, the Application group's `Endorsement` policy `MAJORITY Endorsement`.
   */
  configEnvelope(extra: readonly Org[] = [], endorsement: ConfigEndorsement = 'MAJORITY'): Uint8Array {
    const channelGroup = new common.ConfigGroup();
    const application = new common.ConfigGroup();
    const orderer = new common.ConfigGroup();
    for (const org of [...Object.values(this.orgs), ...extra])
      application.getGroupsMap().set(org.mspId, mspGroup(org));
    if (endorsement !== 'none') {
      const meta = new common.ImplicitMetaPolicy();
      meta.setSubPolicy('Endorsement');
      meta.setRule(common.ImplicitMetaPolicy.Rule[endorsement]);
      const policy = new common.Policy();
      policy.setType(common.Policy.PolicyType.IMPLICIT_META);
      policy.setValue(meta.serializeBinary());
      const configPolicy = new common.ConfigPolicy();
      configPolicy.setPolicy(policy);
      application.getPoliciesMap().set('Endorsement', configPolicy);
    }
    orderer.getGroupsMap().set(ORDERER_MSP, mspGroup(this.orderer));
    channelGroup.getGroupsMap().set('Application', application);
    channelGroup.getGroupsMap().set('Orderer', orderer);
    const config = new common.Config();
    config.setSequence(this.blocks.length);
    config.setChannelGroup(channelGroup);
    const configEnvelope = new common.ConfigEnvelope();
    configEnvelope.setConfig(config);

    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.CONFIG);
    channelHeader.setChannelId(CHANNEL);
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(new common.SignatureHeader().serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(configEnvelope.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope.serializeBinary();
  }

  /** Builds an endorser transaction's parts: proposal, chaincode action and endorsements. */
  endorserTxParts(options: TxOptions = {}): EndorserTxParts {
    const chaincode = options.chaincode ?? CHAINCODE;
    const creator = options.creator ?? this.orgs.UtilityMSP.client;
    const endorsers = options.endorsers ?? [this.orgs.UtilityMSP.peer, this.orgs.EnterpriseMSP.peer];
    const creatorBytes = serializeIdentity(creator);
    const nonce = randomBytes(24);
    const txId = options.txId ?? createHash('sha256').update(nonce).update(creatorBytes).digest('hex');

    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(chaincode);
    const extension = new peer.ChaincodeHeaderExtension();
    extension.setChaincodeId(chaincodeId);
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setChannelId(CHANNEL);
    channelHeader.setTxId(txId);
    channelHeader.setExtension$(extension.serializeBinary());
    const channelHeaderBytes = channelHeader.serializeBinary();
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(creatorBytes);
    signatureHeader.setNonce(nonce);
    const signatureHeaderBytes = signatureHeader.serializeBinary();

    const args = [options.fn ?? 'Market:Submit', ...(options.args ?? ['{}'])];
    const chaincodeProposalPayload = invocationPayload(
      chaincodeId,
      args.map((arg) => new TextEncoder().encode(arg)),
      peer.ChaincodeSpec.Type.NODE,
    ).serializeBinary();

    const kvrwset = new ledger.rwset.kvrwset.KVRWSet();
    for (const [key, value] of Object.entries(options.writes ?? {})) {
      const write = new ledger.rwset.kvrwset.KVWrite();
      write.setKey(key);
      write.setValue(new TextEncoder().encode(value));
      kvrwset.addWrites(write);
    }
    const nsRwset = new ledger.rwset.NsReadWriteSet();
    nsRwset.setNamespace(chaincode);
    nsRwset.setRwset(kvrwset.serializeBinary());
    const txRwset = new ledger.rwset.TxReadWriteSet();
    txRwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    txRwset.setNsRwsetList([nsRwset]);
    const response = new peer.Response();
    response.setStatus(200);
    const action = new peer.ChaincodeAction();
    action.setResults(txRwset.serializeBinary());
    action.setResponse(response);
    const actionChaincodeId = new peer.ChaincodeID();
    actionChaincodeId.setName(options.actionChaincode ?? chaincode);
    actionChaincodeId.setVersion('1');
    action.setChaincodeId(actionChaincodeId);
    const responsePayload = new peer.ProposalResponsePayload();
    responsePayload.setProposalHash(
      createHash('sha256')
        .update(channelHeaderBytes)
        .update(signatureHeaderBytes)
        .update(chaincodeProposalPayload)
        .digest(),
    );
    responsePayload.setExtension$(action.serializeBinary());
    const proposalResponsePayload = responsePayload.serializeBinary();

    return {
      channelHeader: channelHeaderBytes,
      signatureHeader: signatureHeaderBytes,
      chaincodeProposalPayload,
      proposalResponsePayload,
      endorsements: endorsers.map((endorser) => endorse(endorser, proposalResponsePayload)),
      creator,
    };
  }

  /** An endorser transaction envelope signed by its creator. */
  endorserTx(options: TxOptions = {}): Uint8Array {
    return assembleEndorserTx(this.endorserTxParts(options));
  }

  /** A block with a correct data hash, signed by the orderer unless `signed` is false. */
  block(options: BlockOptions): Uint8Array {
    const header = new common.BlockHeader();
    header.setNumber(options.number);
    header.setPreviousHash(options.previousHash);
    header.setDataHash(options.dataHash ?? blockDataHash(options.envelopes));
    const data = new common.BlockData();
    data.setDataList([...options.envelopes]);

    const lastConfig = new common.LastConfig();
    lastConfig.setIndex(0);
    const ordererMetadata = new common.OrdererBlockMetadata();
    ordererMetadata.setLastConfig(lastConfig);
    const signatures = new common.Metadata();
    signatures.setValue(ordererMetadata.serializeBinary());
    if (options.signed ?? true) {
      const signer = options.ordererSigner ?? this.orderer.peer;
      const signatureHeader = new common.SignatureHeader();
      signatureHeader.setCreator(serializeIdentity(signer));
      signatureHeader.setNonce(randomBytes(24));
      const signatureHeaderBytes = signatureHeader.serializeBinary();
      const headerBytes = blockHeaderBytes({
        number: options.number,
        previousHash: header.getPreviousHash_asU8(),
        dataHash: header.getDataHash_asU8(),
      });
      const entry = new common.MetadataSignature();
      entry.setSignatureHeader(signatureHeaderBytes);
      entry.setSignature(
        signLowS(
          concatBytes([signatures.getValue_asU8(), signatureHeaderBytes, headerBytes]),
          signer.credentials.privateKey,
        ),
      );
      signatures.setSignaturesList([entry]);
    }
    const codes = options.codes ?? options.envelopes.map(() => peer.TxValidationCode.VALID);
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([
      signatures.serializeBinary(),
      new Uint8Array(),
      Uint8Array.from(codes),
      new Uint8Array(),
      new Uint8Array(),
    ]);

    const block = new common.Block();
    block.setHeader(header);
    block.setData(data);
    block.setMetadata(metadata);
    return block.serializeBinary();
  }

  /** Appends the genesis block (a config block, not signed, as configtxgen makes it). */
  genesis(endorsement: ConfigEndorsement = 'MAJORITY'): Uint8Array {
    if (this.blocks.length > 0) throw new Error('genesis must be the first block');
    const bytes = this.block({
      number: 0,
      previousHash: new Uint8Array(),
      envelopes: [this.configEnvelope([], endorsement)],
      signed: false,
    });
    this.blocks.push(bytes);
    return bytes;
  }

  /** Appends the next block, chained to the last one. */
  append(envelopes: readonly Uint8Array[], codes?: readonly number[]): Uint8Array {
    const previous = this.blocks[this.blocks.length - 1];
    if (!previous) throw new Error('append after genesis');
    const bytes = this.block({
      number: this.blocks.length,
      previousHash: blockHeaderHash(parseBlock(previous)),
      envelopes,
      ...(codes ? { codes } : {}),
    });
    this.blocks.push(bytes);
    return bytes;
  }

  /**
   * What a forger holding the orderer's key (but no peer or client key) can do after editing
   * blocks: recompute every data hash and previous hash from `from` on, and re-sign the headers.
   */
  rechain(blocks: readonly Uint8Array[], from = 1): Uint8Array[] {
    const out = blocks.slice(0, from);
    for (let i = from; i < blocks.length; i++) {
      const block = common.Block.deserializeBinary(blocks[i]!);
      const previous = out[i - 1]!;
      out.push(
        this.block({
          number: block.getHeader()!.getNumber(),
          previousHash: blockHeaderHash(parseBlock(previous)),
          envelopes: block.getData()!.getDataList_asU8(),
          codes: [...block.getMetadata()!.getMetadataList_asU8()[2]!],
        }),
      );
    }
    return out;
  }
}

/** An endorsement by `endorser` of a proposal response payload. */
export function endorse(endorser: Signer, proposalResponsePayload: Uint8Array): peer.Endorsement {
  const endorserBytes = serializeIdentity(endorser);
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(endorserBytes);
  endorsement.setSignature(
    signLowS(concatBytes([proposalResponsePayload, endorserBytes]), endorser.credentials.privateKey),
  );
  return endorsement;
}

/** Wraps endorser transaction parts in an envelope signed by the creator. */
export function assembleEndorserTx(parts: EndorserTxParts, signWith: Signer = parts.creator): Uint8Array {
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(parts.proposalResponsePayload);
  endorsed.setEndorsementsList(parts.endorsements);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(parts.chaincodeProposalPayload);
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setHeader(parts.signatureHeader);
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);

  const header = new common.Header();
  header.setChannelHeader(parts.channelHeader);
  header.setSignatureHeader(parts.signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(payloadBytes, signWith.credentials.privateKey));
  return envelope.serializeBinary();
}

/** The config group of an org: its FabricMSPConfig under the value `MSP`. */
function mspGroup(org: Org): common.ConfigGroup {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(org.mspId);
  fabric.setRootCertsList([org.ca.certPem]);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(mspConfig.serializeBinary());
  const group = new common.ConfigGroup();
  group.getValuesMap().set('MSP', value);
  return group;
}

/** Replaces the first occurrence of `find` in `bytes` by `replace` (same length); throws if absent. */
export function replaceBytes(bytes: Uint8Array, find: string, replace: string): Uint8Array {
  const needle = Buffer.from(find);
  const at = Buffer.from(bytes).indexOf(needle);
  if (at < 0) throw new Error(`${find} not found`);
  if (replace.length !== find.length) throw new Error('replacement must have the same length');
  const out = Uint8Array.from(bytes);
  out.set(Buffer.from(replace), at);
  return out;
}
