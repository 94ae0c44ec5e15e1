/**
 * Organisations of the consortium. The founding orgs are recorded by `Consortium:Bootstrap` after
 * deployment; a new org is PROPOSED by an admin of an ACTIVE org and becomes ACTIVE once admins of
 * a majority of the ACTIVE orgs approved it (the proposer's org counts as the first approval).
 *
 * Approvals are separate records, one per (org, approving org), under the composite key
 * `(OrganisationApproval, mspId, approverMspId)`, so a second vote of the same org is a duplicate
 * key (rejected) rather than a double count, and each vote has its own history and transaction.
 */
import type { Context } from 'fabric-contract-api';
import type { Role } from '../lib/caller';
import { ForbiddenError } from '../lib/errors';
import { fromBytes } from '../lib/json';
import { RecordType } from '../lib/keys';
import { readRecord } from '../lib/state';
import { text } from '../lib/validate';

export const ORGANISATION_STATUSES = ['PROPOSED', 'ACTIVE'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

export interface Organisation {
  mspId: string;
  displayName: string;
  status: OrganisationStatus;
  /** ESTP roles the org's CA grants its users (informational: calls check the certificate). */
  roles: Role[];
  /** True for the orgs recorded by Bootstrap. */
  founding: boolean;
  /** Participant ID of the admin who proposed the org; `bootstrap:<participantId>` for founders. */
  proposedBy: string;
  createdAt: string;
  updatedAt: string;
  activatedAt?: string;
}

/** One org's vote for a proposed org. */
export interface OrganisationApproval {
  mspId: string;
  approverMspId: string;
  /** Participant ID of the approving admin. */
  approvedBy: string;
  approvedAt: string;
}

/** The founding orgs (design §1), recorded ACTIVE by Bootstrap. */
export const FOUNDING_ORGANISATIONS: readonly Pick<Organisation, 'mspId' | 'displayName' | 'roles'>[] = [
  {
    mspId: 'UtilityMSP',
    displayName: 'Utility (grid operator)',
    roles: ['admin', 'member', 'meter', 'treasurer', 'arbiter', 'auditor'],
  },
  {
    mspId: 'EnterpriseMSP',
    displayName: 'Enterprise (industrial members)',
    roles: ['admin', 'member', 'verifier', 'arbiter'],
  },
  { mspId: 'CommunityMSP', displayName: 'Community (energy co-op)', roles: ['admin', 'member', 'arbiter'] },
];

/** An MSP ID: a letter, then letters, digits, `.` or `-` (64 characters at most). */
export function mspIdField() {
  return text({
    max: 64,
    pattern: /^[A-Za-z][A-Za-z0-9.-]{0,63}$/,
    patternName: 'an MSP ID (a letter, then letters, digits, . or -)',
  });
}

/** Approvals needed for activation: a majority of the ACTIVE orgs, floor(n/2) + 1. */
export function requiredApprovals(activeOrganisations: number): number {
  return Math.floor(activeOrganisations / 2) + 1;
}

/** Composite key of the approval of `mspId` by `approverMspId`. */
export function approvalKey(ctx: Context, mspId: string, approverMspId: string): string {
  return ctx.stub.createCompositeKey(RecordType.OrganisationApproval, [mspId, approverMspId]);
}

/** Reads an organisation, or undefined. */
export function readOrganisation(ctx: Context, mspId: string): Promise<Organisation | undefined> {
  return readRecord<Organisation>(ctx, RecordType.Organisation, mspId);
}

/**
 * Asserts the org `mspId` is recorded ACTIVE on the ledger.
 * @throws {ForbiddenError} naming the org and its status.
 */
export async function requireActiveOrganisation(
  ctx: Context,
  mspId: string,
  what: string,
): Promise<Organisation> {
  const organisation = await readOrganisation(ctx, mspId);
  if (organisation?.status !== 'ACTIVE') {
    const status = organisation ? organisation.status : 'not a recorded organisation';
    throw new ForbiddenError(`${what} requires an ACTIVE organisation; ${mspId} is ${status}`);
  }
  return organisation;
}

/** Every organisation, in key order (unpaginated: usable in writing transactions). */
export async function allOrganisations(ctx: Context): Promise<Organisation[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(RecordType.Organisation, []);
  const organisations: Organisation[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      organisations.push(fromBytes<Organisation>(next.value.value));
    }
  } finally {
    await iterator.close();
  }
  return organisations;
}

/** The MSP IDs that approved `mspId`, sorted (unpaginated). */
export async function approversOf(ctx: Context, mspId: string): Promise<string[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(RecordType.OrganisationApproval, [mspId]);
  const approvers: string[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      approvers.push(fromBytes<OrganisationApproval>(next.value.value).approverMspId);
    }
  } finally {
    await iterator.close();
  }
  return approvers.sort();
}
