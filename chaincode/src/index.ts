/**
 * The `estp` chaincode: one contract per concern, namespaced by name (`Participant:Register`).
 * Run as a service with `fabric-chaincode-node server` (see network/).
 */
import type { Contract } from 'fabric-contract-api';
import { AuditContract } from './contracts/audit';
import { ConsortiumContract } from './contracts/consortium';
import { DisputeContract } from './contracts/dispute';
import { MarketContract } from './contracts/market';
import { ParticipantContract } from './contracts/participant';
import { SettlementContract } from './contracts/settlement';

export {
  AuditContract,
  ConsortiumContract,
  DisputeContract,
  MarketContract,
  ParticipantContract,
  SettlementContract,
};

/** The contracts fabric-contract-api loads; the first is the default for unqualified names. */
export const contracts: (typeof Contract)[] = [
  ConsortiumContract,
  ParticipantContract,
  MarketContract,
  SettlementContract,
  DisputeContract,
  AuditContract,
];

/** Record and result types for clients (type-only). */
export type * from './records';
