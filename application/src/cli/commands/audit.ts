/** `estp audit …`: read-only queries for auditors (design §6). */
import { optional, required } from './fields';
import type { ContractGroup } from './types';

export const audit: ContractGroup = {
  name: 'audit',
  contract: 'Audit',
  description: 'record history and the conservation totals',
  transactions: [
    {
      transaction: 'History',
      kind: 'evaluate',
      description: 'every version of a record with its transaction ID and timestamp',
      fields: [
        required('recordType', 'string', 'record type, e.g. Participant, Offer, Trade, Account, Dispute'),
        required('id', 'string', 'record ID'),
        optional('limit', 'integer', 'most versions returned'),
      ],
    },
    {
      transaction: 'Totals',
      kind: 'evaluate',
      description: 'minted, burned, available and escrowed credits (minted − burned = available + escrowed)',
    },
  ],
};
