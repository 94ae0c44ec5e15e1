/**
 * The REST API's transaction catalogue covers the chaincode exactly: every transaction the
 * contracts serve (their metadata) has a route with the right method, and no route names a
 * transaction the chaincode does not have. Its schemas, fields and transient keys are the
 * declarations' own.
 */
import { contracts } from '../../../../chaincode/src/index';
import { CATALOG, catalogEntry, fieldValues } from '../../../../application/src/web/catalog';
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

test('an input schema is the declaration’s: typed fields with units, required ones, no others', () => {
  const postOffer = catalogEntry('Market', 'PostOffer')!;

  expect(postOffer.input).toMatchObject({ type: 'object', additionalProperties: false });
  expect(postOffer.input.required).toEqual(
    expect.arrayContaining(['offerId', 'marketId', 'side', 'quantityWh', 'price']),
  );
  expect(postOffer.input.properties?.['quantityWh']).toMatchObject({ type: 'integer', 'x-unit': 'Wh' });
  expect(postOffer.input.properties?.['side']).toMatchObject({ enum: ['BUY', 'SELL'] });
  expect(postOffer.fields.find((field) => field.name === 'minFillWh')).toEqual({
    name: 'minFillWh',
    kind: 'integer',
    required: false,
  });
});

test('a query parameter is read as its declared flag: times, lists, integers', () => {
  const kinds = (contract: string, transaction: string) =>
    Object.fromEntries(catalogEntry(contract, transaction)!.fields.map((field) => [field.name, field.kind]));

  expect(kinds('Settlement', 'ListTrades')).toMatchObject({ from: 'time', to: 'time', pageSize: 'integer' });
  expect(kinds('Participant', 'Register')).toMatchObject({ commodities: 'list' });
});

test('list queries are paginated; a transaction with transient data names its keys; results and errors come along', () => {
  expect(catalogEntry('Settlement', 'ListTrades')!.paginated).toBe(true);
  expect(catalogEntry('Settlement', 'GetTrade')!.paginated).toBe(false);
  expect(catalogEntry('Participant', 'Register')!.transient.map((item) => item.key)).toEqual([
    'verification',
  ]);
  expect(catalogEntry('Market', 'GetOffer')!.errors).toHaveProperty('ESTP_NOT_FOUND');
  expect(catalogEntry('Market', 'GetOffer')!.result).not.toBe('');
});

test('Audit:History’s record types come from its declaration', () => {
  expect(fieldValues('Audit', 'History', 'recordType')).toEqual(
    expect.arrayContaining(['Trade', 'Offer', 'Participant']),
  );
  expect(fieldValues('Audit', 'History', 'id')).toBeUndefined();
});
