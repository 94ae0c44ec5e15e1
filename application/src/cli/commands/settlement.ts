/** `estp settlement …`: accounts, delivery, settlement and certificates (design §4). */
import { evidenceFields, idField, optional, PAGE_FIELDS, required } from './fields';
import type { ContractGroup, FieldSpec } from './types';

const TRADE_ID = idField('tradeId', 'trade ID <marketId>/c/<n> or <marketId>/a/<txId>');
const PROJECT_ID = idField('projectId', 'savings project ID (client-chosen)');
const TREASURY: readonly FieldSpec[] = [
  idField('accountId', 'account (participant ID)'),
  required('amount', 'integer', 'minor currency units'),
  idField('reference', 'client-chosen reference (idempotency key)'),
];

export const settlement: ContractGroup = {
  name: 'settlement',
  contract: 'Settlement',
  description: 'settlement accounts, delivery reports, trade settlement and energy-savings certificates',
  transactions: [
    {
      transaction: 'Deposit',
      kind: 'submit',
      description: 'mint settlement credits into an account (treasurer)',
      fields: TREASURY,
    },
    {
      transaction: 'Withdraw',
      kind: 'submit',
      description: 'burn settlement credits from an account (treasurer)',
      fields: TREASURY,
    },
    {
      transaction: 'GetAccount',
      kind: 'evaluate',
      aliases: ['account'],
      description: "an account's available and escrowed credits (default: the caller's)",
      fields: [idField('participantId', 'whose account', false)],
    },
    {
      transaction: 'ReportDelivery',
      kind: 'submit',
      aliases: ['report'],
      description: "report a trade's delivered quantity (meter operator)",
      fields: [
        TRADE_ID,
        required('deliveredWh', 'integer', 'delivered quantity, Wh'),
        idField('meterId', 'the registered meter read'),
        ...evidenceFields('reading', 'meter reading'),
      ],
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
      description: 'trades of a market or a participant',
      fields: [
        idField('marketId', 'only this market', false),
        idField('participantId', 'only this participant', false),
        ...PAGE_FIELDS,
      ],
      paginated: true,
    },
    {
      transaction: 'RegisterSavingsProject',
      kind: 'submit',
      aliases: ['register-project'],
      description: 'register an energy-savings project (baseline, method, evidence)',
      fields: [
        PROJECT_ID,
        required('title', 'string', 'title'),
        required('method', 'string', 'measurement-and-verification method'),
        required('baselineWh', 'integer', 'baseline consumption, Wh'),
        required('gridZone', 'string', 'grid zone code'),
        ...evidenceFields('evidence', 'project evidence'),
      ],
    },
    {
      transaction: 'IssueCertificates',
      kind: 'submit',
      aliases: ['issue'],
      description: 'issue savings certificates (Wh saved) for a registered project (verifier)',
      fields: [
        PROJECT_ID,
        idField('batchId', 'certificate batch ID (client-chosen)'),
        required('quantityWh', 'integer', 'Wh saved'),
        ...evidenceFields('evidence', 'M&V evidence'),
        optional('periodStart', 'time', 'savings period start'),
        optional('periodEnd', 'time', 'savings period end'),
      ],
    },
    {
      transaction: 'RetireCertificates',
      kind: 'submit',
      aliases: ['retire'],
      description: 'retire (burn) certificates you hold, keeping the claimed amount',
      fields: [
        idField('retirementId', 'retirement ID (client-chosen)'),
        required('quantityWh', 'integer', 'Wh to retire'),
        optional('beneficiary', 'string', 'on whose behalf'),
        optional('purpose', 'string', 'claim'),
      ],
    },
  ],
};
