import type { Context } from 'fabric-contract-api';
import { ROLES, callerOf, requireRole } from '../lib/caller';
import { AlreadyExistsError, ForbiddenError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { toBytes } from '../lib/json';
import { RecordType } from '../lib/keys';
import { writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { input, list, oneOf, text } from '../lib/validate';
import {
  type Organisation,
  type OrganisationApproval,
  allOrganisations,
  approvalKey,
  mspIdField,
  requiredApprovals,
} from './model';

export const ProposeOrganisationInput = input({
  mspId: mspIdField(),
  displayName: text({ max: 100 }),
  roles: list(oneOf(ROLES), { min: 1, max: ROLES.length, unique: true }).orUndefined(),
});

export interface OrganisationDecision {
  organisation: Organisation;
  approvals: string[];
  requiredApprovals: number;
}

/**
 * An admin of an ACTIVE org proposes a new org; the proposer's org is its first approval. When
 * that already is a majority of the ACTIVE orgs (a one-org consortium), the org is ACTIVE at once.
 * @throws {ForbiddenError} unless the caller is an `admin` of an ACTIVE org.
 * @throws {AlreadyExistsError} when the MSP ID is recorded (proposed or active) already.
 */
export async function proposeOrganisation(
  ctx: Context,
  request: ReturnType<typeof ProposeOrganisationInput.parse>,
): Promise<OrganisationDecision> {
  const caller = callerOf(ctx);
  requireRole(caller, 'admin');
  const organisations = await allOrganisations(ctx);
  const callerOrg = organisations.find((organisation) => organisation.mspId === caller.mspId);
  if (callerOrg?.status !== 'ACTIVE') {
    const status = callerOrg ? callerOrg.status : 'not a recorded organisation';
    throw new ForbiddenError(
      `ProposeOrganisation requires an ACTIVE organisation; ${caller.mspId} is ${status}`,
    );
  }
  if (organisations.some((organisation) => organisation.mspId === request.mspId)) {
    throw new AlreadyExistsError(RecordType.Organisation, request.mspId);
  }
  const active = organisations.filter((organisation) => organisation.status === 'ACTIVE').length;
  const required = requiredApprovals(active);
  const now = txTimeIso(ctx);
  const activates = required <= 1;
  const organisation: Organisation = {
    mspId: request.mspId,
    displayName: request.displayName,
    roles: request.roles ? [...request.roles].sort() : ['admin', 'member'],
    status: activates ? 'ACTIVE' : 'PROPOSED',
    founding: false,
    proposedBy: caller.participantId,
    createdAt: now,
    updatedAt: now,
    ...(activates ? { activatedAt: now } : {}),
  };
  const approval: OrganisationApproval = {
    mspId: request.mspId,
    approverMspId: caller.mspId,
    approvedBy: caller.participantId,
    approvedAt: now,
  };
  await writeRecord(ctx, RecordType.Organisation, organisation.mspId, organisation);
  await ctx.stub.putState(approvalKey(ctx, request.mspId, caller.mspId), toBytes(approval));
  const decision = { organisation, approvals: [caller.mspId], requiredApprovals: required };
  emitEvent(ctx, activates ? EventName.OrganisationActivated : EventName.OrganisationProposed, {
    mspId: organisation.mspId,
    status: organisation.status,
    approvals: decision.approvals,
    requiredApprovals: required,
    by: caller.participantId,
  });
  return decision;
}
