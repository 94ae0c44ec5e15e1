/**
 * The verifier against blocks a real Fabric 2.5 network produced (test/fixtures/blocks, dumped
 * through qscc by dump-blocks.ts): proves the recomputed header hashes, data hashes, proposal
 * hashes, signature checks and the endorsement policy read from the genesis configuration agree
 * with Fabric's own, then tampers with the real bytes. (The integration test audit-chain.test.ts
 * does the same with blocks fetched live, after a trading sequence.)
 *
 * The fixture chain, as `npm run network:up` makes it: block 0 is the genesis config block;
 * blocks 1–3 are `_lifecycle` ApproveChaincodeDefinitionForMyOrg transactions, each endorsed by its
 * own org's peer; block 4 is the CommitChaincodeDefinition endorsed by the peers of all three
 * orgs; block 5 is the ESTP Consortium:Bootstrap, which writes the founding Organisation records.
 */
import { ledger, peer } from '@hyperledger/fabric-protos';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  type VerifyOptions,
  blockHeaderHash,
  channelConfigFromBlock,
  parseBlock,
  parseTransaction,
  toHex,
  verifyBlocks,
} from '../../../../application/src/audit';
import { replaceBytes } from './support/chain';

const DIR = path.resolve(__dirname, '../../../fixtures/blocks');

interface ChainInfoFixture {
  readonly channel: string;
  readonly chaincode: string;
  readonly blocks: number;
  /** Fabric's hash of the last dumped block's header (the next block's previous_hash). */
  readonly lastHeaderHash: string;
  readonly applicationOrgs: string[];
  readonly estpTransaction: {
    block: number;
    txIndex: number;
    txId: string;
    function: string;
    keys: string[];
  };
}

const present = existsSync(path.join(DIR, 'chain-info.json'));
const info = present
  ? (JSON.parse(readFileSync(path.join(DIR, 'chain-info.json'), 'utf8')) as ChainInfoFixture)
  : undefined;
const blocks = present
  ? readdirSync(DIR)
      .filter((file) => file.endsWith('.block'))
      .map((file) => Number(path.basename(file, '.block')))
      .sort((a, b) => a - b)
      .map((n) => new Uint8Array(readFileSync(path.join(DIR, `${n}.block`))))
  : [];

/** Policy for `_lifecycle`: approvals are endorsed by the approving org alone, so any one org. */
const anyOrg = (msps: string[]) => msps.length > 0;

/** The serialised KVWrite of the first key the fixture's ESTP transaction wrote. */
function estpWrite(): Uint8Array {
  const { block, txIndex, keys } = info!.estpTransaction;
  const tx = parseTransaction(parseBlock(blocks[block]!).data[txIndex]!);
  const response = peer.ProposalResponsePayload.deserializeBinary(tx.actions[0]!.proposalResponsePayload);
  const results = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8()).getResults_asU8();
  const write = ledger.rwset.TxReadWriteSet.deserializeBinary(results)
    .getNsRwsetList()
    .filter((ns) => ns.getNamespace() === info!.chaincode)
    .flatMap((ns) => ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList())
    .find((candidate) => candidate.getKey() === keys[0]);
  if (!write) throw new Error(`fixture transaction wrote no ${keys[0]}`);
  return write.serializeBinary();
}

(present ? describe : describe.skip)('real blocks from the Fabric network', () => {
  const estp = (): VerifyOptions => ({ chaincodeName: info!.chaincode, expectedFirst: 0 });

  test('the fixture is consecutive blocks from the genesis block, with an ESTP write in it', () => {
    expect(blocks).toHaveLength(info!.blocks);
    expect(blocks.map((bytes) => parseBlock(bytes).number)).toEqual([...blocks.keys()]);
    expect(info!.estpTransaction.block).toBeLessThan(blocks.length);
  });

  test('the recomputed header hash of the last block is the one Fabric stored for it', () => {
    const last = parseBlock(blocks[blocks.length - 1]!);
    expect(toHex(blockHeaderHash(last))).toBe(info!.lastHeaderHash);
    for (let n = 1; n < blocks.length; n++) {
      expect(toHex(parseBlock(blocks[n]!).previousHash)).toBe(
        toHex(blockHeaderHash(parseBlock(blocks[n - 1]!))),
      );
    }
  });

  test('the genesis configuration names the application orgs and MAJORITY Endorsement', () => {
    const config = channelConfigFromBlock(blocks[0]!);
    expect(config.applicationOrgs).toEqual(info!.applicationOrgs);
    expect(config.endorsement).toEqual({ rule: 'MAJORITY', subPolicy: 'Endorsement' });
    expect(config.msps.map((m) => m.mspId).sort()).toEqual([...info!.applicationOrgs, 'OrdererMSP'].sort());
  });

  test('the whole chain verifies: links, data hashes, orderer signatures, certificates, the channel’s policy', async () => {
    const report = await verifyBlocks(blocks, estp());

    expect(report.breaks).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      blocks: info!.blocks,
      chaincodeTransactions: 1,
      lastHeaderHash: info!.lastHeaderHash,
      endorsementPolicies: [`MAJORITY (2) of [${info!.applicationOrgs.join(', ')}]`],
      checks: { signatures: true, certificateChains: true },
    });
  });

  test('real lifecycle transactions pass every endorser-transaction check', async () => {
    const report = await verifyBlocks(blocks, {
      ...estp(),
      chaincodeName: '_lifecycle',
      endorsementPolicy: anyOrg,
    });

    expect(report.breaks).toEqual([]);
    expect(report.chaincodeTransactions).toBe(4);
    // the approvals (blocks 1–3) were each endorsed by one org: not a majority
    const majority = await verifyBlocks(blocks, { ...estp(), chaincodeName: '_lifecycle' });
    expect(majority.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual([
      '1 ENDORSEMENT_POLICY',
      '2 ENDORSEMENT_POLICY',
      '3 ENDORSEMENT_POLICY',
    ]);
  });

  test('one changed byte in the write set of the real ESTP transaction breaks its block', async () => {
    // Given the Bootstrap's first Organisation write, located in the block's bytes (once only)
    const { block, txId } = info!.estpTransaction;
    const write = Buffer.from(estpWrite());
    const bytes = Buffer.from(blocks[block]!);
    const at = bytes.indexOf(write);
    expect(at).toBeGreaterThan(0);
    expect(bytes.lastIndexOf(write)).toBe(at);
    const tampered = Uint8Array.from(bytes);
    tampered[at + write.length - 3]! ^= 0x01; // inside the record's JSON value
    const chain = [...blocks];
    chain[block] = tampered;

    // When verified
    const report = await verifyBlocks(chain, estp());

    // Then the break is reported at that block: its data hash first, then the signatures over it
    expect(report.ok).toBe(false);
    expect(report.breaks[0]).toMatchObject({ block, reason: 'DATA_HASH' });
    expect(report.breaks.every((b) => b.block === block)).toBe(true);
    expect(report.breaks.map((b) => b.reason)).toEqual(
      expect.arrayContaining(['CREATOR_SIGNATURE', 'ENDORSEMENT_SIGNATURE', 'ENDORSEMENT_POLICY']),
    );
    expect(report.breaks.find((b) => b.reason === 'CREATOR_SIGNATURE')?.txId).toBe(txId);
  });

  test('a changed byte of a real lifecycle approval breaks that block’s data hash and signatures', async () => {
    const tampered: Uint8Array[] = [...blocks];
    // the approval's input names the package (estp_<hash>): change one byte of it in block 2
    tampered[2] = replaceBytes(blocks[2]!, 'estp_', 'estq_');

    const report = await verifyBlocks(tampered, {
      ...estp(),
      chaincodeName: '_lifecycle',
      endorsementPolicy: anyOrg,
    });

    expect(report.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual([
      '2 DATA_HASH',
      '2 CREATOR_SIGNATURE', // the client signed the original envelope
      '2 PROPOSAL_HASH', // the peer endorsed the hash of the original proposal
      '2 ENDORSEMENT_POLICY',
    ]);
  });

  test('swapped real blocks break the sequence and the links', async () => {
    const swapped = [...blocks];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];

    const report = await verifyBlocks(swapped, estp());

    expect(report.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual([
      '2 NUMBER_SEQUENCE',
      '2 PREVIOUS_HASH',
      '1 NUMBER_SEQUENCE',
      '1 PREVIOUS_HASH',
      '3 NUMBER_SEQUENCE',
      '3 PREVIOUS_HASH',
    ]);
  });

  test('a changed orderer signature byte is caught although no hash covers the metadata', async () => {
    const tampered: Uint8Array[] = [...blocks];
    const bytes = Uint8Array.from(blocks[3]!);
    const metadata = parseBlock(bytes).ordererSignatures.signatures[0]!.signature;
    const at = Buffer.from(bytes).indexOf(Buffer.from(metadata));
    bytes[at + metadata.length - 1]! ^= 0x01;
    tampered[3] = bytes;

    const report = await verifyBlocks(tampered, estp());

    expect(report.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual(['3 ORDERER_SIGNATURE']);
  });
});
