import type { Context } from 'fabric-contract-api';
import { type AuthorizedCaller, requireRole } from '../lib/caller';

/**
 * Who may run the audit queries (History, List, Totals): callers acting as `auditor` or `admin`
 * (requireRole: a capability of their ACTIVE org). Auditors read the ledger's history
 * (docs/design.md#audit); admins need it to run their org. The record-specific queries
 * (Participant:Get, Market:GetMarket, …) stay open to every member.
 * @throws {ForbiddenError}
 */
export function requireAuditor(ctx: Context): Promise<AuthorizedCaller> {
  return requireRole(ctx, 'auditor', 'admin');
}
