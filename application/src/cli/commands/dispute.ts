/** `estp dispute …`: disputes and rulings (design §5). A trade has at most one dispute. */
import { evidenceFields, idField, optional, PAGE_FIELDS, required } from './fields';
import type { ContractGroup } from './types';

const TRADE_ID = idField('tradeId', 'the disputed trade');

export const dispute: ContractGroup = {
  name: 'dispute',
  contract: 'Dispute',
  description: 'disputes over trades and their rulings by neutral arbiters',
  transactions: [
    {
      transaction: 'Open',
      kind: 'submit',
      description: 'open a dispute on a trade within its window (a party to the trade); freezes the trade',
      fields: [
        TRADE_ID,
        required('claim', 'string', 'what is disputed'),
        ...evidenceFields('evidence', 'evidence'),
      ],
    },
    {
      transaction: 'AddEvidence',
      kind: 'submit',
      aliases: ['evidence'],
      description: 'add evidence to an open dispute',
      fields: [TRADE_ID, ...evidenceFields('evidence', 'evidence'), optional('note', 'string', 'note')],
    },
    {
      transaction: 'Rule',
      kind: 'submit',
      description: 'vote a ruling (arbiter of a neutral org); final when enough arbiters agree',
      fields: [
        TRADE_ID,
        required('deliveredWh', 'integer', 'delivered quantity the ruling fixes, Wh'),
        required('penalty', 'integer', 'penalty, minor currency units'),
        optional('reason', 'string', 'reasoning'),
      ],
    },
    { transaction: 'Get', kind: 'evaluate', description: "a trade's dispute", fields: [TRADE_ID] },
    {
      transaction: 'List',
      kind: 'evaluate',
      description: 'disputes',
      fields: [idField('participantId', 'only disputes of this participant', false), ...PAGE_FIELDS],
      paginated: true,
    },
  ],
};
