/**
 * Every list query answers an empty page on the real network: `{ records: [], bookmark: "" }`.
 * The peer returns no paging metadata for a page without records (fabric-shim then leaves
 * `metadata` out), which used to crash every one of them with "Cannot read properties of undefined
 * (reading 'bookmark')" (lib/pagination.ts; the unit stub now does what the shim does).
 *
 * The filters name things that exist nowhere (run-unique IDs, a period in 1971), so the pages are
 * empty on a ledger of any age; the lists that can never be empty there (organisations, all records
 * of a type) are read past their last entry.
 */
import { AUDITOR, Clients, newRunTag } from './support/estp';

const RUN = newRunTag();
const clients = new Clients();
afterAll(() => {
  clients.closeAll();
});

const EMPTY = { records: [], bookmark: '' };
const NOBODY = `CommunityMSP:${RUN}-nobody`;
const DAY = 86_400_000;
/** After any key of the type: `z` sorts after every MSP and record ID's first character. */
const pastTheEnd = (type: string) => `\u0000${type}\u0000zzzz\u0000`;

const queries: [string, string, Record<string, unknown>][] = [
  ['Market', 'ListMarkets', { commodity: 'HEAT', gridZone: `${RUN}-nowhere` }],
  ['Market', 'ListOffers', { marketId: `${RUN}-none` }],
  ['Market', 'ListOffers', { owner: NOBODY }],
  ['Settlement', 'ListTrades', { marketId: `${RUN}-none` }],
  ['Settlement', 'ListTrades', { participantId: NOBODY }],
  ['Settlement', 'ListTrades', { from: 365 * DAY, to: 368 * DAY }],
  ['Dispute', 'List', { participantId: NOBODY }],
  ['Participant', 'List', { mspId: `NoSuch${RUN}MSP` }],
  ['Participant', 'List', { mspId: `NoSuch${RUN}MSP`, status: 'ACTIVE' }],
  ['Consortium', 'ListOrganisations', { bookmark: pastTheEnd('Organisation') }],
  ['Audit', 'List', { recordType: 'Trade', bookmark: pastTheEnd('Trade') }],
];

describe('empty pages on the real network', () => {
  test.each(queries)('%s:%s %j answers an empty last page', async (contract, transaction, input) => {
    const auditor = await clients.of(AUDITOR);
    const page = JSON.parse(await auditor.evaluateText(contract, transaction, input)) as unknown;
    expect(page).toEqual(EMPTY);
  });
});
