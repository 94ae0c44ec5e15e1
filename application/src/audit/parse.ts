/**
 * Decoding of Fabric blocks into what the auditor checks, with `@hyperledger/fabric-protos`.
 *
 * Only the structure is decoded here; nothing is judged. Every byte string that a hash or a
 * signature covers is kept exactly as it appears in the block (never re-serialised), because
 * protobuf re-encoding is not guaranteed to reproduce the signed bytes.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { msOf } from '../protobuf';

/** A block's header, data entries and the metadata the verifier reads. */
export interface ParsedBlock {
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
  /** `block.data.data`: one serialised `common.Envelope` per transaction. */
  readonly data: readonly Uint8Array[];
  /** TRANSACTIONS_FILTER metadata: one `peer.TxValidationCode` byte per transaction (set by the peer). */
  readonly validationCodes: Uint8Array;
  /** SIGNATURES metadata: the orderers' signatures over the header. */
  readonly ordererSignatures: OrdererSignatures;
  /** The number of the last config block at this block (undefined when the metadata has none). */
  readonly lastConfigIndex: number | undefined;
}

/** The SIGNATURES metadata (`common.Metadata`): `value` and one signature per signing orderer. */
export interface OrdererSignatures {
  readonly value: Uint8Array;
  readonly signatures: readonly {
    readonly signatureHeader: Uint8Array;
    readonly signature: Uint8Array;
    /** The signer's serialised identity (`SignatureHeader.creator`); empty in BFT identifier form. */
    readonly creator: Uint8Array;
  }[];
  /** Why the metadata did not decode (the metadata is not hashed, so this does not fail the block). */
  readonly problem?: string;
}

/** A Fabric identity (`msp.SerializedIdentity`). */
export interface Identity {
  readonly mspId: string;
  /** PEM certificate bytes. */
  readonly idBytes: Uint8Array;
  /** The serialised `SerializedIdentity`, as the signatures cover it. */
  readonly serialized: Uint8Array;
}

/** One endorsement of an endorser transaction. */
export interface ParsedEndorsement {
  readonly endorser: Identity | undefined;
  /** The serialised endorser identity, as signed (proposal_response_payload || endorser). */
  readonly endorserBytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** The first (in Fabric 2.x the only) chaincode action of an endorser transaction. */
export interface ParsedAction {
  /** Name from the `ChaincodeAction` the endorsers signed. */
  readonly chaincode: string;
  /** The action's serialised `SignatureHeader` (the proposal's creator and nonce). */
  readonly signatureHeader: Uint8Array;
  readonly chaincodeProposalPayload: Uint8Array;
  readonly proposalResponsePayload: Uint8Array;
  /** `ProposalResponsePayload.proposal_hash`. */
  readonly proposalHash: Uint8Array;
  readonly endorsements: readonly ParsedEndorsement[];
}

/** One transaction envelope of a block. */
export interface ParsedTransaction {
  /** `common.HeaderType` of the channel header. */
  readonly type: number;
  readonly txId: string;
  readonly channelId: string;
  /** The channel header's timestamp (the client's proposal time: ESTP's ledger time), ms since the epoch. */
  readonly timestampMs: number | undefined;
  readonly channelHeader: Uint8Array;
  readonly signatureHeader: Uint8Array;
  readonly creator: Identity | undefined;
  readonly nonce: Uint8Array;
  /** The envelope's signed payload and the creator's signature over it. */
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** Name from the channel header's `ChaincodeHeaderExtension` (endorser transactions). */
  readonly headerChaincode: string;
  /** Endorser transactions: their actions. */
  readonly actions: readonly ParsedAction[];
  /** The payload's data (for CONFIG transactions the `ConfigEnvelope`). */
  readonly data: Uint8Array;
}

/** Decodes a block's bytes; throws when they are not a block with a header. */
export function parseBlock(bytes: Uint8Array): ParsedBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) throw new Error('block has no header');
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  return {
    number: header.getNumber(),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
    data: block.getData()?.getDataList_asU8() ?? [],
    validationCodes: metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(),
    ordererSignatures: parseOrdererSignatures(metadata[common.BlockMetadataIndex.SIGNATURES]),
    lastConfigIndex: lastConfigIndexOf(metadata),
  };
}

/**
 * The last config index: in the SIGNATURES metadata's `OrdererBlockMetadata` (Fabric ≥ 1.4.2), or
 * in the deprecated LAST_CONFIG metadata (as `protoutil.GetLastConfigIndexFromBlock` reads it).
 */
function lastConfigIndexOf(metadata: readonly Uint8Array[]): number | undefined {
  try {
    const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
    if (signatures && signatures.length > 0) {
      const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
      if (value.length > 0) {
        return common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() ?? 0;
      }
    }
    const lastConfig = metadata[common.BlockMetadataIndex.LAST_CONFIG];
    if (!lastConfig || lastConfig.length === 0) return undefined;
    const value = common.Metadata.deserializeBinary(lastConfig).getValue_asU8();
    return common.LastConfig.deserializeBinary(value).getIndex();
  } catch {
    return undefined;
  }
}

/** The SIGNATURES metadata; when it does not decode, no signatures and the reason in `problem`. */
function parseOrdererSignatures(bytes: Uint8Array | undefined): OrdererSignatures {
  try {
    return decodeOrdererSignatures(bytes);
  } catch (error) {
    return {
      value: new Uint8Array(),
      signatures: [],
      problem: error instanceof Error ? error.message : String(error),
    };
  }
}

function decodeOrdererSignatures(bytes: Uint8Array | undefined): OrdererSignatures {
  if (!bytes || bytes.length === 0) return { value: new Uint8Array(), signatures: [] };
  const metadata = common.Metadata.deserializeBinary(bytes);
  return {
    value: metadata.getValue_asU8(),
    signatures: metadata.getSignaturesList().map((entry) => {
      const signatureHeader = entry.getSignatureHeader_asU8();
      const creator =
        signatureHeader.length > 0
          ? common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8()
          : new Uint8Array();
      return { signatureHeader, signature: entry.getSignature_asU8(), creator };
    }),
  };
}

/** Decodes a serialised identity; undefined when the bytes are empty. */
export function parseIdentity(serialized: Uint8Array): Identity | undefined {
  if (serialized.length === 0) return undefined;
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  return { mspId: identity.getMspid(), idBytes: identity.getIdBytes_asU8(), serialized };
}

/** Decodes one transaction envelope (`block.data.data[i]`); throws on malformed bytes. */
export function parseTransaction(envelopeBytes: Uint8Array): ParsedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) throw new Error('transaction payload has no header');
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
  const signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
  const type = channelHeader.getType();
  const data = payload.getData_asU8();

  let headerChaincode = '';
  let actions: ParsedAction[] = [];
  if (type === common.HeaderType.ENDORSER_TRANSACTION) {
    const extension = channelHeader.getExtension_asU8();
    if (extension.length > 0) {
      headerChaincode =
        peer.ChaincodeHeaderExtension.deserializeBinary(extension).getChaincodeId()?.getName() ?? '';
    }
    actions = peer.Transaction.deserializeBinary(data).getActionsList().map(parseAction);
  }

  const timestamp = channelHeader.getTimestamp();
  return {
    type,
    txId: channelHeader.getTxId(),
    channelId: channelHeader.getChannelId(),
    timestampMs: timestamp ? msOf(timestamp) : undefined,
    channelHeader: channelHeaderBytes,
    signatureHeader: signatureHeaderBytes,
    creator: parseIdentity(signatureHeader.getCreator_asU8()),
    nonce: signatureHeader.getNonce_asU8(),
    payload: payloadBytes,
    signature: envelope.getSignature_asU8(),
    headerChaincode,
    actions,
    data,
  };
}

function parseAction(action: peer.TransactionAction): ParsedAction {
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) throw new Error('chaincode action payload has no endorsed action');
  const proposalResponsePayload = endorsed.getProposalResponsePayload_asU8();
  const response = peer.ProposalResponsePayload.deserializeBinary(proposalResponsePayload);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
  return {
    chaincode: chaincodeAction.getChaincodeId()?.getName() ?? '',
    signatureHeader: action.getHeader_asU8(),
    chaincodeProposalPayload: actionPayload.getChaincodeProposalPayload_asU8(),
    proposalResponsePayload,
    proposalHash: response.getProposalHash_asU8(),
    endorsements: endorsed.getEndorsementsList().map((endorsement) => {
      const endorserBytes = endorsement.getEndorser_asU8();
      return {
        endorser: parseIdentity(endorserBytes),
        endorserBytes,
        signature: endorsement.getSignature_asU8(),
      };
    }),
  };
}

/** The MSP definitions (`FabricMSPConfig`) a channel configuration declares. */
export interface MspDefinition {
  readonly mspId: string;
  /** PEM root CA certificates. */
  readonly rootCerts: readonly Uint8Array[];
  /** PEM intermediate CA certificates. */
  readonly intermediateCerts: readonly Uint8Array[];
  /** Whether the org appears in the channel's Orderer group (its identities may sign blocks). */
  readonly orderer: boolean;
}

/** `/Channel/Application/Endorsement` when it is an ImplicitMeta policy, as Fabric's default is. */
export interface ChannelEndorsement {
  /** ANY, ALL or MAJORITY of the application orgs' `subPolicy` policies. */
  readonly rule: 'ANY' | 'ALL' | 'MAJORITY';
  /** The org-level policy each org's peers satisfy, e.g. `Endorsement`. */
  readonly subPolicy: string;
}

/** What the verifier needs from a channel configuration. */
export interface ChannelConfig {
  /** Every org of the Application and Orderer groups with a Fabric (X.509) MSP. */
  readonly msps: MspDefinition[];
  /** MSP IDs of the Application group's orgs, sorted: those that endorse and transact. */
  readonly applicationOrgs: string[];
  /** The channel's default endorsement policy; undefined when missing or not ImplicitMeta. */
  readonly endorsement: ChannelEndorsement | undefined;
  /** Why `endorsement` is undefined. */
  readonly endorsementProblem?: string;
}

const IMPLICIT_META_RULES = ['ANY', 'ALL', 'MAJORITY'] as const;

/**
 * The channel configuration of a CONFIG transaction's `ConfigEnvelope` (`payload.data`): MSPs,
 * application orgs and the Application group's `Endorsement` policy, which chaincode definitions
 * approved without their own policy (as ESTP's are) use.
 */
export function parseChannelConfig(configEnvelope: Uint8Array): ChannelConfig {
  const config = common.ConfigEnvelope.deserializeBinary(configEnvelope).getConfig();
  const channel = config?.getChannelGroup();
  if (!channel) throw new Error('config envelope has no channel group');
  const found = new Map<string, MspDefinition>();
  const applicationOrgs: string[] = [];
  for (const groupName of ['Application', 'Orderer']) {
    const group = channel.getGroupsMap().get(groupName);
    if (!group) continue;
    group.getGroupsMap().forEach((org) => {
      const value = org.getValuesMap().get('MSP');
      if (!value) return;
      const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
      if (mspConfig.getType() !== 0) return; // 0 = FABRIC (X.509); idemix is not supported here
      const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
      const previous = found.get(fabric.getName());
      if (groupName === 'Application') applicationOrgs.push(fabric.getName());
      found.set(fabric.getName(), {
        mspId: fabric.getName(),
        rootCerts: fabric.getRootCertsList_asU8(),
        intermediateCerts: fabric.getIntermediateCertsList_asU8(),
        orderer: groupName === 'Orderer' || (previous?.orderer ?? false),
      });
    });
  }
  const application = channel.getGroupsMap().get('Application');
  const { endorsement, problem } = application
    ? endorsementOf(application)
    : { endorsement: undefined, problem: 'the configuration has no Application group' };
  return {
    msps: [...found.values()],
    applicationOrgs: applicationOrgs.sort(),
    endorsement,
    ...(problem === undefined ? {} : { endorsementProblem: problem }),
  };
}

function endorsementOf(application: common.ConfigGroup): {
  endorsement: ChannelEndorsement | undefined;
  problem?: string;
} {
  const policy = application.getPoliciesMap().get('Endorsement')?.getPolicy();
  if (!policy) return { endorsement: undefined, problem: 'the Application group has no Endorsement policy' };
  if (policy.getType() !== common.Policy.PolicyType.IMPLICIT_META) {
    return {
      endorsement: undefined,
      problem: `the Application Endorsement policy is of type ${policy.getType()}, not ImplicitMeta`,
    };
  }
  const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
  const rule: ChannelEndorsement['rule'] | undefined = IMPLICIT_META_RULES[meta.getRule() as number];
  if (!rule) return { endorsement: undefined, problem: `unknown ImplicitMeta rule ${meta.getRule()}` };
  return { endorsement: { rule, subPolicy: meta.getSubPolicy() } };
}

/**
 * The MSPs of a CONFIG transaction's `ConfigEnvelope` (`payload.data`): every org of the
 * Application and Orderer groups with a Fabric (X.509) MSP.
 */
export function parseConfigMsps(configEnvelope: Uint8Array): MspDefinition[] {
  return parseChannelConfig(configEnvelope).msps;
}
