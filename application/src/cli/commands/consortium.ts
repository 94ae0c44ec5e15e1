/** `estp consortium …`: the organisations of the consortium (design §1). */
import { idField, PAGE_FIELDS } from './fields';
import type { ContractGroup } from './types';

export const consortium: ContractGroup = {
  name: 'consortium',
  contract: 'Consortium',
  description: 'organisations of the consortium and their onboarding',
  transactions: [
    {
      transaction: 'Bootstrap',
      kind: 'submit',
      description: 'record the founding organisations (once, by an admin; idempotent)',
    },
    {
      transaction: 'ProposeOrganisation',
      kind: 'submit',
      aliases: ['propose'],
      description: 'propose a new organisation (admin of an ACTIVE org)',
      fields: [idField('mspId', 'MSP ID of the proposed organisation, e.g. CityMSP')],
    },
    {
      transaction: 'ApproveOrganisation',
      kind: 'submit',
      aliases: ['approve'],
      description: 'approve a proposed organisation; ACTIVE after a majority of ACTIVE orgs approved',
      fields: [idField('mspId', 'MSP ID of the proposed organisation')],
    },
    {
      transaction: 'GetOrganisation',
      kind: 'evaluate',
      aliases: ['get'],
      description: 'one organisation record',
      fields: [idField('mspId', 'MSP ID, e.g. UtilityMSP')],
    },
    {
      transaction: 'ListOrganisations',
      kind: 'evaluate',
      aliases: ['list'],
      description: 'all organisation records',
      fields: PAGE_FIELDS,
      paginated: true,
    },
  ],
};
