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
import { type InputOf, result, transaction } from '../lib/declaration';
import { oneOf } from '../lib/validate';
import { requireAuditor } from './access';

export const List = transaction({
  contract: 'Audit',
  name: 'List',
  kind: 'evaluate',
  summary:
    'Every record of one type in key order, e.g. all TreasuryOperation records to reconcile minted and burned credits.',
  input: { recordType: oneOf(RECORD_TYPES).describe('the record type'), ...pageFields },
  output: result<Page<Json>>('one page of records'),
  errors: { ESTP_FORBIDDEN: 'unless the caller has the auditor or admin role' },
  example: { recordType: 'TreasuryOperation', pageSize: 200 },
});

/**
 * One page of the records of `recordType`, in key order (of composite keys `(recordType, …)`).
 * `Account` lists the account records as stored, without the deltas that share their range
 * (lib/accounts.ts; GetAccount gives an account as it stands).
 * @throws {ForbiddenError} unless the caller is an auditor or admin.
 */
export async function listAll(ctx: Context, request: InputOf<typeof List>): Promise<Page<Json>> {
  await requireAuditor(ctx);
  return listRecords<Json>(ctx, request.recordType, request.pageSize, request.bookmark);
}
