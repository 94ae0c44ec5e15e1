import type { Context } from 'fabric-contract-api';
import { ROLES, requireRole } from '../lib/caller';
import { AlreadyExistsError, InvalidInputError, NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { input, oneOf, text } from '../lib/validate';
import { gridZoneField } from '../participant/model';
import {
  ADMIN_CAPABILITY,
  type Organisation,
  allOrganisations,
  declarationOf,
  declarationShape,
  mspIdField,
} from './model';
import {
  CHANGES,
  type OrganisationProposal,
  type ProposalDecision,
  admissionProposalId,
  approveProposal,
  changeProposalId,
  readProposal,
} from './proposals';

export const ProposeOrganisationInput = input(declarationShape);

/** What ProposeOrganisation, ApproveOrganisation, ProposeChange and ApproveChange return. */
export interface OrganisationDecision {
  proposal: OrganisationProposal;
  /** The organisation's record after the transaction. */
  organisation: Organisation;
  /** The MSP IDs whose approvals count now, sorted. */
  approvals: string[];
  requiredApprovals: number;
}

/** The decision on one organisation's proposal; `before` is its record when not adopted. */
export function decisionOn(decision: ProposalDecision, before: Organisation): OrganisationDecision {
  return {
    proposal: decision.proposal,
    organisation: decision.adopted[0] ?? before,
    approvals: decision.approvals,
    requiredApprovals: decision.requiredApprovals,
  };
}

/**
 * An admin of an ACTIVE org proposes to admit a new org with the capabilities it states; the
 * proposer's org is the first approval. The org is recorded PROPOSED (revision 0, no power) and
 * becomes ACTIVE once admins of a majority of the ACTIVE orgs approved its admission proposal
 * `<mspId>/0/ADMIT` — at once in a one-org consortium.
 * @throws {InvalidInputError} capabilities without admin, self-metering zones without meter.
 * @throws {ForbiddenError} unless the caller may act as admin (requireRole).
 * @throws {AlreadyExistsError} when the MSP ID is recorded (proposed, active or suspended) already.
 */
export async function proposeOrganisation(
  ctx: Context,
  request: ReturnType<typeof ProposeOrganisationInput.parse>,
): Promise<OrganisationDecision> {
  const declaration = declarationOf(request);
  const caller = await requireRole(ctx, 'admin');
  const organisations = await allOrganisations(ctx);
  if (organisations.some((organisation) => organisation.mspId === declaration.mspId)) {
    throw new AlreadyExistsError(RecordType.Organisation, declaration.mspId);
  }
  const now = txTimeIso(ctx);
  const proposed: Organisation = {
    ...declaration,
    status: 'PROPOSED',
    founding: false,
    proposedBy: caller.participantId,
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
  const proposal: OrganisationProposal = {
    id: admissionProposalId(declaration.mspId),
    kind: 'ADMIT',
    mspId: declaration.mspId,
    baseRevision: 0,
    status: 'OPEN',
    proposedBy: caller.participantId,
    proposedAt: now,
  };
  const decision = await approveProposal(ctx, caller, proposal, [...organisations, proposed], true);
  if (decision.adopted.length === 0)
    await writeRecord(ctx, RecordType.Organisation, proposed.mspId, proposed);
  return decisionOn(decision, proposed);
}

export const ProposeChangeInput = input({
  mspId: mspIdField(),
  change: oneOf(CHANGES),
  capability: oneOf(ROLES).orUndefined(),
  gridZone: gridZoneField().orUndefined(),
  reason: text({ max: 500 }).orUndefined(),
});

/**
 * The input's change made consistent: GRANT/REVOKE name a capability (never REVOKE of admin), a
 * grid zone only with meter; SUSPEND/REINSTATE name neither.
 * @throws {InvalidInputError}
 */
function checkChange(request: ReturnType<typeof ProposeChangeInput.parse>): void {
  const { change, capability, gridZone } = request;
  if (change === 'GRANT' || change === 'REVOKE') {
    if (capability === undefined) throw new InvalidInputError('capability', `is required for ${change}`);
    if (change === 'REVOKE' && capability === ADMIN_CAPABILITY) {
      throw new InvalidInputError(
        'capability',
        'admin is held by every organisation and never revoked: SUSPEND the organisation instead',
      );
    }
    if (gridZone !== undefined && capability !== 'meter') {
      throw new InvalidInputError('gridZone', 'goes with the meter capability only (a self-metering grant)');
    }
  } else {
    if (capability !== undefined) throw new InvalidInputError('capability', `is not taken by ${change}`);
    if (gridZone !== undefined) throw new InvalidInputError('gridZone', `is not taken by ${change}`);
  }
}

/**
 * An admin of an ACTIVE org proposes a change of an admitted org: GRANT or REVOKE a capability
 * (with `gridZone`, the meter capability for that zone: self-metering), SUSPEND or REINSTATE the
 * whole org. The proposer's org is the first approval; the change is adopted once admins of a
 * majority of the ACTIVE orgs approved it, provided the org's record has not changed meanwhile.
 * The proposal ID is `<mspId>/<revision>/<change>[/<capability>[/<gridZone>]]`.
 * @throws {InvalidInputError} inconsistent change fields; REVOKE of admin.
 * @throws {ForbiddenError} unless the caller may act as admin (requireRole).
 * @throws {NotFoundError} the org is not recorded.
 * @throws {IllegalStateError} the change does not apply (already granted, not held, PROPOSED org, …).
 * @throws {AlreadyExistsError} the same change of the same revision is proposed already: approve it.
 */
export async function proposeChange(
  ctx: Context,
  request: ReturnType<typeof ProposeChangeInput.parse>,
): Promise<OrganisationDecision> {
  checkChange(request);
  const caller = await requireRole(ctx, 'admin');
  const organisations = await allOrganisations(ctx);
  const target = organisations.find((organisation) => organisation.mspId === request.mspId);
  if (!target) throw new NotFoundError(RecordType.Organisation, request.mspId);
  const id = changeProposalId(
    target.mspId,
    target.revision,
    request.change,
    request.capability,
    request.gridZone,
  );
  if (await readProposal(ctx, id)) throw new AlreadyExistsError(RecordType.OrganisationProposal, id);
  const proposal: OrganisationProposal = {
    id,
    kind: request.change,
    mspId: target.mspId,
    baseRevision: target.revision,
    capability: request.capability,
    gridZone: request.gridZone,
    reason: request.reason,
    status: 'OPEN',
    proposedBy: caller.participantId,
    proposedAt: txTimeIso(ctx),
  };
  return decisionOn(await approveProposal(ctx, caller, proposal, organisations, true), target);
}
