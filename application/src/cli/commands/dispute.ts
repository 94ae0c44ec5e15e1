/** `estp dispute …`: disputes and rulings (design §5). */
import { idField, PAGE_FIELDS } from './fields';
import type { ContractGroup } from './types';

const DISPUTE_ID = idField('disputeId', 'dispute ID (client-chosen)');

export const dispute: ContractGroup = {
  name: 'dispute',
  contract: 'Dispute',
  description: 'disputes over trades and their rulings by neutral arbiters',
  transactions: [
    {
      transaction: 'Open',
      kind: 'submit',
      description: 'open a dispute on a trade within its window (a party to the trade); freezes the trade',
      fields: [DISPUTE_ID, idField('tradeId', 'the disputed trade')],
    },
    {
      transaction: 'AddEvidence',
      kind: 'submit',
      aliases: ['evidence'],
      description: 'add evidence (hash and URI) to an open dispute',
      fields: [DISPUTE_ID],
    },
    {
      transaction: 'Rule',
      kind: 'submit',
      description: 'give a ruling (arbiter of a neutral org); final when enough arbiters agree',
      fields: [DISPUTE_ID],
    },
    { transaction: 'Get', kind: 'evaluate', description: 'one dispute', fields: [DISPUTE_ID] },
    { transaction: 'List', kind: 'evaluate', description: 'disputes', fields: PAGE_FIELDS, paginated: true },
  ],
};
