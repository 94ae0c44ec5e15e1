import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { HistoryInput, history } from '../audit/history';
import { ListInput, listAll } from '../audit/list';
import { TotalsInput, totals } from '../audit/totals';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';

/**
 * Read-only queries for auditors and admins (design §6): the history of any record, every record
 * of a type, and the ledger-wide totals.
 */
@Info({ title: 'Audit', description: 'ESTP audit queries: record history and ledger totals' })
export class AuditContract extends EstpContract {
  constructor() {
    super('Audit');
  }

  /**
   * Every committed version of one record, newest first: `{ recordType, id, versions: [{ txId,
   * timestamp, isDelete, value }], truncated }`, at most `limit` (default 100, max 1000) versions.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller has the auditor or admin role.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { recordType, id, limit? }')
  @Returns('string')
  async History(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await history(ctx, HistoryInput.parse(input)));
  }

  /**
   * Every record of one type in key order: `{ records, bookmark }` (an empty bookmark is the last
   * page), e.g. all TreasuryOperation records to reconcile minted and burned credits.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller has the auditor or admin role.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { recordType, pageSize?, bookmark? }')
  @Returns('string')
  async List(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listAll(ctx, ListInput.parse(input)));
  }

  /**
   * Ledger-wide totals: `{ asOf, records: { <RecordType>: count }, … }`.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT for any field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller has the auditor or admin role.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON {}')
  @Returns('string')
  async Totals(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await totals(ctx, TotalsInput.parse(input)));
  }
}
