/**
 * The auditor's ledger report (`estp audit report`): the trades, settlements, disputes, penalties,
 * certificate issues and retirements and treasury operations of a period, their sums, the
 * conservation totals the chaincode computes (Audit:Totals), and a reconciliation of those totals
 * with the records themselves over the whole ledger:
 *
 * - minted = Σ Deposits, burned = Σ Withdrawals (TreasuryOperation records);
 * - escrowed = Σ what OPEN offers lock + Σ what unsettled trades hold (buyer value, seller collateral);
 * - available = minted − burned − escrowed;
 * - certificates issued = Σ CertificateBatch, retired = Σ CertificateRetirement,
 *   escrowed = Σ what certificate SELL offers lock, held = issued − retired − escrowed;
 * - every settled trade splits exactly: paid + buyer refund = value, penalty + released = collateral.
 *
 * The totals come from the accounts, the reconciliation from the operations and trades, so a
 * mismatch means the accounts do not follow from the recorded operations. Everything is read with
 * evaluate (queries only). The ledger may change while a report is read; the totals are read
 * before and after the records and the read is repeated until they agree (`consistent`).
 */
import type {
  CertificateBatch,
  CertificateRetirement,
  Dispute,
  Offer,
  TotalsResult,
  Trade,
  TradeSettlement,
  TreasuryOperation,
} from '@estp/chaincode';
import { toCsv } from './report';

/** What the report reads through: an `EstpClient` (evaluate only). */
export interface LedgerReader {
  evaluate<T = unknown>(contract: string, transaction: string, input?: object): Promise<T>;
}

/** The record types the report reads with Audit:List. */
export const REPORT_RECORD_TYPES = [
  'TreasuryOperation',
  'Trade',
  'Offer',
  'Dispute',
  'CertificateBatch',
  'CertificateRetirement',
] as const;
export type ReportRecordType = (typeof REPORT_RECORD_TYPES)[number];

/** The fields of the chaincode's records the report uses, typed by the chaincode's own records. */
export type TreasuryOperationRecord = Pick<
  TreasuryOperation,
  'id' | 'kind' | 'accountId' | 'amount' | 'reference' | 'treasurer' | 'at'
>;
export type TradeRecord = Pick<
  Trade,
  | 'id'
  | 'marketId'
  | 'commodity'
  | 'origin'
  | 'buyer'
  | 'seller'
  | 'quantityWh'
  | 'price'
  | 'value'
  | 'collateral'
  | 'status'
  | 'createdAt'
  | 'createdTxId'
> & {
  settlement?: Pick<
    TradeSettlement,
    'deliveredWh' | 'paid' | 'buyerRefund' | 'penalty' | 'collateralReleased' | 'basis' | 'settledAt'
  >;
};
export type OfferRecord = Pick<Offer, 'id' | 'status' | 'moneyLocked' | 'certificatesLockedWh'>;
export type DisputeRecord = Pick<
  Dispute,
  'id' | 'tradeId' | 'marketId' | 'openedBy' | 'buyer' | 'seller' | 'claim' | 'status' | 'openedAt'
> & {
  ruling?: Pick<NonNullable<Dispute['ruling']>, 'deliveredWh' | 'penalty' | 'organisations' | 'ruledAt'>;
};
export type CertificateBatchRecord = Pick<
  CertificateBatch,
  'id' | 'projectId' | 'owner' | 'quantityWh' | 'verifier' | 'issuedAt'
>;
export type CertificateRetirementRecord = Pick<
  CertificateRetirement,
  'id' | 'holder' | 'quantityWh' | 'beneficiary' | 'purpose' | 'retiredAt'
>;

/** Audit:Totals as the report uses it. */
export type LedgerTotals = Pick<TotalsResult, 'asOf' | 'conservation'> & {
  records?: Partial<TotalsResult['records']>;
};

/** Every record the report needs, and the totals, read at one consistent moment. */
export interface LedgerSnapshot {
  readonly totals: LedgerTotals;
  readonly treasury: readonly TreasuryOperationRecord[];
  readonly trades: readonly TradeRecord[];
  readonly offers: readonly OfferRecord[];
  readonly disputes: readonly DisputeRecord[];
  readonly batches: readonly CertificateBatchRecord[];
  readonly retirements: readonly CertificateRetirementRecord[];
  /** Whether the totals were the same before and after the records were read. */
  readonly consistent: boolean;
  /** How many times the records were read (more than 1 when the ledger changed meanwhile). */
  readonly attempts: number;
}

/** A period of ledger time: from (inclusive) to (exclusive), ms since the epoch; open when absent. */
export interface Period {
  readonly from?: number;
  readonly to?: number;
}

/** Options of {@link readLedger}. */
export interface ReadLedgerOptions {
  /** Records per Audit:List page (default 200, the chaincode's maximum). */
  readonly pageSize?: number;
  /** Reads of the whole record set before giving up on a consistent one (default 3). */
  readonly attempts?: number;
  /** Called after each page with the record type and how many of its records were read so far. */
  readonly onProgress?: (recordType: string, records: number) => void;
}

/** Every record of one type through Audit:List, page by page. */
export async function listAll<T>(
  reader: LedgerReader,
  recordType: string,
  pageSize = 200,
  onPage?: (records: number) => void,
): Promise<T[]> {
  const records: T[] = [];
  let bookmark = '';
  for (;;) {
    const page = await reader.evaluate<{ records: T[]; bookmark: string }>('Audit', 'List', {
      recordType,
      pageSize,
      ...(bookmark === '' ? {} : { bookmark }),
    });
    records.push(...page.records);
    onPage?.(records.length);
    if (page.bookmark === '' || page.bookmark === bookmark) return records;
    bookmark = page.bookmark;
  }
}

function sameTotals(a: LedgerTotals, b: LedgerTotals): boolean {
  return JSON.stringify([a.records, a.conservation]) === JSON.stringify([b.records, b.conservation]);
}

/**
 * Reads the totals, every record the report needs, and the totals again; repeats (up to
 * `attempts` times) while the two totals differ, i.e. while transactions commit meanwhile.
 */
export async function readLedger(
  reader: LedgerReader,
  options: ReadLedgerOptions = {},
): Promise<LedgerSnapshot> {
  const attempts = options.attempts ?? 3;
  let snapshot: LedgerSnapshot | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const before = await reader.evaluate<LedgerTotals>('Audit', 'Totals', {});
    const read = <T>(type: ReportRecordType) =>
      listAll<T>(reader, type, options.pageSize, (n) => options.onProgress?.(type, n));
    const treasury = await read<TreasuryOperationRecord>('TreasuryOperation');
    const trades = await read<TradeRecord>('Trade');
    const offers = await read<OfferRecord>('Offer');
    const disputes = await read<DisputeRecord>('Dispute');
    const batches = await read<CertificateBatchRecord>('CertificateBatch');
    const retirements = await read<CertificateRetirementRecord>('CertificateRetirement');
    const after = await reader.evaluate<LedgerTotals>('Audit', 'Totals', {});
    const consistent = sameTotals(before, after);
    snapshot = {
      totals: after,
      treasury,
      trades,
      offers,
      disputes,
      batches,
      retirements,
      consistent,
      attempts: attempt,
    };
    if (consistent) break;
  }
  if (!snapshot) throw new RangeError('attempts must be at least 1');
  return snapshot;
}

export interface TradeRow {
  id: string;
  createdAt: string;
  marketId: string;
  commodity: string;
  origin: string;
  buyer: string;
  seller: string;
  quantityWh: number;
  price: number;
  value: number;
  collateral: number;
  status: string;
  txId: string;
}
export interface SettlementRow {
  tradeId: string;
  settledAt: string;
  marketId: string;
  buyer: string;
  seller: string;
  quantityWh: number;
  deliveredWh: number;
  price: number;
  value: number;
  collateral: number;
  paid: number;
  buyerRefund: number;
  penalty: number;
  collateralReleased: number;
  basis: string;
}
export interface DisputeRow {
  tradeId: string;
  openedAt: string;
  marketId: string;
  openedBy: string;
  buyer: string;
  seller: string;
  status: string;
  claim: string;
  ruledDeliveredWh: number | null;
  ruledPenalty: number | null;
  ruledAt: string | null;
  arbiterOrgs: string[];
}
export interface PenaltyRow {
  tradeId: string;
  settledAt: string;
  marketId: string;
  /** The seller pays from its collateral… */
  seller: string;
  /** …to the buyer. */
  buyer: string;
  penalty: number;
  basis: string;
}
export interface CertificateIssueRow {
  id: string;
  issuedAt: string;
  projectId: string;
  owner: string;
  quantityWh: number;
  verifier: string;
}
export interface CertificateRetirementRow {
  id: string;
  retiredAt: string;
  holder: string;
  quantityWh: number;
  beneficiary: string;
  purpose: string;
}
export interface TreasuryRow {
  id: string;
  at: string;
  kind: 'DEPOSIT' | 'WITHDRAWAL';
  accountId: string;
  amount: number;
  reference: string;
  treasurer: string;
}

/** One reconciliation: a figure computed from the records against the same figure in Audit:Totals. */
export interface ReconciliationCheck {
  readonly name: string;
  readonly description: string;
  /** From the records (operations, offers, trades). */
  readonly records: number;
  /** From Audit:Totals (the accounts). */
  readonly totals: number;
  readonly ok: boolean;
}

/** The report. */
export interface LedgerReport {
  /** No reconciliation mismatch, and the ledger did not change while it was read. */
  readonly ok: boolean;
  readonly period: { readonly from: string | null; readonly to: string | null };
  /** Ledger time of the Audit:Totals query the report is reconciled with. */
  readonly asOf: string;
  readonly consistent: boolean;
  readonly trades: TradeRow[];
  readonly settlements: SettlementRow[];
  readonly disputes: DisputeRow[];
  readonly penalties: PenaltyRow[];
  readonly certificates: {
    readonly issued: CertificateIssueRow[];
    readonly retired: CertificateRetirementRow[];
  };
  readonly treasury: TreasuryRow[];
  /** Sums over the period's rows. With an open period they equal the ledger's totals. */
  readonly sums: {
    readonly trades: { count: number; quantityWh: number; value: number; collateral: number };
    readonly settlements: {
      count: number;
      deliveredWh: number;
      paid: number;
      buyerRefund: number;
      penalty: number;
      collateralReleased: number;
    };
    readonly disputes: { opened: number; ruled: number };
    readonly penalties: { count: number; amount: number };
    readonly certificates: { issuedWh: number; retiredWh: number };
    readonly treasury: { deposits: number; withdrawals: number; net: number };
  };
  /** The conservation section of Audit:Totals. */
  readonly totals: LedgerTotals['conservation'];
  /** Over the whole ledger, whatever the period. */
  readonly reconciliation: { readonly ok: boolean; readonly checks: ReconciliationCheck[] };
}

/** A number field of a record, 0 when absent (records written by older chaincode versions). */
function n(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function sum<T>(rows: readonly T[], field: (row: T) => unknown): number {
  return rows.reduce((total, row) => total + n(field(row)), 0);
}

/** Whether the ISO-8601 time `at` lies in the period (an absent or unreadable time does not). */
export function inPeriod(at: string | undefined, period: Period): boolean {
  if (at === undefined) return false;
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) return false;
  return (period.from === undefined || ms >= period.from) && (period.to === undefined || ms < period.to);
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

function byTime<T>(time: (row: T) => string) {
  return (a: T, b: T) => (time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : 0);
}

/** The reconciliation of Audit:Totals with the records, over the whole ledger. */
export function reconcile(snapshot: LedgerSnapshot): { ok: boolean; checks: ReconciliationCheck[] } {
  const { money, certificates } = snapshot.totals.conservation;
  const deposits = sum(
    snapshot.treasury.filter((op) => op.kind === 'DEPOSIT'),
    (op) => op.amount,
  );
  const withdrawals = sum(
    snapshot.treasury.filter((op) => op.kind === 'WITHDRAWAL'),
    (op) => op.amount,
  );
  const unsettled = snapshot.trades.filter((trade) => trade.status !== 'SETTLED');
  const escrowed =
    sum(snapshot.offers, (offer) => offer.moneyLocked) +
    sum(unsettled, (trade) => trade.value) +
    sum(unsettled, (trade) => trade.collateral);
  const issued = sum(snapshot.batches, (batch) => batch.quantityWh);
  const retired = sum(snapshot.retirements, (retirement) => retirement.quantityWh);
  const certificatesEscrowed = sum(snapshot.offers, (offer) => offer.certificatesLockedWh);
  const unsplit = snapshot.trades.filter(
    (trade) =>
      trade.settlement !== undefined &&
      (n(trade.settlement.paid) + n(trade.settlement.buyerRefund) !== n(trade.value) ||
        n(trade.settlement.penalty) + n(trade.settlement.collateralReleased) !== n(trade.collateral)),
  ).length;
  const check = (
    name: string,
    description: string,
    records: number,
    totals: number,
  ): ReconciliationCheck => ({
    name,
    description,
    records,
    totals,
    ok: records === totals,
  });
  const checks = [
    check('money.minted', 'Σ Deposit operations = minted', deposits, money.minted),
    check('money.burned', 'Σ Withdraw operations = burned', withdrawals, money.burned),
    check(
      'money.escrowed',
      'Σ locked by open offers + Σ value and collateral of unsettled trades = escrowed',
      escrowed,
      money.escrowed,
    ),
    check(
      'money.available',
      'deposits − withdrawals − escrow from the records = available',
      deposits - withdrawals - escrowed,
      money.available,
    ),
    check('certificates.issuedWh', 'Σ certificate batches = issued', issued, certificates.issuedWh),
    check('certificates.retiredWh', 'Σ retirements = retired', retired, certificates.retiredWh),
    check(
      'certificates.escrowedWh',
      'Σ certificates locked by open offers = escrowed',
      certificatesEscrowed,
      certificates.escrowedWh,
    ),
    check(
      'certificates.heldWh',
      'issued − retired − escrowed from the records = held',
      issued - retired - certificatesEscrowed,
      certificates.heldWh,
    ),
    check(
      'settlements.split',
      'settled trades whose payout does not add up (paid + refund ≠ value or penalty + released ≠ collateral)',
      unsplit,
      0,
    ),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}

/** Builds the report of `period` from a snapshot (pure: no ledger access). */
export function buildLedgerReport(snapshot: LedgerSnapshot, period: Period = {}): LedgerReport {
  const trades: TradeRow[] = snapshot.trades
    .filter((trade) => inPeriod(trade.createdAt, period))
    .map((trade) => ({
      id: trade.id,
      createdAt: trade.createdAt,
      marketId: trade.marketId,
      commodity: trade.commodity,
      origin: trade.origin,
      buyer: trade.buyer,
      seller: trade.seller,
      quantityWh: n(trade.quantityWh),
      price: n(trade.price),
      value: n(trade.value),
      collateral: n(trade.collateral),
      status: trade.status,
      txId: trade.createdTxId,
    }))
    .sort(byTime((row) => row.createdAt));
  const settlements: SettlementRow[] = snapshot.trades
    .flatMap((trade) =>
      trade.settlement && inPeriod(trade.settlement.settledAt, period)
        ? [{ trade, s: trade.settlement }]
        : [],
    )
    .map(({ trade, s }) => {
      return {
        tradeId: trade.id,
        settledAt: s.settledAt,
        marketId: trade.marketId,
        buyer: trade.buyer,
        seller: trade.seller,
        quantityWh: n(trade.quantityWh),
        deliveredWh: n(s.deliveredWh),
        price: n(trade.price),
        value: n(trade.value),
        collateral: n(trade.collateral),
        paid: n(s.paid),
        buyerRefund: n(s.buyerRefund),
        penalty: n(s.penalty),
        collateralReleased: n(s.collateralReleased),
        basis: s.basis,
      };
    })
    .sort(byTime((row) => row.settledAt));
  const penalties: PenaltyRow[] = settlements
    .filter((row) => row.penalty > 0)
    .map((row) => ({
      tradeId: row.tradeId,
      settledAt: row.settledAt,
      marketId: row.marketId,
      seller: row.seller,
      buyer: row.buyer,
      penalty: row.penalty,
      basis: row.basis,
    }));
  const disputes: DisputeRow[] = snapshot.disputes
    .filter((dispute) => inPeriod(dispute.openedAt, period))
    .map((dispute) => ({
      tradeId: dispute.tradeId,
      openedAt: dispute.openedAt,
      marketId: dispute.marketId,
      openedBy: dispute.openedBy,
      buyer: dispute.buyer,
      seller: dispute.seller,
      status: dispute.status,
      claim: dispute.claim,
      ruledDeliveredWh: dispute.ruling ? n(dispute.ruling.deliveredWh) : null,
      ruledPenalty: dispute.ruling ? n(dispute.ruling.penalty) : null,
      ruledAt: dispute.ruling?.ruledAt ?? null,
      arbiterOrgs: dispute.ruling?.organisations ?? [],
    }))
    .sort(byTime((row) => row.openedAt));
  const issued: CertificateIssueRow[] = snapshot.batches
    .filter((batch) => inPeriod(batch.issuedAt, period))
    .map((batch) => ({
      id: batch.id,
      issuedAt: batch.issuedAt,
      projectId: batch.projectId,
      owner: batch.owner,
      quantityWh: n(batch.quantityWh),
      verifier: batch.verifier,
    }))
    .sort(byTime((row) => row.issuedAt));
  const retired: CertificateRetirementRow[] = snapshot.retirements
    .filter((retirement) => inPeriod(retirement.retiredAt, period))
    .map((retirement) => ({
      id: retirement.id,
      retiredAt: retirement.retiredAt,
      holder: retirement.holder,
      quantityWh: n(retirement.quantityWh),
      beneficiary: retirement.beneficiary ?? '',
      purpose: retirement.purpose ?? '',
    }))
    .sort(byTime((row) => row.retiredAt));
  const treasury: TreasuryRow[] = snapshot.treasury
    .filter((op) => inPeriod(op.at, period))
    .map((op) => ({
      id: op.id,
      at: op.at,
      kind: op.kind,
      accountId: op.accountId,
      amount: n(op.amount),
      reference: op.reference,
      treasurer: op.treasurer,
    }))
    .sort(byTime((row) => row.at));

  const deposits = sum(
    treasury.filter((row) => row.kind === 'DEPOSIT'),
    (row) => row.amount,
  );
  const withdrawals = sum(
    treasury.filter((row) => row.kind === 'WITHDRAWAL'),
    (row) => row.amount,
  );
  const reconciliation = reconcile(snapshot);
  return {
    ok: reconciliation.ok && snapshot.consistent,
    period: { from: iso(period.from), to: iso(period.to) },
    asOf: snapshot.totals.asOf,
    consistent: snapshot.consistent,
    trades,
    settlements,
    disputes,
    penalties,
    certificates: { issued, retired },
    treasury,
    sums: {
      trades: {
        count: trades.length,
        quantityWh: sum(trades, (row) => row.quantityWh),
        value: sum(trades, (row) => row.value),
        collateral: sum(trades, (row) => row.collateral),
      },
      settlements: {
        count: settlements.length,
        deliveredWh: sum(settlements, (row) => row.deliveredWh),
        paid: sum(settlements, (row) => row.paid),
        buyerRefund: sum(settlements, (row) => row.buyerRefund),
        penalty: sum(settlements, (row) => row.penalty),
        collateralReleased: sum(settlements, (row) => row.collateralReleased),
      },
      disputes: { opened: disputes.length, ruled: disputes.filter((row) => row.ruledAt !== null).length },
      penalties: { count: penalties.length, amount: sum(penalties, (row) => row.penalty) },
      certificates: {
        issuedWh: sum(issued, (row) => row.quantityWh),
        retiredWh: sum(retired, (row) => row.quantityWh),
      },
      treasury: { deposits, withdrawals, net: deposits - withdrawals },
    },
    totals: snapshot.totals.conservation,
    reconciliation,
  };
}

/** The columns of the report's CSV: one table, the `record` column says what each line is. */
export const REPORT_CSV_COLUMNS = [
  'record',
  'id',
  'time',
  'market',
  'buyer',
  'seller',
  'participant',
  'quantityWh',
  'price',
  'value',
  'collateral',
  'paid',
  'refund',
  'penalty',
  'released',
  'status',
  'detail',
] as const;
type CsvRow = Partial<Record<(typeof REPORT_CSV_COLUMNS)[number], unknown>>;

function flatten(prefix: string, value: object): [string, unknown][] {
  return Object.entries(value).flatMap(([key, item]): [string, unknown][] =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? flatten(`${prefix}${key}.`, item as object)
      : [[`${prefix}${key}`, item]],
  );
}

/**
 * The report as one RFC 4180 CSV table (spreadsheet-friendly: filter on `record`): trade,
 * settlement, penalty, dispute, certificate-issue, certificate-retirement, deposit, withdrawal
 * rows, then `sum` rows (the period's sums), `total` rows (Audit:Totals) and `check` rows (the
 * reconciliation: `value` from the records, `detail` the totals' figure, `status` ok|MISMATCH).
 */
export function ledgerReportCsv(report: LedgerReport): string {
  const rows: CsvRow[] = [
    ...report.trades.map((t) => ({
      record: 'trade',
      id: t.id,
      time: t.createdAt,
      market: t.marketId,
      buyer: t.buyer,
      seller: t.seller,
      quantityWh: t.quantityWh,
      price: t.price,
      value: t.value,
      collateral: t.collateral,
      status: t.status,
      detail: `${t.commodity} ${t.origin} tx ${t.txId}`,
    })),
    ...report.settlements.map((s) => ({
      record: 'settlement',
      id: s.tradeId,
      time: s.settledAt,
      market: s.marketId,
      buyer: s.buyer,
      seller: s.seller,
      quantityWh: s.deliveredWh,
      price: s.price,
      value: s.value,
      collateral: s.collateral,
      paid: s.paid,
      refund: s.buyerRefund,
      penalty: s.penalty,
      released: s.collateralReleased,
      status: s.basis,
      detail: `traded ${s.quantityWh} Wh, delivered ${s.deliveredWh} Wh`,
    })),
    ...report.penalties.map((p) => ({
      record: 'penalty',
      id: p.tradeId,
      time: p.settledAt,
      market: p.marketId,
      buyer: p.buyer,
      seller: p.seller,
      penalty: p.penalty,
      status: p.basis,
      detail: 'paid by the seller from its collateral to the buyer',
    })),
    ...report.disputes.map((d) => ({
      record: 'dispute',
      id: d.tradeId,
      time: d.openedAt,
      market: d.marketId,
      buyer: d.buyer,
      seller: d.seller,
      participant: d.openedBy,
      quantityWh: d.ruledDeliveredWh,
      penalty: d.ruledPenalty,
      status: d.status,
      detail: d.ruledAt ? `ruled ${d.ruledAt} by ${d.arbiterOrgs.join(';')}: ${d.claim}` : d.claim,
    })),
    ...report.certificates.issued.map((c) => ({
      record: 'certificate-issue',
      id: c.id,
      time: c.issuedAt,
      participant: c.owner,
      quantityWh: c.quantityWh,
      detail: `project ${c.projectId}, verifier ${c.verifier}`,
    })),
    ...report.certificates.retired.map((c) => ({
      record: 'certificate-retirement',
      id: c.id,
      time: c.retiredAt,
      participant: c.holder,
      quantityWh: c.quantityWh,
      detail: [c.beneficiary, c.purpose].filter((text) => text !== '').join(': '),
    })),
    ...report.treasury.map((op) => ({
      record: op.kind === 'DEPOSIT' ? 'deposit' : 'withdrawal',
      id: op.id,
      time: op.at,
      participant: op.accountId,
      value: op.amount,
      detail: `reference ${op.reference}, treasurer ${op.treasurer}`,
    })),
    ...flatten('', report.sums).map(([id, value]) => ({ record: 'sum', id, value })),
    ...flatten('', report.totals).map(([id, value]) => ({ record: 'total', id, time: report.asOf, value })),
    ...report.reconciliation.checks.map((c) => ({
      record: 'check',
      id: c.name,
      time: report.asOf,
      value: c.records,
      status: c.ok ? 'ok' : 'MISMATCH',
      detail: `totals ${c.totals}: ${c.description}`,
    })),
  ];
  return toCsv(rows, [...REPORT_CSV_COLUMNS]);
}
