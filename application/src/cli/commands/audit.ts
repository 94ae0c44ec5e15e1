/**
 * `estp audit …`: read-only queries for auditors (design §6). The transactions History, List and
 * Totals, and the commands verify, history (with who signed each version), trades and report
 * (audit-commands.ts); `estp call Audit History` reaches the raw transaction.
 */
import { AUDIT_COMMANDS } from './audit-commands';
import { PAGE_FIELDS, optional, required } from './fields';
import type { ContractGroup } from './types';

export const audit: ContractGroup = {
  name: 'audit',
  contract: 'Audit',
  description: 'chain verification, record history, trades, reports and the conservation totals',
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
      transaction: 'List',
      kind: 'evaluate',
      description: 'every record of one type, in key order',
      paginated: true,
      fields: [
        required('recordType', 'string', 'record type, e.g. TreasuryOperation, CertificateBatch, Trade'),
        ...PAGE_FIELDS,
      ],
    },
    {
      transaction: 'Totals',
      kind: 'evaluate',
      description: 'minted, burned, available and escrowed credits (minted − burned = available + escrowed)',
    },
  ],
  commands: AUDIT_COMMANDS,
};
