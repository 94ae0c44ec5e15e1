/**
 * Audit:List — every record of one type, in key order, for auditors and admins. The contracts'
 * own list queries are views through indexes (trades of a market, offers of an owner, …); an
 * audit report needs the records no other query lists (treasury operations, certificate batches
 * and retirements) and complete sets to reconcile against Audit:Totals.
 */
import type { Context } from 'fabric-contract-api';
import type { Json } from '../lib/json';
import { RECORD_TYPES } from '../lib/keys';
import { type Page, listRecords, pageFields } from '../lib/pagination';
import { type Infer, input, oneOf } from '../lib/validate';
import { requireAuditor } from './access';

export const ListInput = input({
  recordType: oneOf(RECORD_TYPES),
  ...pageFields,
});

/**
 * One page of the records of `recordType`, in key order (of composite keys `(recordType, …)`).
 * @throws {ForbiddenError} unless the caller is an auditor or admin.
 */
export async function listAll(ctx: Context, request: Infer<typeof ListInput.shape>): Promise<Page<Json>> {
  await requireAuditor(ctx);
  return listRecords<Json>(ctx, request.recordType, request.pageSize, request.bookmark);
}
