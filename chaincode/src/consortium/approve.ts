import type { Context } from 'fabric-contract-api';
import { callerOf, requireRole } from '../lib/caller';
import { AlreadyExistsError, ForbiddenError, IllegalStateError, NotFoundError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { toBytes } from '../lib/json';
import { RecordType } from '../lib/keys';
import { writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { input } from '../lib/validate';
import {
  type Organisation,
  type OrganisationApproval,
  allOrganisations,
  approvalKey,
  approversOf,
  mspIdField,
  requiredApprovals,
} from './model';
import type { OrganisationDecision } from './propose';

export const ApproveOrganisationInput = input({ mspId: mspIdField() });

/**
 * An admin of an ACTIVE org approves a PROPOSED org; one vote per org. The org becomes ACTIVE when
 * the approvals of currently ACTIVE orgs reach floor(active/2) + 1.
 *
 * Concurrency trade-off: each vote writes only its own key `(OrganisationApproval, mspId,
 * approverMspId)`, so votes of different orgs never write the same key, and the org record is
 * written only by the vote that activates it. Counting the votes reads the approval range,
 * though: two votes for the same org committed in the same block make the later one fail
 * validation (phantom read) and its client resubmits it. Any correct count must see the other
 * votes, so this conflict is inherent; it is rare (org onboarding is infrequent) and harmless
 * (the vote is retried, never double counted).
 * @throws {ForbiddenError} unless the caller is an `admin` of an ACTIVE org.
 * @throws {NotFoundError} when no org `mspId` was proposed.
 * @throws {IllegalStateError} when the org is ACTIVE already.
 * @throws {AlreadyExistsError} when the caller's org voted for it already.
 */
export async function approveOrganisation(
  ctx: Context,
  request: ReturnType<typeof ApproveOrganisationInput.parse>,
): Promise<OrganisationDecision> {
  const caller = callerOf(ctx);
  requireRole(caller, 'admin');
  const organisations = await allOrganisations(ctx);
  const callerOrg = organisations.find((organisation) => organisation.mspId === caller.mspId);
  if (callerOrg?.status !== 'ACTIVE') {
    const status = callerOrg ? callerOrg.status : 'not a recorded organisation';
    throw new ForbiddenError(
      `ApproveOrganisation requires an ACTIVE organisation; ${caller.mspId} is ${status}`,
    );
  }
  const target = organisations.find((organisation) => organisation.mspId === request.mspId);
  if (!target) throw new NotFoundError(RecordType.Organisation, request.mspId);
  if (target.status !== 'PROPOSED') {
    throw new IllegalStateError(
      `organisation ${target.mspId} is ${target.status}; only PROPOSED organisations are approved`,
    );
  }
  const approvers = await approversOf(ctx, target.mspId);
  if (approvers.includes(caller.mspId)) {
    throw new AlreadyExistsError(RecordType.OrganisationApproval, `${target.mspId}:${caller.mspId}`);
  }

  const activeMspIds = new Set(
    organisations.filter((org) => org.status === 'ACTIVE').map((org) => org.mspId),
  );
  const votes = [...approvers, caller.mspId].filter((mspId) => activeMspIds.has(mspId)).sort();
  const required = requiredApprovals(activeMspIds.size);
  const now = txTimeIso(ctx);
  const approval: OrganisationApproval = {
    mspId: target.mspId,
    approverMspId: caller.mspId,
    approvedBy: caller.participantId,
    approvedAt: now,
  };
  await ctx.stub.putState(approvalKey(ctx, target.mspId, caller.mspId), toBytes(approval));
  let organisation: Organisation = target;
  const activates = votes.length >= required;
  if (activates) {
    organisation = { ...target, status: 'ACTIVE', updatedAt: now, activatedAt: now };
    await writeRecord(ctx, RecordType.Organisation, organisation.mspId, organisation);
  }
  emitEvent(ctx, activates ? EventName.OrganisationActivated : EventName.OrganisationApproved, {
    mspId: organisation.mspId,
    status: organisation.status,
    approvals: votes,
    requiredApprovals: required,
    by: caller.participantId,
  });
  return { organisation, approvals: votes, requiredApprovals: required };
}
