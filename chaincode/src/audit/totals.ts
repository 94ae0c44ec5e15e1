/**
 * Audit:Totals — ledger-wide figures an auditor checks. The result is built from named sections,
 * each computed by its own function; a concern adds its figures by appending a section to
 * {@link TOTALS_SECTIONS} (e.g. `conservation`: money minted − burned = Σ available + Σ escrowed,
 * certificates issued − retired = Σ held + Σ escrowed), without touching the others.
 */
import type { Context } from 'fabric-contract-api';
import type { Json } from '../lib/json';
import { RECORD_TYPES, type RecordType } from '../lib/keys';
import { conservationTotals } from '../settlement/totals';
import { txTimeIso } from '../lib/time';
import { input } from '../lib/validate';
import { requireAuditor } from './access';

export const TotalsInput = input({});

/** One named part of the totals. */
export interface TotalsSection {
  readonly name: string;
  readonly compute: (ctx: Context) => Promise<Json>;
}

/** `records`: how many records of each type the world state holds now (incl. approval records). */
export async function countRecords(ctx: Context): Promise<Record<RecordType, number>> {
  const counts = {} as Record<RecordType, number>;
  for (const type of RECORD_TYPES) {
    let count = 0;
    const iterator = await ctx.stub.getStateByPartialCompositeKey(type, []);
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) count += 1;
    } finally {
      await iterator.close();
    }
    counts[type] = count;
  }
  return counts;
}

/** The sections of Audit:Totals, in output order. Append a section to add figures. */
export const TOTALS_SECTIONS: TotalsSection[] = [
  { name: 'records', compute: countRecords },
  // Money: minted − burned = Σ available + Σ escrowed; certificates: issued − retired = Σ held + Σ escrowed.
  { name: 'conservation', compute: conservationTotals },
];

export interface Totals {
  /** Transaction time of the query (ISO-8601). */
  asOf: string;
  [section: string]: Json;
}

/** Computes every section (no access check: see {@link totals}). */
export async function computeTotals(ctx: Context): Promise<Totals> {
  const result: Totals = { asOf: txTimeIso(ctx) };
  for (const section of TOTALS_SECTIONS) result[section.name] = await section.compute(ctx);
  return result;
}

/**
 * The totals, for auditors and admins. Reads every record key: an O(state) query meant for audits,
 * not for transactions.
 * @throws {ForbiddenError} unless the caller is an auditor or admin.
 */
export async function totals(ctx: Context, _request: ReturnType<typeof TotalsInput.parse>): Promise<Totals> {
  await requireAuditor(ctx);
  return computeTotals(ctx);
}
