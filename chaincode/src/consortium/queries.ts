import type { Context } from 'fabric-contract-api';
import { NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { type Page, listRecords, pageFields } from '../lib/pagination';
import { type InputOf, result, transaction } from '../lib/declaration';
import { mspId } from '../lib/fields';
import {
  type Organisation,
  activeMspIds,
  allOrganisations,
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

export const GetOrganisation = transaction({
  contract: 'Consortium',
  name: 'GetOrganisation',
  kind: 'evaluate',
  summary: 'One organisation with its capabilities and the MSP IDs that approved its admission.',
  input: { mspId: mspId().describe('the MSP ID') },
  output: result<OrganisationView>('the organisation with the approvals of its admission'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { mspId: 'CommunityMSP' },
});

export const ListOrganisations = transaction({
  contract: 'Consortium',
  name: 'ListOrganisations',
  kind: 'evaluate',
  summary: 'Organisations in MSP ID order.',
  input: { ...pageFields },
  output: result<Page<Organisation>>('one page of organisations'),
  errors: {},
  example: {},
});

export const GetProposal = transaction({
  contract: 'Consortium',
  name: 'GetProposal',
  kind: 'evaluate',
  summary:
    'One proposal (founding, admission or change) with the orgs that approved it and the approvals it needs now.',
  input: { proposalId: proposalIdField().describe('the proposal ID') },
  output: result<ProposalView>('the proposal with its approvals'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { proposalId: 'CityMSP/0/ADMIT' },
});

export const ListProposals = transaction({
  contract: 'Consortium',
  name: 'ListProposals',
  kind: 'evaluate',
  summary: 'Proposals in ID order (FOUND/…, then by org).',
  input: { ...pageFields },
  output: result<Page<OrganisationProposal>>('one page of proposals'),
  errors: {},
  example: { pageSize: 50 },
});

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
  request: InputOf<typeof GetOrganisation>,
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
  request: InputOf<typeof ListOrganisations>,
): Promise<Page<Organisation>> {
  return listRecords<Organisation>(ctx, RecordType.Organisation, request.pageSize, request.bookmark);
}

/**
 * One proposal with its approvals.
 * @throws {NotFoundError}
 */
export async function getProposal(ctx: Context, request: InputOf<typeof GetProposal>): Promise<ProposalView> {
  const proposal = await mustReadProposal(ctx, request.proposalId);
  const { required } = electorate(proposal, await allOrganisations(ctx));
  return { ...proposal, approvals: await approversOf(ctx, proposal.id), requiredApprovals: required };
}

/** Proposals in ID order (`FOUND/…`, then by org), one page at a time. */
export function listProposals(
  ctx: Context,
  request: InputOf<typeof ListProposals>,
): Promise<Page<OrganisationProposal>> {
  return listRecords<OrganisationProposal>(
    ctx,
    RecordType.OrganisationProposal,
    request.pageSize,
    request.bookmark,
  );
}
