import type { Context } from 'fabric-contract-api';
import { InvalidInputError } from '../lib/errors';
import { type Json, fromBytes } from '../lib/json';
import { results } from '../lib/iterate';
import { RECORD_TYPES, RecordType, recordKey } from '../lib/keys';
import { isoOf } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { int, oneOf, text } from '../lib/validate';
import { requireAuditor } from './access';

/** Versions returned by default, newest first. */
export const DEFAULT_HISTORY_LIMIT = 100;
/** The most versions one History call returns (Fabric's history iterator has no bookmark). */
export const MAX_HISTORY_LIMIT = 1000;

export const History = transaction({
  contract: 'Audit',
  name: 'History',
  kind: 'evaluate',
  summary: `Every committed version of one record, newest first, at most \`limit\` (default ${DEFAULT_HISTORY_LIMIT}, max ${MAX_HISTORY_LIMIT}) versions.`,
  input: {
    recordType: oneOf(RECORD_TYPES).describe('the record type'),
    // Record IDs are composed with `/` (trades `<marketId>/c/<n>`, offers `<owner>/<offerId>`,
    // treasury operations `<accountId>/<reference>`, certificate batches `<projectId>/<batchId>`).
    id: text({
      max: 256,
      pattern: /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,255}$/,
      patternName: 'a record ID of letters, digits and ._:@/-',
    }).describe('the record ID, e.g. a trade ID <marketId>/c/<n>'),
    limit: int({ min: 1, max: MAX_HISTORY_LIMIT }).orUndefined().describe('most versions returned'),
  },
  output: result<RecordHistory>(
    '`{ recordType, id, versions: [{ txId, timestamp, isDelete, value }], truncated }`',
  ),
  errors: { ESTP_FORBIDDEN: 'unless the caller has the auditor or admin role' },
  example: { recordType: 'Trade', id: 'ELEC-ZONE-A-2026-06-01T10/c/00000001' },
});

/**
 * Record types whose key is not `recordKey(type, id)`: how their History `id` maps to the key.
 * Contracts that key a record type by several attributes register the mapping here.
 */
export const HISTORY_KEYS: Partial<Record<RecordType, (ctx: Context, id: string) => string>> = {
  /** id `<proposalId>:<approverMspId>` → `(OrganisationApproval, proposalId, approverMspId)`. */
  [RecordType.OrganisationApproval]: (ctx, id) => {
    // Proposal IDs and MSP IDs contain no `:`.
    const parts = id.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new InvalidInputError('id', 'of an OrganisationApproval must be <proposalId>:<approverMspId>');
    }
    return ctx.stub.createCompositeKey(RecordType.OrganisationApproval, parts);
  },
};

/** One committed version of a record. */
export interface RecordVersion {
  txId: string;
  /** The transaction timestamp (ISO-8601, UTC). */
  timestamp: string;
  isDelete: boolean;
  /** The record as written; null for a delete. */
  value: Json;
}

export interface RecordHistory {
  recordType: RecordType;
  id: string;
  /** Newest first. */
  versions: RecordVersion[];
  /** True when older versions exist beyond `limit`. */
  truncated: boolean;
}

function timestampMs(timestamp: { seconds: { toString(): string } | number; nanos: number }): number {
  return Number(timestamp.seconds.toString()) * 1000 + Math.floor(timestamp.nanos / 1_000_000);
}

/**
 * Every committed version of a record, newest first, up to `limit` (default 100, max 1000).
 * An unknown record yields no versions (not an error: a deleted record's history stays).
 * @throws {ForbiddenError} unless the caller is an auditor or admin.
 * @throws {InvalidInputError} for a malformed ID.
 */
export async function history(ctx: Context, request: InputOf<typeof History>): Promise<RecordHistory> {
  await requireAuditor(ctx);
  const keyOf = HISTORY_KEYS[request.recordType];
  const key = keyOf ? keyOf(ctx, request.id) : recordKey(ctx, request.recordType, request.id);
  const limit = request.limit ?? DEFAULT_HISTORY_LIMIT;
  const versions: RecordVersion[] = [];
  let truncated = false;
  for await (const modification of results(ctx.stub.getHistoryForKey(key))) {
    if (versions.length === limit) {
      truncated = true;
      break;
    }
    versions.push({
      txId: modification.txId,
      timestamp: isoOf(timestampMs(modification.timestamp)),
      isDelete: modification.isDelete,
      value:
        modification.isDelete || modification.value.length === 0 ? null : fromBytes<Json>(modification.value),
    });
  }
  return { recordType: request.recordType, id: request.id, versions, truncated };
}
