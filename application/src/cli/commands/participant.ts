/** `estp participant …`: participants and their lifecycle (design §2). */
import { idField, optional, PAGE_FIELDS, required } from './fields';
import type { ContractGroup } from './types';

const ID = idField('id', 'participant ID <mspId>:<enrollmentId>, e.g. CommunityMSP:member1');
const REASON = required('reason', 'string', 'why (recorded with the status change)');
const OPTIONAL_REASON = optional('reason', 'string', 'why (recorded with the status change)');

export const participant: ContractGroup = {
  name: 'participant',
  contract: 'Participant',
  description: 'participants: registration, approval and status',
  transactions: [
    {
      transaction: 'Register',
      kind: 'submit',
      description: "register the caller's own identity as a participant (status PENDING)",
      fields: [
        required('displayName', 'string', 'display name'),
        required('kind', 'string', 'SUPPLIER | CONSUMER | PROSUMER'),
        required('commodities', 'string[]', 'ELECTRICITY,HEAT,SAVINGS_CERT (comma-separated)'),
        required('gridZone', 'string', 'grid zone code, e.g. ZONE-A'),
        optional('meterIds', 'string[]', 'meters owned, comma-separated (bound when its admin approves it)'),
        optional('capacityW', 'integer', 'nameplate capacity in W'),
      ],
      transient: [
        {
          option: 'verification-file',
          key: 'verification',
          description:
            "identity-verification document (≤ 64 KiB), kept in the org's private data; only its hash is public",
        },
      ],
    },
    {
      transaction: 'Approve',
      kind: 'submit',
      description: 'PENDING → ACTIVE (admin of the same org, not oneself), binding its requested meters',
      fields: [
        ID,
        OPTIONAL_REASON,
        optional('meterIds', 'string[]', 'the requested meters to bind, comma-separated (default: all)'),
      ],
    },
    {
      transaction: 'Suspend',
      kind: 'submit',
      description: 'ACTIVE → SUSPENDED (admin)',
      fields: [ID, REASON],
    },
    {
      transaction: 'Reinstate',
      kind: 'submit',
      description: 'SUSPENDED → ACTIVE (admin)',
      fields: [ID, OPTIONAL_REASON],
    },
    {
      transaction: 'Revoke',
      kind: 'submit',
      description: '→ REVOKED for good (admin); its meters are released',
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
      fields: [
        optional('mspId', 'string', 'only this org'),
        optional('status', 'string', 'PENDING | ACTIVE | SUSPENDED | REVOKED'),
        ...PAGE_FIELDS,
      ],
      paginated: true,
    },
  ],
};
