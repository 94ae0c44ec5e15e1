/**
 * The rows of the auditor's report for a period: trades, settlements, penalties, disputes,
 * certificate issues and retirements, treasury operations, their sums, and the reconciliation
 * (./reconcile.ts). Pure: built from a snapshot (./read.ts), no ledger access.
 */
import type { LedgerSnapshot, LedgerTotals } from './read';
import { type ReconciliationCheck, n, reconcile, sum } from './reconcile';

/** A period of ledger time: from (inclusive) to (exclusive), ms since the epoch; open when absent. */
export interface Period {
  readonly from?: number;
  readonly to?: number;
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
