/**
 * Range reads as the real peer answers them (lib/pagination.ts): every list query answers an empty
 * page with `{ records: [], bookmark: "" }` (fabric-shim returns no paging metadata then), a
 * bookmark outside the query's range is refused, a scan that may have been cut at the peer's
 * totalQueryLimit fails loudly, and a paged scan reads ranges of any size.
 */
import { AuditContract } from '../../chaincode/src/contracts/audit';
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import { DisputeContract } from '../../chaincode/src/contracts/dispute';
import { MarketContract } from '../../chaincode/src/contracts/market';
import { ParticipantContract } from '../../chaincode/src/contracts/participant';
import { SettlementContract } from '../../chaincode/src/contracts/settlement';
import { TOTAL_QUERY_LIMIT, scan, scanPages } from '../../chaincode/src/lib/pagination';
import type { Contract } from 'fabric-contract-api';
import { TestLedger, type TestIdentity } from '../support/fixture';
import { bootstrapConsortium } from '../support/world';

const EMPTY = { records: [], bookmark: '' };

describe('list queries on an empty range', () => {
  let ledger: TestLedger;
  let auditor: TestIdentity;

  beforeAll(async () => {
    ledger = await TestLedger.create();
    await bootstrapConsortium(ledger);
    auditor = await ledger.identity('UtilityMSP', 'auditor', ['auditor', 'admin']);
  });

  const day = Date.UTC(2026, 0, 1);
  const cases: [string, Contract, string, Record<string, unknown>][] = [
    ['Market:ListMarkets (all)', new MarketContract(), 'ListMarkets', {}],
    ['Market:ListMarkets by commodity', new MarketContract(), 'ListMarkets', { commodity: 'HEAT' }],
    [
      'Market:ListMarkets by commodity and zone',
      new MarketContract(),
      'ListMarkets',
      { commodity: 'HEAT', gridZone: 'NOWHERE' },
    ],
    ['Market:ListOffers (all)', new MarketContract(), 'ListOffers', {}],
    ['Market:ListOffers by market', new MarketContract(), 'ListOffers', { marketId: 'M-none' }],
    ['Market:ListOffers by owner', new MarketContract(), 'ListOffers', { owner: 'CommunityMSP:nobody' }],
    ['Settlement:ListTrades (all)', new SettlementContract(), 'ListTrades', {}],
    ['Settlement:ListTrades by market', new SettlementContract(), 'ListTrades', { marketId: 'M-none' }],
    [
      'Settlement:ListTrades by participant',
      new SettlementContract(),
      'ListTrades',
      { participantId: 'CommunityMSP:nobody' },
    ],
    [
      'Settlement:ListTrades by a period of empty days',
      new SettlementContract(),
      'ListTrades',
      { from: day, to: day + 3 * 86_400_000 },
    ],
    ['Dispute:List (all)', new DisputeContract(), 'List', {}],
    ['Dispute:List by party', new DisputeContract(), 'List', { participantId: 'CommunityMSP:nobody' }],
    ['Participant:List (all)', new ParticipantContract(), 'List', {}],
    ['Participant:List by org', new ParticipantContract(), 'List', { mspId: 'CommunityMSP' }],
    ['Participant:List by status', new ParticipantContract(), 'List', { status: 'SUSPENDED' }],
    [
      'Participant:List by org and status',
      new ParticipantContract(),
      'List',
      { mspId: 'UtilityMSP', status: 'REVOKED' },
    ],
    ['Audit:List of a type without records', new AuditContract(), 'List', { recordType: 'Dispute' }],
  ];

  test.each(cases)('%s answers { records: [], bookmark: "" }', async (_name, contract, fn, input) => {
    await expect(ledger.evaluate(contract, fn, auditor, input)).resolves.toEqual(EMPTY);
  });

  it('Consortium:ListOrganisations answers an empty page past its last organisation', async () => {
    // Given the three founding organisations, read to the end with a bookmark past the last one
    const past = ledger.key('Organisation', 'ZZZ');
    await expect(
      ledger.evaluate(new ConsortiumContract(), 'ListOrganisations', auditor, { bookmark: past }),
    ).resolves.toEqual(EMPTY);
  });

  it('refuses a bookmark of another range instead of reading other records from it', async () => {
    const elsewhere = ledger.key('Organisation', 'UtilityMSP');
    await expect(
      ledger.evaluate(new MarketContract(), 'ListOffers', auditor, {
        owner: 'CommunityMSP:x',
        bookmark: elsewhere,
      }),
    ).rejects.toThrow('ESTP_INVALID_INPUT: bookmark is not a bookmark of this query');
  });
});

describe('range reads at the peer totalQueryLimit', () => {
  let ledger: TestLedger;
  let caller: TestIdentity;

  async function seed(count: number): Promise<void> {
    await ledger.transact(caller, async (ctx) => {
      for (let i = 0; i < count; i += 1) {
        await ctx.stub.putState(
          ctx.stub.createCompositeKey('Big', [i.toString().padStart(6, '0')]),
          Buffer.from('1'),
        );
      }
    });
  }

  async function countWith(read: typeof scan, commit = false): Promise<number> {
    const { result } = await ledger.transact(
      caller,
      async (ctx) => {
        const keys: string[] = [];
        for await (const entry of read(ctx, 'Big', [])) keys.push(entry.key);
        return keys.length;
      },
      { commit },
    );
    return result;
  }

  beforeAll(async () => {
    ledger = await TestLedger.create();
    caller = await ledger.identity('UtilityMSP', 'auditor', ['auditor']);
    await seed(TOTAL_QUERY_LIMIT - 1);
  });

  it('a scan of fewer entries than the limit reads them all', async () => {
    await expect(countWith(scan)).resolves.toBe(TOTAL_QUERY_LIMIT - 1);
  });

  it('a scan that reaches the limit fails loudly instead of trusting a cut result', async () => {
    // Given one more entry: the peer would now return exactly the limit, perhaps of more
    await seed(TOTAL_QUERY_LIMIT);
    await expect(countWith(scan)).rejects.toThrow(
      `ESTP_LIMIT_EXCEEDED: the range Big reached the peer's totalQueryLimit of ${TOTAL_QUERY_LIMIT} entries`,
    );
  });

  it('a paged scan reads a range beyond the limit exactly', async () => {
    await seed(TOTAL_QUERY_LIMIT + 5);
    await expect(countWith(scanPages)).resolves.toBe(TOTAL_QUERY_LIMIT + 5);
  });
});
