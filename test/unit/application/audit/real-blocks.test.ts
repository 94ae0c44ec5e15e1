/**
 * The verifier against blocks a real Fabric 2.5 network produced (test/fixtures/blocks, dumped
 * through qscc by dump-blocks.ts): proves the recomputed header hashes, data hashes, proposal
 * hashes and signature checks agree with Fabric's own, then tampers with the real bytes.
 *
 * The fixture chain: block 0 is the genesis config block; blocks 1–3 are `_lifecycle`
 * ApproveChaincodeDefinitionForMyOrg transactions, each endorsed by its own org's peer; block 4
 * is the CommitChaincodeDefinition endorsed by the peers of all three orgs.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  type VerifyOptions,
  blockHeaderHash,
  mspsFromConfigBlock,
  parseBlock,
  parseTransaction,
  verifyBlocks,
} from '../../../../application/src/audit';
import { replaceBytes } from './support/chain';

const DIR = path.resolve(__dirname, '../../../fixtures/blocks');

interface ChainInfoFixture {
  readonly channel: string;
  readonly chaincode: string;
  readonly height: number;
  readonly currentBlockHash: string;
  readonly previousBlockHash: string;
  readonly endorsementPolicy: { readonly majorityOf: string[] };
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

(present ? describe : describe.skip)('real blocks from the Fabric network', () => {
  const estp = (): VerifyOptions => ({
    chaincodeName: info!.chaincode,
    endorsementPolicy: info!.endorsementPolicy,
    expectedFirst: 0,
  });

  test('the fixture is the whole chain as GetChainInfo reported it', () => {
    expect(blocks).toHaveLength(info!.height);
    expect(blocks.map((bytes) => parseBlock(bytes).number)).toEqual([...blocks.keys()]);
  });

  test('the recomputed header hash of the last block is the peer’s current block hash', () => {
    const last = blocks.length - 1;
    expect(Buffer.from(blockHeaderHash(parseBlock(blocks[last]!))).toString('hex')).toBe(
      info!.currentBlockHash,
    );
    expect(Buffer.from(blockHeaderHash(parseBlock(blocks[last - 1]!))).toString('hex')).toBe(
      info!.previousBlockHash,
    );
  });

  test('the whole chain verifies: links, data hashes, orderer signatures, certificates from the genesis config', async () => {
    const report = await verifyBlocks(blocks, estp());

    expect(report.breaks).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      blocks: info!.height,
      firstBlock: 0,
      lastBlock: info!.height - 1,
      lastHeaderHash: info!.currentBlockHash,
      checks: { signatures: true, certificateChains: true },
    });
    expect(
      mspsFromConfigBlock(blocks[0]!)
        .map((m) => m.mspId)
        .sort(),
    ).toEqual([...info!.endorsementPolicy.majorityOf, 'OrdererMSP'].sort());
  });

  test('real endorser transactions pass every check: creator signature, tx ID, proposal hash, endorsements', async () => {
    // audit the lifecycle chaincode's transactions to run the endorser-transaction checks on real ones
    const report = await verifyBlocks(blocks, {
      ...estp(),
      chaincodeName: '_lifecycle',
      endorsementPolicy: anyOrg,
    });

    expect(report.breaks).toEqual([]);
    expect(report.chaincodeTransactions).toBe(4);
    // the commit (block 4) was endorsed by all three orgs' peers: the channel's majority policy holds
    const commit = await verifyBlocks(blocks, {
      ...estp(),
      chaincodeName: '_lifecycle',
      endorsementPolicy: (msps) => msps.length === 3,
    });
    expect(commit.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual([
      '1 ENDORSEMENT_POLICY',
      '2 ENDORSEMENT_POLICY',
      '3 ENDORSEMENT_POLICY',
    ]);
  });

  test('one changed byte inside a real transaction breaks that block’s data hash and signatures', async () => {
    const tampered: Uint8Array[] = [...blocks];
    // the approval's input names the package (estp_<hash>): change one byte of it in block 2
    const txBytes = parseBlock(blocks[2]!).data[0]!;
    expect(parseTransaction(txBytes).actions[0]!.chaincode).toBe('_lifecycle');
    tampered[2] = replaceBytes(blocks[2]!, 'estp_', 'estq_');

    const report = await verifyBlocks(tampered, {
      ...estp(),
      chaincodeName: '_lifecycle',
      endorsementPolicy: anyOrg,
    });

    expect(report.ok).toBe(false);
    expect(report.breaks[0]).toMatchObject({ block: 2, reason: 'DATA_HASH' });
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
    // the block's last bytes are metadata; the orderer signature sits in metadata[0]: flip its last byte
    const metadata = parseBlock(bytes).ordererSignatures.signatures[0]!.signature;
    const at = Buffer.from(bytes).indexOf(Buffer.from(metadata));
    bytes[at + metadata.length - 1]! ^= 0x01;
    tampered[3] = bytes;

    const report = await verifyBlocks(tampered, estp());

    expect(report.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual(['3 ORDERER_SIGNATURE']);
  });
});
