import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import {
  ApproveChangeInput,
  ApproveOrganisationInput,
  approveChange,
  approveOrganisation,
} from '../consortium/approve';
import { BootstrapInput, bootstrap } from '../consortium/bootstrap';
import {
  ProposeChangeInput,
  ProposeOrganisationInput,
  proposeChange,
  proposeOrganisation,
} from '../consortium/propose';
import {
  GetOrganisationInput,
  GetProposalInput,
  ListOrganisationsInput,
  ListProposalsInput,
  getOrganisation,
  getProposal,
  listOrganisations,
  listProposals,
} from '../consortium/queries';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';

/**
 * The consortium's organisations and their capabilities: founders recorded when every founding org
 * confirmed the same declaration, every later change (admission, capability, suspension) adopted
 * by a majority of the ACTIVE orgs' admins (docs/trust.md).
 */
@Info({
  title: 'Consortium',
  description: 'ESTP consortium organisations, their capabilities and the votes that change them',
})
export class ConsortiumContract extends EstpContract {
  constructor() {
    super('Consortium');
  }

  /**
   * Confirms the founding declaration (the founding orgs with their capabilities and self-metering
   * zones) for the caller's org; the orgs are recorded ACTIVE once the admin of every org listed
   * confirmed the identical declaration. A repeat, or a confirmation after the founding, changes nothing.
   * @returns `{ proposal, approvals, requiredApprovals, founded, changed, organisations }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field (fewer than 2 orgs, an org twice, no admin capability, zones without meter).
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller's certificate claims admin and its org is listed.
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE when the consortium was founded by another declaration.
   */
  @Transaction()
  @Param(
    'input',
    'string',
    'JSON { organisations: [{ mspId, displayName, capabilities, selfMeteringZones? }] }',
  )
  @Returns('string')
  async Bootstrap(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await bootstrap(ctx, BootstrapInput.parse(input)));
  }

  /**
   * Proposes to admit a new organisation with the capabilities it states; the proposer's org is its first approval.
   * @returns `{ proposal, organisation, approvals, requiredApprovals }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field (capabilities must include admin).
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller may act as admin of an ACTIVE org.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when the MSP ID is recorded already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { mspId, displayName, capabilities, selfMeteringZones? }')
  @Returns('string')
  async ProposeOrganisation(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await proposeOrganisation(ctx, ProposeOrganisationInput.parse(input)));
  }

  /**
   * Approves the admission of a PROPOSED organisation on behalf of the caller's org (one vote per
   * org); the org becomes ACTIVE with the votes of a majority of ACTIVE orgs (floor(n/2) + 1).
   * @returns `{ proposal, organisation, approvals, requiredApprovals }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller may act as admin of an ACTIVE org.
   * @throws {NotFoundError} ESTP_NOT_FOUND when the org was never proposed.
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE when the org is admitted already.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when the caller's org voted already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { mspId }')
  @Returns('string')
  async ApproveOrganisation(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await approveOrganisation(ctx, ApproveOrganisationInput.parse(input)));
  }

  /**
   * Proposes a change of an admitted organisation — GRANT or REVOKE a capability (with gridZone:
   * meter for that zone, i.e. self-metering), SUSPEND or REINSTATE the org; the proposer's org is
   * its first approval, a majority of ACTIVE orgs adopts it.
   * @returns `{ proposal, organisation, approvals, requiredApprovals }` (proposal.id names it for ApproveChange)
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field (capability missing or misplaced, gridZone without meter, REVOKE of admin).
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller may act as admin of an ACTIVE org.
   * @throws {NotFoundError} ESTP_NOT_FOUND unknown org.
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE when the change does not apply (held already, not held, wrong status, last ACTIVE org).
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when the same change is proposed already (approve it).
   */
  @Transaction()
  @Param(
    'input',
    'string',
    'JSON { mspId, change: GRANT|REVOKE|SUSPEND|REINSTATE, capability?, gridZone?, reason? }',
  )
  @Returns('string')
  async ProposeChange(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await proposeChange(ctx, ProposeChangeInput.parse(input)));
  }

  /**
   * Approves a proposed change (or admission) on behalf of the caller's org (one vote per org);
   * adopted with a majority of ACTIVE orgs while the org's record is at the revision it changes.
   * @returns `{ proposal, organisation, approvals, requiredApprovals }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller may act as admin of an ACTIVE org.
   * @throws {NotFoundError} ESTP_NOT_FOUND unknown proposal.
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE when ADOPTED already, outdated (the org changed since), or a founding declaration.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when the caller's org approved it already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { proposalId }')
  @Returns('string')
  async ApproveChange(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await approveChange(ctx, ApproveChangeInput.parse(input)));
  }

  /**
   * One organisation with its capabilities and the MSP IDs that approved its admission.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { mspId }')
  @Returns('string')
  async GetOrganisation(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getOrganisation(ctx, GetOrganisationInput.parse(input)));
  }

  /**
   * Organisations in MSP ID order: `{ records, bookmark }`, empty bookmark on the last page.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { pageSize?, bookmark? }')
  @Returns('string')
  async ListOrganisations(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listOrganisations(ctx, ListOrganisationsInput.parse(input)));
  }

  /**
   * One proposal (founding, admission or change) with the orgs that approved it and the approvals it needs now.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { proposalId }')
  @Returns('string')
  async GetProposal(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await getProposal(ctx, GetProposalInput.parse(input)));
  }

  /**
   * Proposals in ID order: `{ records, bookmark }`, empty bookmark on the last page.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { pageSize?, bookmark? }')
  @Returns('string')
  async ListProposals(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await listProposals(ctx, ListProposalsInput.parse(input)));
  }
}
