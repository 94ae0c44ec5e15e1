/**
 * Reading and verifying a channel through qscc, against a fake `qscc` contract that serves a test
 * chain exactly as a peer does (BlockchainInfo, block bytes by number).
 */
import { common } from '@hyperledger/fabric-protos';
import {
  type QsccContract,
  blockHeaderHash,
  chainInfo,
  parseBlock,
  readBlocks,
  toHex,
  verifyChannel,
} from '../../../../application/src/audit';
import { CHAINCODE, CHANNEL, TestChain } from './support/chain';

/** A qscc contract over `blocks`, recording the calls. */
function fakeQscc(blocks: readonly Uint8Array[], calls: string[] = []): QsccContract {
  return {
    evaluateTransaction(name: string, ...args: string[]) {
      calls.push([name, ...args].join(' '));
      if (args[0] !== CHANNEL) return Promise.reject(new Error(`unknown channel ${args[0] ?? ''}`));
      if (name === 'GetChainInfo') {
        const info = new common.BlockchainInfo();
        info.setHeight(blocks.length);
        info.setCurrentblockhash(blockHeaderHash(parseBlock(blocks[blocks.length - 1]!)));
        info.setPreviousblockhash(parseBlock(blocks[blocks.length - 1]!).previousHash);
        return Promise.resolve(info.serializeBinary());
      }
      const block = name === 'GetBlockByNumber' ? blocks[Number(args[1])] : undefined;
      return block ? Promise.resolve(block) : Promise.reject(new Error(`${name} ${args.join(' ')} failed`));
    },
  };
}

let chain: TestChain;
beforeAll(() => {
  chain = new TestChain();
  chain.genesis();
  for (let i = 0; i < 5; i++) chain.append([chain.endorserTx({ writes: { [`k${i}`]: `v${i}` } })]);
});

const options = () => ({ chaincodeName: CHAINCODE, endorsementPolicy: chain.policy });

test('chainInfo reads the height and head hash', async () => {
  const info = await chainInfo(fakeQscc(chain.blocks), CHANNEL);
  expect(info.height).toBe(6);
  expect(toHex(info.currentBlockHash)).toBe(toHex(blockHeaderHash(parseBlock(chain.blocks[5]!))));
});

test('readBlocks fetches the range one block at a time, as consumed', async () => {
  const calls: string[] = [];
  const read: number[] = [];
  for await (const bytes of readBlocks(fakeQscc(chain.blocks, calls), CHANNEL, 2, 4)) {
    read.push(parseBlock(bytes).number);
    expect(calls).toHaveLength(read.length);
  }
  expect(read).toEqual([2, 3, 4]);
  expect(calls).toEqual([
    `GetBlockByNumber ${CHANNEL} 2`,
    `GetBlockByNumber ${CHANNEL} 3`,
    `GetBlockByNumber ${CHANNEL} 4`,
  ]);
});

test('readBlocks with prefetch keeps that many further blocks in flight and yields them in order', async () => {
  // Given a qscc whose answers arrive in reverse order of the requests
  const resolvers: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const slow: QsccContract = {
    evaluateTransaction: (name, ...args) =>
      new Promise((resolve) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        resolvers.push(() => {
          inFlight--;
          resolve(chain.blocks[Number(args[1])]!);
        });
        // answer the newest request first once a window's worth is waiting
        setImmediate(() => {
          while (resolvers.length > 0) resolvers.pop()!();
        });
      }),
  };
  // When reading blocks 0..5 with 2 blocks prefetched
  const read: number[] = [];
  for await (const bytes of readBlocks(slow, CHANNEL, 0, 5, 2)) read.push(parseBlock(bytes).number);
  // Then the order is kept and no more than 3 requests were outstanding
  expect(read).toEqual([0, 1, 2, 3, 4, 5]);
  expect(maxInFlight).toBe(3);
});

test('readBlocks throws a failed fetch when its block comes, after the blocks before it', async () => {
  const read: number[] = [];
  const failing = fakeQscc(chain.blocks.slice(0, 3)); // blocks 3.. fail
  await expect(
    (async () => {
      for await (const bytes of readBlocks(failing, CHANNEL, 0, 5, 4)) read.push(parseBlock(bytes).number);
    })(),
  ).rejects.toThrow(`GetBlockByNumber ${CHANNEL} 3 failed`);
  expect(read).toEqual([0, 1, 2]);
});

test('a peer whose GetChainInfo head differs from the blocks it serves is a CHAIN_INFO break', async () => {
  const qscc = fakeQscc(chain.blocks);
  const lying: QsccContract = {
    evaluateTransaction: async (name, ...args) => {
      if (name !== 'GetChainInfo') return qscc.evaluateTransaction(name, ...args);
      const info = common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction(name, ...args));
      info.setCurrentblockhash(new Uint8Array(32).fill(7));
      return info.serializeBinary();
    },
  };

  const report = await verifyChannel(lying, CHANNEL, options());

  expect(report).toMatchObject({ ok: false, headMatchesChainInfo: false });
  expect(report.breaks).toEqual([
    expect.objectContaining({
      block: 5,
      reason: 'CHAIN_INFO',
      detail: expect.stringContaining('07070707') as unknown,
    }),
  ]);
});

test('verifyChannel over the whole chain: ok, and the head matches the peer’s chain info', async () => {
  const progress: number[] = [];
  const report = await verifyChannel(fakeQscc(chain.blocks), CHANNEL, {
    ...options(),
    onProgress: (_n, block) => progress.push(block),
  });

  expect(report).toMatchObject({
    ok: true,
    channel: CHANNEL,
    height: 6,
    blocks: 6,
    firstBlock: 0,
    lastBlock: 5,
    headMatchesChainInfo: true,
    checks: { signatures: true, certificateChains: true },
  });
  expect(progress).toEqual([0, 1, 2, 3, 4, 5]);
});

test('a range from the middle is anchored on the block before it and the last config block', async () => {
  const calls: string[] = [];
  const report = await verifyChannel(fakeQscc(chain.blocks, calls), CHANNEL, {
    ...options(),
    from: 3,
    to: 4,
    prefetch: 0,
  });

  expect(report).toMatchObject({ ok: true, blocks: 2, firstBlock: 3, lastBlock: 4 });
  expect(report.checks.certificateChains).toBe(true);
  expect(report.headMatchesChainInfo).toBeUndefined();
  expect(report.anchorConfigBlock).toBe(0);
  expect(calls).toEqual([
    `GetChainInfo ${CHANNEL}`,
    `GetBlockByNumber ${CHANNEL} 2`, // anchor
    `GetBlockByNumber ${CHANNEL} 0`, // last config block
    `GetBlockByNumber ${CHANNEL} 3`,
    `GetBlockByNumber ${CHANNEL} 4`,
  ]);
});

test('a peer serving a block that does not link to the anchor is caught at the range start', async () => {
  const blocks = [...chain.blocks];
  blocks[2] = chain.blocks[1]!; // the peer answers block 2 with block 1's bytes
  const report = await verifyChannel(fakeQscc(blocks), CHANNEL, { ...options(), from: 3 });

  expect(report.breaks.map((b) => `${b.block} ${b.reason}`)).toEqual(['3 PREVIOUS_HASH']);
});

test.each([
  [{ from: -1 }, 'block range -1..5 is not within the chain (blocks 0..5)'],
  [{ from: 4, to: 3 }, 'block range 4..3 is not within the chain (blocks 0..5)'],
  [{ to: 6 }, 'block range 0..6 is not within the chain (blocks 0..5)'],
])('range %j is refused', async (range, message) => {
  await expect(verifyChannel(fakeQscc(chain.blocks), CHANNEL, { ...options(), ...range })).rejects.toThrow(
    new RangeError(message),
  );
});
