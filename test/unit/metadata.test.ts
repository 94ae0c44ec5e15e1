/**
 * The public transaction API (docs/design.md#public-api) as fabric-contract-api sees it: the metadata it generates
 * from the decorators of the chaincode's `contracts` (what `fabric-chaincode-node metadata
 * generate` prints and what the gateway's discovery of names relies on).
 *
 * To check a contract: add it to PUBLIC_API (test/support/public-api.ts).
 */
import { contracts } from '../../chaincode/src/index';
import { TestLedger, chaincodeOf } from '../support/fixture';
import { PUBLIC_API } from '../support/public-api';

interface TransactionMetadata {
  name: string;
  tag?: string[];
  parameters?: { name: string; schema?: { type?: string } }[];
  returns?: { type?: string };
}

const metadata = chaincodeOf(contracts).metadata as unknown as {
  contracts: Record<string, { transactions: TransactionMetadata[] }>;
};

function transactionsOf(contract: string): TransactionMetadata[] {
  return metadata.contracts[contract]?.transactions ?? [];
}

describe('contract metadata', () => {
  it('lists every ESTP contract under its name', () => {
    expect(Object.keys(metadata.contracts).sort()).toEqual(
      expect.arrayContaining(['Audit', 'Consortium', 'Dispute', 'Market', 'Participant', 'Settlement']),
    );
  });

  describe.each(Object.entries(PUBLIC_API))('%s', (contract, expected) => {
    it('has every public transaction with the right kind', () => {
      const actual = Object.fromEntries(
        transactionsOf(contract).map((tx) => [tx.name, tx.tag?.includes('submitTx') ? 'submit' : 'evaluate']),
      );
      expect(actual).toEqual(expect.objectContaining(expected));
    });
  });

  it.each(Object.keys(metadata.contracts).filter((name) => !name.startsWith('org.hyperledger')))(
    '%s: every transaction takes one string `input` and returns a string',
    (contract) => {
      for (const tx of transactionsOf(contract)) {
        expect({ tx: tx.name, parameters: tx.parameters?.map((p) => [p.name, p.schema?.type]) }).toEqual({
          tx: tx.name,
          parameters: [['input', 'string']],
        });
        expect({ tx: tx.name, returns: tx.returns?.type }).toEqual({
          tx: tx.name,
          returns: 'string',
        });
      }
    },
  );

  it('is served by the running contract API (org.hyperledger.fabric:GetMetadata)', async () => {
    // The system contract serialises its answer with class-transformer's classToPlain, which the
    // mis-published class-transformer 0.4.1 lacks: the package pins 0.4.0, and this guards it.
    const ledger = await TestLedger.create();
    const caller = await ledger.identity('UtilityMSP', 'member1', ['member']);

    const response = await ledger.invoke(contracts, 'org.hyperledger.fabric:GetMetadata', [], caller);

    expect(response.message).toBe('');
    expect(response.status).toBe(200);
    const served = JSON.parse(response.payload) as { contracts: Record<string, unknown> };
    expect(Object.keys(served.contracts)).toEqual(expect.arrayContaining(Object.keys(PUBLIC_API)));
  });
});
