import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import { IllegalStateError, NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { input } from '../lib/validate';
import { allOrganisations, mspIdField } from './model';
import { type OrganisationDecision, decisionOn } from './propose';
import { admissionProposalId, approveProposal, mustReadProposal, proposalIdField } from './proposals';

export const ApproveOrganisationInput = input({ mspId: mspIdField() });

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
  request: ReturnType<typeof ApproveOrganisationInput.parse>,
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

export const ApproveChangeInput = input({ proposalId: proposalIdField() });

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
  request: ReturnType<typeof ApproveChangeInput.parse>,
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
