/**
 * Audit:Totals — ledger-wide figures an auditor checks: how many records of each type the world
 * state holds, and the conservation figures (settlement/totals.ts: money minted − burned =
 * Σ available + Σ escrowed, certificates issued − retired = Σ held + Σ escrowed). A concern adds
 * further figures by appending a section to {@link TOTALS_SECTIONS}, without touching the others.
 */
import type { Context } from 'fabric-contract-api';
import { type InputOf, result, transaction } from '../lib/declaration';
import type { Json } from '../lib/json';
import { RECORD_TYPES, type RecordType, isRecordKey } from '../lib/keys';
import { countEntries } from '../lib/pagination';
import { type ConservationTotals, conservationTotals } from '../settlement/totals';
import { txTimeIso } from '../lib/time';
import { requireAuditor } from './access';

/** One named part of the totals beyond `records` and `conservation`. */
export interface TotalsSection {
  readonly name: string;
  readonly compute: (ctx: Context) => Promise<Json>;
}

/** What Audit:Totals returns. */
export interface Totals {
  /** Transaction time of the query (ISO-8601). */
  asOf: string;
  /** How many records of each type the world state holds (incl. approval records). */
  records: Record<RecordType, number>;
  /** Money: minted − burned = Σ available + Σ escrowed; certificates: issued − retired = Σ held + Σ escrowed. */
  conservation: ConservationTotals;
  /** Sections appended to {@link TOTALS_SECTIONS}. */
  [section: string]: Json;
}

export const Totals = transaction({
  contract: 'Audit',
  name: 'Totals',
  kind: 'evaluate',
  summary:
    'Ledger-wide totals: records per type and the conservation of money and certificates, exact at any size (a figure beyond 2⁵³ − 1 is a decimal string).',
  input: {},
  output: result<Totals>('`{ asOf, records: { <RecordType>: count }, conservation }`'),
  errors: { ESTP_FORBIDDEN: 'unless the caller has the auditor or admin role' },
  example: {},
  readsWholeLedger: true,
});

/**
 * `records`: how many records of each type the world state holds now (incl. approval records),
 * read page by page so the counts stay exact beyond the peer's totalQueryLimit. Account deltas,
 * which share the `Account` range, are not records (`Account` counts account records).
 */
export async function countRecords(ctx: Context): Promise<Record<RecordType, number>> {
  const counts = {} as Record<RecordType, number>;
  for (const type of RECORD_TYPES) {
    counts[type] = await countEntries(ctx, type, [], (key) => isRecordKey(ctx, type, key));
  }
  return counts;
}

/** Further sections of Audit:Totals, in output order. Append a section to add figures. */
export const TOTALS_SECTIONS: TotalsSection[] = [];

/** Computes every section (no access check: see {@link totals}). */
export async function computeTotals(ctx: Context): Promise<Totals> {
  const result: Totals = {
    asOf: txTimeIso(ctx),
    records: await countRecords(ctx),
    conservation: await conservationTotals(ctx),
  };
  for (const section of TOTALS_SECTIONS) result[section.name] = await section.compute(ctx);
  return result;
}

/**
 * The totals, for auditors and admins. Reads every record key: an O(state) query meant for audits,
 * not for transactions.
 * @throws {ForbiddenError} unless the caller is an auditor or admin.
 */
export async function totals(ctx: Context, _request: InputOf<typeof Totals>): Promise<Totals> {
  await requireAuditor(ctx);
  return computeTotals(ctx);
}
