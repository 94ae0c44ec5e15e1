/**
 * The auditor's ledger report, read through the real contracts on the in-memory ledger: a trading
 * sequence with a full delivery, a shortfall penalty, a dispute ruling, certificates, a withdrawal
 * and an offer still open; then the period filters, the sums, the reconciliation with
 * Audit:Totals, and what a tampered account or a missing operation record does to it.
 */
import type { Contract } from 'fabric-contract-api';
import { AuditContract } from '../../../../chaincode/src/contracts/audit';
import type { AcceptResult } from '../../../../chaincode/src/market/offers';
import type { Account } from '../../../../chaincode/src/lib/accounts';
import type { Trade } from '../../../../chaincode/src/settlement/model';
import {
  type LedgerReader,
  type LedgerSnapshot,
  buildLedgerReport,
  ledgerReportCsv,
  readLedger,
} from '../../../../application/src/audit';
import type { Page } from '../../../../chaincode/src/lib/pagination';
import { pagesOf } from '../../../../application/src/gateway/transactions';
import type { TestIdentity } from '../../../support/fixture';
import { LEDGER_CSV_HEADER, LEDGER_RECORD_KINDS } from '../../../support/ledger-csv';
import {
  HASH,
  type TradingWorld,
  disputes,
  markets,
  openMarket,
  post,
  settlement,
  trader,
  tradingWorld,
} from '../../market-world';

const audit = new AuditContract();
const CONTRACTS: Record<string, Contract> = { Audit: audit, Settlement: settlement, Market: markets };

/**
 * A reader that answers `evaluate` with `answer` and pages through it as the client does (the
 * typed client's signatures are generic over every transaction: a fake states what it returns).
 */
function fakeReader(
  answer: (contract: string, transaction: string, input: object) => Promise<unknown>,
): LedgerReader {
  const evaluate = (contract: string, transaction: string, input: object = {}) =>
    answer(contract, transaction, input);
  const pages = (contract: string, transaction: string, input: object = {}) =>
    pagesOf(
      (bookmark) =>
        answer(contract, transaction, bookmark === undefined ? input : { ...input, bookmark }) as Promise<
          Page<unknown>
        >,
    );
  return { evaluate, pages } as unknown as LedgerReader;
}

/** The report's reader over the in-memory ledger, as `auditor` (evaluate only, as through the gateway). */
function readerOf(world: TradingWorld, auditor: TestIdentity): LedgerReader {
  return fakeReader((contract, transaction, input) =>
    world.ledger.evaluate(CONTRACTS[contract]!, transaction, auditor, input),
  );
}

interface Scenario {
  world: TradingWorld;
  auditor: TestIdentity;
  alice: TestIdentity;
  bob: TestIdentity;
  /** Ledger time when the trading started and when it ended. */
  start: number;
  end: number;
  trades: Trade[];
}

async function tradingDay(): Promise<Scenario> {
  const world = await tradingWorld();
  const auditor = await world.ledger.identity('UtilityMSP', 'auditor', ['auditor']);
  const alice = await trader(world, 'CommunityMSP', 'alice', 1_000_000, { meterIds: ['MTR-A'] });
  const bob = await trader(world, 'EnterpriseMSP', 'bob', 1_000_000, { meterIds: ['MTR-B'] });
  const start = world.ledger.now();
  const market = await openMarket(world, 'M1');
  const trades: Trade[] = [];
  for (const [n, quantityWh] of [10_000, 10_000, 8_000].entries()) {
    const sell = await post(world, bob, {
      offerId: `s${n}`,
      marketId: 'M1',
      side: 'SELL',
      quantityWh,
      price: 100,
    });
    const tx = await world.ledger.submit<AcceptResult>(markets, 'AcceptOffer', alice, {
      id: sell.id,
      quantityWh,
    });
    trades.push(tx.result.trade);
  }
  // an offer still open at the end: its escrow stays locked
  await post(world, alice, {
    offerId: 'open-bid',
    marketId: 'M1',
    side: 'BUY',
    quantityWh: 2_000,
    price: 50,
  });
  const [full, short, disputed] = trades as [Trade, Trade, Trade];

  world.ledger.setTime(market.deliveryEndMs);
  for (const [trade, deliveredWh] of [
    [full, 10_000],
    [short, 5_000],
    [disputed, 8_000],
  ] as const) {
    await world.ledger.submit(settlement, 'ReportDelivery', world.meter, {
      tradeId: trade.id,
      deliveredWh,
      meterId: 'MTR-B',
      readingHash: HASH,
    });
  }
  // the buyer disputes the reported delivery; a neutral arbiter rules
  await world.ledger.submit(disputes, 'Open', alice, {
    tradeId: disputed.id,
    claim: 'meter fault',
    evidenceHash: HASH,
  });
  await world.ledger.submit(disputes, 'Rule', world.arbiters.UtilityMSP, {
    tradeId: disputed.id,
    deliveredWh: 4_000,
    penalty: 30,
    reason: 'logs',
  });
  world.ledger.setTime(market.settleAfterMs);
  for (const trade of trades) await world.ledger.submit(settlement, 'Settle', alice, { tradeId: trade.id });

  await world.ledger.submit(settlement, 'RegisterSavingsProject', alice, {
    projectId: 'P1',
    title: 'Heat pumps',
    method: 'IPMVP Option C',
    baselineWh: 100_000,
    gridZone: 'ZONE-A',
    evidenceHash: HASH,
  });
  await world.ledger.submit(settlement, 'IssueCertificates', world.verifier, {
    projectId: 'P1',
    batchId: 'B1',
    quantityWh: 7_000,
    evidenceHash: HASH,
    periodStart: 0,
    periodEnd: 1000,
  });
  await world.ledger.submit(settlement, 'RetireCertificates', alice, {
    retirementId: 'R1',
    quantityWh: 2_500,
  });
  await world.ledger.submit(settlement, 'Withdraw', world.treasurer, {
    accountId: bob.participantId,
    amount: 1_234,
    reference: 'payout-1',
  });
  return { world, auditor, alice, bob, start, end: world.ledger.now(), trades };
}

describe('the ledger report', () => {
  let s: Scenario;
  let snapshot: LedgerSnapshot;
  beforeAll(async () => {
    s = await tradingDay();
    snapshot = await readLedger(readerOf(s.world, s.auditor), { pageSize: 2 });
  });

  test('reads every record page by page, twice-checked against the totals', () => {
    expect(snapshot).toMatchObject({ consistent: true, attempts: 1 });
    expect(snapshot.trades).toHaveLength(3);
    expect(snapshot.treasury).toHaveLength(3); // two deposits, one withdrawal
    expect(snapshot.offers).toHaveLength(4);
    expect(snapshot.disputes).toHaveLength(1);
  });

  test('over the whole ledger the sums equal Audit:Totals and every reconciliation holds', () => {
    const report = buildLedgerReport(snapshot);

    expect(report.reconciliation.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.sums.treasury).toEqual({
      deposits: report.totals.money.minted,
      withdrawals: report.totals.money.burned,
      net: Number(report.totals.money.minted) - Number(report.totals.money.burned),
    });
    expect(report.sums.certificates).toEqual({
      issuedWh: report.totals.certificates.issuedWh,
      retiredWh: report.totals.certificates.retiredWh,
    });
    expect(report.totals.money).toMatchObject({ minted: 2_000_000, burned: 1_234, escrowed: 100 }); // the open bid
    expect(report.sums.trades).toEqual({ count: 3, quantityWh: 28_000, value: 2_800, collateral: 280 });
  });

  test('settlements, the shortfall penalty and the ruled dispute are itemised', () => {
    const report = buildLedgerReport(snapshot);
    const [full, short, disputed] = s.trades as [Trade, Trade, Trade];

    // settled in this order; the shortfall of 5 000 Wh beyond the 200 Wh tolerance is worth
    // value(4 800, 100) = 480, capped by the trade's collateral of 100
    expect(
      report.settlements.map((row) => [row.tradeId, row.basis, row.deliveredWh, row.paid, row.penalty]),
    ).toEqual([
      [full.id, 'DELIVERED', 10_000, 1_000, 0],
      [short.id, 'DELIVERED', 5_000, 500, 100],
      [disputed.id, 'RULED', 4_000, 400, 30],
    ]);
    expect(report.penalties.map((row) => [row.tradeId, row.seller, row.buyer, row.penalty])).toEqual(
      expect.arrayContaining([
        [short.id, s.bob.participantId, s.alice.participantId, 100],
        [disputed.id, s.bob.participantId, s.alice.participantId, 30],
      ]),
    );
    expect(report.disputes).toEqual([
      expect.objectContaining({
        tradeId: disputed.id,
        status: 'RULED',
        ruledDeliveredWh: 4_000,
        ruledPenalty: 30,
        arbiterOrgs: ['UtilityMSP'],
      }),
    ]);
    expect(report.sums.settlements.paid + report.sums.settlements.buyerRefund).toBe(report.sums.trades.value);
  });

  test('a period keeps only what happened in it', () => {
    // Given a period that ends before the settlements (the dispute window had not passed)
    const settledAt = Date.parse(
      s.trades.map((t) => s.world.ledger.readRecord<Trade>('Trade', t.id)!.settlement!.settledAt).sort()[0]!,
    );
    const report = buildLedgerReport(snapshot, { from: s.start, to: settledAt });

    expect(report.trades).toHaveLength(3);
    expect(report.settlements).toEqual([]);
    expect(report.certificates.issued).toEqual([]);
    expect(report.treasury).toEqual([]); // the deposits came before the start, the withdrawal after
    expect(report.period).toEqual({
      from: new Date(s.start).toISOString(),
      to: new Date(settledAt).toISOString(),
    });
    // the reconciliation is over the whole ledger, whatever the period
    expect(report.reconciliation.ok).toBe(true);
  });

  test('an account edited behind the operations’ back is a mismatch', async () => {
    // Given alice's account credited by a write that no Deposit recorded
    await s.world.ledger.transact(s.alice, async (ctx) => {
      const key = ctx.stub.createCompositeKey('Account', [s.alice.participantId]);
      const account = JSON.parse(Buffer.from(await ctx.stub.getState(key)).toString()) as Account;
      account.available += 1;
      account.minted += 1;
      await ctx.stub.putState(key, Buffer.from(JSON.stringify(account)));
    });
    // When the report is read again
    const report = buildLedgerReport(await readLedger(readerOf(s.world, s.auditor)));
    // Then the minted credits do not follow from the operations, nor from the account's mint lanes
    // (Audit:Totals itself no longer balances: minted ≠ Σ lanes)
    expect(report.totals.money.balanced).toBe(false);
    expect(report.reconciliation.checks.filter((check) => !check.ok).map((check) => check.name)).toEqual([
      'money.minted',
      'money.available',
    ]);
    expect(report.ok).toBe(false);
  });

  test('as one CSV table: a record column, then sums, totals and checks', () => {
    const csv = ledgerReportCsv(buildLedgerReport(snapshot));
    const lines = csv.trimEnd().split('\r\n');

    expect(lines[0]).toBe(LEDGER_CSV_HEADER);
    const kinds = new Set(lines.slice(1).map((line) => line.split(',')[0]));
    expect([...kinds]).toEqual(LEDGER_RECORD_KINDS);
    expect(lines).toContain(
      `check,money.minted,${snapshot.totals.asOf},,,,,,,2000000,,,,,,ok,totals 2000000: Σ Deposit operations = minted`,
    );
  });
});

test('a ledger that keeps changing while read is read again, and flagged when it never settles', async () => {
  let totalsCalls = 0;
  const totals = (minted: number) => ({
    asOf: '2026-01-01T00:00:00.000Z',
    conservation: {
      accounts: 1,
      money: { minted, burned: 0, available: minted, escrowed: 0, balanced: true },
      certificates: { issuedWh: 0, retiredWh: 0, heldWh: 0, escrowedWh: 0, balanced: true },
    },
  });
  const changing = fakeReader((_contract, transaction) =>
    Promise.resolve(transaction === 'Totals' ? totals(++totalsCalls) : { records: [], bookmark: '' }),
  );

  const snapshot = await readLedger(changing, { attempts: 2 });

  expect(totalsCalls).toBe(4);
  expect(snapshot).toMatchObject({ consistent: false, attempts: 2 });
  expect(buildLedgerReport(snapshot).ok).toBe(false);
});
