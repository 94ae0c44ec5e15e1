/**
 * The REST API's transaction catalogue covers the chaincode exactly: every transaction the
 * contracts declare (their metadata) has a route with the right method, and no route names a
 * transaction the chaincode does not have. Its input schemas follow the declared fields.
 */
import { contracts } from '../../../../chaincode/src/index';
import { CATALOG, catalogEntry } from '../../../../application/src/web/catalog';
import { methodOf } from '../../../../application/src/web/transactions';
import { chaincodeOf } from '../../../support/fixture';

const metadata = chaincodeOf(contracts).metadata as unknown as {
  contracts: Record<string, { transactions: { name: string; tag?: string[] }[] }>;
};

const chaincodeTransactions = Object.entries(metadata.contracts)
  .filter(([contract]) => !contract.startsWith('org.hyperledger'))
  .flatMap(([contract, { transactions }]) =>
    transactions.map((tx) => ({
      name: `${contract}:${tx.name}`,
      kind: tx.tag?.includes('submitTx') ? 'submit' : 'evaluate',
    })),
  )
  .sort((a, b) => (a.name < b.name ? -1 : 1));

test('every chaincode transaction is in the catalogue with its kind, and nothing else is', () => {
  const catalogue = CATALOG.map((entry) => ({
    name: `${entry.contract}:${entry.transaction}`,
    kind: entry.kind,
  })).sort((a, b) => (a.name < b.name ? -1 : 1));

  expect(catalogue).toEqual(chaincodeTransactions);
});

test('queries are GET, submissions POST', () => {
  expect(methodOf(catalogEntry('Market', 'ListMarkets')!)).toBe('GET');
  expect(methodOf(catalogEntry('Market', 'PostOffer')!)).toBe('POST');
});

test('an input schema lists the declared fields, their types and which are required', () => {
  const postOffer = catalogEntry('Market', 'PostOffer')!;

  expect(postOffer.input.required).toEqual(['offerId', 'marketId', 'side', 'quantityWh', 'price']);
  expect(postOffer.input.properties['quantityWh']).toMatchObject({
    type: 'integer',
    description: 'quantity in Wh',
  });
  expect(postOffer.input.properties['minFillWh']).toMatchObject({ type: 'integer' });
});

test('ledger times take ms or ISO-8601 text, lists are arrays of strings', () => {
  expect(catalogEntry('Market', 'OpenMarket')!.input.properties['gateClosure']?.oneOf).toEqual([
    expect.objectContaining({ type: 'integer' }),
    expect.objectContaining({ type: 'string', format: 'date-time' }),
  ]);
  expect(catalogEntry('Participant', 'Register')!.input.properties['commodities']).toMatchObject({
    type: 'array',
    items: { type: 'string' },
  });
});

test('list queries are paginated and a transaction with transient data names its keys', () => {
  expect(catalogEntry('Settlement', 'ListTrades')!.paginated).toBe(true);
  expect(catalogEntry('Settlement', 'GetTrade')!.paginated).toBe(false);
  expect(catalogEntry('Participant', 'Register')!.transient.map((item) => item.key)).toEqual([
    'verification',
  ]);
});
