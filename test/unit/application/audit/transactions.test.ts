/** Who wrote a record version: the transaction behind a transaction ID, read from its block. */
import { X509Certificate } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  type QsccContract,
  enrollmentIdOf,
  parseBlock,
  parseTransaction,
  transactionOrigin,
} from '../../../../application/src/audit';
import { testIdentity } from '../../../support/certs';
import { CHANNEL, TestChain } from './support/chain';

/** A qscc answering GetBlockByTxID from a chain. */
function qsccByTxId(blocks: readonly Uint8Array[]): QsccContract {
  return {
    evaluateTransaction: (name, channel, txId) => {
      if (name !== 'GetBlockByTxID' || channel !== CHANNEL)
        return Promise.reject(new Error(`unexpected ${name}`));
      const block = blocks.find((bytes) =>
        parseBlock(bytes).data.some((envelope) => parseTransaction(envelope).txId === txId),
      );
      return block ? Promise.resolve(block) : Promise.reject(new Error(`no such transaction ID [${txId}]`));
    },
  };
}

describe('enrollmentIdOf', () => {
  test('reads Fabric CA’s hf.EnrollmentID attribute', async () => {
    const identity = await testIdentity('CommunityMSP', 'member7', ['member']);
    expect(enrollmentIdOf(new X509Certificate(identity.certificatePem))).toBe('member7');
  });

  test('falls back to the common name without attributes (cryptogen certificates)', async () => {
    const identity = await testIdentity('CommunityMSP', 'peer0', [], { withoutAttributes: true });
    expect(enrollmentIdOf(new X509Certificate(identity.certificatePem))).toBe('peer0');
  });
});

describe('transactionOrigin', () => {
  const chain = new TestChain();
  chain.genesis();
  const first = chain.endorserTx({ fn: 'Participant:Approve', creator: chain.orgs.CommunityMSP.client });
  const second = chain.endorserTx({ fn: 'Market:PostOffer' });
  chain.append([first, second], [peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]);
  const txIdOf = (envelope: Uint8Array) => parseTransaction(envelope).txId;

  test('names the block, index, validation code, function and the creator the signature proves', async () => {
    const origin = await transactionOrigin(qsccByTxId(chain.blocks), CHANNEL, txIdOf(first));

    expect(origin).toMatchObject({
      txId: txIdOf(first),
      blockNumber: 1,
      txIndex: 0,
      validationCode: 'VALID',
      creatorMsp: 'CommunityMSP',
      creatorId: 'user1@community.test',
      creator: 'CommunityMSP:user1@community.test',
      signatureValid: true,
      chaincode: 'estp',
      function: 'Participant:Approve',
    });
    await expect(transactionOrigin(qsccByTxId(chain.blocks), CHANNEL, txIdOf(second))).resolves.toMatchObject(
      {
        txIndex: 1,
        validationCode: 'MVCC_READ_CONFLICT',
        function: 'Market:PostOffer',
      },
    );
  });

  test('a re-signed envelope (a forged creator signature) is reported as not signed', async () => {
    // Given the first transaction's envelope with its signature replaced by another transaction's
    const envelope = common.Envelope.deserializeBinary(first);
    envelope.setSignature(common.Envelope.deserializeBinary(second).getSignature_asU8());
    const local = new TestChain();
    local.genesis();
    local.append([envelope.serializeBinary()]);

    const origin = await transactionOrigin(qsccByTxId(local.blocks), CHANNEL, txIdOf(first));

    expect(origin.signatureValid).toBe(false);
  });

  test('an unknown transaction ID fails with the peer’s error', async () => {
    await expect(transactionOrigin(qsccByTxId(chain.blocks), CHANNEL, 'f'.repeat(64))).rejects.toThrow(
      /no such transaction ID/,
    );
  });
});
