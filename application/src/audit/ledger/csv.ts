/** The auditor's report as one CSV table (`estp audit report --format csv`). */
import { type CsvOptions, toCsv } from '../report';
import type { LedgerReport } from './rows';

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
export function ledgerReportCsv(report: LedgerReport, options: CsvOptions = {}): string {
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
  return toCsv(rows, [...REPORT_CSV_COLUMNS], options);
}
