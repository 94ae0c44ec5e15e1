import type { Context } from 'fabric-contract-api';
import { NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { type Page, listRecords, pageFields } from '../lib/pagination';
import { input } from '../lib/validate';
import {
  type Organisation,
  activeMspIds,
  allOrganisations,
  mspIdField,
  readOrganisation,
  requiredApprovals,
} from './model';
import {
  type OrganisationProposal,
  admissionProposalId,
  approversOf,
  electorate,
  mustReadProposal,
  proposalIdField,
} from './proposals';

export const GetOrganisationInput = input({ mspId: mspIdField() });
export const ListOrganisationsInput = input({ ...pageFields });
export const GetProposalInput = input({ proposalId: proposalIdField() });
export const ListProposalsInput = input({ ...pageFields });

/** An organisation with the votes on its admission and how many approvals a proposal needs now. */
export interface OrganisationView extends Organisation {
  /** The orgs that approved its admission (none for founders). */
  approvals: string[];
  /** Approvals a proposal needs now: a majority of the ACTIVE orgs. */
  requiredApprovals: number;
}

/** A proposal with its votes, counted against the electorate of now. */
export interface ProposalView extends OrganisationProposal {
  /** Every org that approved it, sorted (votes of orgs no longer ACTIVE included). */
  approvals: string[];
  /** Approvals it needs now. */
  requiredApprovals: number;
}

/**
 * One organisation with the approvals of its admission.
 * @throws {NotFoundError}
 */
export async function getOrganisation(
  ctx: Context,
  request: ReturnType<typeof GetOrganisationInput.parse>,
): Promise<OrganisationView> {
  const organisation = await readOrganisation(ctx, request.mspId);
  if (!organisation) throw new NotFoundError(RecordType.Organisation, request.mspId);
  const active = activeMspIds(await allOrganisations(ctx)).length;
  return {
    ...organisation,
    approvals: await approversOf(ctx, admissionProposalId(organisation.mspId)),
    requiredApprovals: requiredApprovals(active),
  };
}

/** Organisations in MSP ID order, one page at a time. */
export function listOrganisations(
  ctx: Context,
  request: ReturnType<typeof ListOrganisationsInput.parse>,
): Promise<Page<Organisation>> {
  return listRecords<Organisation>(ctx, RecordType.Organisation, request.pageSize, request.bookmark);
}

/**
 * One proposal with its approvals.
 * @throws {NotFoundError}
 */
export async function getProposal(
  ctx: Context,
  request: ReturnType<typeof GetProposalInput.parse>,
): Promise<ProposalView> {
  const proposal = await mustReadProposal(ctx, request.proposalId);
  const { required } = electorate(proposal, await allOrganisations(ctx));
  return { ...proposal, approvals: await approversOf(ctx, proposal.id), requiredApprovals: required };
}

/** Proposals in ID order (`FOUND/…`, then by org), one page at a time. */
export function listProposals(
  ctx: Context,
  request: ReturnType<typeof ListProposalsInput.parse>,
): Promise<Page<OrganisationProposal>> {
  return listRecords<OrganisationProposal>(
    ctx,
    RecordType.OrganisationProposal,
    request.pageSize,
    request.bookmark,
  );
}
