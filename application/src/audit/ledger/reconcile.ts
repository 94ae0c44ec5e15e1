/**
 * The reconciliation of Audit:Totals with the records, over the whole ledger:
 *
 * - minted = Σ Deposits, burned = Σ Withdrawals (TreasuryOperation records);
 * - escrowed = Σ what OPEN offers lock + Σ what unsettled trades hold (buyer value, seller collateral);
 * - available = minted − burned − escrowed;
 * - certificates issued = Σ CertificateBatch, retired = Σ CertificateRetirement,
 *   escrowed = Σ what certificate SELL offers lock, held = issued − retired − escrowed;
 * - every settled trade splits exactly: paid + buyer refund = value, penalty + released = collateral.
 *
 * The totals come from the accounts, the reconciliation from the operations and trades, so a
 * mismatch means the accounts do not follow from the recorded operations.
 */
import type { LedgerSnapshot } from './read';

/** One reconciliation: a figure computed from the records against the same figure in Audit:Totals. */
export interface ReconciliationCheck {
  readonly name: string;
  readonly description: string;
  /** From the records (operations, offers, trades). */
  readonly records: number;
  /** From Audit:Totals (the accounts): a number, or an exact decimal string beyond 2⁵³ − 1. */
  readonly totals: number | string;
  readonly ok: boolean;
}

/** A number field of a record, 0 when absent (records written by older chaincode versions). */
export function n(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Σ of a number field over rows. */
export function sum<T>(rows: readonly T[], field: (row: T) => unknown): number {
  return rows.reduce((total, row) => total + n(field(row)), 0);
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
  // [name, what is compared, the figure from the records, the same figure in Audit:Totals]
  const figures: [string, string, number, number | string][] = [
    ['money.minted', 'Σ Deposit operations = minted', deposits, money.minted],
    ['money.burned', 'Σ Withdraw operations = burned', withdrawals, money.burned],
    [
      'money.escrowed',
      'Σ locked by open offers + Σ value and collateral of unsettled trades = escrowed',
      escrowed,
      money.escrowed,
    ],
    [
      'money.available',
      'deposits − withdrawals − escrow from the records = available',
      deposits - withdrawals - escrowed,
      money.available,
    ],
    ['certificates.issuedWh', 'Σ certificate batches = issued', issued, certificates.issuedWh],
    ['certificates.retiredWh', 'Σ retirements = retired', retired, certificates.retiredWh],
    [
      'certificates.escrowedWh',
      'Σ certificates locked by open offers = escrowed',
      certificatesEscrowed,
      certificates.escrowedWh,
    ],
    [
      'certificates.heldWh',
      'issued − retired − escrowed from the records = held',
      issued - retired - certificatesEscrowed,
      certificates.heldWh,
    ],
    [
      'settlements.split',
      'settled trades whose payout does not add up (paid + refund ≠ value or penalty + released ≠ collateral)',
      unsplit,
      0,
    ],
  ];
  const checks = figures.map(([name, description, records, totals]): ReconciliationCheck => ({
    name,
    description,
    records,
    totals,
    // Audit:Totals is exact at any size (a decimal string beyond 2⁵³ − 1): compare as integers.
    ok: Number.isSafeInteger(records) && BigInt(records) === BigInt(totals),
  }));
  return { ok: checks.every((c) => c.ok), checks };
}
