/** `estp settlement …`: accounts, delivery, settlement and certificates (design §4). */
import { idField, PAGE_FIELDS } from './fields';
import type { ContractGroup } from './types';

const TRADE_ID = idField('tradeId', 'trade ID');
const PROJECT_ID = idField('projectId', 'savings project ID (client-chosen)');

export const settlement: ContractGroup = {
  name: 'settlement',
  contract: 'Settlement',
  description: 'settlement accounts, delivery reports, trade settlement and energy-savings certificates',
  transactions: [
    {
      transaction: 'Deposit',
      kind: 'submit',
      description: 'mint settlement credits into an account (treasurer)',
    },
    {
      transaction: 'Withdraw',
      kind: 'submit',
      description: 'burn settlement credits from an account (treasurer)',
    },
    {
      transaction: 'GetAccount',
      kind: 'evaluate',
      aliases: ['account'],
      description: "an account's available and escrowed credits",
    },
    {
      transaction: 'ReportDelivery',
      kind: 'submit',
      aliases: ['report'],
      description: "report a trade's delivered quantity with a meter-reading hash (meter operator)",
      fields: [TRADE_ID],
    },
    {
      transaction: 'Settle',
      kind: 'submit',
      description: 'settle a trade after its dispute window (pay, refund, penalise)',
      fields: [TRADE_ID],
    },
    {
      transaction: 'GetTrade',
      kind: 'evaluate',
      aliases: ['trade'],
      description: 'one trade',
      fields: [TRADE_ID],
    },
    {
      transaction: 'ListTrades',
      kind: 'evaluate',
      aliases: ['trades'],
      description: 'trades (by participant, market or period)',
      fields: PAGE_FIELDS,
      paginated: true,
    },
    {
      transaction: 'RegisterSavingsProject',
      kind: 'submit',
      aliases: ['register-project'],
      description: 'register an energy-savings project (baseline, method, evidence hash)',
      fields: [PROJECT_ID],
    },
    {
      transaction: 'IssueCertificates',
      kind: 'submit',
      aliases: ['issue'],
      description: 'issue savings certificates for a registered project (verifier)',
      fields: [PROJECT_ID],
    },
    {
      transaction: 'TransferCertificates',
      kind: 'submit',
      aliases: ['transfer'],
      description: 'transfer certificates (where the chaincode allows it outside trades)',
    },
    {
      transaction: 'RetireCertificates',
      kind: 'submit',
      aliases: ['retire'],
      description: 'retire (burn) certificates you hold, keeping the claimed amount',
    },
  ],
};
