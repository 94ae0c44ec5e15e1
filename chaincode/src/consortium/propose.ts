import type { Context } from 'fabric-contract-api';
import { ROLES, requireRole } from '../lib/caller';
import { AlreadyExistsError, InvalidInputError, NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { gridZone, mspId } from '../lib/fields';
import { oneOf, text } from '../lib/validate';
import {
  ADMIN_CAPABILITY,
  type Organisation,
  allOrganisations,
  declarationOf,
  declarationShape,
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

export const ProposeOrganisation = transaction({
  contract: 'Consortium',
  name: 'ProposeOrganisation',
  kind: 'submit',
  summary:
    "Proposes to admit a new organisation with the capabilities it states; the proposer's org is its first approval.",
  input: declarationShape,
  output: result<OrganisationDecision>('`{ proposal, organisation, approvals, requiredApprovals }`'),
  errors: {
    ESTP_INVALID_INPUT: 'naming the field (capabilities must include admin)',
    ESTP_FORBIDDEN: 'unless the caller may act as admin of an ACTIVE org',
    ESTP_ALREADY_EXISTS: 'when the MSP ID is recorded already',
  },
  example: {
    mspId: 'CityMSP',
    displayName: 'City energy office',
    capabilities: ['admin', 'member', 'auditor'],
  },
});

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
  request: InputOf<typeof ProposeOrganisation>,
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

export const ProposeChange = transaction({
  contract: 'Consortium',
  name: 'ProposeChange',
  kind: 'submit',
  summary:
    "Proposes a change of an admitted organisation — GRANT or REVOKE a capability (with gridZone: meter for that zone, i.e. self-metering), SUSPEND or REINSTATE the org; the proposer's org is its first approval, a majority of ACTIVE orgs adopts it.",
  input: {
    mspId: mspId().describe('the organisation to change'),
    change: oneOf(CHANGES).describe('what changes'),
    capability: oneOf(ROLES).orUndefined().describe('the capability GRANT or REVOKE names'),
    gridZone: gridZone()
      .orUndefined()
      .describe('with the meter capability: the zone of a self-metering grant'),
    reason: text({ max: 500 }).orUndefined().describe('why (recorded with the proposal)'),
  },
  output: result<OrganisationDecision>(
    '`{ proposal, organisation, approvals, requiredApprovals }` (proposal.id names it for ApproveChange)',
  ),
  errors: {
    ESTP_INVALID_INPUT:
      'naming the field (capability missing or misplaced, gridZone without meter, REVOKE of admin)',
    ESTP_FORBIDDEN: 'unless the caller may act as admin of an ACTIVE org',
    ESTP_NOT_FOUND: 'unknown org',
    ESTP_ILLEGAL_STATE:
      'when the change does not apply (held already, not held, wrong status, last ACTIVE org)',
    ESTP_ALREADY_EXISTS: 'when the same change is proposed already (approve it)',
  },
  example: { mspId: 'CityMSP', change: 'GRANT', capability: 'verifier', reason: 'accredited M&V office' },
});

/**
 * The input's change made consistent: GRANT/REVOKE name a capability (never REVOKE of admin), a
 * grid zone only with meter; SUSPEND/REINSTATE name neither.
 * @throws {InvalidInputError}
 */
function checkChange(request: InputOf<typeof ProposeChange>): void {
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
  request: InputOf<typeof ProposeChange>,
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
