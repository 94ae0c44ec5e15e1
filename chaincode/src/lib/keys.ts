/**
 * Key construction in one place. Every record lives under a composite key `(RecordType, id)`;
 * secondary indexes are composite keys `(IndexName, …attributes, id)` valued {@link INDEX_VALUE}, so
 * list queries are partial-key range scans and no index is a single hot key.
 */
import type { Context } from 'fabric-contract-api';

/** Record types, the first attribute of every primary key. Audit:History takes these names. */
export const RecordType = {
  Organisation: 'Organisation',
  /** A proposed change of the consortium (founding, admission, capability, suspension). */
  OrganisationProposal: 'OrganisationProposal',
  /** One org's vote for an OrganisationProposal, keyed by proposal and voting org. */
  OrganisationApproval: 'OrganisationApproval',
  Participant: 'Participant',
  Market: 'Market',
  Offer: 'Offer',
  Trade: 'Trade',
  Account: 'Account',
  SavingsProject: 'SavingsProject',
  CertificateBatch: 'CertificateBatch',
  /** A retirement of certificates by their holder (the claimed amount stays on the ledger). */
  CertificateRetirement: 'CertificateRetirement',
  /** A treasurer's Deposit (mint) or Withdraw (burn), keyed by account and reference (idempotent). */
  TreasuryOperation: 'TreasuryOperation',
  Dispute: 'Dispute',
  ClearingResult: 'ClearingResult',
  /** The progress of one release slice of a market's clearing (market/clear.ts). */
  ClearingSlice: 'ClearingSlice',
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const RECORD_TYPES: readonly RecordType[] = Object.values(RecordType).sort();

/** Value of index entries: the key is the information, the value a single placeholder byte. */
export const INDEX_VALUE: Uint8Array = Uint8Array.from([0]);

/** Primary key of the record `id` of `type`. */
export function recordKey(ctx: Context, type: RecordType, id: string): string {
  return ctx.stub.createCompositeKey(type, [id]);
}

/**
 * Key of one delta of account `id` (lib/accounts.ts): `(Account, id, txId, n)`, the key of the
 * account record `(Account, id)` with the writing transaction and a counter appended. A composite
 * key is its attributes each ended by U+0000, so the record key is a prefix of its deltas' keys
 * and the partial key `(Account, id)` ranges over the record and its deltas together — and over
 * nothing else: no participant ID contains U+0000 (lib/fields.ts `participantId`), so no other
 * account's keys start with it.
 */
export function accountDeltaKey(ctx: Context, id: string, txId: string, n: number): string {
  return ctx.stub.createCompositeKey(RecordType.Account, [id, txId, String(n)]);
}

/**
 * Whether an entry of the range `(type, …)` is a record of `type`: every entry is, except the
 * account deltas that lie in the `Account` range beside their records ({@link accountDeltaKey}).
 */
export function isRecordKey(ctx: Context, type: RecordType, key: string): boolean {
  return type !== RecordType.Account || ctx.stub.splitCompositeKey(key).attributes.length === 1;
}

/** Key of an index entry: `index` over `attributes`, ending with the indexed record's id. */
export function indexKey(ctx: Context, index: string, attributes: readonly string[]): string {
  return ctx.stub.createCompositeKey(index, [...attributes]);
}
