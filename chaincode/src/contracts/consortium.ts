import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { ApproveOrganisationInput, approveOrganisation } from '../consortium/approve';
import { BootstrapInput, bootstrap } from '../consortium/bootstrap';
import { ProposeOrganisationInput, proposeOrganisation } from '../consortium/propose';
import {
  GetOrganisationInput,
  ListOrganisationsInput,
  getOrganisation,
  listOrganisations,
} from '../consortium/queries';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';

/**
 * The consortium's organisations: founding orgs recorded at deployment, new orgs activated by a
 * majority of the ACTIVE orgs' admins (design §1, §2).
 */
@Info({ title: 'Consortium', description: 'ESTP consortium organisations and their onboarding votes' })
export class ConsortiumContract extends EstpContract {
  constructor() {
    super('Consortium');
  }

  /**
   * Records the founding orgs UtilityMSP, EnterpriseMSP, CommunityMSP as ACTIVE (run once after
   * deployment; a repeat changes nothing and returns the existing records).
   * @returns `{ created, organisations }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT for any field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller is an admin of a founding org.
   */
  @Transaction()
  @Param('input', 'string', 'JSON {} (no fields)')
  @Returns('string')
  async Bootstrap(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await bootstrap(ctx, BootstrapInput.parse(input)));
  }

  /**
   * Proposes a new organisation; the proposer's org is its first approval.
   * @returns `{ organisation, approvals, requiredApprovals }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller is an admin of an ACTIVE org.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when the MSP ID is recorded already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { mspId, displayName, roles? }')
  @Returns('string')
  async ProposeOrganisation(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await proposeOrganisation(ctx, ProposeOrganisationInput.parse(input)));
  }

  /**
   * Approves a PROPOSED organisation on behalf of the caller's org (one vote per org); the org
   * becomes ACTIVE with the votes of a majority of ACTIVE orgs (floor(n/2) + 1).
   * @returns `{ organisation, approvals, requiredApprovals }`
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN unless the caller is an admin of an ACTIVE org.
   * @throws {NotFoundError} ESTP_NOT_FOUND when the org was never proposed.
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE when the org is ACTIVE already.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when the caller's org voted already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { mspId }')
  @Returns('string')
  async ApproveOrganisation(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await approveOrganisation(ctx, ApproveOrganisationInput.parse(input)));
  }

  /**
   * One organisation with the MSP IDs that approved it.
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
}
