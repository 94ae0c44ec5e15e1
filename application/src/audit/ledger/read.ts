/**
 * Reading the ledger for the auditor's report (`estp audit report`): the totals, then every record
 * the report needs, then the totals again; the read is repeated until the two totals agree, so the
 * snapshot is of one moment even while transactions commit. Everything is read with evaluate
 * (queries only), page by page through Audit:List.
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
import type { EstpClient } from '../../gateway/client';

/** What the report reads through: an `EstpClient` (queries only). */
export type LedgerReader = Pick<EstpClient, 'evaluate' | 'pages'>;

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
export type LedgerTreasuryOperation = Pick<
  TreasuryOperation,
  'id' | 'kind' | 'accountId' | 'amount' | 'reference' | 'treasurer' | 'at'
>;
export type LedgerTrade = Pick<
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
export type LedgerOffer = Pick<Offer, 'id' | 'status' | 'moneyLocked' | 'certificatesLockedWh'>;
export type LedgerDispute = Pick<
  Dispute,
  'id' | 'tradeId' | 'marketId' | 'openedBy' | 'buyer' | 'seller' | 'claim' | 'status' | 'openedAt'
> & {
  ruling?: Pick<NonNullable<Dispute['ruling']>, 'deliveredWh' | 'penalty' | 'organisations' | 'ruledAt'>;
};
export type LedgerCertificateBatch = Pick<
  CertificateBatch,
  'id' | 'projectId' | 'owner' | 'quantityWh' | 'verifier' | 'issuedAt'
>;
export type LedgerCertificateRetirement = Pick<
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
  readonly treasury: readonly LedgerTreasuryOperation[];
  readonly trades: readonly LedgerTrade[];
  readonly offers: readonly LedgerOffer[];
  readonly disputes: readonly LedgerDispute[];
  readonly batches: readonly LedgerCertificateBatch[];
  readonly retirements: readonly LedgerCertificateRetirement[];
  /** Whether the totals were the same before and after the records were read. */
  readonly consistent: boolean;
  /** How many times the records were read (more than 1 when the ledger changed meanwhile). */
  readonly attempts: number;
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
  const pageSize = options.pageSize ?? 200;
  // Audit:List returns any record type; each list below is read as the type it asks for.
  const read = async <T>(recordType: ReportRecordType): Promise<T[]> => {
    const records: unknown[] = [];
    for await (const page of reader.pages('Audit', 'List', { recordType, pageSize })) {
      records.push(...page.records);
      options.onProgress?.(recordType, records.length);
    }
    return records as T[];
  };
  let snapshot: LedgerSnapshot | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const before = await reader.evaluate('Audit', 'Totals');
    const treasury = await read<LedgerTreasuryOperation>('TreasuryOperation');
    const trades = await read<LedgerTrade>('Trade');
    const offers = await read<LedgerOffer>('Offer');
    const disputes = await read<LedgerDispute>('Dispute');
    const batches = await read<LedgerCertificateBatch>('CertificateBatch');
    const retirements = await read<LedgerCertificateRetirement>('CertificateRetirement');
    const after = await reader.evaluate('Audit', 'Totals');
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
