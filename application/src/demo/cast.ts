/**
 * Who takes part in the demo trading day. Participants are the users network/config/topology.sh
 * enrols (member1..3 of each org); their profiles say what they trade. Everything happens in grid
 * zone ZONE-A.
 */
import type { Actor } from './session';

export const GRID_ZONE = 'ZONE-A';

/** A trading participant of the day and the profile it registers with. */
export interface CastMember extends Actor {
  /** Short label used in the narration. */
  readonly role: string;
  readonly displayName: string;
  readonly kind: 'SUPPLIER' | 'CONSUMER' | 'PROSUMER';
  readonly commodities: readonly ('ELECTRICITY' | 'HEAT' | 'SAVINGS_CERT')[];
  readonly meterIds: readonly string[];
  readonly capacityW: number;
  /** Opening deposit of the day, in cents. */
  readonly deposit: number;
}

/** Community rooftop-PV co-op: sells its midday surplus. (Profile as the smoke test registers it.) */
export const PROSUMER: CastMember = {
  org: 'community',
  user: 'member1',
  role: 'PV co-op',
  displayName: 'Sunny Roofs energy co-op (rooftop PV)',
  kind: 'PROSUMER',
  commodities: ['ELECTRICITY'],
  meterIds: ['M-1'],
  capacityW: 5_000,
  deposit: 5_000,
};

/** Two co-op households buying electricity. */
export const HOUSEHOLD_A: CastMember = {
  org: 'community',
  user: 'member2',
  role: 'household A',
  displayName: 'Berg household',
  kind: 'CONSUMER',
  commodities: ['ELECTRICITY'],
  meterIds: ['M-COMMUNITY-2'],
  capacityW: 0,
  deposit: 2_000,
};

export const HOUSEHOLD_B: CastMember = {
  org: 'community',
  user: 'member3',
  role: 'household B',
  displayName: 'Okafor household',
  kind: 'CONSUMER',
  commodities: ['ELECTRICITY'],
  meterIds: ['M-COMMUNITY-3'],
  capacityW: 0,
  deposit: 2_000,
};

/** A steelworks selling the waste heat of its furnaces. */
export const FACTORY: CastMember = {
  org: 'enterprise',
  user: 'member1',
  role: 'steelworks',
  displayName: 'Northside Steelworks (waste heat)',
  kind: 'SUPPLIER',
  commodities: ['HEAT'],
  meterIds: ['H-ENTERPRISE-1'],
  capacityW: 2_000_000,
  deposit: 5_000,
};

/** A brewery that cut its energy use (the savings project) and buys electricity. */
export const ENTERPRISE_SAVER: CastMember = {
  org: 'enterprise',
  user: 'member2',
  role: 'brewery',
  displayName: 'Hansen Brewery (heat-recovery savings project)',
  kind: 'CONSUMER',
  commodities: ['ELECTRICITY', 'SAVINGS_CERT'],
  meterIds: ['M-ENTERPRISE-2'],
  capacityW: 0,
  deposit: 5_000,
};

/** The utility's district-heating business: buys heat, sells electricity, needs savings certificates. */
export const DISTRICT_HEATING: CastMember = {
  org: 'utility',
  user: 'member1',
  role: 'district heating',
  displayName: 'City District Heating (utility)',
  kind: 'PROSUMER',
  commodities: ['ELECTRICITY', 'HEAT', 'SAVINGS_CERT'],
  meterIds: ['H-UTILITY-1'],
  capacityW: 10_000_000,
  deposit: 20_000,
};

export const CAST: readonly CastMember[] = [
  PROSUMER,
  HOUSEHOLD_A,
  HOUSEHOLD_B,
  FACTORY,
  ENTERPRISE_SAVER,
  DISTRICT_HEATING,
];

/** The org's ESTP admin, who approves its participants. */
export function adminOf(org: string): Actor {
  return { org, user: 'admin' };
}

export const TREASURER: Actor = { org: 'utility', user: 'treasurer' };
export const METER_OPERATOR: Actor = { org: 'utility', user: 'meter' };
export const MARKET_OPERATOR: Actor = { org: 'utility', user: 'admin' };
export const AUDITOR: Actor = { org: 'utility', user: 'auditor' };
/** An arbiter: it rules only as an ACTIVE participant of its org (docs/trust.md), so it registers too. */
export interface Arbiter extends Actor {
  readonly displayName: string;
}

/** Arbiters of the two organisations that are neutral in a dispute between co-op members. */
export const NEUTRAL_ARBITERS: readonly Arbiter[] = [
  { org: 'utility', user: 'arbiter', displayName: 'Utility arbitration desk' },
  { org: 'enterprise', user: 'arbiter', displayName: 'Enterprise arbitration desk' },
];
/**
 * The utility's measurement-and-verification desk. The network enrols only Enterprise's verifier,
 * and a verifier may not certify its own organisation's project, so the demo registers this one
 * with the Utility CA (estp.role=verifier) and enrols it into the wallet.
 */
export const VERIFIER: Actor = { org: 'utility', user: 'verifier' };

/** The participant ID of an actor, as the chaincode forms it. */
export function participantIdOf(actor: Actor, mspId: string): string {
  return `${mspId}:${actor.user}`;
}
