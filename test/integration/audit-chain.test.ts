/**
 * `estp audit verify` on the real network, after a trading sequence this test runs: Utility's
 * auditor reads every block through qscc and the chain verifies. Then the verifier library is
 * fed the same real blocks, tampered: one byte changed in the write set of a real Settle
 * transaction, and two real blocks swapped.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import {
  type VerifyReport,
  blockHeaderHash,
  parseBlock,
  parseTransaction,
  toHex,
  verifyBlocks,
} from '../../application/src/audit';
import { estpProcess } from './support/cli';
import { type GatewayConnection, connect, loadNetwork } from './support/network';
import { type TradingDay, tradingDay } from './support/trading';

const network = loadNetwork();
const auditorArgs = ['--org', 'utility', '--user', 'auditor'];
let day: TradingDay;
let auditor: GatewayConnection;

beforeAll(async () => {
  day = await tradingDay((line) => {
    process.stderr.write(`trading day: ${line}\n`);
  });
  auditor = connect('utility', 'auditor');
}, 180_000);
afterAll(() => {
  auditor.close();
});

const qscc = () => auditor.gateway.getNetwork(network.channel).getContract('qscc');

async function height(): Promise<number> {
  return common.BlockchainInfo.deserializeBinary(
    await qscc().evaluateTransaction('GetChainInfo', network.channel),
  ).getHeight();
}

async function blocks(from: number, to: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let n = from; n <= to; n++)
    out.push(await qscc().evaluateTransaction('GetBlockByNumber', network.channel, String(n)));
  return out;
}

/** The channel's application orgs as the connection description lists them, sorted. */
const channelOrgs = Object.keys(network.orgs).sort();
const majority = `MAJORITY (${Math.floor(channelOrgs.length / 2) + 1}) of [${channelOrgs.join(', ')}]`;

describe('estp audit verify', () => {
  test('as the auditor, the whole chain verifies: ok, every block, JSON on stdout, progress on stderr', async () => {
    // When the auditor verifies the chain with the CLI executable
    const { code, out, err } = await estpProcess('audit', 'verify', '--json', ...auditorArgs);
    const chainHeight = await height();

    // Then it exits 0 and stdout is exactly one JSON report
    expect(err).toMatch(
      /verified \d+ blocks \(\d+ transactions\) of estp from [\d.]+:\d+ in [\d.]+ s \([\d.]+ blocks\/s\)/,
    );
    expect(code).toBe(0);
    const report = JSON.parse(out) as VerifyReport & { height: number; headMatchesChainInfo: boolean };
    expect(report).toMatchObject({ ok: true, breaks: [], firstBlock: 0, headMatchesChainInfo: true });
    // every block up to the height at the time it ran (later tests may have added blocks since)
    expect(report.blocks).toBe(report.height);
    expect(report.height).toBeLessThanOrEqual(chainHeight);
    expect(report.transactions).toBeGreaterThanOrEqual(report.blocks);
    expect(report.chaincodeTransactions).toBeGreaterThan(25); // this run's trading day alone has ~30
    // the policy came from the channel configuration: the majority of its application orgs
    expect(report.endorsementPolicies.at(-1)).toBe(majority);
    expect(report.checks).toEqual({ signatures: true, certificateChains: true });
  });

  test('a range from the middle is anchored on the block before it and verifies too', async () => {
    const last = (await height()) - 1;
    const { code, out } = await estpProcess(
      'audit',
      'verify',
      '--from',
      String(last - 4),
      '--to',
      String(last),
      '--json',
      ...auditorArgs,
    );

    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, blocks: 5, firstBlock: last - 4, lastBlock: last });
  });

  test('a range beyond the chain is a usage error (exit 2)', async () => {
    const { code, err } = await estpProcess('audit', 'verify', '--from', '99999999', ...auditorArgs);

    expect(code).toBe(2);
    expect(err).toContain('is not within the chain');
  });
});

/** The block and the serialised KVWrite of the Trade record that transaction `txId` wrote. */
function tradeWrite(blockBytes: Uint8Array, txId: string, tradeId: string): Uint8Array {
  const block = parseBlock(blockBytes);
  for (const envelope of block.data) {
    const tx = parseTransaction(envelope);
    if (tx.txId !== txId) continue;
    const response = peer.ProposalResponsePayload.deserializeBinary(tx.actions[0]!.proposalResponsePayload);
    const action = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(action.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      if (ns.getNamespace() !== network.chaincode) continue;
      const writes = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList();
      const write = writes.find(
        (candidate) => candidate.getKey().includes(tradeId) && candidate.getKey().startsWith('\u0000Trade'),
      );
      if (write) return write.serializeBinary();
    }
  }
  throw new Error(`transaction ${txId} in block ${block.number} wrote no Trade ${tradeId}`);
}

describe('the verifier on real blocks, tampered', () => {
  let chain: Uint8Array[];
  let settleBlock: number;
  let settleTxId: string;

  beforeAll(async () => {
    // The block of the transaction that settled this run's fully delivered trade
    const history = JSON.parse(
      new TextDecoder().decode(
        await auditor.contract('Audit').evaluate('History', {
          arguments: [JSON.stringify({ recordType: 'Trade', id: day.trades.full.id })],
        }),
      ),
    ) as { versions: { txId: string }[] };
    settleTxId = history.versions[0]!.txId;
    settleBlock = parseBlock(
      await qscc().evaluateTransaction('GetBlockByTxID', network.channel, settleTxId),
    ).number;
    chain = await blocks(0, settleBlock + 1);
  }, 60_000);

  const verify = (bytes: readonly Uint8Array[]) =>
    verifyBlocks(bytes, { chaincodeName: network.chaincode, expectedFirst: 0 });

  test('untouched, the real chain verifies with the policy taken from its configuration', async () => {
    const report = await verify(chain);

    expect(report.breaks).toEqual([]);
    expect(report).toMatchObject({ ok: true, blocks: settleBlock + 2, checks: { certificateChains: true } });
    expect(report.endorsementPolicies.at(-1)).toBe(majority);
    // the hash recomputed for the Settle's block is the one Fabric stored in the next block
    expect(toHex(blockHeaderHash(parseBlock(chain[settleBlock]!)))).toBe(
      toHex(parseBlock(chain[settleBlock + 1]!).previousHash),
    );
  });

  test('one changed byte in the write set of a real Settle transaction breaks that block', async () => {
    // Given the block holding the Settle, with one byte of the Trade record it wrote changed
    const write = Buffer.from(tradeWrite(chain[settleBlock]!, settleTxId, day.trades.full.id));
    const bytes = Buffer.from(chain[settleBlock]!);
    const at = bytes.indexOf(write);
    expect(at).toBeGreaterThan(0);
    expect(bytes.lastIndexOf(write)).toBe(at); // the write set's bytes, nowhere else in the block
    const tampered = Uint8Array.from(bytes);
    tampered[at + write.length - 2]! ^= 0x01; // inside the record's JSON value
    const tamperedChain = [...chain];
    tamperedChain[settleBlock] = tampered;

    // When verified
    const report = await verify(tamperedChain);

    // Then the break names the block and why: the data hash, and the signatures over the original
    expect(report.ok).toBe(false);
    expect(report.breaks[0]).toMatchObject({ block: settleBlock, reason: 'DATA_HASH' });
    expect(report.breaks.every((b) => b.block === settleBlock)).toBe(true);
    expect(report.breaks.map((b) => b.reason)).toEqual(
      expect.arrayContaining(['DATA_HASH', 'CREATOR_SIGNATURE', 'ENDORSEMENT_SIGNATURE']),
    );
    expect(report.breaks.find((b) => b.reason === 'CREATOR_SIGNATURE')).toMatchObject({ txId: settleTxId });
  });

  test('two real blocks swapped break the sequence and the links where they are', async () => {
    const swapped = [...chain];
    [swapped[settleBlock - 1], swapped[settleBlock]] = [swapped[settleBlock]!, swapped[settleBlock - 1]!];

    const report = await verify(swapped);

    expect(report.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual([
      `${settleBlock} NUMBER_SEQUENCE`,
      `${settleBlock} PREVIOUS_HASH`,
      `${settleBlock - 1} NUMBER_SEQUENCE`,
      `${settleBlock - 1} PREVIOUS_HASH`,
      `${settleBlock + 1} NUMBER_SEQUENCE`,
      `${settleBlock + 1} PREVIOUS_HASH`,
    ]);
  });
});
