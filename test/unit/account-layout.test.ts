/**
 * The account key layout (lib/keys.ts `accountDeltaKey`, lib/accounts.ts): an account's deltas
 * `(Account, id, txId, n)` lie in the range of its record `(Account, id)`, so GetAccount is one
 * range read; every reader of deltas (debits' merge, Audit:Totals, Audit:List) takes the record and
 * its deltas apart, across page boundaries too.
 */
import { contracts } from '../../chaincode/src';
import { countRecords } from '../../chaincode/src/audit/totals';
import { type Account, ACCOUNT_NEVER_WRITTEN, emptyAccount } from '../../chaincode/src/lib/accounts';
import { RecordType, accountDeltaKey, recordKey } from '../../chaincode/src/lib/keys';
import { LIST_SCAN_LIMIT, listRecords } from '../../chaincode/src/lib/pagination';
import { conservationTotals } from '../../chaincode/src/settlement/totals';
import { TestLedger } from '../support/fixture';
import {
  account,
  accountDeltas,
  checkInvariants,
  fund,
  isAccountDeltaKey,
  settlement,
  trader,
  tradingWorld,
} from './market-world';

describe('account layout: a record and its deltas in one key range', () => {
  it('GetAccount reads the record and its deltas with one range and no GetState', async () => {
    // Given seller, whose deposit was merged into its record by a withdrawal, then paid again
    // (deltas after the record), and seller2, whose ID extends seller's, paid too
    const world = await tradingWorld();
    const seller = await trader(world, 'CommunityMSP', 'seller', 1000);
    const seller2 = await trader(world, 'CommunityMSP', 'seller2', 70);
    await world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
      accountId: seller.participantId,
      amount: 100,
      reference: 'merge',
    });
    await fund(world, seller.participantId, 5);
    await fund(world, seller.participantId, 7);
    const recordKeyOf = (id: string) => world.ledger.key('Account', id);
    const sellers = [...world.ledger.state().keys()].filter((key) =>
      key.startsWith(recordKeyOf(seller.participantId)),
    );
    // Then seller's range holds its record first, then its two deltas, and nothing of seller2
    expect(sellers).toHaveLength(3);
    expect(sellers[0]).toBe(recordKeyOf(seller.participantId));
    expect(sellers.slice(1).every(isAccountDeltaKey)).toBe(true);
    // When seller reads its account
    const shown = await world.ledger.invoke(contracts, 'Settlement:GetAccount', ['{}'], seller, {
      commit: false,
    });
    // Then it is the record plus both deltas, read in one range (one round trip to the peer)
    expect(JSON.parse(shown.payload)).toMatchObject({
      available: 1000 - 100 + 5 + 7,
      minted: 1012,
      burned: 100,
    });
    expect(shown.record.getStateCalls).toBe(0);
    expect(shown.record.ranges).toHaveLength(1);
    expect(shown.record.ranges[0]).toMatchObject({
      startKey: recordKeyOf(seller.participantId),
      paginated: true,
      keys: sellers,
    });
    // And an account paid but never debited is its deltas alone, never-written
    const other = await world.ledger.evaluate<Account>(settlement, 'GetAccount', seller, {
      participantId: seller2.participantId,
    });
    expect(other).toEqual({
      ...emptyAccount(seller2.participantId, ACCOUNT_NEVER_WRITTEN),
      available: 70,
      minted: 70,
    });
    // And an account with nothing is zero
    const nobody = await world.ledger.evaluate<Account>(settlement, 'GetAccount', seller, {
      participantId: 'CommunityMSP:nobody',
    });
    expect(nobody).toEqual(emptyAccount('CommunityMSP:nobody', ACCOUNT_NEVER_WRITTEN));
    checkInvariants(world);
  });

  it("a debit's merge reads its own range only: it conflicts with a credit to its account, not with one to an account whose ID extends it", async () => {
    // Given seller (one delta beyond its record) and seller2
    const world = await tradingWorld();
    const seller = await trader(world, 'CommunityMSP', 'seller', 1000);
    const seller2 = await trader(world, 'CommunityMSP', 'seller2', 1000);
    await world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
      accountId: seller.participantId,
      amount: 1000,
      reference: 'empty-the-record',
    });
    await fund(world, seller.participantId, 300);
    const withdraw = (reference: string) =>
      world.ledger.endorse(settlement, 'Withdraw', world.treasurer, {
        accountId: seller.participantId,
        amount: 300,
        reference,
      });
    const deposit = (accountId: string, reference: string) =>
      world.ledger.endorse(settlement, 'Deposit', world.treasurer, { accountId, amount: 1, reference });
    // When a withdrawal that needs the delta is endorsed, and a deposit to seller2 commits first
    const merging = await withdraw('w1');
    expect(merging.record.ranges.map((range) => range.startKey)).toEqual([
      world.ledger.key('Account', seller.participantId),
    ]);
    expect(world.ledger.commitEndorsed(await deposit(seller2.participantId, 'd2'))).toBe('VALID');
    // Then the withdrawal still commits, and has merged (deleted) exactly seller's delta
    expect(world.ledger.commitEndorsed(merging)).toBe('VALID');
    expect([...merging.record.writes].filter(([, value]) => value === null).map(([key]) => key)).toEqual([
      expect.stringContaining(`${seller.participantId}\u0000`) as unknown,
    ]);
    // But one endorsed before a deposit to seller itself commits fails as a phantom read
    await fund(world, seller.participantId, 300);
    const again = await withdraw('w2');
    expect(world.ledger.commitEndorsed(await deposit(seller.participantId, 'd3'))).toBe('VALID');
    expect(world.ledger.commitEndorsed(again)).toBe('PHANTOM_READ_CONFLICT');
    expect(account(world, seller.participantId).available).toBe(301);
    checkInvariants(world);
  });
});

describe('ranges over every account: records and deltas interleaved', () => {
  /**
   * A ledger (its peer cutting pages at `pageLimit` entries) holding accounts written directly:
   * `a` a record and two deltas, `b` deltas only, `c` a record only, `d` a record and one delta.
   */
  async function interleaved(pageLimit: number) {
    const ledger = await TestLedger.create({ totalQueryLimit: pageLimit });
    const auditor = await ledger.identity('UtilityMSP', 'auditor1', ['auditor']);
    const id = (name: string) => `CommunityMSP:${name}`;
    const record = (name: string, available: number, escrowed: number): Account => ({
      ...emptyAccount(id(name), 'then'),
      available,
      escrowed,
      minted: available + escrowed,
    });
    await ledger.transact(auditor, async (ctx) => {
      const put = (key: string, value: object) => ctx.stub.putState(key, Buffer.from(JSON.stringify(value)));
      const delta = (name: string, n: number, value: object) =>
        put(accountDeltaKey(ctx, id(name), 'tx', n), { accountId: id(name), ...value });
      await put(recordKey(ctx, RecordType.Account, id('a')), record('a', 10, 5));
      await delta('a', 0, { available: 3, escrowed: -2 });
      await delta('a', 1, { available: 4, minted: 4 });
      await delta('b', 0, { available: 6, minted: 6 });
      await delta('b', 1, { certificatesHeldWh: 9 });
      await put(recordKey(ctx, RecordType.Account, id('c')), record('c', 1, 0));
      await put(recordKey(ctx, RecordType.Account, id('d')), record('d', 0, 8));
      await delta('d', 0, { escrowed: -8, available: 8 });
    });
    return { ledger, auditor };
  }

  it.each([1, 2, 3, 4, 5, 7, 100])(
    'Audit:Totals sums each record and delta once and counts only records as Account (pages of %i)',
    async (pageLimit) => {
      const { ledger, auditor } = await interleaved(pageLimit);
      const { result } = await ledger.transact(
        auditor,
        async (ctx) => ({ conservation: await conservationTotals(ctx), records: await countRecords(ctx) }),
        { commit: false },
      );
      expect(result.records.Account).toBe(3);
      expect(result.conservation.accounts).toBe(4);
      // available: records 10 + 1 + 0, deltas 3 + 4 + 6 + 8; escrowed: 5 + 8 − 2 − 8
      expect(result.conservation.money).toMatchObject({
        available: 32,
        escrowed: 3,
        minted: 10 + 15 + 1 + 8,
      });
      expect(result.conservation.certificates).toMatchObject({ heldWh: 9 });
    },
  );

  it.each([1, 2, 3, 100])(
    'Audit:List Account lists the records only, each once, across page boundaries (pages of %i)',
    async (pageLimit) => {
      const { ledger, auditor } = await interleaved(pageLimit);
      for (const pageSize of [1, 2, 3, 20]) {
        const listed: string[] = [];
        let bookmark = '';
        let pages = 0;
        do {
          const { result } = await ledger.transact(
            auditor,
            (ctx) => listRecords<Account>(ctx, RecordType.Account, pageSize, bookmark),
            { commit: false },
          );
          expect(result.records.length).toBeLessThanOrEqual(pageSize);
          listed.push(...result.records.map((a) => a.id));
          bookmark = result.bookmark;
          pages += 1;
          expect(pages).toBeLessThan(20);
        } while (bookmark !== '');
        expect(listed).toEqual(['CommunityMSP:a', 'CommunityMSP:c', 'CommunityMSP:d']);
      }
    },
  );

  it(`Audit:List reads at most ${LIST_SCAN_LIMIT} entries a page, however many deltas lie between records`, async () => {
    const ledger = await TestLedger.create();
    const auditor = await ledger.identity('UtilityMSP', 'auditor1', ['auditor']);
    const hot = 'CommunityMSP:hot';
    await ledger.transact(auditor, async (ctx) => {
      await ctx.stub.putState(
        recordKey(ctx, RecordType.Account, hot),
        Buffer.from(JSON.stringify(emptyAccount(hot, 'then'))),
      );
      for (let n = 0; n < LIST_SCAN_LIMIT + 500; n += 1) {
        await ctx.stub.putState(
          accountDeltaKey(ctx, hot, 'tx', n),
          Buffer.from(JSON.stringify({ accountId: hot, available: 1 })),
        );
      }
      const last = 'CommunityMSP:zed';
      await ctx.stub.putState(
        recordKey(ctx, RecordType.Account, last),
        Buffer.from(JSON.stringify(emptyAccount(last, 'then'))),
      );
    });
    const page = async (bookmark: string) =>
      (
        await ledger.transact(auditor, (ctx) => listRecords<Account>(ctx, RecordType.Account, 2, bookmark), {
          commit: false,
        })
      ).result;
    const first = await ledger.transact(
      auditor,
      (ctx) => listRecords<Account>(ctx, RecordType.Account, 2, ''),
      { commit: false },
    );
    // The first page stops after LIST_SCAN_LIMIT entries with the hot record only …
    expect(first.result.records.map((a) => a.id)).toEqual([hot]);
    expect(first.ranges.reduce((sum, range) => sum + range.keys.length, 0)).toBe(LIST_SCAN_LIMIT);
    expect(isAccountDeltaKey(first.result.bookmark)).toBe(true);
    // … and the next one resumes there and reaches the last record
    const second = await page(first.result.bookmark);
    expect(second).toEqual({ records: [expect.objectContaining({ id: 'CommunityMSP:zed' })], bookmark: '' });
    expect(accountDeltas(ledger)).toHaveLength(LIST_SCAN_LIMIT + 500);
  });
});
