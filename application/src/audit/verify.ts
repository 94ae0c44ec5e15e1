/**
 * The auditor's chain verification: given the channel's blocks as the peer serves them (qscc
 * GetBlockByNumber), recompute what Fabric computed and report every break.
 *
 * For every block: the numbers follow each other; the header's previous_hash is the hash of the
 * preceding block's header; the data hash matches the data; from block 1 on, an orderer of the
 * channel signed the header (the genesis block is the trust anchor and carries no signature).
 * For every transaction of the audited chaincode that Fabric marked VALID: the creator signed the
 * envelope, the transaction ID is SHA-256(nonce ‖ creator), the proposal hash the endorsers signed
 * matches the proposal in the transaction, every endorsement signature verifies, the creator is a
 * member of an application org, the chaincode named in the header is the one that ran, and the
 * endorsements of peers of distinct orgs satisfy the endorsement policy — by default the
 * channel's `/Channel/Application/Endorsement` policy over the application orgs of the channel
 * configuration in force at that block (MAJORITY of 3 orgs, then of 4 once a config block adds
 * one). Transactions Fabric
 * marked invalid (e.g. MVCC_READ_CONFLICT) are normal and listed, not breaks. Config blocks and
 * other chaincodes' transactions (e.g. `_lifecycle`) are counted, not policy-checked; config
 * blocks update the MSP definitions certificates are checked against, and the policy.
 *
 * What this cannot see: the TRANSACTIONS_FILTER (validation codes) lives in block metadata, which
 * no hash covers and the peer writes itself, so a peer can misreport a validation code; and a
 * chain that is consistent but forked from the network's is only detected by comparing the
 * last header hash (`lastHeaderHash`) with another peer's or an earlier report's.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import {
  blockDataHash,
  blockHeaderBytes,
  blockHeaderHash,
  bytesEqual,
  concatBytes,
  sha256,
  toHex,
} from './block-hash';
import { IdentityVerifier } from './identity';
import {
  type ChannelConfig,
  type MspDefinition,
  type ParsedBlock,
  type ParsedTransaction,
  parseBlock,
  parseChannelConfig,
  parseIdentity,
  parseTransaction,
} from './parse';

/** Why a block or transaction breaks the chain's integrity. */
export type ChainBreakReason =
  /** The block's number is not the one after its predecessor's (missing, repeated or swapped blocks). */
  | 'NUMBER_SEQUENCE'
  /** The header's previous_hash is not the hash of the preceding block's header. */
  | 'PREVIOUS_HASH'
  /** The header's data_hash is not the hash of the block's data (the transactions were altered). */
  | 'DATA_HASH'
  /** The block or a VALID transaction does not decode, or the transactions filter does not cover the block. */
  | 'UNPARSEABLE'
  /** No valid signature of an orderer of the channel over the block header. */
  | 'ORDERER_SIGNATURE'
  /** A VALID transaction's envelope is not signed by its creator, a member of a channel MSP. */
  | 'CREATOR_SIGNATURE'
  /** A VALID transaction's creator is not of an application org of the channel (e.g. an orderer org). */
  | 'CREATOR_MSP'
  /** The chaincode named in the transaction's header is not the one whose action the peers endorsed. */
  | 'CHAINCODE_NAME'
  /** A VALID transaction's ID is not SHA-256(nonce ‖ creator). */
  | 'TX_ID'
  /** The proposal hash the endorsers signed is not the hash of the proposal in the transaction. */
  | 'PROPOSAL_HASH'
  /** An endorsement of a VALID transaction does not verify, or its endorser is not of its MSP. */
  | 'ENDORSEMENT_SIGNATURE'
  /** The valid peer endorsements of a VALID transaction do not satisfy the endorsement policy. */
  | 'ENDORSEMENT_POLICY'
  /** The peer's GetChainInfo head hash is not the recomputed hash of the last block it served. */
  | 'CHAIN_INFO';

/** A break in the chain: the block (and transaction) where it is, and why. */
export interface ChainBreak {
  /** The block number (the expected one when the block does not decode, or -1 if unknown). */
  readonly block: number;
  readonly reason: ChainBreakReason;
  readonly detail: string;
  /** For transaction-level breaks: the transaction's index in the block and its ID. */
  readonly txIndex?: number;
  readonly txId?: string;
}

/** A transaction of the audited chaincode that Fabric marked invalid when it committed the block. */
export interface InvalidTx {
  readonly block: number;
  readonly txIndex: number;
  readonly txId: string;
  /** The `peer.TxValidationCode` name, e.g. MVCC_READ_CONFLICT. */
  readonly validationCode: string;
  readonly chaincode: string;
  readonly creatorMsp: string;
  readonly endorserMsps: string[];
  /** What the validation code means. */
  readonly reason: string;
}

/** The outcome of `verifyBlocks`. */
export interface VerifyReport {
  /** No breaks (invalid transactions do not make a chain not ok). */
  readonly ok: boolean;
  /** Blocks read. */
  readonly blocks: number;
  /** Transactions in those blocks, of every kind. */
  readonly transactions: number;
  /** Of those, endorser transactions of the audited chaincode. */
  readonly chaincodeTransactions: number;
  readonly invalid: InvalidTx[];
  readonly breaks: ChainBreak[];
  /** The first and last block numbers read (null when none was read). */
  readonly firstBlock: number | null;
  readonly lastBlock: number | null;
  /** Hex hash of the last block's header: compare with another peer, or pass on to continue later. */
  readonly lastHeaderHash: string | null;
  /** The endorsement policies applied, in order of first use (e.g. `MAJORITY of [A, B, C]`). */
  readonly endorsementPolicies: string[];
  /** Which of the optional checks ran over the whole range. */
  readonly checks: {
    /** Creator, endorsement and orderer signatures were verified. */
    readonly signatures: boolean;
    /** Signers' certificates were checked against the channel configuration's MSP root CAs. */
    readonly certificateChains: boolean;
  };
}

/**
 * Whether the orgs (MSP IDs, each once) whose peers endorsed a transaction satisfy the policy: a
 * predicate, `{ majorityOf }` for Fabric's `MAJORITY Endorsement` over those orgs, or an
 * ImplicitMeta `{ rule, of }` (ANY, ALL or MAJORITY of the orgs).
 */
export type EndorsementPolicy =
  | ((endorserMsps: string[]) => boolean)
  | { readonly majorityOf: readonly string[] }
  | { readonly rule: 'ANY' | 'ALL' | 'MAJORITY'; readonly of: readonly string[] };

/** Options of `verifyBlocks`. */
export interface VerifyOptions {
  /** The audited chaincode (its transactions are policy-checked), e.g. `estp`. */
  readonly chaincodeName: string;
  /**
   * The chaincode's endorsement policy. Default: the channel configuration's Endorsement policy
   * over its application orgs, as in force at each block (config blocks in the range update it).
   */
  readonly endorsementPolicy?: EndorsementPolicy;
  /** The number the first block must have (default: whatever it has). */
  readonly expectedFirst?: number;
  /** The header hash of the block before the first (default: not checked for the first block). */
  readonly previousHeaderHash?: Uint8Array;
  /** Called after each block with the number of blocks read so far and the block's number. */
  readonly onProgress?: (blocksRead: number, blockNumber: number) => void;
  /** Verify signatures and certificates (default true); false checks structure and hashes only. */
  readonly signatures?: boolean;
  /**
   * The channel's MSP definitions in force at the first block (`mspsFromConfigBlock` of the last
   * config block before it). Config blocks in the range update them; without any, certificates
   * are not checked against MSP root CAs (`checks.certificateChains` is false).
   */
  readonly msps?: Iterable<MspDefinition>;
  /**
   * The channel configuration in force at the first block (`channelConfigFromBlock` of the last
   * config block before it): its MSPs (in addition to `msps`) and the default endorsement policy.
   * Not needed when the range starts at the genesis block.
   */
  readonly channelConfig?: ChannelConfig;
  /** The NodeOU an endorser's certificate must carry to count for the policy (default `peer`; null: any). */
  readonly endorserRole?: string | null;
}

const VALID = peer.TxValidationCode.VALID;

const CODE_NAMES = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]),
);

const CODE_REASONS: Readonly<Record<string, string>> = {
  MVCC_READ_CONFLICT: 'a key it read was changed by an earlier transaction before it committed',
  PHANTOM_READ_CONFLICT: 'a range it read changed before it committed',
  ENDORSEMENT_POLICY_FAILURE: 'its endorsements did not satisfy the endorsement policy',
  DUPLICATE_TXID: 'its transaction ID was already used',
  BAD_CREATOR_SIGNATURE: "its creator's signature did not verify",
  BAD_PROPOSAL_TXID: 'its transaction ID does not match its nonce and creator',
  NOT_VALIDATED: 'the peer has not validated it',
};

/** The name of a `peer.TxValidationCode` (`UNKNOWN(n)` for codes the protos do not define). */
export function validationCodeName(code: number | undefined): string {
  if (code === undefined) return 'MISSING';
  return CODE_NAMES.get(code) ?? `UNKNOWN(${code})`;
}

/** The channel configuration of a config block (e.g. block 0, or the last config block before a range). */
export function channelConfigFromBlock(bytes: Uint8Array): ChannelConfig {
  const block = parseBlock(bytes);
  const envelope = block.data[0];
  if (!envelope) throw new Error(`block ${block.number} has no transactions`);
  const tx = parseTransaction(envelope);
  if (tx.type !== common.HeaderType.CONFIG) throw new Error(`block ${block.number} is not a config block`);
  return parseChannelConfig(tx.data);
}

/** The MSP definitions of a config block (e.g. block 0, or the last config block before a range). */
export function mspsFromConfigBlock(bytes: Uint8Array): MspDefinition[] {
  return channelConfigFromBlock(bytes).msps;
}

/** The endorsement policy a channel configuration sets for chaincodes without their own. */
export function channelEndorsementPolicy(config: ChannelConfig): EndorsementPolicy | undefined {
  return config.endorsement && { rule: config.endorsement.rule, of: [...config.applicationOrgs] };
}

/** How many of `orgs` distinct organisations a rule needs. */
function needed(rule: 'ANY' | 'ALL' | 'MAJORITY', orgs: number): number {
  if (rule === 'ANY') return Math.min(1, orgs);
  if (rule === 'ALL') return orgs;
  return Math.floor(orgs / 2) + 1;
}

function ruleOf(policy: Exclude<EndorsementPolicy, (msps: string[]) => boolean>): {
  rule: 'ANY' | 'ALL' | 'MAJORITY';
  of: readonly string[];
} {
  return 'majorityOf' in policy ? { rule: 'MAJORITY', of: policy.majorityOf } : policy;
}

/** Whether the distinct endorsing orgs satisfy `policy`. */
export function satisfiesPolicy(policy: EndorsementPolicy, endorserMsps: string[]): boolean {
  if (typeof policy === 'function') return policy(endorserMsps);
  const { rule, of } = ruleOf(policy);
  const members = new Set(of);
  const endorsing = new Set(endorserMsps.filter((mspId) => members.has(mspId)));
  return members.size > 0 && endorsing.size >= needed(rule, members.size);
}

/** `MAJORITY (2) of [UtilityMSP, EnterpriseMSP, CommunityMSP]`, or `the given predicate`. */
export function describePolicy(policy: EndorsementPolicy): string {
  if (typeof policy === 'function') return 'the given predicate';
  const { rule, of } = ruleOf(policy);
  return `${rule} (${needed(rule, of.length)}) of [${of.join(', ')}]`;
}

/**
 * Verifies a run of consecutive blocks (bytes as qscc GetBlockByNumber returns them) and reports
 * every break and every invalid transaction of the audited chaincode. Never throws on bad blocks:
 * they are reported as UNPARSEABLE.
 */
export async function verifyBlocks(
  blocks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const verifier = new ChainVerifier(options);
  for await (const bytes of blocks) verifier.add(bytes);
  return verifier.report();
}

/**
 * The incremental form of `verifyBlocks`: `add` each block in order, then `report`. Useful when
 * blocks arrive one by one (progress output, stopping early).
 */
export class ChainVerifier {
  private readonly identities: IdentityVerifier;
  private readonly signatures: boolean;
  private readonly endorserRole: string | null;
  private expected: number | undefined;
  private previousHash: Uint8Array | undefined;
  private blocks = 0;
  private transactions = 0;
  private chaincodeTransactions = 0;
  private firstBlock: number | null = null;
  private lastBlock: number | null = null;
  private lastHeaderHash: Uint8Array | undefined;
  private unanchored = false;
  private readonly invalid: InvalidTx[] = [];
  private readonly breaks: ChainBreak[] = [];
  private channel: ChannelConfig | undefined;
  private readonly policiesUsed = new Set<string>();

  constructor(private readonly options: VerifyOptions) {
    this.identities = new IdentityVerifier([...(options.msps ?? []), ...(options.channelConfig?.msps ?? [])]);
    this.channel = options.channelConfig;
    this.signatures = options.signatures ?? true;
    this.endorserRole = options.endorserRole === undefined ? 'peer' : options.endorserRole;
    this.expected = options.expectedFirst;
    this.previousHash = options.previousHeaderHash;
  }

  /** Verifies the next block. */
  add(bytes: Uint8Array): void {
    this.blocks++;
    let block: ParsedBlock;
    try {
      block = parseBlock(bytes);
    } catch (error) {
      const number = this.expected ?? -1;
      this.breaks.push({
        block: number,
        reason: 'UNPARSEABLE',
        detail: `block does not decode: ${messageOf(error)}`,
      });
      if (this.expected !== undefined) this.expected++;
      this.previousHash = undefined; // the next block's link cannot be checked
      this.lastHeaderHash = undefined;
      this.options.onProgress?.(this.blocks, number);
      return;
    }
    const number = block.number;

    if (this.expected !== undefined && number !== this.expected) {
      this.breaks.push({
        block: number,
        reason: 'NUMBER_SEQUENCE',
        detail: `expected block ${this.expected}, got block ${number}`,
      });
    }
    if (this.previousHash !== undefined && !bytesEqual(block.previousHash, this.previousHash)) {
      this.breaks.push({
        block: number,
        reason: 'PREVIOUS_HASH',
        detail:
          `previous_hash ${toHex(block.previousHash)} is not the hash of the preceding block's header ` +
          `(${toHex(this.previousHash)}${this.lastBlock === null ? '' : `, block ${this.lastBlock}`})`,
      });
    }
    const dataHash = blockDataHash(block.data);
    if (!bytesEqual(dataHash, block.dataHash)) {
      this.breaks.push({
        block: number,
        reason: 'DATA_HASH',
        detail: `data_hash ${toHex(block.dataHash)} in the header, ${toHex(dataHash)} computed from the ${block.data.length} transaction(s)`,
      });
    }
    if (this.signatures) this.checkOrdererSignatures(block);
    if (block.validationCodes.length !== block.data.length) {
      this.breaks.push({
        block: number,
        reason: 'UNPARSEABLE',
        detail: `the transactions filter has ${block.validationCodes.length} validation codes for ${block.data.length} transactions`,
      });
    }

    const configs: ChannelConfig[] = [];
    block.data.forEach((envelope, txIndex) => {
      const config = this.checkTransaction(block, envelope, txIndex);
      if (config) configs.push(config);
    });
    // A config block's orderer signature was made under the previous configuration: apply after.
    for (const config of configs) {
      this.identities.addMsps(config.msps);
      this.channel = config;
    }

    const headerHash = blockHeaderHash(block);
    this.firstBlock ??= number;
    this.lastBlock = number;
    this.lastHeaderHash = headerHash;
    this.expected = number + 1;
    this.previousHash = headerHash;
    this.options.onProgress?.(this.blocks, number);
  }

  /** The report over every block added so far. */
  report(): VerifyReport {
    return {
      ok: this.breaks.length === 0,
      blocks: this.blocks,
      transactions: this.transactions,
      chaincodeTransactions: this.chaincodeTransactions,
      invalid: [...this.invalid],
      breaks: [...this.breaks],
      firstBlock: this.firstBlock,
      lastBlock: this.lastBlock,
      lastHeaderHash: this.lastHeaderHash ? toHex(this.lastHeaderHash) : null,
      endorsementPolicies: [...this.policiesUsed],
      checks: { signatures: this.signatures, certificateChains: this.signatures && !this.unanchored },
    };
  }

  private noteAnchoring(): void {
    if (!this.identities.anchored) this.unanchored = true;
  }

  /** Orderer signatures over value ‖ signature_header ‖ BlockHeaderBytes(header). */
  private checkOrdererSignatures(block: ParsedBlock): void {
    const { value, signatures, problem: undecodable } = block.ordererSignatures;
    if (block.number === 0 && signatures.length === 0 && undecodable === undefined) return; // genesis is not signed
    this.noteAnchoring();
    const headerBytes = blockHeaderBytes(block);
    const orderers = new Set(this.identities.ordererMsps());
    const problems: string[] = [];
    for (const entry of signatures) {
      const identity = safe(() => parseIdentity(entry.creator));
      if (!identity) {
        problems.push('a signature without a signer identity');
        continue;
      }
      if (orderers.size > 0 && !orderers.has(identity.mspId)) {
        problems.push(`${identity.mspId} is not an orderer org of the channel`);
        continue;
      }
      const problem = this.identities.checkSignature(
        identity,
        concatBytes([value, entry.signatureHeader, headerBytes]),
        entry.signature,
      );
      if (!problem) return;
      problems.push(`${identity.mspId}: ${problem}`);
    }
    this.breaks.push({
      block: block.number,
      reason: 'ORDERER_SIGNATURE',
      detail:
        undecodable !== undefined
          ? `the signatures metadata does not decode: ${undecodable}`
          : signatures.length === 0
            ? 'the block carries no orderer signature'
            : `no valid orderer signature over the header (${problems.join('; ')})`,
    });
  }

  /** Checks one transaction; returns the channel configuration of a valid config transaction. */
  private checkTransaction(
    block: ParsedBlock,
    envelope: Uint8Array,
    txIndex: number,
  ): ChannelConfig | undefined {
    this.transactions++;
    const code = block.validationCodes[txIndex];
    const codeName = validationCodeName(code);
    let tx: ParsedTransaction;
    try {
      tx = parseTransaction(envelope);
    } catch (error) {
      if (code === VALID) {
        this.breaks.push({
          block: block.number,
          reason: 'UNPARSEABLE',
          txIndex,
          detail: `transaction ${txIndex} is marked VALID but does not decode: ${messageOf(error)}`,
        });
      } else {
        this.invalid.push({
          block: block.number,
          txIndex,
          txId: '',
          validationCode: codeName,
          chaincode: '',
          creatorMsp: '',
          endorserMsps: [],
          reason: `it does not decode (${messageOf(error)})`,
        });
      }
      return undefined;
    }

    if (tx.type === common.HeaderType.CONFIG) {
      if (code !== VALID) return undefined;
      try {
        return parseChannelConfig(tx.data);
      } catch (error) {
        this.breaks.push({
          block: block.number,
          reason: 'UNPARSEABLE',
          txIndex,
          txId: tx.txId,
          detail: `config transaction does not decode: ${messageOf(error)}`,
        });
        return undefined;
      }
    }

    const audited = this.options.chaincodeName;
    const named = [tx.headerChaincode, ...tx.actions.map((action) => action.chaincode)];
    if (tx.type !== common.HeaderType.ENDORSER_TRANSACTION || !named.includes(audited)) return undefined;
    const chaincode = audited;
    this.chaincodeTransactions++;
    const endorserMsps = distinct(
      tx.actions.flatMap((a) => a.endorsements.map((e) => e.endorser?.mspId ?? '')).filter((m) => m !== ''),
    );
    const creatorMsp = tx.creator?.mspId ?? '';

    if (code !== VALID) {
      this.invalid.push({
        block: block.number,
        txIndex,
        txId: tx.txId,
        validationCode: codeName,
        chaincode,
        creatorMsp,
        endorserMsps,
        reason: CODE_REASONS[codeName] ?? `Fabric rejected it at validation (${codeName})`,
      });
      return undefined;
    }
    this.checkValidTransaction(block.number, txIndex, tx);
    return undefined;
  }

  /** The checks of a VALID transaction of the audited chaincode. */
  private checkValidTransaction(blockNumber: number, txIndex: number, tx: ParsedTransaction): void {
    const at = { block: blockNumber, txIndex, txId: tx.txId };
    const breakWith = (reason: ChainBreakReason, detail: string) =>
      this.breaks.push({ ...at, reason, detail });

    if (tx.actions.length === 0) {
      breakWith('UNPARSEABLE', 'endorser transaction without actions');
      return;
    }
    const counted = new Set<string>();
    const discounted: string[] = [];
    const named = [tx.headerChaincode, ...tx.actions.map((action) => action.chaincode)];
    if (named.some((name) => name !== this.options.chaincodeName)) {
      breakWith(
        'CHAINCODE_NAME',
        `the header names chaincode "${tx.headerChaincode}" and the endorsed action(s) ` +
          `[${tx.actions.map((action) => action.chaincode).join(', ')}]`,
      );
    }

    if (this.signatures) {
      this.noteAnchoring();
      const creatorProblem = tx.creator
        ? this.identities.checkSignature(tx.creator, tx.payload, tx.signature)
        : 'the transaction has no creator';
      if (creatorProblem)
        breakWith('CREATOR_SIGNATURE', `creator ${tx.creator?.mspId ?? '?'}: ${creatorProblem}`);
    }
    const creatorMsp = tx.creator?.mspId;
    if (this.channel && creatorMsp !== undefined && !this.channel.applicationOrgs.includes(creatorMsp)) {
      breakWith(
        'CREATOR_MSP',
        `creator ${creatorMsp} is not an application org of the channel [${this.channel.applicationOrgs.join(', ')}]`,
      );
    }
    const creatorBytes = tx.creator?.serialized ?? new Uint8Array();
    const expectedTxId = toHex(sha256(concatBytes([tx.nonce, creatorBytes])));
    if (expectedTxId !== tx.txId) {
      breakWith('TX_ID', `transaction ID ${tx.txId} is not SHA-256(nonce ‖ creator) = ${expectedTxId}`);
    }

    for (const action of tx.actions) {
      const proposalHash = sha256(
        concatBytes([tx.channelHeader, action.signatureHeader, action.chaincodeProposalPayload]),
      );
      if (!bytesEqual(proposalHash, action.proposalHash)) {
        breakWith(
          'PROPOSAL_HASH',
          `the endorsed proposal hash ${toHex(action.proposalHash)} is not the hash of this transaction's proposal (${toHex(proposalHash)})`,
        );
        continue; // these endorsements are for another proposal: they count for nothing here
      }
      for (const endorsement of action.endorsements) {
        const endorser = endorsement.endorser;
        if (!endorser) {
          breakWith('ENDORSEMENT_SIGNATURE', 'an endorsement without an endorser identity');
          continue;
        }
        if (this.signatures) {
          const problem = this.identities.checkSignature(
            endorser,
            concatBytes([action.proposalResponsePayload, endorsement.endorserBytes]),
            endorsement.signature,
          );
          if (problem) {
            breakWith('ENDORSEMENT_SIGNATURE', `endorser ${endorser.mspId}: ${problem}`);
            continue;
          }
          if (
            this.endorserRole !== null &&
            !this.identities.organizationalUnits(endorser).includes(this.endorserRole)
          ) {
            discounted.push(`${endorser.mspId} (not a ${this.endorserRole})`);
            continue;
          }
        }
        counted.add(endorser.mspId);
      }
    }

    const endorsers = [...counted];
    const policy = this.options.endorsementPolicy ?? (this.channel && channelEndorsementPolicy(this.channel));
    if (!policy) {
      breakWith(
        'ENDORSEMENT_POLICY',
        this.channel
          ? `the channel's endorsement policy cannot be checked: ${this.channel.endorsementProblem ?? 'unknown'}`
          : 'no channel configuration is known to take the endorsement policy from',
      );
      return;
    }
    this.policiesUsed.add(describePolicy(policy));
    if (!satisfiesPolicy(policy, endorsers)) {
      breakWith(
        'ENDORSEMENT_POLICY',
        `endorsed by [${endorsers.join(', ')}]${discounted.length > 0 ? ` (not counted: ${discounted.join(', ')})` : ''}; ` +
          `the policy needs ${describePolicy(policy)}`,
      );
    }
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
