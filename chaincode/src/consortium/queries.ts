import type { Context } from 'fabric-contract-api';
import { NotFoundError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { type Page, listRecords, pageFields } from '../lib/pagination';
import { input } from '../lib/validate';
import {
  type Organisation,
  allOrganisations,
  approversOf,
  mspIdField,
  readOrganisation,
  requiredApprovals,
} from './model';

export const GetOrganisationInput = input({ mspId: mspIdField() });
export const ListOrganisationsInput = input({ ...pageFields });

/** An organisation with its votes: who approved it and how many approvals activation needs now. */
export interface OrganisationView extends Organisation {
  approvals: string[];
  requiredApprovals: number;
}

/**
 * One organisation with its approvals.
 * @throws {NotFoundError}
 */
export async function getOrganisation(
  ctx: Context,
  request: ReturnType<typeof GetOrganisationInput.parse>,
): Promise<OrganisationView> {
  const organisation = await readOrganisation(ctx, request.mspId);
  if (!organisation) throw new NotFoundError(RecordType.Organisation, request.mspId);
  const active = (await allOrganisations(ctx)).filter((org) => org.status === 'ACTIVE').length;
  return {
    ...organisation,
    approvals: await approversOf(ctx, organisation.mspId),
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
