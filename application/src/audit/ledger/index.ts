/**
 * The auditor's ledger report (`estp audit report`), one module per job: read a consistent
 * snapshot (./read.ts), reconcile Audit:Totals with the records (./reconcile.ts), build a period's
 * rows and sums (./rows.ts), write them as CSV (./csv.ts).
 */
export * from './read';
export { type ReconciliationCheck, reconcile } from './reconcile';
export * from './rows';
export * from './csv';
