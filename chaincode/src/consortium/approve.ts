import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import { IllegalStateError, NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { type InputOf, result, transaction } from '../lib/declaration';
import { mspId } from '../lib/fields';
import { allOrganisations } from './model';
import { type OrganisationDecision, decisionOn } from './propose';
import { admissionProposalId, approveProposal, mustReadProposal, proposalIdField } from './proposals';

export const ApproveOrganisation = transaction({
  contract: 'Consortium',
  name: 'ApproveOrganisation',
  kind: 'submit',
  summary:
    "Approves the admission of a PROPOSED organisation on behalf of the caller's org (one vote per org); the org becomes ACTIVE with the votes of a majority of ACTIVE orgs (floor(n/2) + 1).",
  input: { mspId: mspId().describe('MSP ID of the proposed organisation') },
  output: result<OrganisationDecision>('`{ proposal, organisation, approvals, requiredApprovals }`'),
  errors: {
    ESTP_FORBIDDEN: 'unless the caller may act as admin of an ACTIVE org',
    ESTP_NOT_FOUND: 'when the org was never proposed',
    ESTP_ILLEGAL_STATE: 'when the org is admitted already',
    ESTP_ALREADY_EXISTS: "when the caller's org voted already",
  },
  example: { mspId: 'CityMSP' },
});

/**
 * An admin of an ACTIVE org approves the admission of a PROPOSED org (its proposal
 * `<mspId>/0/ADMIT`); one vote per org. The org becomes ACTIVE when the approvals of currently
 * ACTIVE orgs reach floor(active/2) + 1. See consortium/proposals.ts for the races.
 * @throws {ForbiddenError} unless the caller may act as admin (requireRole).
 * @throws {NotFoundError} when no org `mspId` was proposed.
 * @throws {IllegalStateError} when the org is admitted already.
 * @throws {AlreadyExistsError} when the caller's org voted for it already.
 */
export async function approveOrganisation(
  ctx: Context,
  request: InputOf<typeof ApproveOrganisation>,
): Promise<OrganisationDecision> {
  const caller = await requireRole(ctx, 'admin');
  const organisations = await allOrganisations(ctx);
  const target = organisations.find((organisation) => organisation.mspId === request.mspId);
  if (!target) throw new NotFoundError(RecordType.Organisation, request.mspId);
  if (target.status !== 'PROPOSED') {
    throw new IllegalStateError(
      `organisation ${target.mspId} is ${target.status}; only PROPOSED organisations are approved`,
    );
  }
  const proposal = await mustReadProposal(ctx, admissionProposalId(target.mspId));
  return decisionOn(await approveProposal(ctx, caller, proposal, organisations, false), target);
}

export const ApproveChange = transaction({
  contract: 'Consortium',
  name: 'ApproveChange',
  kind: 'submit',
  summary:
    "Approves a proposed change (or admission) on behalf of the caller's org (one vote per org); adopted with a majority of ACTIVE orgs while the org's record is at the revision it changes.",
  input: { proposalId: proposalIdField().describe('the proposal, as ProposeChange returned its ID') },
  output: result<OrganisationDecision>('`{ proposal, organisation, approvals, requiredApprovals }`'),
  errors: {
    ESTP_FORBIDDEN: 'unless the caller may act as admin of an ACTIVE org',
    ESTP_NOT_FOUND: 'unknown proposal',
    ESTP_ILLEGAL_STATE: 'when ADOPTED already, outdated (the org changed since), or a founding declaration',
    ESTP_ALREADY_EXISTS: "when the caller's org approved it already",
  },
  example: { proposalId: 'CityMSP/1/GRANT/verifier' },
});

/**
 * An admin of an ACTIVE org approves a proposed change of an org (or an admission) on behalf of
 * its org; one vote per org. Adopted when the approvals of currently ACTIVE orgs reach
 * floor(active/2) + 1 and the org's record is still at the revision the proposal changes.
 * @throws {ForbiddenError} unless the caller may act as admin (requireRole); a founding declaration
 *   (confirmed with Bootstrap).
 * @throws {NotFoundError} unknown proposal.
 * @throws {IllegalStateError} ADOPTED already, or outdated: the org changed since it was proposed.
 * @throws {AlreadyExistsError} when the caller's org approved it already.
 */
export async function approveChange(
  ctx: Context,
  request: InputOf<typeof ApproveChange>,
): Promise<OrganisationDecision> {
  const caller = await requireRole(ctx, 'admin');
  const proposal = await mustReadProposal(ctx, request.proposalId);
  if (proposal.kind === 'FOUND') {
    throw new IllegalStateError(
      `${proposal.id} is a founding declaration: its orgs confirm it with Bootstrap`,
    );
  }
  const organisations = await allOrganisations(ctx);
  const target = organisations.find((organisation) => organisation.mspId === proposal.mspId);
  if (!target) throw new NotFoundError(RecordType.Organisation, proposal.mspId ?? '');
  return decisionOn(await approveProposal(ctx, caller, proposal, organisations, false), target);
}
