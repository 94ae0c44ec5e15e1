/** `estp participant …`: participants and their lifecycle (design §2). */
import { idField, PAGE_FIELDS } from './fields';
import type { ContractGroup, FieldSpec } from './types';

const ID = idField('id', 'participant ID <mspId>:<enrollmentId>, e.g. CommunityMSP:member1');
const REASON: FieldSpec = {
  name: 'reason',
  type: 'string',
  description: 'why (recorded with the status change)',
};

export const participant: ContractGroup = {
  name: 'participant',
  contract: 'Participant',
  description: 'participants: registration, approval and status',
  transactions: [
    {
      transaction: 'Register',
      kind: 'submit',
      description: "register the caller's identity as a participant (status PENDING)",
      fields: [
        { name: 'displayName', type: 'string', description: 'display name', required: true },
        { name: 'kind', type: 'string', description: 'SUPPLIER | CONSUMER | PROSUMER', required: true },
        { name: 'commodities', type: 'string[]', description: 'ELECTRICITY,HEAT,SAVINGS_CERT' },
        { name: 'gridZone', type: 'string', description: 'grid zone, e.g. ZONE-A' },
        { name: 'meterIds', type: 'string[]', description: 'meter IDs, comma-separated' },
        { name: 'capacityW', type: 'integer', description: 'nameplate capacity in W' },
      ],
      transient: [
        {
          option: 'verification-file',
          key: 'verification',
          description:
            "identity-verification document, kept in the org's private data (only its hash is public)",
        },
      ],
    },
    {
      transaction: 'Approve',
      kind: 'submit',
      description: 'approve a PENDING participant of your org (admin)',
      fields: [ID],
    },
    {
      transaction: 'Suspend',
      kind: 'submit',
      description: 'suspend an ACTIVE participant (admin)',
      fields: [ID, REASON],
    },
    {
      transaction: 'Reinstate',
      kind: 'submit',
      description: 'reinstate a SUSPENDED participant (admin)',
      fields: [ID, REASON],
    },
    {
      transaction: 'Revoke',
      kind: 'submit',
      description: 'revoke a participant for good (admin)',
      fields: [ID, REASON],
    },
    { transaction: 'Get', kind: 'evaluate', description: 'one participant record', fields: [ID] },
    {
      transaction: 'Self',
      kind: 'evaluate',
      aliases: ['me', 'whoami'],
      description: "the caller's own record",
    },
    {
      transaction: 'List',
      kind: 'evaluate',
      description: 'participant records',
      fields: PAGE_FIELDS,
      paginated: true,
    },
  ],
};
