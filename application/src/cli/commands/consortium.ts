/** `estp consortium …`: the organisations of the consortium (design §1). */
import { idField, optional, PAGE_FIELDS, required } from './fields';
import type { ContractGroup } from './types';

const MSP_ID = idField('mspId', 'MSP ID, e.g. CityMSP');

export const consortium: ContractGroup = {
  name: 'consortium',
  contract: 'Consortium',
  description: 'organisations of the consortium and their onboarding',
  transactions: [
    {
      transaction: 'Bootstrap',
      kind: 'submit',
      description:
        'record the founding organisations as ACTIVE (admin of a founding org; a repeat changes nothing)',
    },
    {
      transaction: 'ProposeOrganisation',
      kind: 'submit',
      aliases: ['propose'],
      description:
        "propose a new organisation (admin of an ACTIVE org); the proposer's org is its first approval",
      fields: [
        MSP_ID,
        required('displayName', 'string', 'display name'),
        optional('roles', 'string[]', 'ESTP roles its members may hold, comma-separated'),
      ],
    },
    {
      transaction: 'ApproveOrganisation',
      kind: 'submit',
      aliases: ['approve'],
      description: 'approve a proposed organisation; ACTIVE once a majority of ACTIVE orgs approved',
      fields: [MSP_ID],
    },
    {
      transaction: 'GetOrganisation',
      kind: 'evaluate',
      aliases: ['get'],
      description: 'one organisation with the orgs that approved it',
      fields: [MSP_ID],
    },
    {
      transaction: 'ListOrganisations',
      kind: 'evaluate',
      aliases: ['list'],
      description: 'organisations in MSP ID order',
      fields: PAGE_FIELDS,
      paginated: true,
    },
  ],
};
