/**
 * The auditor's read-only commands on the real network after a trading sequence this test runs:
 * record history with who signed each version, trades by participant, market and period, and
 * the ledger report, whose sums must agree with Audit:Totals over the whole ledger — whatever
 * else (the demo, earlier runs) traded on it. An auditor's attempts to write are refused by the
 * chaincode.
 */
import { EndorseError } from '@hyperledger/fabric-gateway';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LedgerReport } from '../../application/src/audit';
import { sharedGrpcClients } from '../../application/src/gateway/grpc';
import { LEDGER_CSV_HEADER, LEDGER_RECORD_KINDS } from '../support/ledger-csv';
import { estp } from './support/cli';
import { type GatewayConnection, connect, errorDetails } from './support/network';
import { type TradeView, type TradingDay, tradingDay } from './support/trading';

const asAuditor = ['--org', 'utility', '--user', 'auditor'];
let day: TradingDay;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  day = await tradingDay((line) => {
    process.stderr.write(`trading day: ${line}\n`);
  });
}, 180_000);
afterAll(() => {
  sharedGrpcClients.closeAll();
});

async function json<T>(...argv: string[]): Promise<T> {
  const { code, out, err } = await estp(...argv, '--json', ...asAuditor);
  if (code !== 0) throw new Error(`estp ${argv.join(' ')} exited ${code}: ${err}`);
  return JSON.parse(out) as T;
}

describe('estp audit history', () => {
  interface History {
    versions: {
      txId: string;
      timestamp: string;
      value: { status: string };
      origin: {
        blockNumber: number;
        function: string;
        creator: string;
        signatureValid: boolean;
        validationCode: string;
        timestamp: string;
      };
    }[];
  }

  test('every version of a trade: when, which transaction and block, and who signed it', async () => {
    const { full } = day.trades;
    const history = await json<History>('audit', 'history', 'Trade', full.id);

    // newest first: settled by the treasurer, reported by the meter, matched by the clearing
    expect(history.versions.map((v) => [v.value.status, v.origin.function, v.origin.creator])).toEqual([
      ['SETTLED', 'Settlement:Settle', 'UtilityMSP:treasurer'],
      ['DELIVERED', 'Settlement:ReportDelivery', 'UtilityMSP:meter'],
      ['MATCHED', 'Market:ClearMarket', day.members.buyerA.participantId],
    ]);
    for (const version of history.versions) {
      expect(version.origin).toMatchObject({
        signatureValid: true,
        validationCode: 'VALID',
        timestamp: version.timestamp,
      });
    }
    const blocks = history.versions.map((v) => v.origin.blockNumber);
    expect([...blocks].sort((a, b) => b - a)).toEqual(blocks);
  });

  test('as a table, and an unknown record has no versions', async () => {
    const table = await estp(
      'audit',
      'history',
      'Participant',
      day.members.seller.participantId,
      ...asAuditor,
    );
    expect(table.code).toBe(0);
    expect(table.out).toContain('Participant:Approve');
    expect(table.out).toContain('EnterpriseMSP:admin');
    expect(table.out).toContain(day.members.seller.participantId);
    const none = await json<History>('audit', 'history', 'Trade', `none-${day.run}`);
    expect(none.versions).toEqual([]);
  });
});

describe('estp audit trades', () => {
  const ids = (records: TradeView[]) => records.map((trade) => trade.id).sort();

  test('of a participant, as buyer or seller', async () => {
    const { full, disputed } = day.trades;
    const result = await json<{ records: TradeView[] }>(
      'audit',
      'trades',
      '--participant',
      day.members.buyerA.participantId,
    );
    expect(ids(result.records)).toEqual([full.id, disputed.id].sort());
  });

  test('of a market', async () => {
    const { full, short, disputed } = day.trades;
    const result = await json<{ count: number; records: TradeView[] }>(
      'audit',
      'trades',
      '--market',
      day.marketId,
    );
    expect(result.count).toBe(3);
    expect(ids(result.records)).toEqual([full.id, short.id, disputed.id].sort());
  });

  test('created in a period (the index by day), oldest first', async () => {
    const { full, short, disputed } = day.trades;
    const result = await json<{ records: TradeView[] }>(
      'audit',
      'trades',
      '--from',
      iso(day.startedAt),
      '--to',
      iso(day.endedAt),
    );
    const mine = result.records.filter((trade) => trade.marketId === day.marketId);
    expect(ids(mine)).toEqual([full.id, short.id, disputed.id].sort());
    const times = result.records.map((trade) => trade.createdAt);
    expect([...times].sort()).toEqual(times);
    // a period that ends before this run's trades has none of them
    const before = await json<{ records: TradeView[] }>(
      'audit',
      'trades',
      '--from',
      iso(day.startedAt - 60_000),
      '--to',
      iso(day.startedAt),
    );
    expect(before.records.filter((trade) => trade.marketId === day.marketId)).toEqual([]);
  });

  test('as CSV', async () => {
    const { code, out } = await estp(
      'audit',
      'trades',
      '--market',
      day.marketId,
      '--format',
      'csv',
      ...asAuditor,
    );
    expect(code).toBe(0);
    const lines = out.split('\r\n');
    expect(lines[0]).toBe(
      'id,createdAt,marketId,commodity,origin,buyer,seller,quantityWh,price,value,collateral,status,createdTxId',
    );
    expect(lines).toHaveLength(4);
  });
});

describe('estp audit report', () => {
  test('over the whole ledger its sums agree with Audit:Totals, and every reconciliation holds', async () => {
    // When the auditor reports over the whole ledger (this run's trading and whatever came before)
    const report = await json<LedgerReport>('audit', 'report', '--format', 'json');
    const totals = await json<{ conservation: LedgerReport['totals'] }>('audit', 'totals');

    // Then the reconciliation with the totals holds, check by check
    expect(report.reconciliation.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report).toMatchObject({ ok: true, consistent: true });
    // and the report's sums are the ledger's totals
    expect(report.sums.treasury.deposits).toBe(totals.conservation.money.minted);
    expect(report.sums.treasury.withdrawals).toBe(totals.conservation.money.burned);
    expect(report.sums.certificates.issuedWh).toBe(totals.conservation.certificates.issuedWh);
    expect(report.sums.certificates.retiredWh).toBe(totals.conservation.certificates.retiredWh);
    expect(totals.conservation.money.balanced && totals.conservation.certificates.balanced).toBe(true);
  });

  test('of this run’s period: its trades, settlements, penalties, dispute, certificates and treasury', async () => {
    const report = await json<LedgerReport>(
      'audit',
      'report',
      '--from',
      iso(day.startedAt),
      '--to',
      iso(day.endedAt),
      '--format',
      'json',
    );
    const { full, short, disputed } = day.trades;
    const mine = <T extends { marketId: string }>(rows: T[]) =>
      rows.filter((row) => row.marketId === day.marketId);

    expect(
      mine(report.trades)
        .map((t) => t.id)
        .sort(),
    ).toEqual([full.id, short.id, disputed.id].sort());
    expect(mine(report.settlements).map((s) => [s.tradeId, s.basis, s.penalty])).toEqual([
      [full.id, 'DELIVERED', 0],
      [short.id, 'DELIVERED', short.settlement?.penalty],
      [disputed.id, 'RULED', 20],
    ]);
    expect(short.settlement?.penalty).toBeGreaterThan(0);
    expect(mine(report.penalties).map((p) => p.tradeId)).toEqual([short.id, disputed.id]);
    expect(mine(report.disputes)).toEqual([
      expect.objectContaining({
        tradeId: disputed.id,
        status: 'RULED',
        ruledDeliveredWh: 1_500,
        ruledPenalty: 20,
      }),
    ]);
    const participants = Object.values(day.members).map((m) => m.participantId);
    const treasury = report.treasury.filter((op) => participants.includes(op.accountId));
    expect(treasury.filter((op) => op.kind === 'DEPOSIT').reduce((sum, op) => sum + op.amount, 0)).toBe(
      day.deposited,
    );
    expect(treasury.filter((op) => op.kind === 'WITHDRAWAL').map((op) => op.amount)).toEqual([day.withdrawn]);
    expect(
      report.certificates.issued
        .filter((c) => c.projectId === day.certificates.projectId)
        .map((c) => c.quantityWh),
    ).toEqual([day.certificates.issuedWh]);
    expect(report.sums.trades.count).toBeGreaterThanOrEqual(3);
    expect(report.reconciliation.ok).toBe(true);
  });

  test('as CSV into a file: one table, with the sums, totals and passing checks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'estp-report-'));
    try {
      const file = path.join(dir, 'report.csv');
      const { code, out, err } = await estp(
        'audit',
        'report',
        '--from',
        iso(day.startedAt),
        '--format',
        'csv',
        '--out',
        file,
        ...asAuditor,
      );
      expect(code).toBe(0);
      expect(out).toBe('');
      expect(err).toContain('reconciliation with Audit:Totals');
      const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
      expect(lines[0]).toBe(LEDGER_CSV_HEADER);
      const kinds = new Set(lines.slice(1).map((line) => line.split(',')[0]));
      for (const kind of LEDGER_RECORD_KINDS) expect(kinds).toContain(kind);
      const checks = lines.filter((line) => line.startsWith('check,'));
      expect(checks.length).toBeGreaterThan(5);
      expect(checks.every((line) => line.includes(',ok,'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an auditor cannot write', () => {
  let auditor: GatewayConnection;
  beforeAll(() => {
    auditor = connect('utility', 'auditor');
  });
  afterAll(() => {
    auditor.close();
  });

  /** Valid inputs (so only the caller's role can be wrong), built once the trading day ran. */
  const writes: [string, string, () => object][] = [
    [
      'Market',
      'OpenMarket',
      () => ({
        marketId: `M-auditor-${day.run}`,
        commodity: 'ELECTRICITY',
        gridZone: 'Z',
        gateClosure: Date.now() + 3_600_000,
        deliveryStart: Date.now() + 3_600_000,
        deliveryEnd: Date.now() + 7_200_000,
      }),
    ],
    ['Market', 'ClearMarket', () => ({ marketId: day.marketId })],
    [
      'Settlement',
      'Deposit',
      () => ({ accountId: day.members.seller.participantId, amount: 1, reference: `r-${day.run}` }),
    ],
    ['Settlement', 'Settle', () => ({ tradeId: day.trades.full.id })],
    ['Dispute', 'Open', () => ({ tradeId: day.trades.full.id, claim: 'x', evidenceHash: 'a'.repeat(64) })],
    [
      'Consortium',
      'ProposeOrganisation',
      () => ({ mspId: 'AuditorMSP', displayName: 'x', capabilities: ['admin', 'member'] }),
    ],
  ];

  test.each(writes)(
    '%s:%s is refused by the chaincode for the auditor role',
    async (contract, transaction, input) => {
      const attempt = auditor
        .contract(contract)
        .submit(transaction, { arguments: [JSON.stringify(input())] });
      const details = await attempt.then(
        () => 'committed',
        (error: unknown) => (error instanceof EndorseError ? errorDetails(error).join(' ') : String(error)),
      );
      expect(details).toMatch(/ESTP_FORBIDDEN: requires estp\.role [a-z ]+; UtilityMSP:auditor has auditor/);
    },
  );

  test('registering as a participant is refused: auditors are read-only', async () => {
    const attempt = auditor.contract('Participant').submit('Register', {
      arguments: [
        JSON.stringify({
          displayName: 'Auditor',
          kind: 'CONSUMER',
          commodities: ['ELECTRICITY'],
          gridZone: 'Z',
        }),
      ],
      transientData: { verification: Buffer.from('auditor id') },
      endorsingOrganizations: ['UtilityMSP', 'EnterpriseMSP'],
    });
    const details = await attempt.then(
      () => 'committed',
      (error: unknown) => errorDetails(error).join(' '),
    );
    expect(details).toContain(
      'ESTP_FORBIDDEN: requires estp.role admin or member or meter or treasurer or verifier or arbiter; UtilityMSP:auditor has auditor',
    );
  });

  test('through the CLI the refusal exits 1 with the chaincode’s code', async () => {
    const { code, err } = await estp(
      'settlement',
      'deposit',
      '--account-id',
      'UtilityMSP:auditor',
      '--amount',
      '1',
      '--reference',
      `r-${day.run}`,
      ...asAuditor,
    );
    expect(code).toBe(1);
    expect(err).toContain('ESTP_FORBIDDEN: requires estp.role treasurer');
  });
});
