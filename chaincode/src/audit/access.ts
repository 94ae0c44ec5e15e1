import type { Context } from 'fabric-contract-api';
import { type Caller, callerOf, requireRole } from '../lib/caller';

/**
 * Who may run the audit queries (History, List, Totals): callers holding the `auditor` or the `admin`
 * role, of any org. Design §2 gives auditors the ledger history; admins need it to run their org.
 * The record-specific queries (Participant:Get, Market:GetMarket, …) stay open to every member.
 * @throws {ForbiddenError}
 */
export function requireAuditor(ctx: Context): Caller {
  const caller = callerOf(ctx);
  requireRole(caller, 'auditor', 'admin');
  return caller;
}
