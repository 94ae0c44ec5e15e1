/**
 * The chain verifier against real-shaped blocks built with fabric-protos and signed with generated
 * ECDSA P-256 keys and certificates (support/chain.ts), then tampered with the ways an auditor has
 * to catch: an edited write set, swapped or missing blocks, stripped endorsements, reused
 * endorsements, foreign certificates, unsigned blocks; and the normal case of transactions Fabric
 * marked invalid.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import {
  type ChainBreak,
  type VerifyOptions,
  blockHeaderHash,
  channelConfigFromBlock,
  mspsFromConfigBlock,
  parseBlock,
  satisfiesPolicy,
  toHex,
  validationCodeName,
  verifyBlocks,
} from '../../../../application/src/audit';
import {
  CHAINCODE,
  ORG_MSPS,
  TestChain,
  assembleEndorserTx,
  endorse,
  replaceBytes,
  serializeIdentity,
} from './support/chain';
import { issue } from './support/x509';

const { VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE } = peer.TxValidationCode;

/** A chain of 5 blocks: genesis, then ESTP transactions with 2 of 3 endorsements and one `_lifecycle` tx. */
function buildChain(): TestChain {
  const chain = new TestChain();
  const { UtilityMSP, EnterpriseMSP, CommunityMSP } = chain.orgs;
  chain.genesis();
  chain.append([
    chain.endorserTx({ writes: { 'participant~P-1': '{"id":"P-1","status":"ACTIVE"}' } }),
    chain.endorserTx({
      chaincode: '_lifecycle',
      endorsers: [CommunityMSP.peer],
      creator: CommunityMSP.client,
    }),
  ]);
  chain.append([
    chain.endorserTx({
      creator: EnterpriseMSP.client,
      endorsers: [EnterpriseMSP.peer, CommunityMSP.peer],
      writes: { 'offer~O-1': '{"id":"O-1","quantityWh":1500}' },
    }),
    chain.endorserTx({
      endorsers: [UtilityMSP.peer, EnterpriseMSP.peer, CommunityMSP.peer],
      writes: { 'k~2': 'v2' },
    }),
  ]);
  chain.append([
    chain.endorserTx({ creator: CommunityMSP.client, endorsers: [CommunityMSP.peer, UtilityMSP.peer] }),
  ]);
  chain.append([chain.endorserTx({ writes: { 'trade~T-1': '{"id":"T-1","priceMinorPerKwh":2500}' } })]);
  return chain;
}

let chain: TestChain;
let options: VerifyOptions;
beforeAll(() => {
  chain = buildChain();
  options = { chaincodeName: CHAINCODE, endorsementPolicy: chain.policy, expectedFirst: 0 };
});

/** The breaks as `block reason` strings, in order. */
const where = (breaks: readonly ChainBreak[]) => breaks.map((b) => `${b.block} ${b.reason}`);

describe('an untouched chain', () => {
  test('verifies: hashes, orderer, creator and endorsement signatures, certificate chains, policy', async () => {
    const report = await verifyBlocks(chain.blocks, options);

    expect(report.breaks).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      blocks: 5,
      transactions: 7, // config + 5 ESTP + 1 _lifecycle
      chaincodeTransactions: 5,
      invalid: [],
      firstBlock: 0,
      lastBlock: 4,
      lastHeaderHash: toHex(blockHeaderHash(parseBlock(chain.blocks[4]!))),
      checks: { signatures: true, certificateChains: true },
    });
  });

  test('accepts an async iterable and reports progress after each block', async () => {
    const progress: [number, number][] = [];
    async function* source() {
      for (const block of chain.blocks) {
        await Promise.resolve();
        yield block;
      }
    }
    const report = await verifyBlocks(source(), {
      ...options,
      onProgress: (n, block) => progress.push([n, block]),
    });

    expect(report.ok).toBe(true);
    expect(progress).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
    ]);
  });

  test('a range from the middle links to the given previous header hash and uses the given MSPs', async () => {
    const range = chain.blocks.slice(2);
    const report = await verifyBlocks(range, {
      ...options,
      expectedFirst: 2,
      previousHeaderHash: blockHeaderHash(parseBlock(chain.blocks[1]!)),
      msps: mspsFromConfigBlock(chain.blocks[0]!),
    });

    expect(report).toMatchObject({ ok: true, blocks: 3, firstBlock: 2, lastBlock: 4 });
    expect(report.checks.certificateChains).toBe(true);
  });

  test('without MSP definitions certificates are not anchored, and the report says so', async () => {
    const report = await verifyBlocks(chain.blocks.slice(2), { ...options, expectedFirst: 2 });

    expect(report.ok).toBe(true);
    expect(report.checks).toEqual({ signatures: true, certificateChains: false });
  });

  test('a range that does not start where expected, or does not link, is a break at its first block', async () => {
    const range = chain.blocks.slice(2);
    const wrongStart = await verifyBlocks(range, { ...options, expectedFirst: 3 });
    const wrongLink = await verifyBlocks(range, {
      ...options,
      expectedFirst: 2,
      previousHeaderHash: blockHeaderHash(parseBlock(chain.blocks[0]!)),
    });

    expect(where(wrongStart.breaks)).toEqual(['2 NUMBER_SEQUENCE']);
    expect(where(wrongLink.breaks)).toEqual(['2 PREVIOUS_HASH']);
  });
});

describe('a changed write set', () => {
  test('one changed byte in a write set breaks that block’s data hash, and its signatures', async () => {
    const blocks = [...chain.blocks];
    blocks[2] = replaceBytes(blocks[2]!, '"quantityWh":1500', '"quantityWh":9500');

    const report = await verifyBlocks(blocks, options);

    expect(report.ok).toBe(false);
    expect(report.breaks.every((b) => b.block === 2)).toBe(true);
    expect(report.breaks[0]).toMatchObject({ block: 2, reason: 'DATA_HASH' });
    // the header is untouched, so block 3 still links to it
    expect(where(report.breaks)).not.toContain('3 PREVIOUS_HASH');
    // the endorsers signed the original write set, the creator the original envelope
    expect(report.breaks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'CREATOR_SIGNATURE', txIndex: 0 }),
        expect.objectContaining({ reason: 'ENDORSEMENT_SIGNATURE', txIndex: 0 }),
        expect.objectContaining({ reason: 'ENDORSEMENT_POLICY', txIndex: 0 }),
      ]),
    );
  });

  test('recomputing every hash and re-signing the headers with the orderer key still leaves the endorsements broken', async () => {
    const edited = [...chain.blocks];
    edited[2] = replaceBytes(edited[2]!, '"quantityWh":1500', '"quantityWh":9500');
    const forged = chain.rechain(edited, 2);

    const report = await verifyBlocks(forged, options);

    expect(where(report.breaks)).not.toEqual(expect.arrayContaining(['2 DATA_HASH']));
    expect(where(report.breaks)).not.toEqual(expect.arrayContaining(['3 PREVIOUS_HASH']));
    expect(where(report.breaks)).toEqual([
      '2 CREATOR_SIGNATURE',
      '2 ENDORSEMENT_SIGNATURE',
      '2 ENDORSEMENT_SIGNATURE',
      '2 ENDORSEMENT_POLICY',
    ]);
    expect(report.breaks[1]!.detail).toContain('signature does not verify');
  });

  test('with signatures off only the data hash is checked', async () => {
    const blocks = [...chain.blocks];
    blocks[2] = replaceBytes(blocks[2]!, '"quantityWh":1500', '"quantityWh":9500');

    const report = await verifyBlocks(blocks, { ...options, signatures: false });

    expect(where(report.breaks)).toEqual(['2 DATA_HASH']);
    expect(report.checks).toEqual({ signatures: false, certificateChains: false });
  });
});

describe('block order', () => {
  test('two swapped blocks break the number sequence and the previous hash', async () => {
    const blocks = [...chain.blocks];
    [blocks[2], blocks[3]] = [blocks[3]!, blocks[2]!];

    const report = await verifyBlocks(blocks, options);

    expect(where(report.breaks)).toEqual([
      '3 NUMBER_SEQUENCE',
      '3 PREVIOUS_HASH',
      '2 NUMBER_SEQUENCE',
      '2 PREVIOUS_HASH',
      '4 NUMBER_SEQUENCE',
      '4 PREVIOUS_HASH',
    ]);
    expect(report.breaks[0]!.detail).toBe('expected block 2, got block 3');
    expect(report.breaks[1]!.detail).toContain('block 1');
  });

  test('a missing block breaks the sequence and the link at the block after it', async () => {
    const blocks = [chain.blocks[0]!, chain.blocks[1]!, chain.blocks[3]!, chain.blocks[4]!];

    const report = await verifyBlocks(blocks, options);

    expect(where(report.breaks)).toEqual(['3 NUMBER_SEQUENCE', '3 PREVIOUS_HASH']);
  });

  test('a replayed block breaks the sequence', async () => {
    const report = await verifyBlocks([...chain.blocks.slice(0, 3), chain.blocks[2]!], options);

    expect(where(report.breaks)).toEqual(['2 NUMBER_SEQUENCE', '2 PREVIOUS_HASH']);
  });

  test('bytes that are not a block are UNPARSEABLE at the expected number; verification goes on', async () => {
    const blocks = [...chain.blocks];
    blocks[2] = Uint8Array.of(0x0a, 0xff, 0x01, 0x02);

    const report = await verifyBlocks(blocks, options);

    expect(where(report.breaks)).toEqual(['2 UNPARSEABLE']);
    expect(report).toMatchObject({ blocks: 5, lastBlock: 4 });
  });
});

describe('endorsements', () => {
  test('a VALID transaction endorsed by one org breaks the majority policy', async () => {
    const local = buildChain();
    local.append([local.endorserTx({ endorsers: [local.orgs.UtilityMSP.peer] })]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.breaks).toEqual([
      expect.objectContaining({
        block: 5,
        txIndex: 0,
        reason: 'ENDORSEMENT_POLICY',
        detail: expect.stringContaining('endorsed by [UtilityMSP]') as unknown,
      }),
    ]);
    expect(report.breaks[0]!.detail).toContain('MAJORITY (2) of [UtilityMSP, EnterpriseMSP, CommunityMSP]');
  });

  test('an endorsement stripped from a committed transaction breaks the policy and the creator signature', async () => {
    const local = new TestChain();
    local.genesis();
    const parts = local.endorserTxParts();
    const stripped = { ...parts, endorsements: parts.endorsements.slice(0, 1) };
    // the forger cannot sign as the creator: the envelope keeps the original signature
    const original = assembleEndorserTx(parts);
    const tampered = assembleEndorserTx(stripped);
    const envelope = withSignatureOf(tampered, original);
    local.append([envelope]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 CREATOR_SIGNATURE', '1 ENDORSEMENT_POLICY']);
  });

  test('an endorsement by a certificate the MSP did not issue does not count', async () => {
    const local = new TestChain();
    local.genesis();
    const rogueCa = issue({ c: 'US', o: 'utility.test', cn: 'ca.utility.test' }, undefined, true);
    const rogue = {
      mspId: 'EnterpriseMSP',
      credentials: issue({ c: 'US', ou: 'peer', cn: 'peer9.enterprise.test' }, rogueCa),
    };
    local.append([local.endorserTx({ endorsers: [local.orgs.UtilityMSP.peer, rogue] })]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 ENDORSEMENT_SIGNATURE', '1 ENDORSEMENT_POLICY']);
    expect(report.breaks[0]!.detail).toBe(
      'endorser EnterpriseMSP: certificate peer9.enterprise.test is not issued by a CA of EnterpriseMSP',
    );
  });

  test('an endorsement by a client (not a peer) of the org does not count', async () => {
    const local = new TestChain();
    local.genesis();
    local.append([
      local.endorserTx({ endorsers: [local.orgs.UtilityMSP.peer, local.orgs.EnterpriseMSP.client] }),
    ]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 ENDORSEMENT_POLICY']);
    expect(report.breaks[0]!.detail).toContain('not counted: EnterpriseMSP (not a peer)');
    const anyRole = await verifyBlocks(local.blocks, {
      ...options,
      endorsementPolicy: local.policy,
      endorserRole: null,
    });
    expect(anyRole.ok).toBe(true);
  });

  test('endorsements copied from another transaction do not match its proposal hash', async () => {
    const local = new TestChain();
    local.genesis();
    const endorsed = local.endorserTxParts({ args: ['{"quantityWh":1}'] });
    const wanted = local.endorserTxParts({ args: ['{"quantityWh":1000000}'], endorsers: [] });
    local.append([
      assembleEndorserTx({
        ...wanted,
        proposalResponsePayload: endorsed.proposalResponsePayload,
        endorsements: endorsed.endorsements,
      }),
    ]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 PROPOSAL_HASH', '1 ENDORSEMENT_POLICY']);
  });

  test('a transaction ID that is not SHA-256(nonce ‖ creator) is a break', async () => {
    const local = new TestChain();
    local.genesis();
    local.append([local.endorserTx({ txId: 'f'.repeat(64) })]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.breaks).toEqual([
      expect.objectContaining({ block: 1, reason: 'TX_ID', txId: 'f'.repeat(64) }),
    ]);
  });

  test('a creator of an MSP the channel does not know is a break', async () => {
    const local = new TestChain();
    local.genesis();
    const strangerCa = issue({ c: 'US', o: 'stranger.test', cn: 'ca.stranger.test' }, undefined, true);
    const stranger = {
      mspId: 'StrangerMSP',
      credentials: issue({ c: 'US', ou: 'client', cn: 'x@stranger.test' }, strangerCa),
    };
    local.append([local.endorserTx({ creator: stranger })]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 CREATOR_SIGNATURE', '1 CREATOR_MSP']);
    expect(report.breaks[0]!.detail).toBe(
      'creator StrangerMSP: MSP StrangerMSP is not in the channel configuration',
    );
  });

  test('a config block in the range adds the MSPs of a new org from then on', async () => {
    const local = new TestChain();
    local.genesis();
    const newOrgCa = issue({ c: 'US', o: 'neworg.test', cn: 'ca.neworg.test' }, undefined, true);
    const newOrg = {
      mspId: 'NewOrgMSP',
      ca: newOrgCa,
      peer: {
        mspId: 'NewOrgMSP',
        credentials: issue({ c: 'US', ou: 'peer', cn: 'peer0.neworg.test' }, newOrgCa),
      },
      client: {
        mspId: 'NewOrgMSP',
        credentials: issue({ c: 'US', ou: 'client', cn: 'u@neworg.test' }, newOrgCa),
      },
    };
    local.append([local.endorserTx({ creator: newOrg.client })]); // 1: before the org joined
    local.append([local.configEnvelope([newOrg])]); // 2: the org joins
    local.append([local.endorserTx({ creator: newOrg.client })]); // 3: after

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 CREATOR_SIGNATURE', '1 CREATOR_MSP']);
  });

  test('the policy may be a predicate over the endorsing orgs', async () => {
    const report = await verifyBlocks(chain.blocks, {
      ...options,
      endorsementPolicy: (msps) => msps.includes('CommunityMSP'),
    });

    // blocks 1 and 4 hold ESTP transactions endorsed by Utility and Enterprise only
    expect(where(report.breaks)).toEqual(['1 ENDORSEMENT_POLICY', '4 ENDORSEMENT_POLICY']);
  });

  test('transactions of other chaincodes are counted but not policy-checked', async () => {
    const report = await verifyBlocks(chain.blocks, { ...options, chaincodeName: 'other' });

    expect(report).toMatchObject({ ok: true, transactions: 7, chaincodeTransactions: 0 });
  });
});

describe('the endorsement policy from the channel configuration', () => {
  /** An org that is not in the genesis configuration, with its own CA, peer and client. */
  function newOrg(name: string) {
    const mspId = `${name}MSP`;
    const ca = issue({ c: 'US', o: `${name}.test`, cn: `ca.${name}.test` }, undefined, true);
    const identity = (ou: string, cn: string) => ({ mspId, credentials: issue({ c: 'US', ou, cn }, ca) });
    return {
      mspId,
      ca,
      peer: identity('peer', `peer0.${name}.test`),
      client: identity('client', `u@${name}.test`),
    };
  }
  const fromConfig = { chaincodeName: CHAINCODE, expectedFirst: 0 };

  test('is MAJORITY of the application orgs in force at each block: 2 of 3, then 3 of 4', async () => {
    // Given a chain whose genesis declares 3 orgs (MAJORITY Endorsement) and a config block adding a 4th
    const local = new TestChain();
    const { UtilityMSP, EnterpriseMSP, CommunityMSP } = local.orgs;
    const city = newOrg('City');
    local.genesis();
    local.append([local.endorserTx({ endorsers: [UtilityMSP.peer, EnterpriseMSP.peer] })]); // 1: 2 of 3
    local.append([local.configEnvelope([city])]); // 2: City joins
    local.append([local.endorserTx({ endorsers: [UtilityMSP.peer, EnterpriseMSP.peer] })]); // 3: 2 of 4
    local.append([local.endorserTx({ endorsers: [UtilityMSP.peer, CommunityMSP.peer, city.peer] })]); // 4: 3 of 4

    // When verified without an explicit policy
    const report = await verifyBlocks(local.blocks, fromConfig);

    // Then only the transaction endorsed by 2 of the 4 orgs breaks the policy
    expect(where(report.breaks)).toEqual(['3 ENDORSEMENT_POLICY']);
    expect(report.breaks[0]!.detail).toBe(
      'endorsed by [UtilityMSP, EnterpriseMSP]; the policy needs MAJORITY (3) of [CityMSP, CommunityMSP, EnterpriseMSP, UtilityMSP]',
    );
    expect(report.endorsementPolicies).toEqual([
      'MAJORITY (2) of [CommunityMSP, EnterpriseMSP, UtilityMSP]',
      'MAJORITY (3) of [CityMSP, CommunityMSP, EnterpriseMSP, UtilityMSP]',
    ]);
  });

  test('follows the rule the configuration names (ANY)', async () => {
    const local = new TestChain();
    local.genesis('ANY');
    local.append([local.endorserTx({ endorsers: [local.orgs.CommunityMSP.peer] })]);

    const report = await verifyBlocks(local.blocks, fromConfig);

    expect(report).toMatchObject({
      ok: true,
      endorsementPolicies: ['ANY (1) of [CommunityMSP, EnterpriseMSP, UtilityMSP]'],
    });
  });

  test('a configuration without an Endorsement policy, or no configuration at all, cannot pass', async () => {
    const local = new TestChain();
    local.genesis('none');
    local.append([local.endorserTx()]);

    const withoutPolicy = await verifyBlocks(local.blocks, fromConfig);
    const withoutConfig = await verifyBlocks(local.blocks.slice(1), { chaincodeName: CHAINCODE });

    expect(withoutPolicy.breaks).toEqual([
      expect.objectContaining({
        block: 1,
        reason: 'ENDORSEMENT_POLICY',
        detail:
          "the channel's endorsement policy cannot be checked: the Application group has no Endorsement policy",
      }),
    ]);
    expect(withoutConfig.breaks).toEqual([
      expect.objectContaining({
        reason: 'ENDORSEMENT_POLICY',
        detail: 'no channel configuration is known to take the endorsement policy from',
      }),
    ]);
  });

  test('a range from the middle takes the policy from the channel configuration it is given', async () => {
    const report = await verifyBlocks(chain.blocks.slice(2), {
      chaincodeName: CHAINCODE,
      expectedFirst: 2,
      previousHeaderHash: blockHeaderHash(parseBlock(chain.blocks[1]!)),
      channelConfig: channelConfigFromBlock(chain.blocks[0]!),
    });

    expect(report).toMatchObject({ ok: true, checks: { certificateChains: true } });
    expect(report.endorsementPolicies).toEqual(['MAJORITY (2) of [CommunityMSP, EnterpriseMSP, UtilityMSP]']);
  });
});

describe('creator and chaincode name', () => {
  test('a creator of the orderer org (in the configuration, not an application org) is a break', async () => {
    const local = new TestChain();
    local.genesis();
    local.append([local.endorserTx({ creator: local.orderer.client })]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.breaks).toEqual([
      expect.objectContaining({
        block: 1,
        reason: 'CREATOR_MSP',
        detail:
          'creator OrdererMSP is not an application org of the channel [CommunityMSP, EnterpriseMSP, UtilityMSP]',
      }),
    ]);
  });

  test('a header naming the audited chaincode over another chaincode’s action is a break', async () => {
    const local = new TestChain();
    local.genesis();
    local.append([local.endorserTx({ actionChaincode: 'other' })]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.chaincodeTransactions).toBe(1);
    expect(report.breaks).toEqual([
      expect.objectContaining({
        block: 1,
        reason: 'CHAINCODE_NAME',
        detail: 'the header names chaincode "estp" and the endorsed action(s) [other]',
      }),
    ]);
  });
});

describe('invalid transactions', () => {
  test('a transaction Fabric marked invalid is listed, and the chain stays ok', async () => {
    const local = new TestChain();
    local.genesis();
    const tx = local.endorserTx({ creator: local.orgs.EnterpriseMSP.client, writes: { a: '1' } });
    local.append([local.endorserTx(), tx], [VALID, MVCC_READ_CONFLICT]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.ok).toBe(true);
    expect(report.invalid).toEqual([
      {
        block: 1,
        txIndex: 1,
        txId: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
        validationCode: 'MVCC_READ_CONFLICT',
        chaincode: 'estp',
        creatorMsp: 'EnterpriseMSP',
        endorserMsps: ['UtilityMSP', 'EnterpriseMSP'],
        reason: 'a key it read was changed by an earlier transaction before it committed',
      },
    ]);
  });

  test('an invalid transaction is not policy-checked (Fabric already rejected it)', async () => {
    const local = new TestChain();
    local.genesis();
    local.append(
      [local.endorserTx({ endorsers: [local.orgs.CommunityMSP.peer] })],
      [ENDORSEMENT_POLICY_FAILURE],
    );

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.ok).toBe(true);
    expect(report.invalid.map((tx) => tx.validationCode)).toEqual(['ENDORSEMENT_POLICY_FAILURE']);
  });

  test('the validation codes live in unhashed metadata: flipping one is listed, not a hash break', async () => {
    const blocks = [...chain.blocks];
    const block = peerBlockWithCode(blocks[3]!, 0, MVCC_READ_CONFLICT);
    blocks[3] = block;

    const report = await verifyBlocks(blocks, options);

    expect(report.ok).toBe(true);
    expect(report.invalid).toEqual([
      expect.objectContaining({ block: 3, txIndex: 0, validationCode: 'MVCC_READ_CONFLICT' }),
    ]);
  });

  test('invalid transactions of other chaincodes are not listed', async () => {
    const local = new TestChain();
    local.genesis();
    local.append([local.endorserTx({ chaincode: '_lifecycle' })], [MVCC_READ_CONFLICT]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report).toMatchObject({ ok: true, invalid: [], transactions: 2, chaincodeTransactions: 0 });
  });

  test('a transactions filter that does not cover every transaction is a break', async () => {
    const local = new TestChain();
    local.genesis();
    local.append([local.endorserTx(), local.endorserTx()], [VALID]);

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.breaks).toEqual([
      expect.objectContaining({
        block: 1,
        reason: 'UNPARSEABLE',
        detail: 'the transactions filter has 1 validation codes for 2 transactions',
      }),
    ]);
    expect(report.invalid).toEqual([expect.objectContaining({ txIndex: 1, validationCode: 'MISSING' })]);
  });
});

describe('orderer signatures', () => {
  test('a block after genesis without an orderer signature is a break', async () => {
    const local = new TestChain();
    local.genesis();
    const previousHash = blockHeaderHash(parseBlock(local.blocks[0]!));
    local.blocks.push(
      local.block({ number: 1, previousHash, envelopes: [local.endorserTx()], signed: false }),
    );

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(report.breaks).toEqual([
      { block: 1, reason: 'ORDERER_SIGNATURE', detail: 'the block carries no orderer signature' },
    ]);
  });

  test('a block signed by a peer instead of an orderer is a break', async () => {
    const local = new TestChain();
    local.genesis();
    const previousHash = blockHeaderHash(parseBlock(local.blocks[0]!));
    local.blocks.push(
      local.block({
        number: 1,
        previousHash,
        envelopes: [local.endorserTx()],
        ordererSigner: local.orgs.UtilityMSP.peer,
      }),
    );

    const report = await verifyBlocks(local.blocks, { ...options, endorsementPolicy: local.policy });

    expect(where(report.breaks)).toEqual(['1 ORDERER_SIGNATURE']);
    expect(report.breaks[0]!.detail).toContain('UtilityMSP is not an orderer org of the channel');
  });
});

describe('undecodable metadata', () => {
  test('signatures metadata that does not decode fails the orderer signature, not the block', async () => {
    const blocks = [...chain.blocks];
    const block = common.Block.deserializeBinary(blocks[2]!);
    const metadata = block.getMetadata()!.getMetadataList_asU8();
    metadata[0] = Uint8Array.of(0x0a, 0xff); // a truncated length-delimited field
    block.getMetadata()!.setMetadataList(metadata);
    blocks[2] = block.serializeBinary();

    const report = await verifyBlocks(blocks, options);

    expect(report.breaks).toEqual([
      expect.objectContaining({
        block: 2,
        reason: 'ORDERER_SIGNATURE',
        detail: expect.stringMatching(/^the signatures metadata does not decode/) as unknown,
      }),
    ]);
  });

  test('progress is reported for blocks that do not decode too', async () => {
    const progress: [number, number][] = [];
    await verifyBlocks([chain.blocks[0]!, Uint8Array.of(0x0a, 0xff)], {
      ...options,
      onProgress: (n, block) => progress.push([n, block]),
    });
    expect(progress).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });
});

describe('helpers', () => {
  test.each([
    [['UtilityMSP', 'EnterpriseMSP'], true],
    [['UtilityMSP', 'UtilityMSP'], false],
    [['CommunityMSP'], false],
    [['CommunityMSP', 'OtherMSP'], false],
    [[...ORG_MSPS], true],
  ])('majority of the three orgs with endorsers %j: %s', (endorsers, expected) => {
    expect(satisfiesPolicy({ majorityOf: [...ORG_MSPS] }, endorsers)).toBe(expected);
  });

  test('validation code names', () => {
    expect(validationCodeName(0)).toBe('VALID');
    expect(validationCodeName(11)).toBe('MVCC_READ_CONFLICT');
    expect(validationCodeName(254)).toBe('NOT_VALIDATED');
    expect(validationCodeName(99)).toBe('UNKNOWN(99)');
    expect(validationCodeName(undefined)).toBe('MISSING');
  });

  test('mspsFromConfigBlock reads the MSPs and which of them are orderer orgs', () => {
    const msps = mspsFromConfigBlock(chain.blocks[0]!);

    expect(msps.map((m) => [m.mspId, m.orderer, m.rootCerts.length]).sort()).toEqual([
      ['CommunityMSP', false, 1],
      ['EnterpriseMSP', false, 1],
      ['OrdererMSP', true, 1],
      ['UtilityMSP', false, 1],
    ]);
    expect(() => mspsFromConfigBlock(chain.blocks[1]!)).toThrow('block 1 is not a config block');
  });

  test('serialised identities carry the PEM certificate', () => {
    const bytes = serializeIdentity(chain.orgs.UtilityMSP.peer);
    expect(Buffer.from(bytes).toString()).toContain('-----BEGIN CERTIFICATE-----');
    expect(endorse(chain.orgs.UtilityMSP.peer, new Uint8Array(1)).getEndorser_asU8()).toEqual(bytes);
  });
});

/** `tampered` with the envelope signature of `original` (what a forger without the creator's key gets). */
function withSignatureOf(tampered: Uint8Array, original: Uint8Array): Uint8Array {
  const envelope = common.Envelope.deserializeBinary(tampered);
  envelope.setSignature(common.Envelope.deserializeBinary(original).getSignature_asU8());
  return envelope.serializeBinary();
}

/** The block with transaction `txIndex`'s validation code replaced (metadata only). */
function peerBlockWithCode(bytes: Uint8Array, txIndex: number, code: number): Uint8Array {
  const block = common.Block.deserializeBinary(bytes);
  const metadata = block.getMetadata()!.getMetadataList_asU8();
  const filter = Uint8Array.from(metadata[2]!);
  filter[txIndex] = code;
  metadata[2] = filter;
  block.getMetadata()!.setMetadataList(metadata);
  return block.serializeBinary();
}
